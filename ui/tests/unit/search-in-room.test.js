// Search inside the open room: Ctrl+F searches the room first (Ctrl+F again or the scope button:
// every room), Enter opens the match with its words marked in the timeline, F3 / Shift+F3 step to
// the next (older) / previous (newer) match, and the marks follow.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, nextFrame, XSS, assertInert, CAPABILITIES } from './page.js';

loadPage();
const { markMatches, clearMatches } = await import('../../app/js/match-marks.js');

const calls = [];
const account = { id: 'demo-mockly', display_name: 'Demo room', demo: false, service_label: 'mockly.me chat', settings: { service: 'mockly', client_id: 'you', endpoint: 'ws://127.0.0.1:1/ws/chat/{client_id}' }, capabilities: CAPABILITIES.mockly, state: { state: 'open' } };
const texts = ['gm', 'selling USDT at 1.002', 'who pays?', 'USDT sent, check', 'thanks'];
const history = texts.map((text, i) => ({
  local_id: i + 1, account: 'demo-mockly', room: 'public', id: `msg_${i + 1}`, sender_id: 'bot_ada', sender_name: 'Ada Bot',
  own: false, kind: 'text', text, ts_ms: Date.UTC(2026, 10, 23, 9, i), ts_raw: '', state: 'sent', error: null,
}));
const elsewhere = { ...history[0], local_id: 99, room: 'other', id: 'x', text: 'USDT elsewhere' };

await startOn({
  invoke: async (command, args) => {
    calls.push({ command, args });
    switch (command) {
      case 'snapshot':
        return { accounts: [account], rooms: [{ account: 'demo-mockly', room: 'public', title: 'Public room', unread: 0 }], notices: [] };
      case 'history':
        if (args.after) return history.filter((m) => m.local_id > args.after);
        return args.before ? history.filter((m) => m.local_id < args.before) : history;
      case 'search_messages': {
        const found = history.filter((m) => m.text.toLowerCase().includes(args.query.toLowerCase())).reverse();
        return args.room ? found : [...found, elsewhere];
      }
      default:
        return null;
    }
  },
  channel: () => ({ id: 1 }),
});
const $ = (id) => document.getElementById(id);
const key = (target, init) => target.dispatchEvent(new window.KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }));
const settle = async () => {
  await new Promise((r) => setTimeout(r, 200));
  await nextFrame();
  await nextFrame();
};
const marked = () => [...$('timeline').querySelectorAll('mark.match')].map((m) => [m.closest('[data-local-id]').dataset.localId, m.textContent]);

test('Ctrl+F with a room open searches that room, and says so', async () => {
  key(document, { key: 'f', ctrlKey: true });
  assert.equal($('search').hidden, false);
  assert.equal(document.querySelector('label[for="search-input"]').textContent, 'Words to find in Public room');
  assert.equal($('search').getAttribute('aria-label'), 'Search in Public room');
  assert.equal($('search-scope').textContent, 'All rooms (Ctrl+F)');
  $('search-input').value = 'usdt';
  $('search-input').dispatchEvent(new window.Event('input'));
  await settle();
  assert.deepEqual(calls.filter((c) => c.command === 'search_messages').at(-1).args, { query: 'usdt', account: 'demo-mockly', room: 'public' });
  assert.equal($('search-status').textContent, '2 messages in Public room');
});

test('the scope button (or Ctrl+F again) switches to every room and back', async () => {
  $('search-scope').click();
  await settle();
  assert.deepEqual(calls.filter((c) => c.command === 'search_messages').at(-1).args, { query: 'usdt' });
  assert.equal($('search-list').querySelectorAll('.search-item').length, 3);
  key($('search-input'), { key: 'f', ctrlKey: true });
  await settle();
  assert.equal(calls.filter((c) => c.command === 'search_messages').at(-1).args.room, 'public');
  assert.equal($('search-list').querySelectorAll('.search-item').length, 2);
});

test('Enter opens the newest match with its words marked; F3 and Shift+F3 step through the others', async () => {
  key($('search'), { key: 'Enter' });
  await settle();
  assert.equal($('search').hidden, true);
  assert.deepEqual(marked(), [['4', 'USDT']]);
  assert.equal($('action-status').textContent, 'Match 1 of 2. F3: next, Shift+F3: previous.');
  key(document, { key: 'F3' });
  await settle();
  assert.deepEqual(marked(), [['2', 'USDT']], 'the older match, and only it');
  assert.equal($('action-status').textContent, 'Match 2 of 2');
  assert.equal($('timeline').querySelector('[data-local-id="2"] .text').textContent, 'selling USDT at 1.002', 'the text is unchanged');
  key(document, { key: 'F3' });
  await settle();
  assert.equal($('action-status').textContent, 'No older match.');
  key(document, { key: 'F3', shiftKey: true });
  await settle();
  assert.deepEqual(marked(), [['4', 'USDT']]);
});

test('marks are elements around text: markup in a message stays text, and clearing restores it', () => {
  const row = document.createElement('article');
  row.dataset.localId = '7';
  const body = document.createElement('div');
  body.className = 'text';
  body.textContent = `usdt ${XSS} usdtusdt`;
  row.append(body);
  assert.equal(markMatches(row, 'usdt'), 3);
  assert.equal(body.textContent, `usdt ${XSS} usdtusdt`);
  assertInert(row, assert);
  clearMatches(row);
  assert.equal(body.querySelectorAll('mark').length, 0);
  assert.equal(body.childNodes.length, 1, 'one text node again');
  const big = 'usdt '.repeat(20000);
  body.textContent = big;
  assert.equal(markMatches(row, 'usdt'), 20000, 'thousands of matches in one text are marked (no spread of the pieces: it overflowed the stack)');
});
