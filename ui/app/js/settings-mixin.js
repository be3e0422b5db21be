// The Mixin parts of the settings screen: importing a bot's keystore (pasted or picked from a
// file), its endpoints, and "Check keystore", which asks Mixin who the keystore belongs to (a
// refusal that names a field is shown at it).

import { byId } from './dom.js';
import { fieldProblem } from './field-errors.js';
import { createCheckResult } from './check-result.js';

export const MIXIN_DEFAULT_BLAZE = 'wss://blaze.mixin.one/';
export const MIXIN_DEFAULT_API = 'https://api.mixin.one';

/** The bot behind a Mixin account, for its row in the account list. */
export function mixinAccountMode(settings) {
  return ` · ${settings.bot_name || 'bot'} (${settings.bot_id})`;
}

/** Checks the Mixin fields; returns a fieldProblem or null. */
export function validateMixin({ keystore = '', blazeUrl = '', apiBase = '' }) {
  const text = keystore.trim();
  if (!text) return fieldProblem('keystore', 'Paste the bot\'s keystore or choose its file.');
  if (text.length > 16384) return fieldProblem('keystore', 'That is too large to be a keystore.');
  try {
    const parsed = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return fieldProblem('keystore', 'The keystore must be a JSON object.');
  } catch {
    return fieldProblem('keystore', 'The keystore is not JSON: paste the whole file, braces included.');
  }
  if (!/^wss?:\/\/\S+$/i.test(blazeUrl.trim())) return fieldProblem('blaze_url', 'The Blaze address must start with wss:// or ws://.');
  if (!/^https?:\/\/\S+$/i.test(apiBase.trim())) return fieldProblem('api_base', 'The API address must start with https:// or http://.');
  return null;
}

/** The form's Mixin fields, and what they send to the backend. */
export function createMixinFields({ onCheck }) {
  const f = {
    keystore: byId('new-mixin-keystore'), file: byId('new-mixin-file'), blaze: byId('new-mixin-blaze'),
    api: byId('new-mixin-api'), check: byId('check-mixin'), result: byId('check-mixin-result'),
  };
  /** The backend's field names (errors' `field`) → inputs. */
  const inputs = { keystore: f.keystore, blaze_url: f.blaze, api_base: f.api };
  const inputFor = (field) => inputs[field] || null;
  f.blaze.value = MIXIN_DEFAULT_BLAZE;
  f.api.value = MIXIN_DEFAULT_API;
  f.file.addEventListener('change', async () => {
    const file = f.file.files && f.file.files[0];
    if (!file) return;
    if (file.size > 16384) {
      f.result.textContent = 'That file is too large to be a keystore.';
      return;
    }
    f.keystore.value = await file.text();
    f.file.value = '';
    f.result.textContent = `Read ${file.name}. Check it or add the bot.`;
  });

  function values() {
    return { keystore: f.keystore.value, blazeUrl: f.blaze.value, apiBase: f.api.value };
  }

  /** {request} for the backend, or {problem}. */
  function request(displayName) {
    const v = values();
    const problem = validateMixin(v);
    if (problem) return { problem };
    return {
      request: {
        service: 'mixin',
        keystore: v.keystore.trim(),
        blaze_url: v.blazeUrl.trim(),
        api_base: v.apiBase.trim(),
        display_name: displayName,
      },
    };
  }

  const check = createCheckResult({
    fieldset: byId('fields-mixin'), button: f.check, result: f.result, inputFor,
    request: () => request(null),
    run: onCheck,
    busy: 'Asking Mixin…',
    success: (bot) => `This keystore belongs to ${bot.bot_name || 'a bot without a name'} (${bot.bot_id}), signing with ${bot.algorithm}.`,
  });

  return {
    request,
    inputFor,
    reset() {
      f.keystore.value = '';
      f.blaze.value = MIXIN_DEFAULT_BLAZE;
      f.api.value = MIXIN_DEFAULT_API;
      check.clear();
    },
  };
}
