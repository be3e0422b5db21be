// The P2P trader's desk in the page (issue 23): an order chat shows its order in the header
// (state, amount, a countdown amber when soon and red when urgent) with a details panel and
// Refresh; the Orders view lists every order waiting-for-you first, finished ones archived, a
// row opening its chat; a key without the permission says why; the rules agree everywhere.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, byId as $, settle, CAPABILITIES, XSS, assertInert } from './page.js';

loadPage();
const orders = await import('../../app/js/orders.js');

const MIN = 60_000;
const now = Date.now();
const details = (over) => ({
  order_no: '1138745987', side: 'sell', coin: 'USDT', quantity: '1344.08', price: '0.93', fiat_total: '1250.00', fiat: 'EUR',
  payment_method: 'SEPA bank transfer', counterparty: 'Buyer (demo)', status: 'paid', status_raw: 'PAID', ...over,
});
const view = (room, d, over = {}) => ({
  account: 'mexc-1', room, order_no: d.order_no, details: d, fetched_ms: now, title: `${d.side === 'sell' ? 'Sell' : 'Buy'} ${d.quantity} ${d.coin} · ${d.counterparty}`,
  turn_by_status: 'nobody', ...over,
});

test('the rules: urgency, whose turn, words, countdowns, order of the list', () => {
  assert.equal(orders.urgency(now + 10 * MIN, now), 'calm');
  assert.equal(orders.urgency(now + 4 * MIN, now), 'soon');
  assert.equal(orders.urgency(now + 90_000, now), 'urgent');
  assert.equal(orders.urgency(now - 1, now), 'overdue');
  const waiting = view('1', details({ status: 'awaiting_payment', side: 'sell' }), { turn_by_status: 'counterparty' });
  assert.equal(orders.orderTurn(waiting, { last_own: true, last_kind: 'text' }), 'counterparty');
  assert.equal(orders.orderTurn(waiting, { last_own: false, last_kind: 'text' }), 'you', 'their message is unanswered');
  assert.equal(orders.orderTurn(waiting, { last_own: false, last_kind: 'system' }), 'counterparty', 'a notice is nobody\'s message');
  assert.equal(orders.statusWords(details({ status: 'paid', side: 'sell' })), 'Paid — check and release the coin');
  assert.equal(orders.statusWords(details({ status: 'paid', side: 'buy' })), 'Paid — waiting for release');
  assert.equal(orders.statusWords(details({ status: 'other', status_raw: 'FROZEN' })), 'FROZEN');
  assert.equal(orders.amountLine(details({})), 'Sell 1,344.08 USDT for 1,250.00 EUR');
  assert.deepEqual(orders.countdown({ details: details({ status: 'awaiting_payment' }), deadline: { at_ms: now + 4 * MIN + 5000, kind: 'payment' } }, now), { text: 'Pay within 4:05', level: 'soon' });
  assert.equal(orders.countdown({ details: details({ status: 'completed' }), deadline: { at_ms: now + MIN, kind: 'payment' } }, now), null, 'a finished order has no countdown');
  const rows = [
    { key: 'done', view: view('d', details({ status: 'completed' })), room: {} },
    { key: 'theirs', view: view('t', details({ status: 'awaiting_payment' }), { turn_by_status: 'counterparty', deadline: { at_ms: now + 3 * MIN, kind: 'payment' } }), room: { last_own: true } },
    { key: 'dispute', view: view('x', details({ status: 'appeal' }), { turn_by_status: 'dispute' }), room: {} },
    { key: 'mine-late', view: view('m2', details({ status: 'paid' }), { turn_by_status: 'you', deadline: { at_ms: now + 20 * MIN, kind: 'appeal_opens' } }), room: {} },
    { key: 'mine-soon', view: view('m1', details({ status: 'paid' }), { turn_by_status: 'you', deadline: { at_ms: now + 2 * MIN, kind: 'appeal_opens' } }), room: {} },
  ];
  assert.deepEqual(orders.sortOrders(rows).map((r) => r.key), ['mine-soon', 'mine-late', 'dispute', 'theirs', 'done']);
});

const calls = [];
let push = null;
const account = { id: 'mexc-1', display_name: 'P2P desk', demo: false, service_label: 'MEXC P2P', settings: { service: 'mexc', auth: 'api_key', conversations: [{ conversation_id: 1001, order_no: '1138745987' }] }, capabilities: CAPABILITIES.mexc, state: { state: 'open' } };
let openOrders = [];
const paid = view('1001', details({}), { turn_by_status: 'you', deadline: { at_ms: now + 90_000, kind: 'appeal_opens' } });
const due = view('1002', details({ order_no: '1138746120', side: 'buy', quantity: '250', fiat_total: '232.50', status: 'awaiting_payment', counterparty: XSS }), { turn_by_status: 'you', deadline: { at_ms: now + 4 * MIN, kind: 'payment' } });
const done = view('1004', details({ order_no: '1138741002', status: 'completed', counterparty: 'Marta P2P' }));
await startOn({
  invoke: async (command, args) => {
    calls.push({ command, args });
    switch (command) {
      case 'snapshot':
        return {
          accounts: [account],
          rooms: [
            { account: 'mexc-1', room: '1001', title: paid.title, unread: 0 },
            { account: 'mexc-1', room: '1002', title: due.title, unread: 0, last_own: false, last_kind: 'text', last_ts_ms: now - 3 * MIN },
            { account: 'mexc-1', room: '1004', title: done.title, unread: 0 },
          ],
          notices: [], alerts: [], orders: [paid, due, done], orders_unavailable: [],
        };
      case 'history':
        return [];
      case 'open_orders':
        if (openOrders instanceof Error) throw openOrders;
        return openOrders;
      case 'add_mexc_chat':
        return '1005';
      case 'refresh_order':
        return { ...paid, fetched_ms: now + 1, details: { ...paid.details, status: 'completed', status_raw: 'DONE' }, deadline: undefined, turn_by_status: 'nobody' };
      default:
        return null;
    }
  },
  channel: (onMessage) => {
    push = onMessage;
    return { id: 1 };
  },
});

const openRoom = async (room) => {
  [...document.querySelectorAll('#room-list button.room')].find((b) => b.dataset.room === `mexc-1\u0000${room}`).click();
  await settle();
};

test('an order chat shows its state, amount and a red countdown in the header, and every detail in the panel', async () => {
  await openRoom('1001');
  const line = $('order-line');
  assert.equal(line.hidden, false);
  assert.match(line.textContent, /Paid — check and release the coin/);
  assert.match(line.textContent, /Sell 1,344\.08 USDT for 1,250\.00 EUR/);
  assert.match(line.textContent, /Waiting for you/);
  const countdown = line.querySelector('.order-countdown');
  assert.match(countdown.textContent, /^Appeal opens in 1:\d\d$/);
  assert.ok(countdown.classList.contains('urgent'), 'red within two minutes');
  assert.equal($('toggle-order').hidden, false);
  assert.equal($('order-panel').hidden, true, 'folded at first: the header line says what matters');
  $('toggle-order').click();
  assert.equal($('order-panel').hidden, false);
  assert.match($('order-panel').textContent, /Order number1138745987/);
  assert.match($('order-panel').textContent, /Payment methodSEPA bank transfer/);
  // When Parley read the order, in words that cannot pass for "the counterparty read it".
  const labels = [...$('order-panel').querySelectorAll('dt')].map((dt) => dt.textContent);
  assert.ok(labels.includes('Details as of'));
  assert.ok(!labels.includes('Read'));
});

test('Refresh reads the order again and shows what changed; the panel folds away and stays folded', async () => {
  const refresh = [...$('order-panel').querySelectorAll('button')].find((b) => b.textContent === 'Refresh');
  refresh.click();
  await settle();
  assert.deepEqual(calls.filter((c) => c.command === 'refresh_order').at(-1).args, { account: 'mexc-1', room: '1001' });
  assert.match($('order-line').textContent, /Completed/);
  assert.equal($('order-line').querySelector('.order-countdown'), null, 'no countdown once finished');
  $('toggle-order').click();
  assert.equal($('order-panel').hidden, true);
  assert.equal($('toggle-order').getAttribute('aria-expanded'), 'false');
  await openRoom('1002');
  assert.equal($('order-panel').hidden, true, 'remembered for the next order chat');
  $('toggle-order').click();
  assert.equal($('order-panel').hidden, false);
  assertInert($('order-panel'), assert);
});

test('a live order event updates the header; a key without the permission says why', async () => {
  push([{ event: 'order', ...due, details: { ...due.details, status: 'paid', status_raw: 'PAID' }, turn_by_status: 'counterparty', deadline: { at_ms: now + 30 * MIN, kind: 'appeal_opens' } }]);
  await settle();
  assert.match($('order-line').textContent, /Paid — waiting for release/);
  push([{ event: 'orders_unavailable', account: 'mexc-1', reason: 'the API key lacks the "P2P Account Read" permission' }]);
  await settle();
  assert.match($('order-panel').textContent, /P2P Account Read permission \(Settings → the account → Edit → Replace the key\)/);
  push([{ event: 'orders_unavailable', account: 'mexc-1', reason: null }]);
  await settle();
  assert.doesNotMatch($('order-panel').textContent, /Replace the key/);
});

test('the Orders view lists live orders waiting-for-you first, archives finished ones, and a row opens its chat', async () => {
  push([{ event: 'order', ...paid }]);
  await settle();
  assert.equal($('open-orders').hidden, false);
  $('open-orders').click();
  await settle();
  assert.equal($('orders-view').hidden, false);
  const live = [...$('orders-list').querySelectorAll('.order-row')];
  assert.deepEqual(live.map((r) => r.querySelector('.order-title').textContent), [paid.title, due.title]);
  assert.match(live[1].textContent, /wrote 3 min ago/, 'time since the counterparty wrote');
  assert.equal($('orders-archive').hidden, false);
  assert.match($('orders-archive').textContent, /1 finished order/);
  assertInert($('orders-view'), assert);
  live[1].querySelector('.order-open').click();
  await settle();
  assert.equal($('orders-view').hidden, true);
  assert.equal($('room-title').textContent, due.title);
});

test('Notifications: an entry about a message opens it in its room; Clear all empties the panel', async () => {
  push([{ event: 'alert', account: 'mexc-1', alert: { kind: 'message', id: 'm1', title: 'Buyer (demo) · Sell', body: 'I paid', priority: null, ts_ms: now, room: '1001', local_id: 7 } }]);
  push([{ event: 'alert', account: 'gone', alert: { kind: 'notification', id: null, title: 'Margin call', body: '', priority: 'high', ts_ms: now } }]);
  await settle();
  $('open-alerts').click();
  await settle();
  const entries = [...$('alert-list').querySelectorAll('li')];
  assert.equal(entries.length, 2);
  assert.equal(entries[1].querySelector('button.alert-open') !== null, true, 'the message entry is a button');
  assert.equal(entries[0].querySelector('button.alert-open'), null, 'an entry about no room is not');
  entries[1].querySelector('button.alert-open').click();
  await settle();
  assert.equal($('alerts-panel').hidden, true);
  const asked = calls.filter((c) => c.command === 'history').slice(-2).map((c) => c.args);
  assert.ok(asked.some((a) => a.room === '1001' && a.before === 8), 'the history around the message');
  $('open-alerts').click();
  await settle();
  assert.equal($('clear-alerts').disabled, false);
  $('clear-alerts').click();
  await settle();
  assert.ok(calls.some((c) => c.command === 'clear_alerts'));
  assert.match($('alert-list').textContent, /No notifications/);
  assert.equal($('clear-alerts').disabled, true);
});

test('Settings offers the account’s open orders to open as chats; one already open says so; a refusal is shown', async () => {
  openOrders = [
    { order_no: '1138745987', side: 'sell', coin: 'USDT', quantity: '1344.08', fiat_total: '1250.00', fiat: 'EUR', counterparty: 'Buyer (demo)', status: 'paid' },
    { order_no: '1138749999', side: 'buy', coin: 'BTC', quantity: '0.015', fiat_total: '1380.00', fiat: 'EUR', counterparty: XSS, status: 'awaiting_payment' },
  ];
  $('open-settings').click();
  await settle();
  const pick = [...document.querySelectorAll('#account-list button')].find((b) => b.textContent === 'Pick from open orders');
  assert.ok(pick, 'offered for an API-key account');
  pick.click();
  await settle();
  const rows = [...document.querySelectorAll('.open-orders li')];
  assert.equal(rows.length, 2);
  assert.match(rows[0].textContent, /Sell 1,344\.08 USDT for 1,250\.00 EUR · Buyer \(demo\) · paid\s*open$/);
  rows[1].querySelector('button').click();
  await settle();
  assert.deepEqual(calls.filter((c) => c.command === 'add_mexc_chat').at(-1).args, { account: 'mexc-1', chat: '1138749999' });
  assertInert($('account-list'), assert);
  openOrders = Object.assign(new Error('the API key lacks the "P2P Account Read" permission'), { kind: 'invalid_input' });
  [...document.querySelectorAll('#account-list button')].find((b) => b.textContent === 'Pick from open orders').click();
  await settle();
  assert.match($('account-list').textContent, /P2P Account Read/);
  $('close-settings').click();
});

