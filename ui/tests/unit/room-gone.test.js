// When the open room goes (left, or deleted for everyone), the page opens another room of the same
// account, not the first room of whichever account comes first (a stopped bot's, in a user's hour).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startWithChannel, settle, nextFrame, byId as $, CAPABILITIES } from './page.js';

loadPage();

const accounts = [
  { id: 'bot', display_name: 'Desk bot', demo: false, service_label: 'Mixin', settings: { service: 'mixin' }, capabilities: CAPABILITIES.mixin, state: { state: 'stopped', reason: 'no keystore' } },
  { id: 'rt', display_name: 'Community', demo: false, service_label: 'Realtime', settings: { service: 'realtime', rooms: [] }, capabilities: CAPABILITIES.realtime, state: { state: 'open' } },
];
let rooms = [
  { account: 'bot', room: 'c-1', title: 'Ava Trader', unread: 0, last_ts_ms: 1000 },
  { account: 'rt', room: 'gold', title: 'Gold room', unread: 0, last_ts_ms: 2000 },
  { account: 'rt', room: 'eurusd', title: 'EUR/USD room', unread: 0, last_ts_ms: 3000 },
  { account: 'rt', room: 'mine', title: 'My room', unread: 0, last_ts_ms: 500 },
];
const push = await startWithChannel(async (command) => {
  if (command === 'snapshot') return { accounts, rooms, notices: [], alerts: [] };
  if (command === 'history') return [];
  return null;
});
await settle();

test('the open room deleted: its account\'s most active room opens', async () => {
  [...document.querySelectorAll('#room-list button.room')].find((b) => b.dataset.room === 'rt\u0000mine').click();
  await settle();
  assert.equal($('room-title').textContent, 'My room');
  rooms = rooms.filter((r) => r.room !== 'mine');
  push([{ event: 'resync' }]);
  await settle();
  await nextFrame();
  await settle();
  assert.equal($('room-title').textContent, 'EUR/USD room');
});
