// The settings screen: the configured accounts (remove), and the form to add one.

import { el, clear, byId } from './dom.js';
import { describeState } from './state.js';

export const MOCKLY_DEFAULT_ENDPOINT = 'wss://mockly.me/ws/chat/{client_id}';

/** Checks the add-account form; returns an error message or null. */
export function validateMockly({ clientId, endpoint }) {
  if (!clientId.trim()) return 'Enter a client id.';
  if (!/^wss?:\/\//i.test(endpoint.trim())) return 'The endpoint must start with ws:// or wss://.';
  return null;
}

export function createSettings({ onAdd, onRemove, onClose }) {
  const dialog = byId('settings');
  const list = byId('account-list');
  const form = byId('add-account');
  const clientId = byId('new-client-id');
  const displayName = byId('new-display-name');
  const endpoint = byId('new-endpoint');
  const error = byId('add-account-error');
  const submit = byId('add-account-submit');
  endpoint.value = MOCKLY_DEFAULT_ENDPOINT;

  function close() {
    dialog.hidden = true;
    onClose();
  }
  byId('close-settings').addEventListener('click', close);
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = { clientId: clientId.value, endpoint: endpoint.value };
    const problem = validateMockly(values);
    if (problem) {
      error.textContent = problem;
      return;
    }
    error.textContent = '';
    submit.disabled = true;
    try {
      await onAdd({
        service: 'mockly',
        client_id: values.clientId.trim(),
        display_name: displayName.value.trim() || null,
        endpoint: values.endpoint.trim(),
      });
      clientId.value = '';
      displayName.value = '';
      endpoint.value = MOCKLY_DEFAULT_ENDPOINT;
      close();
    } catch (e) {
      error.textContent = e.message;
    } finally {
      submit.disabled = false;
    }
  });

  return {
    open() {
      dialog.hidden = false;
      clientId.focus();
    },
    isOpen: () => !dialog.hidden,
    render(state) {
      clear(list);
      if (state.accounts.size === 0) {
        list.append(el('li', { class: 'empty', text: 'No accounts.' }));
      }
      for (const account of state.accounts.values()) {
        const settings = account.settings || {};
        list.append(el('li', { class: 'account-row' }, [
          el('div', {}, [
            el('div', { class: 'account-name', text: account.display_name }),
            el('div', { class: 'help', text: `${account.service_label}${settings.client_id ? ` · ${settings.client_id}` : ''}` }),
            el('div', { class: 'help', text: settings.endpoint || '' }),
            el('div', { class: 'help', text: describeState(account.state, Date.now(), account.stateSince) }),
          ]),
          el('button', {
            text: account.demo ? 'Remove demo' : 'Remove',
            attrs: { type: 'button', 'aria-label': `Remove account ${account.display_name}` },
            on: { click: () => onRemove(account) },
          }),
        ]));
      }
    },
  };
}
