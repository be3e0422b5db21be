// The sidebar under each room's name: who wrote the last message and its first line (as text),
// when, and rooms ordered by activity within their account.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, settle, startOn, XSS, CAPABILITIES, assertInert } from './page.js';

loadPage();
const { previewLine, previewTime, byActivity } = await import('../../app/js/room-preview.js');

test('the preview line says who wrote what, in one line of text', () => {
  assert.equal(previewLine({ last_text: 'paid\nsecond line', last_sender: 'Ann', last_own: false, last_kind: 'text' }), 'Ann: paid');
  assert.equal(previewLine({ last_text: 'on my way', last_sender: 'me', last_own: true, last_kind: 'text' }), 'You: on my way');
  assert.equal(previewLine({ last_text: '', last_sender: 'Ann', last_own: false, last_kind: 'image' }), 'Ann: Image');
  assert.equal(previewLine({ last_text: 'user_1 has joined the chat', last_sender: 'system', last_own: false, last_kind: 'system' }), 'user_1 has joined the chat');
  assert.equal(previewLine({ last_text: null, last_kind: null }), '', 'a room without messages has no preview');
  assert.ok(previewLine({ last_text: 'x'.repeat(10_000), last_sender: 'A', last_kind: 'text' }).length < 200, 'a huge message previews short');
});

test('times read as the clock today and as a date before; rooms order by activity', () => {
  const now = new Date(2026, 11, 5, 15, 0).getTime();
  assert.match(previewTime(new Date(2026, 11, 5, 9, 7).getTime(), now), /09|9/);
  assert.match(previewTime(new Date(2026, 10, 23, 9, 7).getTime(), now), /23/);
  const rooms = [{ title: 'B', last_ts_ms: 1 }, { title: 'A' }, { title: 'C', last_ts_ms: 5 }];
  assert.deepEqual(byActivity(rooms).map((r) => r.title), ['C', 'B', 'A']);
});

test('the sidebar shows each room’s last message as inert text, the most active room first', async () => {
  const account = { id: 'mx-1', display_name: 'Bot', demo: false, service_label: 'Mixin', settings: { service: 'mixin' }, capabilities: CAPABILITIES.mixin, state: { state: 'open' } };
  await startOn({
    invoke: async (command) => {
      if (command === 'snapshot') {
        return {
          accounts: [account],
          rooms: [
            { account: 'mx-1', room: 'old', title: 'Old chat', unread: 0, last_text: 'bye', last_ts_ms: 1_000, last_sender: 'Bo', last_own: false, last_kind: 'text' },
            { account: 'mx-1', room: 'new', title: 'New chat', unread: 1, last_text: XSS, last_ts_ms: Date.now(), last_sender: XSS, last_own: false, last_kind: 'text' },
          ],
          notices: [],
        };
      }
      if (command === 'history') return [];
      return null;
    },
    channel: () => ({ id: 1 }),
  });
  await settle();
  const buttons = [...document.querySelectorAll('#room-list button.room')];
  assert.deepEqual(buttons.map((b) => b.dataset.title), ['New chat', 'Old chat'], 'the most recent first');
  assert.equal(buttons[0].querySelector('.room-preview').textContent, `${XSS}: ${XSS}`);
  assertInert(document.getElementById('room-list'), assert);
  assert.equal(buttons[1].querySelector('.room-preview').textContent, 'Bo: bye');
});
