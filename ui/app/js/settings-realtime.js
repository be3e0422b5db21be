// The Realtime parts of the settings screen: the add-account fields (server, API key, sign-in
// by password or token, symbols, how to send), "Test connection" (a refusal that names a field
// is shown at it), and each Realtime account's joined rooms and ticker symbols.

import { el, byId } from './dom.js';
import { askFirst } from './ask-first.js';
import { fieldProblem } from './field-errors.js';
import { createCheckResult } from './check-result.js';

/** "eur/usd, GBP/JPY  XAU/USD" → ['EUR/USD', 'GBP/JPY', 'XAU/USD']; null when one is not a symbol. */
export function parseSymbols(text) {
  const parts = text.split(/[\s,;]+/).filter(Boolean).map((s) => s.toUpperCase());
  if (parts.some((p) => !/^[A-Z0-9/:._-]{1,32}$/.test(p))) return null;
  return [...new Set(parts)];
}

/** Checks the Realtime fields; returns a fieldProblem or null. */
export function validateRealtime({ baseUrl = '', apiKey = '', login = 'password', email = '', password = '', token = '', symbols = '', wsUrl = '' }) {
  if (!/^https?:\/\/[^\s/]+/i.test(baseUrl.trim())) return fieldProblem('base_url', 'The server address must start with https:// or http://.');
  if (!apiKey.trim()) return fieldProblem('api_key', 'Paste the platform API key.');
  if (login === 'token') {
    if (!token.trim()) return fieldProblem('api_token', 'Paste the token.');
  } else {
    if (!email.trim()) return fieldProblem('email', 'Enter the email you sign in with.');
    if (!password) return fieldProblem('password', 'Enter the password.');
  }
  if (!parseSymbols(symbols)) return fieldProblem('symbols', 'Symbols look like EUR/USD, separated by commas.');
  if (wsUrl.trim() && !/^wss?:\/\//i.test(wsUrl.trim())) return fieldProblem('ws_url', 'The live socket address must start with wss:// or ws://.');
  return null;
}

/** The form's Realtime fields, and what they send to the backend. */
export function createRealtimeFields({ onTest }) {
  const f = {
    base: byId('new-rt-base'), key: byId('new-rt-key'), login: byId('new-rt-login'), email: byId('new-rt-email'),
    password: byId('new-rt-password'), token: byId('new-rt-token'), symbols: byId('new-rt-symbols'),
    send: byId('new-rt-send'), ws: byId('new-rt-ws'), test: byId('test-realtime'), result: byId('test-realtime-result'),
  };
  /** The backend's field names (errors' `field`) → inputs. */
  const inputs = { base_url: f.base, api_key: f.key, email: f.email, password: f.password, api_token: f.token, symbols: f.symbols, ws_url: f.ws };
  const inputFor = (field) => inputs[field] || null;
  f.login.addEventListener('change', () => {
    byId('rt-password-fields').hidden = f.login.value !== 'password';
    byId('rt-token-fields').hidden = f.login.value !== 'token';
  });

  function values() {
    return {
      baseUrl: f.base.value, apiKey: f.key.value, login: f.login.value, email: f.email.value,
      password: f.password.value, token: f.token.value, symbols: f.symbols.value, wsUrl: f.ws.value,
    };
  }

  /** {request} for the backend, or {problem}. */
  function request(displayName) {
    const v = values();
    const problem = validateRealtime(v);
    if (problem) return { problem };
    return {
      request: {
        service: 'realtime',
        base_url: v.baseUrl.trim(),
        ws_url: v.wsUrl.trim() || null,
        api_key: v.apiKey.trim(),
        token: v.login === 'token' ? v.token.trim() : '',
        email: v.login === 'password' ? v.email.trim() : '',
        password: v.login === 'password' ? v.password : '',
        symbols: parseSymbols(v.symbols),
        send_over: f.send.value,
        display_name: displayName,
      },
    };
  }

  const check = createCheckResult({
    fieldset: byId('fields-realtime'), button: f.test, result: f.result, inputFor,
    request: () => request(null),
    run: onTest,
    busy: 'Testing: reaching the server, signing in, opening the live socket…',
    success: (report) => (report && typeof report.summary === 'string' ? report.summary : String(report)),
  });

  return {
    request,
    inputFor,
    reset() {
      for (const input of [f.base, f.key, f.email, f.password, f.token, f.symbols, f.ws]) input.value = '';
      check.clear();
    },
  };
}

/** A Realtime account's joined rooms (each can be left), "Browse rooms", and its symbols. */
export function realtimeAccountDetails(account, { onLeave, onBrowse, onSymbols }) {
  const settings = account.settings || {};
  const status = el('p', { class: 'form-error', attrs: { role: 'alert' } });
  const symbols = el('input', { attrs: {
    class: 'add-chat-input', autocomplete: 'off', spellcheck: 'false', value: (settings.symbols || []).join(', '),
    'aria-label': `Market symbols of ${account.display_name}`,
  } });
  const saveSymbols = async (event) => {
    event.preventDefault();
    const list = parseSymbols(symbols.value);
    if (!list) {
      status.textContent = 'Symbols look like EUR/USD, separated by commas.';
      return;
    }
    status.textContent = '';
    try {
      await onSymbols(account, list);
    } catch (e) {
      status.textContent = e.message;
    }
  };
  return el('div', { class: 'chat-list' }, [
    el('div', { class: 'help', text: settings.base_url || '' }),
    el('ul', { attrs: { 'aria-label': `Rooms joined by ${account.display_name}` } }, (settings.rooms || []).map((room) => el('li', {}, [
      el('span', { text: room.name }),
      el('button', {
        class: 'link-button', text: 'Leave',
        attrs: { type: 'button', 'aria-label': `Leave ${room.name} and forget its history here` },
        on: {
          click: askFirst({
            question: `Leave ${room.name}? Its history here is forgotten.`,
            confirmText: 'Leave',
            act: () => onLeave(account, room.id).catch((e) => { status.textContent = e.message; }),
          }),
        },
      }),
    ]))),
    el('button', { text: 'Browse rooms', attrs: { type: 'button', 'aria-label': `Browse rooms of ${account.display_name}` }, on: { click: () => onBrowse(account) } }),
    el('form', { class: 'add-chat', on: { submit: saveSymbols } }, [symbols, el('button', { text: 'Save symbols', attrs: { type: 'submit' } })]),
    status,
  ]);
}
