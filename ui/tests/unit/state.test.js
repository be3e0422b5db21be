import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAPABILITIES } from './page.js';
import { createState, applySnapshot, applyBatch, loadHistory, loadNewer, roomKey, describeState, ROOM_WINDOW, LIVE_LIMITS } from '../../app/js/state.js';

function snapshot() {
  return {
    accounts: [{ id: 'a', display_name: 'Demo room', demo: true, service_label: 'mockly.me chat', capabilities: CAPABILITIES.mockly, state: { state: 'connecting', attempt: 1 } }],
    rooms: [{ account: 'a', room: 'public', title: 'Public room', unread: 0 }],
    notices: [],
  };
}

function msg(local_id, extra = {}) {
  return { event: 'message', local_id, account: 'a', room: 'public', sender_id: 'bob', own: false, kind: 'text', text: `m${local_id}`, ts_ms: local_id, state: 'sent', ...extra };
}

test('a confirmation replaces the pending message with the same local id', () => {
  const state = createState();
  applySnapshot(state, snapshot());
  const key = roomKey('a', 'public');
  loadHistory(state, key, []);
  applyBatch(state, [msg(1, { own: true, state: 'pending' })]);
  applyBatch(state, [{ ...msg(1, { own: true, state: 'sent', id: 'msg_4' }), event: 'sent' }]);
  assert.equal(state.messages.get(key).length, 1);
  assert.equal(state.messages.get(key)[0].state, 'sent');
});

test('unread counts messages from others, in the open room too until they are seen', () => {
  const state = createState();
  applySnapshot(state, snapshot());
  const key = roomKey('a', 'public');
  applyBatch(state, [msg(1), msg(2, { own: true }), msg(3, { kind: 'system' }), msg(4)]);
  assert.equal(state.rooms.get(key).unread, 2);
  state.openRoom = key;
  applyBatch(state, [msg(5)]);
  assert.equal(state.rooms.get(key).unread, 3, 'the read tracker takes it off once on screen');
});

test('status, presence and unknown events', () => {
  const state = createState();
  applySnapshot(state, snapshot());
  const changed = applyBatch(state, [
    { event: 'status', account: 'a', state: { state: 'open' } },
    { event: 'presence', account: 'a', room: 'public', online: 4 },
    { event: 'from_a_future_version', x: 1 },
  ]);
  assert.equal(state.accounts.get('a').state.state, 'open');
  assert.equal(state.presence.get(roomKey('a', 'public')), 4);
  assert.ok(changed.accounts && changed.rooms && !changed.resync);
  assert.ok(state.demo);
  assert.ok(applyBatch(state, [{ event: 'accounts_changed' }]).resync);
});

test('connection states read as words, with a live countdown', () => {
  assert.equal(describeState({ state: 'open' }), 'Connected');
  assert.equal(describeState({ state: 'backoff', attempt: 2, retry_in_ms: 4000, reason: 'the server closed the connection' }, 1000, 0),
    'Reconnecting in 3 s — the server closed the connection');
  assert.equal(describeState({ state: 'stopped', reason: 'HTTP 404' }), 'Stopped: HTTP 404');
});

test('per-room statuses: the account shows its worst room, each room its own', async () => {
  const { roomState } = await import('../../app/js/state.js');
  const state = createState();
  applySnapshot(state, snapshot());
  applyBatch(state, [
    { event: 'status', account: 'a', room: '50012', state: { state: 'open' } },
    { event: 'status', account: 'a', room: '50013', state: { state: 'stopped', reason: 'listenKey refused' } },
    { event: 'status', account: 'a', room: '50012', state: { state: 'open' } },
  ]);
  const account = state.accounts.get('a');
  assert.equal(account.state.state, 'stopped', 'the account shows the room that needs attention');
  assert.equal(roomState(account, '50012').state, 'open');
  assert.equal(roomState(account, '50013').reason, 'listenKey refused');
});

test('scrolling far back keeps the window bounded, and scrolling down brings the newest back', () => {
  const state = createState();
  applySnapshot(state, snapshot());
  const key = roomKey('a', 'public');
  const range = (from, to) => Array.from({ length: to - from }, (_, i) => msg(from + i));
  loadHistory(state, key, range(ROOM_WINDOW * 2, ROOM_WINDOW * 2 + 100));
  // Older pages prepended, far past the window: the newest leave memory.
  for (let from = ROOM_WINDOW * 2 - 100; from >= 0; from -= 100) loadHistory(state, key, range(from, from + 100), { prepend: true });
  const window = state.messages.get(key);
  assert.equal(window.length, ROOM_WINDOW);
  assert.equal(window[0].local_id, 0);
  assert.ok(state.detached.has(key));
  // A live message is not glued onto the old window (it would leave a gap); the room still counts it.
  applyBatch(state, [msg(5000, { text: 'live' })]);
  assert.equal(state.messages.get(key).at(-1).local_id, ROOM_WINDOW - 1);
  assert.equal(state.rooms.get(key).last_text, 'live');
  // Reading newer pages back moves the window down; the newest page re-attaches it.
  loadNewer(state, key, range(ROOM_WINDOW, ROOM_WINDOW + 100), { reachedEnd: false });
  assert.equal(state.messages.get(key).length, ROOM_WINDOW);
  assert.equal(state.messages.get(key)[0].local_id, 100);
  loadNewer(state, key, [msg(5000, { text: 'live' })], { reachedEnd: true });
  assert.ok(!state.detached.has(key));
  applyBatch(state, [msg(5001)]);
  assert.equal(state.messages.get(key).at(-1).local_id, 5001);
});

test('a server naming endless rooms, users, typers and symbols cannot grow the page without bound', () => {
  const state = createState();
  const flood = 30_000;
  const events = [];
  for (let i = 0; i < flood; i += 1) {
    events.push({ event: 'presence', account: 'rt', room: `room-${i}`, online: i });
    events.push({ event: 'user_status', account: 'rt', user: `u-${i}`, online: true });
    events.push({ event: 'typing', account: 'rt', room: `room-${i % 2000}`, user: `t-${i}`, name: `T${i}`, active: true });
  }
  events.push({ event: 'prices', account: 'rt', ticks: Array.from({ length: 1000 }, (_, i) => ({ symbol: `S${i}`, price: i, change: 0, change_percent: 0 })) });
  applyBatch(state, events);
  assert.equal(state.presence.size, LIVE_LIMITS.presence);
  assert.equal(state.presence.get(roomKey('rt', `room-${flood - 1}`)), flood - 1, 'the newest is kept');
  assert.equal(state.online.size, LIVE_LIMITS.online);
  assert.ok(state.typing.size <= LIVE_LIMITS.typingRooms);
  for (const typers of state.typing.values()) assert.ok(typers.size <= LIVE_LIMITS.typers);
  assert.equal(state.prices.get('rt').size, LIVE_LIMITS.prices);
  applyBatch(state, [{ event: 'user_status', account: 'rt', user: `u-${flood - 1}`, online: false }]);
  assert.equal(state.online.size, LIVE_LIMITS.online - 1, 'going offline forgets the user');
});

test('a room whose typers all stopped is forgotten', () => {
  const state = createState();
  applyBatch(state, [{ event: 'typing', account: 'rt', room: 'r', user: 'a', active: true }]);
  assert.equal(state.typing.size, 1);
  applyBatch(state, [{ event: 'typing', account: 'rt', room: 'r', user: 'a', active: false }]);
  assert.equal(state.typing.size, 0);
});

test('a message told again does not take the sidebar preview back from one stored after it; a message stamped earlier but stored last does', () => {
  const state = createState();
  applySnapshot(state, snapshot());
  const key = roomKey('a', 'public');
  applyBatch(state, [msg(10, { own: true, kind: 'file', text: '' }), msg(11, { text: 'newer' })]);
  assert.equal(state.rooms.get(key).last_text, 'newer');
  // The room is not loaded: the file told again after its upload looks new to the page.
  state.messages.delete(key);
  applyBatch(state, [msg(10, { own: true, kind: 'file', text: '' })]);
  assert.equal(state.rooms.get(key).last_text, 'newer', 'the newer preview stays');
  const unread = state.rooms.get(key).unread;
  applyBatch(state, [msg(12, { ts_ms: 5, text: 'waited on the server' })]);
  assert.equal(state.rooms.get(key).unread, unread + 1, 'a backlog message counts');
  assert.equal(state.rooms.get(key).last_text, 'waited on the server', 'stored last: shown, whatever its clock says');
});

test('an account back to connected takes its earlier error banner away; an error while connected stays', () => {
  const state = createState();
  applySnapshot(state, snapshot());
  applyBatch(state, [
    { event: 'status', account: 'a', room: null, state: { state: 'stopped', reason: 'refused' } },
    { event: 'error', account: 'a', message: 'Invalid or expired token' },
  ]);
  assert.equal(state.errors.at(-1).dismissed, undefined, 'shown while it is stopped');
  applyBatch(state, [{ event: 'status', account: 'a', room: null, state: { state: 'open' } }]);
  assert.equal(state.errors.at(-1).dismissed, true, 'fixed: no longer shown');
  applyBatch(state, [{ event: 'error', account: 'a', message: 'could not send yet: slow down' }]);
  applyBatch(state, [{ event: 'status', account: 'a', room: null, state: { state: 'open' } }]);
  assert.equal(state.errors.at(-1).dismissed, undefined, 'a new error while connected is not hidden by another open');
});
