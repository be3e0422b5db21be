// The settings screen: the configured accounts (remove), and the form to add one.

import { el, clear, byId } from './dom.js';
import { describeState } from './state.js';
import { createRealtimeFields, realtimeAccountDetails } from './settings-realtime.js';
import { createMixinFields } from './settings-mixin.js';

export const MOCKLY_DEFAULT_ENDPOINT = 'wss://mockly.me/ws/chat/{client_id}';
export const MEXC_DEFAULT_ENDPOINT = 'wss://wbs.p2p.mexc.com/ws';
export const MEXC_DEFAULT_REST = 'https://api.mexc.com';

/** "A1, 22 33" → ['A1', '22', '33']; null when any part is not an order number. */
export function parseOrderNumbers(text) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.some((p) => !/^[A-Za-z0-9_-]{1,64}$/.test(p))) return null;
  return [...new Set(parts)];
}

/** "50012, 50013 50014" → [50012, 50013, 50014]; null when any part is not a whole number. */
export function parseConversationIds(text) {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d{1,18}$/.test(p))) return null;
  return [...new Set(parts.map(Number))];
}

/** Checks the MEXC fields; returns an error message or null. */
export function validateMexc({ auth = 'listen_key', listenKey = '', conversations = '', apiKey = '', apiSecret = '', orders = '', restBase = MEXC_DEFAULT_REST, endpoint }) {
  if (auth === 'api_key') {
    if (!apiKey.trim()) return 'Paste the API key.';
    if (!apiSecret.trim()) return 'Paste the API secret.';
    if (!parseOrderNumbers(orders)) return 'Order numbers are letters, digits and dashes, separated by commas or spaces.';
    if (!/^https?:\/\//i.test(restBase.trim())) return 'The REST API must start with https:// or http://.';
  } else {
    if (!listenKey.trim()) return 'Paste the listenKey.';
    if (!parseConversationIds(conversations)) return 'Enter one or more conversation ids (numbers).';
  }
  if (!/^wss?:\/\//i.test(endpoint.trim())) return 'The endpoint must start with ws:// or wss://.';
  return null;
}

/** Checks the add-account form; returns an error message or null. */
export function validateMockly({ clientId, endpoint }) {
  if (!clientId.trim()) return 'Enter a client id.';
  if (!/^wss?:\/\//i.test(endpoint.trim())) return 'The endpoint must start with ws:// or wss://.';
  return null;
}

export function createSettings({
  onAdd, onRemove, onAddChat = async () => {}, onRemoveChat = async () => {}, onClose,
  onTestRealtime = async () => '', onCheckMixin = async () => ({}), onHideText = async () => {}, onMuteAccount = async () => {}, onAutoMedia = async () => {}, onDesktop = async () => {}, onBrowse = () => {}, onSymbols = async () => {},
}) {
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
  const mexcAuth = byId('new-mexc-auth');
  const apiKey = byId('new-api-key');
  const apiSecret = byId('new-api-secret');
  const orders = byId('new-order-numbers');
  const restBase = byId('new-rest-base');
  const realtime = createRealtimeFields({ onTest: onTestRealtime });
  const mixin = createMixinFields({ onCheck: onCheckMixin });
  const desktopBoxes = { close_to_tray: byId('close-to-tray'), start_at_login: byId('start-at-login'), start_hidden: byId('start-hidden') };
  for (const box of Object.values(desktopBoxes)) {
    box.addEventListener('change', async () => {
      const prefs = Object.fromEntries(Object.entries(desktopBoxes).map(([name, b]) => [name, b.checked]));
      const problem = byId('window-error');
      try {
        await onDesktop(prefs);
        problem.textContent = '';
      } catch (e) {
        box.checked = !box.checked;
        problem.textContent = e.message;
      }
    });
  }
  const hideText = byId('hide-notification-text');
  hideText.addEventListener('change', async () => {
    try {
      await onHideText(hideText.checked);
    } catch {
      hideText.checked = !hideText.checked;
    }
  });
  /** account id -> {node, status, signature} of the rows drawn. */
  const rows = new Map();
  endpoint.value = MOCKLY_DEFAULT_ENDPOINT;
  mexcEndpoint.value = MEXC_DEFAULT_ENDPOINT;
  restBase.value = MEXC_DEFAULT_REST;

  function showMexcFields() {
    byId('mexc-api-fields').hidden = mexcAuth.value !== 'api_key';
    byId('mexc-listen-fields').hidden = mexcAuth.value !== 'listen_key';
    error.textContent = '';
  }
  mexcAuth.addEventListener('change', showMexcFields);

  function showFields() {
    byId('fields-mockly').hidden = service.value !== 'mockly';
    byId('fields-mexc').hidden = service.value !== 'mexc';
    byId('fields-realtime').hidden = service.value !== 'realtime';
    byId('fields-mixin').hidden = service.value !== 'mixin';
    error.textContent = '';
  }
  service.addEventListener('change', showFields);

  /** The request for the chosen service, or an error message. */
  function request() {
    const display_name = displayName.value.trim() || null;
    if (service.value === 'realtime') return realtime.request(display_name);
    if (service.value === 'mixin') return mixin.request(display_name);
    if (service.value === 'mexc') {
      const values = {
        auth: mexcAuth.value, listenKey: listenKey.value, conversations: conversations.value, apiKey: apiKey.value,
        apiSecret: apiSecret.value, orders: orders.value, restBase: restBase.value, endpoint: mexcEndpoint.value,
      };
      const problem = validateMexc(values);
      if (problem) return { problem };
      if (values.auth === 'api_key') {
        return { request: { service: 'mexc', auth: 'api_key', api_key: values.apiKey.trim(), api_secret: values.apiSecret.trim(), order_numbers: parseOrderNumbers(values.orders), rest_base: values.restBase.trim(), endpoint: values.endpoint.trim(), display_name } };
      }
      return { request: { service: 'mexc', auth: 'listen_key', listen_key: values.listenKey.trim(), conversations: parseConversationIds(values.conversations), endpoint: values.endpoint.trim(), display_name } };
    }
    const values = { clientId: clientId.value, endpoint: endpoint.value };
    const problem = validateMockly(values);
    if (problem) return { problem };
    return { request: { service: 'mockly', client_id: values.clientId.trim(), display_name, endpoint: values.endpoint.trim() } };
  }

  function reset() {
    for (const input of [clientId, displayName, listenKey, conversations, apiKey, apiSecret, orders]) input.value = '';
    endpoint.value = MOCKLY_DEFAULT_ENDPOINT;
    mexcEndpoint.value = MEXC_DEFAULT_ENDPOINT;
    restBase.value = MEXC_DEFAULT_REST;
    realtime.reset();
    mixin.reset();
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
      await onAdd(payload, byId('new-auto-media').checked);
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
    /**
     * Draws the account list. A row is rebuilt only when its account's settings change; a
     * status change updates one line. So a field being typed in is never replaced under the
     * user's fingers, and the form below does not jump while accounts connect.
     */
    render(state) {
      hideText.checked = Boolean(state.notifications && state.notifications.hide_text);
      const desktop = state.desktop || { close_to_tray: true, start_at_login: false, start_hidden: false };
      for (const [name, box] of Object.entries(desktopBoxes)) box.checked = Boolean(desktop[name]);
      if (state.accounts.size === 0) {
        clear(list);
        rows.clear();
        list.append(el('li', { class: 'empty', text: 'No accounts.' }));
        return;
      }
      const empty = list.querySelector(':scope > .empty');
      if (empty) empty.remove();
      for (const [id, row] of rows) {
        if (!state.accounts.has(id)) {
          row.node.remove();
          rows.delete(id);
        }
      }
      let index = 0;
      for (const account of state.accounts.values()) {
        const signature = JSON.stringify([account.display_name, account.demo, account.settings]);
        let row = rows.get(account.id);
        if (!row || row.signature !== signature) {
          const fresh = accountRow(account);
          if (row) row.node.replaceWith(fresh.node);
          row = { ...fresh, signature };
          rows.set(account.id, row);
        }
        row.status.textContent = describeState(account.state, Date.now(), account.stateSince);
        // Moved only when out of order: moving a node would take the focus out of its fields.
        if (list.children[index] !== row.node) list.insertBefore(row.node, list.children[index] || null);
        index += 1;
      }
      const mutedAccounts = (state.notifications && state.notifications.muted_accounts) || [];
      for (const box of list.querySelectorAll('input[data-kind="mute"]')) box.checked = mutedAccounts.includes(box.dataset.account);
      for (const box of list.querySelectorAll('input[data-kind="auto-media"]')) box.checked = state.accounts.get(box.dataset.account)?.auto_media === true;
    },
  };

  /** One account's row, and its status line (updated in place). */
  function accountRow(account) {
    const settings = account.settings || {};
    const isMexc = settings.service === 'mexc';
    const isRealtime = settings.service === 'realtime';
    const mode = isMexc ? (settings.auth === 'api_key' ? ' · API key' : ' · listenKey')
      : settings.service === 'mixin' ? ` · ${settings.bot_name || 'bot'} (${settings.bot_id})` : '';
    const status = el('div', { class: 'help' });
    const node = el('li', { class: 'account-row', attrs: { 'data-account': account.id } }, [
      el('div', { class: 'account-details' }, [
        el('div', { class: 'account-name', text: account.display_name }),
        el('div', { class: 'help', text: `${account.service_label}${mode}${settings.client_id ? ` · ${settings.client_id}` : ''}` }),
        el('div', { class: 'help', text: settings.endpoint || settings.blaze_url || '' }),
        status,
        isMexc ? chatList(account, settings) : null,
        isRealtime ? realtimeAccountDetails(account, { onLeave: onRemoveChat, onBrowse, onSymbols }) : null,
        accountSwitch(account, 'mute', 'Mute notifications from this account', onMuteAccount),
        // Loading media tells their host who is looking, so it is a choice per account.
        accountSwitch(account, 'auto-media', 'Load images and videos automatically', onAutoMedia),
      ]),
      el('button', {
        text: account.demo ? 'Remove demo' : 'Remove',
        // The name starts with the visible text, so speech and sight agree.
        attrs: { type: 'button', 'aria-label': `${account.demo ? 'Remove demo' : 'Remove'}: ${account.display_name}` },
        on: { click: () => onRemove(account) },
      }),
    ]);
    return { node, status };
  }

  /**
   * One of an account's own switches: `kind` names it (`data-kind` lets render() set it from the
   * state); a change the backend refuses is undone.
   */
  function accountSwitch(account, kind, label, onChange) {
    const id = `${kind}-${account.id}`;
    const box = el('input', { attrs: { id, type: 'checkbox', 'data-kind': kind, 'data-account': account.id } });
    box.addEventListener('change', () => onChange(account.id, box.checked).catch(() => { box.checked = !box.checked; }));
    return el('div', { class: 'checkbox-row' }, [box, el('label', { text: label, attrs: { for: id } })]);
  }

  /** A MEXC account's order chats, each removable, and a field to open another. */
  function chatList(account, settings) {
    const chats = settings.conversations || [];
    const status = el('p', { class: 'form-error', attrs: { role: 'alert' } });
    const apiMode = settings.auth === 'api_key';
    const input = el('input', { attrs: {
      autocomplete: 'off', spellcheck: 'false', class: 'add-chat-input',
      'aria-label': apiMode ? `Order number to open in ${account.display_name}` : `Conversation id to open in ${account.display_name}`,
      placeholder: apiMode ? 'Order number' : 'Conversation id',
    } });
    const add = async (event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (!value) {
        status.textContent = apiMode ? 'Enter an order number.' : 'Enter a conversation id.';
        return;
      }
      status.textContent = '';
      try {
        await onAddChat(account, value);
      } catch (e) {
        status.textContent = e.message;
      }
    };
    return el('div', { class: 'chat-list' }, [
      el('ul', { attrs: { 'aria-label': `Order chats of ${account.display_name}` } }, chats.map((chat) => {
        const title = chat.order_no ? `Order ${chat.order_no}` : `Order chat ${chat.conversation_id}`;
        return el('li', {}, [
          el('span', { text: title }),
          el('button', {
            class: 'link-button', text: 'Remove',
            attrs: { type: 'button', 'aria-label': `Remove ${title} and its history` },
            on: { click: () => onRemoveChat(account, String(chat.conversation_id)).catch((e) => { status.textContent = e.message; }) },
          }),
        ]);
      })),
      el('form', { class: 'add-chat', on: { submit: add } }, [
        input,
        el('button', { text: 'Open chat', attrs: { type: 'submit' } }),
      ]),
      status,
    ]);
  }
}
