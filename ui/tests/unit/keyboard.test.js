// Using Parley without a mouse: the quick switcher (Ctrl+K), next/previous unread room, the
// shortcut list (Ctrl+/), focusing the composer, and the theme choice.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, CAPABILITIES } from './page.js';

loadPage();
const { setBackend } = await import('../../app/js/ipc.js');
const { startApp } = await import('../../app/js/app.js');
const { matchShortcut, filterRooms, nextUnread } = await import('../../app/js/switcher.js');
const { applyTheme } = await import('../../app/js/theme.js');

const calls = [];
const accounts = [
  { id: 'a', display_name: 'Demo P2P', demo: false, service_label: 'MEXC', settings: { service: 'mexc' }, capabilities: CAPABILITIES.mexc, state: { state: 'open' } },
  { id: 'b', display_name: 'Desk bot', demo: false, service_label: 'Mixin', settings: { service: 'mixin' }, capabilities: CAPABILITIES.mixin, state: { state: 'open' } },
];
const rooms = [
  { account: 'a', room: '1', title: 'Order 1138745987', unread: 0 },
  { account: 'b', room: 'c-1', title: 'Ava Trader', unread: 2 },
  { account: 'b', room: 'c-2', title: 'OTC Desk', unread: 1 },
];
setBackend({
  invoke: async (command, args) => {
    calls.push({ command, args });
    if (command === 'snapshot') return { accounts, rooms, notices: [], alerts: [] };
    if (command === 'history') return [];
    return null;
  },
  channel: () => ({ id: 1 }),
});
const app = await startApp();
after(() => {
  app.stop();
  window.close();
});
const $ = (id) => document.getElementById(id);
const key = (k, extra = {}) => document.dispatchEvent(new window.KeyboardEvent('keydown', { key: k, bubbles: true, ...extra }));
const settle = () => new Promise((r) => setTimeout(r, 0));
const openRoomTitle = () => $('room-title').textContent;

test('shortcuts are recognised and nothing else is', () => {
  assert.equal(matchShortcut({ key: 'k', ctrlKey: true }), 'switcher');
  assert.equal(matchShortcut({ key: '/', ctrlKey: true }), 'shortcuts');
  assert.equal(matchShortcut({ key: 'ArrowDown', altKey: true }), 'nextUnread');
  assert.equal(matchShortcut({ key: 'k' }), null);
  assert.equal(matchShortcut({ key: 'ArrowDown' }), null);
});

test('the switcher filters by room and account name, the closest title first, then unread', () => {
  const map = new Map(accounts.map((a) => [a.id, a]));
  // "desk" is in one room's title and in the other's account name: the title wins over unread.
  assert.deepEqual(filterRooms(rooms, map, 'desk').map((r) => r.room.title), ['OTC Desk', 'Ava Trader']);
  // Typing a room's exact name picks it, however busy a room whose name holds the same words.
  const scale = [
    { account: 'b', room: 'u', title: 'Scale user 0.0', unread: 40 },
    { account: 'a', room: 'r', title: 'Scale 0.0', unread: 0 },
    { account: 'a', room: 'r2', title: 'Scale 0.0 archive', unread: 3 },
  ];
  assert.deepEqual(filterRooms(scale, map, 'Scale 0.0').map((r) => r.room.title), ['Scale 0.0', 'Scale 0.0 archive', 'Scale user 0.0']);
  assert.deepEqual(filterRooms(scale, map, 'scale').map((r) => r.room.title), ['Scale user 0.0', 'Scale 0.0 archive', 'Scale 0.0'], 'equally close: unread first');
  assert.deepEqual(filterRooms(rooms, map, 'order 1138').map((r) => r.room.title), ['Order 1138745987']);
  assert.deepEqual(filterRooms(rooms, map, 'nothing like it'), []);
  const keys = ['x', 'y', 'z'];
  const unread = { x: 0, y: 3, z: 1 };
  assert.equal(nextUnread(keys, (k) => unread[k], 'x', 1), 'y');
  assert.equal(nextUnread(keys, (k) => unread[k], 'y', 1), 'z');
  assert.equal(nextUnread(keys, (k) => unread[k], 'y', -1), 'z', 'wraps around');
  assert.equal(nextUnread(keys, () => 0, 'x', 1), null);
});

test('Ctrl+K, typing and Enter open a room; Escape closes', async () => {
  key('k', { ctrlKey: true });
  assert.equal($('switcher').hidden, false);
  assert.equal(document.activeElement, $('switcher-input'));
  $('switcher-input').value = 'otc';
  $('switcher-input').dispatchEvent(new window.Event('input'));
  assert.equal($('switcher-list').querySelectorAll('[role="option"]').length, 1);
  $('switcher-input').dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  await settle();
  assert.equal($('switcher').hidden, true);
  assert.equal(openRoomTitle(), 'OTC Desk');
  assert.equal(document.activeElement, $('composer-input'), 'ready to write in the room picked');
  key('k', { ctrlKey: true });
  $('switcher-input').dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
  assert.equal($('switcher').hidden, true);
});

test('Alt+Down goes to the next room with unread messages', async () => {
  key('ArrowDown', { altKey: true });
  await settle();
  assert.equal(openRoomTitle(), 'Ava Trader');
});

test('Ctrl+/ lists the shortcuts and Ctrl+L focuses the composer', () => {
  key('/', { ctrlKey: true });
  assert.equal($('shortcuts').hidden, false);
  assert.match($('shortcut-list').textContent, /Ctrl\+KJump to a room/);
  $('close-shortcuts').click();
  key('l', { ctrlKey: true });
  assert.equal(document.activeElement, $('composer-input'));
});

test('the theme follows the choice', () => {
  assert.equal(applyTheme('dark'), 'dark');
  assert.equal(document.documentElement.getAttribute('data-theme'), 'dark');
  assert.equal(applyTheme('light'), 'light');
  assert.equal(document.documentElement.getAttribute('data-theme'), 'light');
  assert.equal(applyTheme('weird'), 'system');
  assert.ok(['light', 'dark'].includes(document.documentElement.getAttribute('data-theme')));
});

test('↑ and ↓ walk the room list; the first Tab stop skips to the message box', async () => {
  const rooms = [...document.querySelectorAll('#room-list button.room')];
  assert.ok(rooms.length >= 3);
  rooms[0].focus();
  rooms[0].dispatchEvent(new window.KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
  assert.equal(document.activeElement, rooms[1]);
  rooms[1].dispatchEvent(new window.KeyboardEvent('keydown', { key: 'End', bubbles: true }));
  assert.equal(document.activeElement, rooms.at(-1));
  rooms.at(-1).dispatchEvent(new window.KeyboardEvent('keydown', { key: 'ArrowUp', bubbles: true }));
  assert.equal(document.activeElement, rooms.at(-2));
  const skip = $('skip-to-composer');
  assert.equal(document.querySelector('a, button, textarea, input, select'), skip, 'first in the page');
  skip.click();
  assert.equal(document.activeElement, $('composer-input'));
});
