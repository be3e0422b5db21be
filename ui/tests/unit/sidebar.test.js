// The sidebar is redrawn on every batch of events; with a heavy user's 200 rooms, rebuilding every
// button each time cost ~22 ms a draw (bash scripts/bench-ui.sh scale). It redraws only what a
// batch changed (the label of the room with the new message, the two rooms of a switch, an
// account's header), and a room's button stays the same node: a message landing between a press
// and its release used to swap the button under the pointer, and the click was lost.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, settle, CAPABILITIES } from './page.js';

loadPage();

const start = Date.now() - 3_600_000;
const account = (id, name) => ({ id, display_name: name, demo: false, service_label: 'mockly', settings: { service: 'mockly' }, capabilities: CAPABILITIES.mockly, state: { state: 'open' } });
const rooms = [];
for (const id of ['a', 'b']) {
  for (let r = 0; r < 5; r += 1) rooms.push({ account: id, room: `r${r}`, title: `Room ${id}${r}`, unread: 0, last_text: 'hi', last_ts_ms: start + r * 1000, last_sender: 'Bo', last_own: false, last_kind: 'text' });
}
let push = null;
await startOn({
  invoke: async (command) => {
    if (command === 'snapshot') return { accounts: [account('a', 'Desk A'), account('b', 'Desk B')], rooms, notices: [], alerts: [] };
    if (command === 'history') return [];
    return null;
  },
  channel: (onMessage) => {
    push = onMessage;
    return { id: 1 };
  },
});
await settle();

const buttons = () => new Map([...document.querySelectorAll('#room-list button.room')].map((b) => [b.dataset.room, b]));
const message = (accountId, room, id, text) => ({
  event: 'message', local_id: id, account: accountId, room, id: `m${id}`, sender_id: 'ann', sender_name: 'Ann', own: false,
  kind: 'text', text, ts_ms: Date.now(), ts_raw: '', state: 'sent', error: null,
});

test('a new message redraws its own room’s label only, keeps every button, and moves the room to the top', async () => {
  const before = buttons();
  const labels = new Map([...before].map(([key, b]) => [key, b.firstChild]));
  assert.equal(before.size, 10);
  push([message('a', 'r1', 1, 'paid, check please')]);
  await settle();
  const after = buttons();
  const replaced = [...after].filter(([key, node]) => before.get(key) !== node).map(([key]) => key);
  assert.deepEqual(replaced, [], 'every room keeps its button, so a press on it is never lost');
  const relabelled = [...after].filter(([key, node]) => labels.get(key) !== node.firstChild).map(([key]) => key);
  assert.deepEqual(relabelled, ['a\u0000r1']);
  assert.equal(after.get('a\u0000r1').querySelector('.room-preview').textContent, 'Ann: paid, check please');
  assert.equal(after.get('a\u0000r1').querySelector('.badge').textContent, '1');
  const orderA = [...document.querySelectorAll('#room-list section')][0].querySelectorAll('button.room');
  assert.deepEqual([...orderA].map((b) => b.dataset.title), ['Room a1', 'Room a4', 'Room a3', 'Room a2', 'Room a0'], 'the most recent first');
});

test('switching rooms redraws the two rooms whose state changed, and a status change only its account’s header', async () => {
  buttons().get('b\u0000r2').click();
  await settle();
  const before = buttons();
  const labels = new Map([...before].map(([key, b]) => [key, b.firstChild]));
  buttons().get('a\u0000r4').click();
  await settle();
  const after = buttons();
  assert.deepEqual([...after].filter(([key, node]) => before.get(key) !== node), []);
  const relabelled = [...after].filter(([key, node]) => labels.get(key) !== node.firstChild).map(([key]) => key).sort();
  assert.deepEqual(relabelled, ['a\u0000r4', 'b\u0000r2']);
  assert.equal(after.get('a\u0000r4').getAttribute('aria-current'), 'true');
  assert.equal(after.get('b\u0000r2').getAttribute('aria-current'), null);
  assert.ok(after.get('a\u0000r4').classList.contains('open'));
  assert.ok(!after.get('b\u0000r2').classList.contains('open'));

  const headers = [...document.querySelectorAll('#room-list .account-header')];
  push([{ event: 'status', account: 'b', state: { state: 'backoff', attempt: 1, retry_in_ms: 5000 } }]);
  await settle();
  const now = [...document.querySelectorAll('#room-list .account-header')];
  assert.equal(now[0], headers[0], 'the other account keeps its header');
  assert.notEqual(now[1], headers[1]);
  assert.match(now[1].querySelector('.dot').className, /dot-backoff/);
  assert.equal(buttons().size, 10);
});

test('an account removed takes its section away, and its rooms with it', async () => {
  const { renderSidebar } = await import('../../app/js/sidebar.js');
  const target = document.createElement('div');
  const state = { accounts: new Map([['a', account('a', 'Desk A')], ['b', account('b', 'Desk B')]]), rooms: new Map(rooms.map((r) => [`${r.account}\u0000${r.room}`, r])), openRoom: null, health: new Map() };
  renderSidebar(target, state, { onOpenRoom: () => {} });
  assert.equal(target.querySelectorAll('section').length, 2);
  state.accounts.delete('a');
  for (const key of [...state.rooms.keys()]) if (key.startsWith('a\u0000')) state.rooms.delete(key);
  renderSidebar(target, state, { onOpenRoom: () => {} });
  assert.deepEqual([...target.querySelectorAll('section')].map((s) => s.getAttribute('aria-label')), ['Desk B']);
  assert.equal(target.querySelectorAll('button.room').length, 5);
  state.accounts.clear();
  state.rooms.clear();
  renderSidebar(target, state, { onOpenRoom: () => {} });
  assert.match(target.textContent, /No accounts yet/);
});

test('an account with a room directory and no room offers Browse rooms in the sidebar', async () => {
  const { renderSidebar } = await import('../../app/js/sidebar.js');
  const { createState } = await import('../../app/js/state.js');
  const state = createState();
  const community = { id: 'rt-1', display_name: 'Community', demo: false, service_label: 'Realtime', settings: { service: 'realtime', rooms: [] }, capabilities: CAPABILITIES.realtime, state: { state: 'open' } };
  state.accounts.set('rt-1', community);
  state.accounts.set('a', account('a', 'Desk A'));
  const target = document.createElement('div');
  const asked = [];
  const draw = () => renderSidebar(target, state, { onOpenRoom: () => {}, onBrowse: (id) => asked.push(id) });
  draw();
  const browse = [...target.querySelectorAll('button')].filter((b) => b.textContent === 'Browse rooms');
  assert.equal(browse.length, 1, 'for the community only: a mockly account has no directory');
  assert.equal(browse[0].getAttribute('aria-label'), 'Browse the rooms of Community');
  browse[0].click();
  assert.deepEqual(asked, ['rt-1']);
  // Once it has a room, the room's header offers it instead.
  state.rooms.set('rt-1\u0000r1', { account: 'rt-1', room: 'r1', title: 'EUR/USD', unread: 0 });
  draw();
  assert.equal([...target.querySelectorAll('button')].filter((b) => b.textContent === 'Browse rooms').length, 0);
});
