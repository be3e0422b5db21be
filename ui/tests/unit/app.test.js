// The whole page against a fake backend: what a user sees and what the backend is asked.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, nextFrame, XSS, assertInert, CAPABILITIES } from './page.js';

loadPage();
const { setBackend } = await import('../../app/js/ipc.js');
const { startApp } = await import('../../app/js/app.js');

const calls = [];
let push = null;
const account = { id: 'demo-mockly', display_name: 'Demo room', demo: true, service_label: 'mockly.me chat', settings: { service: 'mockly', client_id: 'you', endpoint: 'ws://127.0.0.1:1/ws/chat/{client_id}' }, capabilities: CAPABILITIES.mockly, state: { state: 'open' } };
const history = [
  { local_id: 1, account: 'demo-mockly', room: 'public', id: 'msg_1', sender_id: 'bot_ada', sender_name: 'Ada Bot', own: false, kind: 'text', text: XSS, ts_ms: Date.now(), ts_raw: '', state: 'sent', error: null },
];

setBackend({
  invoke: async (command, args) => {
    calls.push({ command, args });
    switch (command) {
      case 'snapshot':
        return { accounts: [account], rooms: [{ account: 'demo-mockly', room: 'public', title: 'Public room', unread: 0 }], notices: [] };
      case 'history':
        if (args.after) return [];
        return args.before ? history.filter((m) => m.local_id < args.before) : history;
      case 'search_messages':
        return [{ ...history[0], text: `Selling USDT now ${XSS}` }];
      case 'send_message':
        if (args.text.includes('refuse')) throw 'message refused before sending: the message is empty';
        return {};
      case 'add_account':
        return { id: 'mockly-1' };
      default:
        return null;
    }
  },
  channel: (onMessage) => {
    push = onMessage;
    return { id: 1 };
  },
});

const app = await startApp();
after(() => {
  app.stop();
  window.close();
});
const $ = (id) => document.getElementById(id);

test('the first room opens with its history, and HTML from the network stays text', () => {
  assert.equal($('room-title').textContent, 'Public room');
  const text = $('timeline').querySelector('.text');
  assert.equal(text.textContent, XSS);
  assertInert($('timeline'), assert);
  assert.match($('room-status').textContent, /Connected/);
  assert.ok($('banners').textContent.includes('Demo workspace'));
});

test('a batch of events becomes messages, presence and a status in one frame', async () => {
  push([
    { event: 'presence', account: 'demo-mockly', room: 'public', online: 5 },
    { event: 'message', local_id: 2, account: 'demo-mockly', room: 'public', id: 'msg_2', sender_id: 'user_7', sender_name: null, own: false, kind: 'text', text: 'fresh news', ts_ms: Date.now(), ts_raw: '', state: 'sent', error: null },
    { event: 'status', account: 'demo-mockly', state: { state: 'backoff', attempt: 2, retry_in_ms: 5000, reason: 'the server closed the connection' } },
  ]);
  await nextFrame();
  assert.ok([...$('timeline').querySelectorAll('.text')].some((n) => n.textContent === 'fresh news'));
  assert.equal($('room-online').textContent, '', 'no count heard before the connection dropped');
  assert.match($('room-status').textContent, /Reconnecting in \d s — the server closed the connection/);
  push([{ event: 'status', account: 'demo-mockly', state: { state: 'open' } }]);
  await nextFrame();
  assert.equal($('room-online').textContent, '5 online');
});

test('a small batch is taken at once, so more can come for the same frame; a big one is answered once drawn', async () => {
  const drawnCalls = (from) => calls.slice(from).filter((c) => c.command === 'events_drawn');
  let before = calls.length;
  push([{ event: 'presence', account: 'demo-mockly', room: 'public', online: 6 }]);
  push([{ event: 'presence', account: 'demo-mockly', room: 'public', online: 7 }]);
  // Both fit the next frame: each is acknowledged as it arrives, before anything is drawn.
  assert.deepEqual(drawnCalls(before), [
    { command: 'events_drawn', args: { batches: 1 } },
    { command: 'events_drawn', args: { batches: 1 } },
  ]);
  assert.notEqual($('room-online').textContent, '7 online', 'not drawn before the frame');
  await nextFrame();
  assert.equal($('room-online').textContent, '7 online');
  assert.equal(drawnCalls(before).length, 2, 'nothing acknowledged twice');
  // A backlog: the frame already holds more than a frame's worth, so the page answers only once
  // it drew them, and the backend holds what comes meanwhile.
  before = calls.length;
  const presence = (online) => ({ event: 'presence', account: 'demo-mockly', room: 'public', online });
  push(Array.from({ length: 100 }, (_, i) => presence(100 + i)));
  push([presence(300)]);
  assert.equal(drawnCalls(before).length, 0, 'not before the frame');
  await nextFrame();
  assert.equal($('room-online').textContent, '300 online');
  assert.deepEqual(drawnCalls(before), [{ command: 'events_drawn', args: { batches: 2 } }]);
});

test('an account that keeps failing to reconnect offers "Retry now"', async () => {
  push([{ event: 'status', account: 'demo-mockly', state: { state: 'backoff', attempt: 3, retry_in_ms: 8000, reason: 'cannot reach the server: Connection refused' } }]);
  await nextFrame();
  const banner = [...$('banners').querySelectorAll('.banner.warning')].find((b) => b.textContent.includes('is offline'));
  assert.ok(banner, 'an offline banner');
  assert.match(banner.querySelector('.error-summary').textContent, /^Demo room is offline, retrying in \d s\.$/);
  assert.match(banner.querySelector('details').textContent, /Reconnecting in \d s — cannot reach the server/, 'the reason one click away');
  banner.querySelector('button').click();
  assert.deepEqual(calls.at(-1), { command: 'reconnect_now', args: { account: 'demo-mockly' } });
});

test('a stopped account shows its reason with retry and settings buttons', async () => {
  push([{ event: 'status', account: 'demo-mockly', state: { state: 'stopped', reason: 'HTTP 404; check the endpoint URL in settings' } }]);
  await nextFrame();
  const banner = [...$('banners').querySelectorAll('.banner.error')].find((b) => b.textContent.includes('HTTP 404'));
  assert.ok(banner, 'a stop banner');
  banner.querySelector('button').click();
  assert.deepEqual(calls.at(-1), { command: 'reconnect_now', args: { account: 'demo-mockly' } });
});

test('the composer sends to the open room and shows a refusal', async () => {
  $('composer-input').value = 'hello there';
  $('composer').dispatchEvent(new window.Event('submit', { cancelable: true }));
  await nextFrame();
  assert.deepEqual(calls.find((c) => c.command === 'send_message').args, { account: 'demo-mockly', room: 'public', text: 'hello there', attachment: null, replyTo: null });
  assert.equal($('composer-attach').hidden, true, 'a mockly room offers text only');
  assert.equal($('composer-input').value, '', 'the input clears after sending');

  $('composer-input').value = 'please refuse';
  $('composer').dispatchEvent(new window.Event('submit', { cancelable: true }));
  await nextFrame();
  assert.match($('composer-error').textContent, /refused/);
  assert.equal($('composer-input').value, 'please refuse', 'a refused message stays in the input');
});

test('settings refuse an empty client id and add a valid account', async () => {
  $('open-settings').click();
  assert.equal($('settings').hidden, false);
  assert.ok($('account-list').querySelector('button[aria-label="Remove demo: Demo room"]'), 'accounts are listed as soon as settings open');
  $('new-client-id').value = '   ';
  $('add-account').dispatchEvent(new window.Event('submit', { cancelable: true }));
  assert.equal($('new-client-id-error').textContent, 'Enter a client id.', 'at the field, not under the form');
  assert.equal($('new-client-id').getAttribute('aria-invalid'), 'true');
  assert.equal(document.activeElement, $('new-client-id'));
  assert.equal($('add-account-error').textContent, '');
  assert.ok(!calls.some((c) => c.command === 'add_account'));

  $('new-client-id').value = 'trader_42';
  $('new-display-name').value = 'My mockly';
  $('add-account').dispatchEvent(new window.Event('submit', { cancelable: true }));
  await nextFrame();
  const add = calls.find((c) => c.command === 'add_account');
  assert.deepEqual(add.args.request, { service: 'mockly', client_id: 'trader_42', display_name: 'My mockly', endpoint: 'wss://mockly.me/ws/chat/{client_id}' });
  assert.equal($('settings').hidden, true, 'settings close after adding');
});

test('a MEXC account is added with its listenKey and order chats, and the key field is cleared', async () => {
  $('open-settings').click();
  $('new-service').value = 'mexc';
  $('new-service').dispatchEvent(new window.Event('change'));
  assert.equal($('fields-mexc').hidden, false);
  assert.equal($('fields-mockly').hidden, true);
  assert.equal($('new-mexc-auth').value, 'api_key', 'API-key mode is the default');
  $('new-mexc-auth').value = 'listen_key';
  $('new-mexc-auth').dispatchEvent(new window.Event('change'));
  assert.equal($('mexc-api-fields').hidden, true);
  assert.equal($('new-listen-key').getAttribute('type'), 'password');

  $('new-listen-key').value = 'abc123listenkey';
  $('new-conversations').value = '50012, x';
  $('add-account').dispatchEvent(new window.Event('submit', { cancelable: true }));
  assert.match($('new-conversations-error').textContent, /conversation ids/);

  $('new-conversations').value = '50012, 50013 50012';
  $('add-account').dispatchEvent(new window.Event('submit', { cancelable: true }));
  await nextFrame();
  const add = calls.filter((c) => c.command === 'add_account').at(-1);
  assert.deepEqual(add.args.request, { service: 'mexc', auth: 'listen_key', listen_key: 'abc123listenkey', conversations: [50012, 50013], endpoint: 'wss://wbs.p2p.mexc.com/ws', display_name: null });
  assert.equal($('new-listen-key').value, '', 'the key does not stay in the page');
});

test('a MEXC account in API-key mode sends key, secret and order numbers, then forgets them', async () => {
  $('open-settings').click();
  $('new-service').value = 'mexc';
  $('new-service').dispatchEvent(new window.Event('change'));
  $('new-mexc-auth').value = 'api_key';
  $('new-mexc-auth').dispatchEvent(new window.Event('change'));
  assert.equal($('mexc-listen-fields').hidden, true);
  assert.equal($('new-api-secret').getAttribute('type'), 'password');
  $('new-api-key').value = 'mx0vKEY';
  $('add-account').dispatchEvent(new window.Event('submit', { cancelable: true }));
  assert.equal($('new-api-secret-error').textContent, 'Paste the API secret.');
  assert.equal(document.activeElement, $('new-api-secret'), 'the first bad field takes the focus');
  $('new-api-secret').value = 's3cret';
  $('new-order-numbers').value = '1138745987, <script>';
  $('add-account').dispatchEvent(new window.Event('submit', { cancelable: true }));
  assert.equal($('new-api-secret-error'), null, 'the secret, now filled, is no longer marked');
  assert.match($('new-order-numbers-error').textContent, /Order numbers/);
  $('new-order-numbers').value = '1138745987 A-77';
  $('add-account').dispatchEvent(new window.Event('submit', { cancelable: true }));
  await nextFrame();
  const add = calls.filter((c) => c.command === 'add_account').at(-1);
  assert.deepEqual(add.args.request, { service: 'mexc', auth: 'api_key', api_key: 'mx0vKEY', api_secret: 's3cret', order_numbers: ['1138745987', 'A-77'], rest_base: 'https://api.mexc.com', endpoint: 'wss://wbs.p2p.mexc.com/ws', display_name: null });
  assert.equal($('new-api-key').value + $('new-api-secret').value, '', 'neither stays in the page');
});

test('every control has an accessible name', () => {
  for (const control of document.querySelectorAll('button, input, select, textarea')) {
    const labelled = control.getAttribute('aria-label') || control.textContent.trim() ||
      (control.id && document.querySelector(`label[for="${control.id}"]`));
    assert.ok(labelled, `control without a name: ${control.outerHTML.slice(0, 80)}`);
  }
});

test('the sidebar\'s "Search messages" searches every room, even with a room open', async () => {
  $('open-search').click();
  assert.equal($('search').hidden, false);
  $('search-input').value = 'release';
  $('search-input').dispatchEvent(new window.Event('input'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(calls.filter((c) => c.command === 'search_messages').at(-1).args, { query: 'release' });
  assert.match($('search-input').placeholder, /every room/);
  $('search').dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
  assert.equal($('search').hidden, true);
});

test('Ctrl+F searches the open room, again every room, marks the words, and opens the room at the message found', async () => {
  document.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'f', ctrlKey: true, bubbles: true }));
  assert.equal($('search').hidden, false);
  $('search-input').value = 'usdt';
  $('search-input').dispatchEvent(new window.Event('input'));
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(calls.filter((c) => c.command === 'search_messages').at(-1).args, { query: 'usdt', account: 'demo-mockly', room: 'public' });
  $('search-input').dispatchEvent(new window.KeyboardEvent('keydown', { key: 'f', ctrlKey: true, bubbles: true }));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(calls.filter((c) => c.command === 'search_messages').at(-1).args, { query: 'usdt' });
  const item = $('search-list').querySelector('.search-item');
  assert.equal(item.querySelector('mark').textContent, 'USDT');
  assert.match(item.textContent, /Public room · Ada Bot/);
  assertInert($('search-list'), assert);
  $('search').dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  await nextFrame();
  await nextFrame();
  assert.equal($('search').hidden, true);
  const asked = calls.filter((c) => c.command === 'history').slice(-2).map((c) => c.args);
  assert.deepEqual(asked.map((a) => [a.before, a.after]), [[2, undefined], [undefined, 1]]);
  assert.ok($('timeline').querySelector('[data-local-id="1"]').classList.contains('found'));
});
