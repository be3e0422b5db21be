// Editing an account in place from its row in Settings: its name, its addresses (the ones
// the add form asked for) and its key, token or keystore, without removing it, so its rooms
// and history stay. The backend
// checks the change like the add form's (parley-core engine/account_edit.rs) and a refusal that
// names a field is shown at that field.

import { el } from './dom.js';
import { showErrorAtField, clearFieldErrors, fieldProblem } from './field-errors.js';
import { showErrorIn } from './error-view.js';

/** The addresses of each service an edit can change: the backend's field name, the label, the value. */
const ADDRESSES = {
  mockly: (s) => [['endpoint', 'Endpoint', s.endpoint]],
  mexc: (s) => [['endpoint', 'Chat endpoint', s.endpoint], ['rest_base', 'REST API', s.rest_base]],
  realtime: (s) => [['base_url', 'Server address', s.base_url], ['ws_url', 'Live socket address (optional)', s.ws_url || '']],
  mixin: (s) => [['blaze_url', 'Blaze address', s.blaze_url], ['api_base', 'API address', s.api_base]],
};

/**
 * The credential an account's secret is made from, as the add form asks for it: [field (the
 * backend's), label, input type]. A listenKey account gets a listenKey, an API-key one a key and
 * secret, Realtime signs in again, a Mixin bot takes a new keystore; mockly has none.
 */
const CREDENTIALS = {
  mexc: (s) => (s.auth === 'api_key'
    ? [['api_key', 'New API key', 'password'], ['api_secret', 'New API secret', 'password']]
    : [['listen_key', 'New listenKey', 'password']]),
  realtime: () => [['api_key', 'API key', 'password'], ['email', 'Email', 'email'], ['password', 'Password', 'password']],
  mixin: () => [['keystore', 'New keystore (JSON)', 'textarea']],
};

/** The credential fields of `settings`, as [field, label, type]; none for mockly. */
export function credentialFields(settings) {
  return Object.hasOwn(CREDENTIALS, settings.service) ? CREDENTIALS[settings.service](settings) : [];
}

/** The add form's request for the replacement credential, with the account's (edited) addresses. */
function credentialRequest(settings, values, addressOf) {
  switch (settings.service) {
    case 'mexc':
      return settings.auth === 'api_key'
        ? { service: 'mexc', auth: 'api_key', api_key: values.api_key, api_secret: values.api_secret }
        : { service: 'mexc', auth: 'listen_key', listen_key: values.listen_key };
    case 'realtime':
      return { service: 'realtime', base_url: addressOf('base_url'), api_key: values.api_key, email: values.email, password: values.password };
    case 'mixin':
      return { service: 'mixin', keystore: values.keystore };
    default:
      return null;
  }
}

/** The addresses `settings` has, as [field, label, value]. */
export function editableAddresses(settings) {
  const of = Object.hasOwn(ADDRESSES, settings.service) ? ADDRESSES[settings.service] : null;
  return of ? of(settings).filter(([, , value]) => typeof value === 'string') : [];
}

/**
 * The "Edit" button of an account's row and the form it opens under the row. `onSave(account,
 * edit)` sends `{display_name?, addresses: [{field, value}]}` with only what changed.
 */
export function accountEditor(account, { onSave }) {
  const settings = account.settings || {};
  const idOf = (field) => `edit-${field}-${account.id}`;
  const name = el('input', { attrs: { id: idOf('display_name'), value: account.display_name, autocomplete: 'off', maxlength: 256 } });
  const addresses = editableAddresses(settings).map(([field, label, value]) => ({
    field, label, value,
    input: el('input', { attrs: { id: idOf(field), value, autocomplete: 'off', spellcheck: 'false' } }),
  }));
  // Replacing the key or token: closed until asked for, its fields never prefilled.
  const credentials = credentialFields(settings).map(([field, label, type]) => ({
    field, label,
    input: type === 'textarea'
      ? el('textarea', { attrs: { id: idOf(`new-${field}`), rows: 4, autocomplete: 'off', spellcheck: 'false' } })
      : el('input', { attrs: { id: idOf(`new-${field}`), type, autocomplete: 'off', spellcheck: 'false' } }),
  }));
  const replaceId = `edit-replace-${account.id}`;
  const replaceBox = el('input', { attrs: { id: replaceId, type: 'checkbox' } });
  const replaceFields = el('div', { class: 'account-edit-credentials', hidden: true },
    credentials.flatMap((c) => [el('label', { text: c.label, attrs: { for: c.input.id } }), c.input]));
  replaceBox.addEventListener('change', () => {
    replaceFields.hidden = !replaceBox.checked;
    if (replaceBox.checked && credentials.length) credentials[0].input.focus();
  });
  const replaceLabel = settings.service === 'realtime' ? 'Sign in again (a new token)' : settings.service === 'mixin' ? 'Replace the keystore' : 'Replace the key';
  const replace = credentials.length
    ? el('div', {}, [el('div', { class: 'checkbox-row' }, [replaceBox, el('label', { text: replaceLabel, attrs: { for: replaceId } })]), replaceFields])
    : null;
  const inputFor = (field) => {
    if (field === 'display_name') return name;
    // While replacing, a refusal of the key or token is about the new one.
    const credential = replaceBox.checked ? credentials.find((c) => c.field === field) : null;
    return credential?.input || addresses.find((a) => a.field === field)?.input || null;
  };
  const error = el('div', { class: 'form-error', attrs: { role: 'alert' } });
  // Shown once the backend asks (needs_confirmation): a plain address on another machine that
  // the account's credentials would travel to, as the add form asks.
  const consentId = `edit-unencrypted-${account.id}`;
  const consentBox = el('input', { attrs: { id: consentId, type: 'checkbox' } });
  const consent = el('div', { class: 'checkbox-row', hidden: true }, [
    consentBox, el('label', { text: 'Send my credentials to this address unencrypted', attrs: { for: consentId } }),
  ]);
  const save = el('button', { text: 'Save', attrs: { type: 'submit' } });
  const button = el('button', {
    text: 'Edit', class: 'edit-account',
    attrs: { type: 'button', 'aria-expanded': 'false', 'aria-label': `Edit: ${account.display_name}`, 'data-focus-key': `edit-${account.id}` },
  });
  const form = el('form', { class: 'account-edit', attrs: { 'aria-label': `Edit ${account.display_name}` }, hidden: true }, [
    el('label', { text: 'Name', attrs: { for: name.id } }), name,
    ...addresses.flatMap((a) => [el('label', { text: a.label, attrs: { for: a.input.id } }), a.input]),
    replace,
    el('p', { class: 'help', text: 'A changed address or a new key reconnects the account; its rooms and history stay. A new key, token or keystore is checked with the service before it replaces the one in the keyring, and must belong to the same account (another bot or user is added as a new account).' }),
    consent,
    el('div', { class: 'account-edit-buttons' }, [
      save,
      el('button', { text: 'Cancel', attrs: { type: 'button' }, on: { click: () => show(false) } }),
    ]),
    error,
  ]);

  function show(open) {
    form.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) name.focus();
    else {
      clearFieldErrors(form);
      showErrorIn(error, null);
      button.focus();
    }
  }
  button.addEventListener('click', () => show(form.hidden));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    showErrorIn(error, null);
    if (!name.value.trim()) {
      showErrorAtField(fieldProblem('display_name', 'Give the account a name.'), inputFor);
      return;
    }
    const edit = { allow_unencrypted: !consent.hidden && consentBox.checked, addresses: addresses.filter((a) => a.input.value.trim() !== a.value).map((a) => ({ field: a.field, value: a.input.value.trim() })) };
    if (name.value.trim() !== account.display_name) edit.display_name = name.value.trim();
    if (replaceBox.checked) {
      const values = Object.fromEntries(credentials.map((c) => [c.field, c.input.value.trim()]));
      const missing = credentials.find((c) => !values[c.field]);
      if (missing) {
        showErrorAtField(fieldProblem(missing.field, `Give the ${missing.label.replace(/^New /, '').toLowerCase()}.`), inputFor);
        return;
      }
      const addressOf = (field) => {
        const a = addresses.find((x) => x.field === field);
        return a ? a.input.value.trim() : '';
      };
      edit.credentials = { ...credentialRequest(settings, values, addressOf), allow_unencrypted: edit.allow_unencrypted };
    }
    if (!edit.display_name && edit.addresses.length === 0 && !edit.credentials) {
      show(false);
      return;
    }
    save.disabled = true;
    try {
      await onSave(account, edit);
      // The new key is in the keyring now: it does not stay in the page.
      for (const c of credentials) c.input.value = '';
      replaceBox.checked = false;
      replaceFields.hidden = true;
    } catch (e) {
      if (e.kind === 'needs_confirmation') consent.hidden = false;
      if (!showErrorAtField(e, inputFor)) showErrorIn(error, e);
    } finally {
      save.disabled = false;
    }
  });

  return { button, form };
}
