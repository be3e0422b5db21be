// History paging on its own: older pages from the store, then from the server only for accounts
// with server_history (and never again once the server said it has no more), and newer pages
// only for a window that let the newest messages go.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAPABILITIES } from './page.js';

const { setBackend } = await import('../../app/js/ipc.js');
const { createHistoryPaging, PAGE } = await import('../../app/js/history-paging.js');
const { createState, applySnapshot, loadHistory, roomKey } = await import('../../app/js/state.js');

const calls = [];
setBackend({
  invoke: async (command, args) => {
    calls.push({ command, args });
    if (command === 'history') {
      if (args.after) return [{ local_id: args.after + 1, account: args.account, room: args.room, text: 'newer' }];
      return args.before > 1 ? [{ local_id: args.before - 1, account: args.account, room: args.room, text: 'older' }] : [];
    }
    if (command === 'load_older') return { messages: [], exhausted: true };
    return null;
  },
  channel: () => ({}),
});

function setup(capabilities) {
  const state = createState();
  applySnapshot(state, { accounts: [{ id: 'a', capabilities }], rooms: [{ account: 'a', room: 'r', title: 'R', unread: 0 }], notices: [] });
  state.openRoom = roomKey('a', 'r');
  loadHistory(state, state.openRoom, [{ local_id: 10, account: 'a', room: 'r', text: 'first' }]);
  let drawn = 0;
  const paging = createHistoryPaging({ state, drawTimeline: () => { drawn += 1; }, showError: (e) => { throw e; } });
  return { state, paging, drawn: () => drawn };
}
const asked = (command) => calls.filter((c) => c.command === command).length;

test('older messages come from the store; the server is asked only with server_history, once exhausted never again', async () => {
  const plain = setup(CAPABILITIES.mockly);
  const loads = asked('load_older');
  await plain.paging.older(10);
  assert.deepEqual(plain.state.messages.get(plain.state.openRoom).map((m) => m.local_id), [9, 10]);
  assert.equal(plain.drawn(), 1);
  assert.equal(asked('load_older'), loads, 'a short page, but no server history');

  const served = setup(CAPABILITIES.realtime);
  await served.paging.older(10);
  assert.equal(asked('load_older'), loads + 1);
  assert.ok(PAGE > 1);
  await served.paging.older(9);
  assert.equal(asked('load_older'), loads + 1, 'the server said it has no more');
});

test('newer messages are read back only for a detached window', async () => {
  const { state, paging, drawn } = setup(CAPABILITIES.mockly);
  const before = asked('history');
  await paging.newer(10);
  assert.equal(asked('history'), before, 'a live window has the newest already');
  state.detached.add(state.openRoom);
  await paging.newer(10);
  assert.deepEqual(calls.at(-1).args, { account: 'a', room: 'r', after: 10, limit: PAGE });
  assert.deepEqual(state.messages.get(state.openRoom).map((m) => m.local_id), [10, 11]);
  assert.equal(drawn(), 1);
});
