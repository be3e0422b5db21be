// Never miss (issue 21): a room with unread messages opens at a "New messages" line after the
// last one read, with what is around it loaded; the unread count falls as messages come on
// screen in a focused window (not all at once on opening) and the read mark is saved; *Jump to
// latest* shows how many are new below and takes the reader there; a message that arrives while
// the reader is scrolled up counts as unread until it is seen.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, byId as $, settle, CAPABILITIES, fakeLayout } from './page.js';

loadPage();
fakeLayout($('timeline'));

const start = Date.UTC(2026, 11, 5, 9);
const message = (id) => ({
  event: 'message', local_id: id, account: 'm-1', room: 'public', id: `m${id}`, sender_id: 'bob', sender_name: 'Bob', own: false,
  kind: 'text', text: `message number ${id}`, ts_ms: start + id * 1000, ts_raw: '', state: 'sent', error: null,
});
let stored = Array.from({ length: 100 }, (_, i) => message(i + 1));
const calls = [];
let push = null;
await startOn({
  invoke: async (command, args) => {
    calls.push({ command, args });
    switch (command) {
      case 'snapshot':
        return {
          accounts: [{ id: 'm-1', display_name: 'Chat', demo: false, service_label: 'mockly', settings: { service: 'mockly' }, capabilities: CAPABILITIES.mockly, state: { state: 'open' } }],
          rooms: [
            { account: 'm-1', room: 'other', title: 'Other', unread: 0, last_read_local_id: 0 },
            { account: 'm-1', room: 'public', title: 'Public', unread: 30, last_read_local_id: 70 },
          ],
          notices: [], alerts: [],
        };
      case 'history': {
        if (args.room !== 'public') return [];
        const limit = args.limit || 100;
        if (args.after !== undefined && args.after !== null) return stored.filter((m) => m.local_id > args.after).slice(0, limit);
        const below = args.before ? stored.filter((m) => m.local_id < args.before) : stored;
        return below.slice(-limit);
      }
      case 'send_message':
        return {};
      default:
        return null;
    }
  },
  channel: (onMessage) => {
    push = onMessage;
    return { id: 1 };
  },
});

const room = () => [...document.querySelectorAll('#room-list button.room')].find((b) => b.dataset.room === 'm-1\u0000public');
const unreadShown = () => Number(room().querySelector('.badge')?.textContent || 0);
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const saves = () => calls.filter((c) => c.command === 'mark_read_up_to').map((c) => c.args.localId);

test('a room with unread messages opens at the "New messages" line, not at the bottom', async () => {
  $('composer-input').focus(); // the window has the focus
  room().click();
  await settle();
  const around = calls.filter((c) => c.command === 'history' && c.args.room === 'public');
  assert.ok(around.some((c) => c.args.before === 71) && around.some((c) => c.args.after === 70), 'what is around the read mark is loaded');
  const line = $('timeline').querySelector('.unread-line');
  assert.ok(line, 'a "New messages" line');
  assert.equal(line.nextElementSibling.dataset.localId, '71', 'right before the first unread message');
  const timeline = $('timeline');
  assert.ok(line.offsetTop >= timeline.scrollTop && line.offsetTop < timeline.scrollTop + 800 / 2, 'the line is in the upper part of the view');
  assert.ok(timeline.scrollTop + 800 < timeline.scrollHeight - 100, 'not scrolled to the bottom');
});

test('the unread count falls as messages come on screen, and the mark is saved', async () => {
  const left = unreadShown();
  assert.ok(left > 0 && left < 30, `some seen, not all at once (${left} left)`);
  await wait(350);
  const saved = saves();
  assert.ok(saved.length && saved.at(-1) > 70 && saved.at(-1) < 100, `the newest message on screen is saved as read (${saved.at(-1)})`);
  assert.equal($('jump-latest').hidden, false);
  assert.match($('jump-latest').textContent, new RegExp(`^${left} new`));
  // Scrolling down a bit sees more.
  const timeline = $('timeline');
  timeline.scrollTop += 300;
  timeline.dispatchEvent(new window.Event('scroll'));
  await settle();
  assert.ok(unreadShown() < left, 'fewer unread after scrolling down');
});

test('a message arriving while scrolled up counts as unread; Jump to latest shows it and reads it', async () => {
  const before = unreadShown();
  stored = [...stored, message(101)];
  push([message(101)]);
  await settle();
  assert.equal(unreadShown(), before + 1, 'not on screen: unread');
  assert.match($('jump-latest').textContent, new RegExp(`^${before + 1} new`));
  $('jump-latest').click();
  await settle();
  assert.equal(unreadShown(), 0);
  assert.equal($('jump-latest').hidden, true, 'at the bottom the button goes');
  await wait(350);
  assert.equal(saves().at(-1), 101);
  push([message(102)]);
  await settle();
  assert.equal(unreadShown(), 0, 'at the bottom of a focused window, a new message is seen at once');
});

test('a room opened again without unread messages opens at the bottom with no line', async () => {
  [...document.querySelectorAll('#room-list button.room')].find((b) => b.dataset.room === 'm-1\u0000other').click();
  await settle();
  room().click();
  await settle();
  assert.equal($('timeline').querySelector('.unread-line'), null);
  const timeline = $('timeline');
  assert.ok(timeline.scrollTop + 800 >= timeline.scrollHeight - 1, 'at the bottom');
});

test('a message sent while scrolled up takes the reader to the newest, where it shows going out', async () => {
  const timeline = $('timeline');
  timeline.scrollTop = 0; // reading back, as when replying to an older message
  timeline.dispatchEvent(new window.Event('scroll'));
  await settle();
  assert.ok(timeline.scrollTop + 800 < timeline.scrollHeight - 100, 'scrolled up');
  $('composer-input').value = 'on my way';
  $('composer').dispatchEvent(new window.Event('submit', { cancelable: true }));
  await settle();
  const own = { ...message(103), own: true, sender_id: 'me', sender_name: null, text: 'on my way', state: 'pending', id: null };
  stored = [...stored, own];
  push([own]);
  await settle();
  assert.ok(timeline.scrollTop + 800 >= timeline.scrollHeight - 1, 'at the bottom');
  const row = timeline.querySelector('[data-local-id="103"]');
  assert.ok(row, 'the sent message is drawn');
  assert.ok(row.offsetTop >= timeline.scrollTop, 'and on screen');
});
