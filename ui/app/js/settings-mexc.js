// The MEXC P2P parts of the settings screen: the add-account fields (API key and secret with
// order numbers, or a pasted listenKey with conversation ids; the chat endpoint), and each MEXC
// account's order chats (remove one, open another).

import { groupDigits } from './orders.js';
import { el, byId } from './dom.js';
import { askFirst } from './ask-first.js';
import { fieldProblem } from './field-errors.js';

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

/** Checks the MEXC fields; returns a fieldProblem or null. */
export function validateMexc({ auth = 'listen_key', listenKey = '', conversations = '', apiKey = '', apiSecret = '', orders = '', restBase = MEXC_DEFAULT_REST, endpoint }) {
  if (auth === 'api_key') {
    if (!apiKey.trim()) return fieldProblem('api_key', 'Paste the API key.');
    if (!apiSecret.trim()) return fieldProblem('api_secret', 'Paste the API secret.');
    if (!parseOrderNumbers(orders)) return fieldProblem('orders', 'Order numbers are letters, digits and dashes, separated by commas or spaces.');
    if (!/^https?:\/\//i.test(restBase.trim())) return fieldProblem('rest_base', 'The REST API must start with https:// or http://.');
  } else {
    if (!listenKey.trim()) return fieldProblem('listen_key', 'Paste the listenKey.');
    if (!parseConversationIds(conversations)) return fieldProblem('conversations', 'Enter one or more conversation ids (numbers).');
  }
  if (!/^wss?:\/\//i.test(endpoint.trim())) return fieldProblem('endpoint', 'The endpoint must start with ws:// or wss://.');
  return null;
}

/** The form's MEXC fields, and what they send to the backend. `onModeChange()`: the sign-in mode changed. */
export function createMexcFields({ onModeChange = () => {} } = {}) {
  const f = {
    auth: byId('new-mexc-auth'), listenKey: byId('new-listen-key'), conversations: byId('new-conversations'),
    apiKey: byId('new-api-key'), apiSecret: byId('new-api-secret'), orders: byId('new-order-numbers'),
    restBase: byId('new-rest-base'), endpoint: byId('new-mexc-endpoint'),
  };
  /** The backend's field names (errors' `field`) → inputs. */
  const inputs = {
    listen_key: f.listenKey, conversations: f.conversations, api_key: f.apiKey, api_secret: f.apiSecret,
    orders: f.orders, rest_base: f.restBase, endpoint: f.endpoint,
  };
  f.endpoint.value = MEXC_DEFAULT_ENDPOINT;
  f.restBase.value = MEXC_DEFAULT_REST;
  f.auth.addEventListener('change', () => {
    byId('mexc-api-fields').hidden = f.auth.value !== 'api_key';
    byId('mexc-listen-fields').hidden = f.auth.value !== 'listen_key';
    onModeChange();
  });

  /** {request} for the backend, or {problem}. */
  function request(displayName) {
    const values = {
      auth: f.auth.value, listenKey: f.listenKey.value, conversations: f.conversations.value, apiKey: f.apiKey.value,
      apiSecret: f.apiSecret.value, orders: f.orders.value, restBase: f.restBase.value, endpoint: f.endpoint.value,
    };
    const problem = validateMexc(values);
    if (problem) return { problem };
    if (values.auth === 'api_key') {
      return { request: { service: 'mexc', auth: 'api_key', api_key: values.apiKey.trim(), api_secret: values.apiSecret.trim(), order_numbers: parseOrderNumbers(values.orders), rest_base: values.restBase.trim(), endpoint: values.endpoint.trim(), display_name: displayName } };
    }
    return { request: { service: 'mexc', auth: 'listen_key', listen_key: values.listenKey.trim(), conversations: parseConversationIds(values.conversations), endpoint: values.endpoint.trim(), display_name: displayName } };
  }

  return {
    request,
    inputFor: (field) => inputs[field] || null,
    reset() {
      for (const input of [f.listenKey, f.conversations, f.apiKey, f.apiSecret, f.orders]) input.value = '';
      f.endpoint.value = MEXC_DEFAULT_ENDPOINT;
      f.restBase.value = MEXC_DEFAULT_REST;
    },
  };
}

/** How a MEXC account signs in, for its row in the account list. */
export function mexcAccountMode(settings) {
  return settings.auth === 'api_key' ? ' · API key' : ' · listenKey';
}

/** A MEXC account's order chats, each removable, and a field to open another. */
/** "Sell 1,344.08 USDT · Buyer (demo) · paid": one open order offered as a chat to open. */
function openOrderLabel(order) {
  const side = order.side === 'sell' ? 'Sell' : 'Buy';
  const who = order.counterparty ? ` · ${order.counterparty}` : '';
  return `${side} ${groupDigits(order.quantity)} ${order.coin} for ${groupDigits(order.fiat_total)} ${order.fiat}${who} · ${String(order.status || '').replace(/_/g, ' ')}`;
}

export function mexcAccountDetails(account, { onAddChat, onRemoveChat, onOpenOrders = null }) {
  const settings = account.settings || {};
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
  // API-key accounts can pick chats from the orders MEXC lists as open.
  const picked = el('ul', { class: 'open-orders', attrs: { 'aria-label': `Open orders of ${account.display_name}` }, hidden: true });
  const pick = apiMode && onOpenOrders ? el('button', { text: 'Pick from open orders', attrs: { type: 'button' } }) : null;
  if (pick) {
    pick.addEventListener('click', async () => {
      pick.disabled = true;
      status.textContent = '';
      try {
        const open = await onOpenOrders(account);
        const have = new Set(chats.map((c) => c.order_no));
        picked.replaceChildren(...(open.length ? open.map((order) => el('li', {}, [
          el('span', { text: openOrderLabel(order) }),
          have.has(order.order_no)
            ? el('span', { class: 'help', text: 'open' })
            : el('button', {
              class: 'link-button', text: 'Open chat',
              attrs: { type: 'button', 'aria-label': `Open the chat of order ${order.order_no}` },
              on: { click: () => onAddChat(account, order.order_no).catch((e) => { status.textContent = e.message; }) },
            }),
        ])) : [el('li', { class: 'help', text: 'MEXC lists no open orders for this key.' })]));
        picked.hidden = false;
      } catch (e) {
        status.textContent = e.message;
      } finally {
        pick.disabled = false;
      }
    });
  }
  return el('div', { class: 'chat-list' }, [
    el('ul', { attrs: { 'aria-label': `Order chats of ${account.display_name}` } }, chats.map((chat) => {
      const title = chat.order_no ? `Order ${chat.order_no}` : `Order chat ${chat.conversation_id}`;
      return el('li', {}, [
        el('span', { text: title }),
        el('button', {
          class: 'link-button', text: 'Remove',
          attrs: { type: 'button', 'aria-label': `Remove ${title} and its history` },
          on: {
            click: askFirst({
              question: `Remove ${title}? Its stored messages are deleted from this computer.`,
              confirmText: 'Remove',
              act: () => onRemoveChat(account, String(chat.conversation_id)).catch((e) => { status.textContent = e.message; }),
            }),
          },
        }),
      ]);
    })),
    el('form', { class: 'add-chat', on: { submit: add } }, [
      input,
      el('button', { text: 'Open chat', attrs: { type: 'submit' } }),
      pick,
    ]),
    picked,
    status,
  ]);
}
