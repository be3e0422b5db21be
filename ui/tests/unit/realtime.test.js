// A Realtime community in the page, against a fake backend: ticker, typing, presence, the
// notifications panel, the room directory, the composer's limits and the settings form.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, nextFrame, XSS, assertInert, CAPABILITIES } from './page.js';

loadPage();
const { setBackend } = await import('../../app/js/ipc.js');
const { startApp } = await import('../../app/js/app.js');
const { validateRealtime, parseSymbols } = await import('../../app/js/settings-realtime.js');
const { validateSize } = await import('../../app/js/composer.js');

const calls = [];
let push = null;
let sendError = null;
const account = {
  id: 'rt-1', display_name: 'Community', demo: false, service_label: 'Realtime trading community',
  settings: { service: 'realtime', base_url: 'https://api.example.com', user_id: 'user_me', rooms: [{ id: 'room_123', name: 'EUR/USD Trading Room' }], symbols: ['EUR/USD', 'XAU/USD'] },
  capabilities: CAPABILITIES.realtime,
  state: { state: 'open' },
};
const message = (local_id, text, extra = {}) => ({ local_id, account: 'rt-1', room: 'room_123', id: `msg_${local_id}`, sender_id: 'user_7', sender_name: 'Maria Lopez', own: false, kind: 'text', text, ts_ms: Date.now(), ts_raw: '', state: 'sent', error: null, ...extra });

setBackend({
  invoke: async (command, args) => {
    calls.push({ command, args });
    switch (command) {
      case 'snapshot':
        return { accounts: [account], rooms: [{ account: 'rt-1', room: 'room_123', title: 'EUR/USD Trading Room', unread: 0 }], notices: [], alerts: [] };
      case 'history':
        return args.before ? [] : [message(10, 'Watching 1.0850')];
      case 'load_older':
        return { messages: [], exhausted: true };
      case 'send_message':
        if (sendError) throw sendError;
        return {};
      case 'room_directory':
        return { items: [
          { id: 'room_123', name: 'EUR/USD Trading Room', description: 'Discuss EUR/USD', type: 'public', memberCount: 234, activeNow: 45, createdBy: 'user_me' },
          { id: 'room_9', name: XSS, description: XSS, type: 'public', memberCount: 1, activeNow: 1, createdBy: 'user_7' },
        ], page: 1, limit: 20, total: 2, pages: 1 };
      case 'delete_room':
        throw { kind: 'service_refused', message: "The server didn't accept the request (Only the creator or an admin can delete this chatroom).", detail: 'the server refused the request (HTTP 403): Only the creator or an admin can delete this chatroom (error id 7f0c)' };
      case 'join_room':
        return args.room;
      case 'test_realtime':
        return {
          summary: 'Connected: the REST API answered (2 rooms in the directory) and the live socket accepted the token.',
          steps: [
            { label: 'Server reached', outcome: 'passed' },
            { label: 'Signed in', outcome: 'passed', detail: `as ${XSS}` },
            { label: 'Rooms listed', outcome: 'passed', detail: '2 rooms in the directory' },
            { label: 'Live socket authenticated', outcome: 'passed' },
          ],
        };
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

test('the ticker shows each symbol as sent, and moves with coalesced updates', async () => {
  assert.equal($('ticker').hidden, false);
  assert.match($('ticker').textContent, /EUR\/USDno price yet/, 'waiting for the first price, in words');
  push([{ event: 'prices', account: 'rt-1', ticks: [
    { symbol: 'EUR/USD', price: '1.0875', change: '0.0025', change_percent: '0.23' },
    { symbol: 'XAU/USD', price: '2650.10', change: '-3.2', change_percent: '-0.12' },
  ] }]);
  await nextFrame();
  const eur = $('ticker').querySelector('[data-symbol="EUR/USD"]');
  assert.equal(eur.textContent, 'EUR/USD1.0875▲+0.0025 (+0.23%)', 'up on the day: ▲, green');
  assert.ok(eur.classList.contains('up'));
  assert.ok($('ticker').querySelector('[data-symbol="XAU/USD"]').classList.contains('down'));
  push([{ event: 'prices', account: 'rt-1', ticks: [{ symbol: 'EUR/USD', price: '1.0871', change: '0.0021', change_percent: '0.19' }] }]);
  await nextFrame();
  assert.match($('ticker').querySelector('[data-symbol="XAU/USD"]').textContent, /▼-3\.2/, 'down on the day: ▼, red');
  const after = $('ticker').querySelector('[data-symbol="EUR/USD"]');
  assert.equal(after.textContent, 'EUR/USD1.0871▲+0.0021 (+0.19%)', 'a lower tick on a day still up: the arrow agrees with the colour');
  assert.ok(after.classList.contains('up'), 'still up on the period');
});

test('typing and presence show in the header and the member list', async () => {
  push([
    { event: 'typing', account: 'rt-1', room: 'room_123', user: 'user_7', name: 'Maria Lopez', active: true },
    { event: 'user_status', account: 'rt-1', user: 'user_7', online: true },
  ]);
  await nextFrame();
  assert.equal($('room-typing').textContent, 'Maria Lopez is typing…');
  assert.equal($('room-online').textContent, '1 online');
  $('toggle-members').click();
  assert.equal($('members').hidden, false);
  assert.match($('members').textContent, /Maria Lopez/);
  assert.ok($('members').querySelector('.member.online'));
  push([{ event: 'typing', account: 'rt-1', room: 'room_123', user: 'user_7', active: false }]);
  await nextFrame();
  assert.equal($('room-typing').textContent, '');
});

test('typing in the composer tells the room, and sending stops it', async () => {
  const input = $('composer-input');
  input.value = 'thinking';
  input.dispatchEvent(new window.Event('input'));
  assert.deepEqual(calls.filter((c) => c.command === 'set_typing').at(-1).args, { account: 'rt-1', room: 'room_123', active: true });
  $('send').click();
  await nextFrame();
  assert.deepEqual(calls.filter((c) => c.command === 'set_typing').at(-1).args.active, false);
});

test('alerts land in the notifications panel, high priority marked, text inert', async () => {
  push([
    { event: 'alert', account: 'rt-1', alert: { kind: 'trade', id: 't1', title: 'Trade alert: BUY EUR/USD', body: 'Entry 1.0850', priority: null, ts_ms: Date.now() } },
    { event: 'alert', account: 'rt-1', alert: { kind: 'notification', id: 'n1', title: XSS, body: XSS, priority: 'high', ts_ms: Date.now() } },
  ]);
  await nextFrame();
  assert.equal($('open-alerts').textContent, 'Notifications (2)');
  $('open-alerts').click();
  const items = $('alert-list').querySelectorAll('.alert');
  assert.equal(items.length, 2);
  assert.ok(items[0].classList.contains('high'), 'newest first, marked');
  assert.equal(items[0].querySelector('.alert-title').textContent, XSS);
  assert.match(items[1].textContent, /Trade alert: BUY EUR\/USD/);
  assertInert($('alert-list'), assert);
  $('close-alerts').click();
  assert.equal($('open-alerts').textContent, 'Notifications');
});

test('a message over 64 KB is refused in the composer, before the backend', async () => {
  const before = calls.filter((c) => c.command === 'send_message').length;
  $('composer-input').value = 'x'.repeat(70 * 1024);
  $('send').click();
  await nextFrame();
  assert.match($('composer-error').textContent, /70 KB; the service takes at most 64 KB/);
  assert.equal(calls.filter((c) => c.command === 'send_message').length, before);
});

test('the directory lists rooms inertly, offers Edit and Delete on own rooms only, shows a 403 on the room clicked, and joins one', async () => {
  $('browse-rooms').click();
  await nextFrame();
  await nextFrame();
  assert.equal($('directory').hidden, false);
  assert.deepEqual(calls.filter((c) => c.command === 'room_directory').at(-1).args, { account: 'rt-1', page: 1, kind: null });
  const rooms = $('directory-list').querySelectorAll('.directory-room');
  assert.equal(rooms.length, 2);
  assert.match(rooms[0].textContent, /public · 234 members · 45 active now/);
  assert.match(rooms[1].textContent, /public · 1 member · 1 active now/, 'one member, not "1 members"');
  assert.equal(rooms[0].querySelector('button').textContent, 'Open', 'already joined');
  assertInert($('directory-list'), assert);
  const buttons = (room) => [...room.querySelectorAll('.directory-actions button')].map((b) => b.textContent);
  assert.deepEqual(buttons(rooms[0]), ['Open', 'Edit', 'Delete'], 'created by this account');
  assert.deepEqual(buttons(rooms[1]), ['Join'], 'created by someone else');
  rooms[0].querySelectorAll('button')[2].click(); // Delete
  assert.equal(calls.filter((c) => c.command === 'delete_room').length, 0, 'deleting for everyone asks first');
  [...rooms[0].querySelectorAll('.ask-first button')].find((b) => b.textContent === 'Delete for everyone').click();
  await nextFrame();
  await nextFrame();
  const refusal = rooms[0].querySelector('.room-error');
  assert.match(refusal.querySelector('.error-summary').textContent, /^The server didn't accept the request \(Only the creator/);
  assert.doesNotMatch(refusal.querySelector('.error-summary').textContent, /7f0c/, 'the error id is not the main text');
  assert.match(refusal.querySelector('details').textContent, /^Details.*HTTP 403.*error id 7f0c/);
  assert.equal($('directory-error').textContent, '', 'shown on the room clicked, not at the top');
  rooms[1].querySelector('button').click(); // Join
  await nextFrame();
  assert.deepEqual(calls.filter((c) => c.command === 'join_room').at(-1).args, { account: 'rt-1', room: 'room_9' });
});

test('the settings form checks Realtime fields and tests the connection', async () => {
  assert.equal(validateRealtime({ baseUrl: 'api.example.com', apiKey: 'k', email: 'a', password: 'b' }).message, 'The server address must start with https:// or http://.');
  assert.equal(validateRealtime({ baseUrl: 'https://x.io', apiKey: '', email: 'a', password: 'b' }).message, 'Paste the platform API key.');
  assert.equal(validateRealtime({ baseUrl: 'https://x.io', apiKey: 'k', login: 'token', token: '' }).message, 'Paste the token.');
  assert.equal(validateRealtime({ baseUrl: 'https://x.io', apiKey: 'k', email: 'a', password: 'b', symbols: 'EUR/USD <b>' }).message, 'Symbols look like EUR/USD, separated by commas.');
  assert.equal(validateRealtime({ baseUrl: 'https://x.io', apiKey: 'k', email: 'a', password: 'b', wsUrl: 'https://x' }).message, 'The live socket address must start with wss:// or ws://.');
  assert.deepEqual(parseSymbols('eur/usd, GBP/JPY  EUR/USD'), ['EUR/USD', 'GBP/JPY']);
  assert.equal(validateSize(65536, 'é'.repeat(30 * 1024)), null);
  assert.equal(validateSize(65536, 'x'.repeat(65536)), null, 'the limit itself is allowed');
  assert.match(validateSize(65536, 'x'.repeat(65537)), /65 KB; the service takes at most 64 KB/);
  assert.equal(validateSize(null, 'x'.repeat(1 << 20)), null, 'no limit without max_message_bytes');

  $('open-settings').click();
  $('new-service').value = 'realtime';
  $('new-service').dispatchEvent(new window.Event('change'));
  assert.equal($('fields-realtime').hidden, false);
  $('new-rt-base').value = 'https://api.example.com';
  $('new-rt-key').value = 'pk_live';
  $('new-rt-email').value = 'me@example.com';
  $('new-rt-password').value = 'hunter2';
  $('new-rt-symbols').value = 'eur/usd';
  $('test-realtime').click();
  await nextFrame();
  const request = calls.filter((c) => c.command === 'test_realtime').at(-1).args.request;
  assert.equal(request.base_url, 'https://api.example.com');
  assert.deepEqual(request.symbols, ['EUR/USD']);
  assert.equal(request.send_over, 'web_socket');
  assert.match($('test-realtime-result').textContent, /accepted the token/);
  const steps = [...$('test-realtime-result').querySelectorAll('.check-step')].map((li) => li.textContent);
  assert.deepEqual(steps, ['✓Server reached: passed', `✓Signed in: passed — as ${XSS}`, '✓Rooms listed: passed — 2 rooms in the directory', '✓Live socket authenticated: passed'], 'step by step, a peer name as text');
  assertInert($('test-realtime-result'), assert);
  const details = [...$('account-list').querySelectorAll('.account-row')].find((r) => r.textContent.includes('Community'));
  assert.match(details.textContent, /EUR\/USD Trading Room/);
  $('close-settings').click();
});

test('scrolling to the top asks the server for older pages once the store has no more', async () => {
  document.querySelector('#room-list button[data-room$="room_123"]').click();
  await nextFrame();
  const timeline = $('timeline');
  timeline.scrollTop = 0;
  timeline.dispatchEvent(new window.Event('scroll'));
  await nextFrame();
  await nextFrame();
  assert.deepEqual(calls.filter((c) => c.command === 'load_older').at(-1).args, { account: 'rt-1', room: 'room_123' });
});
