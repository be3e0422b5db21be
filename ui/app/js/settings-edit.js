// Editing an account in place from its row in Settings: its name and its addresses (the ones
// the add form asked for), without removing it, so its rooms and history stay. The backend
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
  const inputFor = (field) => (field === 'display_name' ? name : addresses.find((a) => a.field === field)?.input || null);
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
    el('p', { class: 'help', text: 'A changed address reconnects the account; its rooms, history and keyring secret stay. To use another key or token, remove the account and add it again.' }),
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
    if (!edit.display_name && edit.addresses.length === 0) {
      show(false);
      return;
    }
    save.disabled = true;
    try {
      await onSave(account, edit);
    } catch (e) {
      if (e.kind === 'needs_confirmation') consent.hidden = false;
      if (!showErrorAtField(e, inputFor)) showErrorIn(error, e);
    } finally {
      save.disabled = false;
    }
  });

  return { button, form };
}
