// The settings screen: the configured accounts (remove), and the form to add one.

import { el, clear, byId } from './dom.js';
import { describeState } from './state.js';

export const MOCKLY_DEFAULT_ENDPOINT = 'wss://mockly.me/ws/chat/{client_id}';
export const MEXC_DEFAULT_ENDPOINT = 'wss://wbs.p2p.mexc.com/ws';

/** "50012, 50013 50014" → [50012, 50013, 50014]; null when any part is not a whole number. */
export function parseConversationIds(text) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d{1,18}$/.test(p))) return null;
  return [...new Set(parts.map(Number))];
}

/** Checks the MEXC fields; returns an error message or null. */
export function validateMexc({ listenKey, conversations, endpoint }) {
  if (!listenKey.trim()) return 'Paste the listenKey.';
  if (!parseConversationIds(conversations)) return 'Enter one or more conversation ids (numbers).';
  if (!/^wss?:\/\//i.test(endpoint.trim())) return 'The endpoint must start with ws:// or wss://.';
  return null;
}

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
  const service = byId('new-service');
  const listenKey = byId('new-listen-key');
  const conversations = byId('new-conversations');
  const mexcEndpoint = byId('new-mexc-endpoint');
  endpoint.value = MOCKLY_DEFAULT_ENDPOINT;
  mexcEndpoint.value = MEXC_DEFAULT_ENDPOINT;

  function showFields() {
    byId('fields-mockly').hidden = service.value !== 'mockly';
    byId('fields-mexc').hidden = service.value !== 'mexc';
    error.textContent = '';
  }
  service.addEventListener('change', showFields);

  /** The request for the chosen service, or an error message. */
  function request() {
    const display_name = displayName.value.trim() || null;
    if (service.value === 'mexc') {
      const values = { listenKey: listenKey.value, conversations: conversations.value, endpoint: mexcEndpoint.value };
      const problem = validateMexc(values);
      if (problem) return { problem };
      return { request: { service: 'mexc', listen_key: values.listenKey.trim(), conversations: parseConversationIds(values.conversations), endpoint: values.endpoint.trim(), display_name } };
    }
    const values = { clientId: clientId.value, endpoint: endpoint.value };
    const problem = validateMockly(values);
    if (problem) return { problem };
    return { request: { service: 'mockly', client_id: values.clientId.trim(), display_name, endpoint: values.endpoint.trim() } };
  }

  function reset() {
    for (const input of [clientId, displayName, listenKey, conversations]) input.value = '';
    endpoint.value = MOCKLY_DEFAULT_ENDPOINT;
    mexcEndpoint.value = MEXC_DEFAULT_ENDPOINT;
  }

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
    const { problem, request: payload } = request();
    if (problem) {
      error.textContent = problem;
      return;
    }
    error.textContent = '';
    submit.disabled = true;
    try {
      await onAdd(payload);
      reset();
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
      service.focus();
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
            el('div', { class: 'help', text: `${account.service_label}${settings.client_id ? ` · ${settings.client_id}` : ''}${settings.conversations ? ` · chats ${settings.conversations.join(', ')}` : ''}` }),
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
