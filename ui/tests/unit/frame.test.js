// The frame of the window: the narrow layout's Rooms button (sidebar-toggle.js), the header's
// Members button that never claims an open panel that closed, the header's line under the name
// (status, presence and typing on one line that never changes the header's height), and Settings
// opening at the top.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, nextFrame, CAPABILITIES } from './page.js';

loadPage();
const { setBackend } = await import('../../app/js/ipc.js');
const { startApp } = await import('../../app/js/app.js');

const accounts = [
  { id: 'rt', display_name: 'Community', demo: false, service_label: 'Realtime', settings: { service: 'realtime', rooms: [], symbols: [] }, capabilities: CAPABILITIES.realtime, state: { state: 'open' } },
  { id: 'mx', display_name: 'Desk bot', demo: false, service_label: 'Mixin', settings: { service: 'mixin' }, capabilities: CAPABILITIES.mixin, state: { state: 'open' } },
];
const rooms = [
  { account: 'rt', room: 'r1', title: 'EUR/USD Trading Room', unread: 0 },
  { account: 'mx', room: 'c1', title: 'Ava Trader', unread: 0 },
];
let push = null;
setBackend({
  invoke: async (command) => {
    if (command === 'snapshot') return { accounts, rooms, notices: [], alerts: [] };
    if (command === 'history') return [];
    return null;
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
const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  await nextFrame();
};

test('the Rooms button shows and hides the sidebar, and picking a room hides it', async () => {
  const button = $('toggle-sidebar');
  assert.equal(button.getAttribute('aria-controls'), 'sidebar');
  assert.equal(button.getAttribute('aria-expanded'), 'false');
  button.click();
  assert.ok($('app').classList.contains('sidebar-open'));
  assert.equal(button.getAttribute('aria-expanded'), 'true');
  assert.ok($('sidebar').contains(document.activeElement), 'the focus goes into the sidebar');
  $('sidebar').dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
  assert.equal($('app').classList.contains('sidebar-open'), false, 'Escape hides it');
  button.click();
  $('room-list').querySelector('button[data-title="Ava Trader"]').click();
  await settle();
  assert.equal($('app').classList.contains('sidebar-open'), false, 'a room picked hides it');
  assert.equal(button.getAttribute('aria-expanded'), 'false');
  assert.equal($('room-title').textContent, 'Ava Trader');
});

test('the Members button does not stay "expanded" when a room without members closes the panel', async () => {
  $('room-list').querySelector('button[data-title="EUR/USD Trading Room"]').click();
  await settle();
  $('toggle-members').click();
  assert.equal($('toggle-members').getAttribute('aria-expanded'), 'true');
  $('room-list').querySelector('button[data-title="Ava Trader"]').click();
  await settle();
  assert.equal($('members').hidden, true);
  assert.equal($('toggle-members').getAttribute('aria-expanded'), 'false');
});

test('status, presence and typing share one line under the name', async () => {
  $('room-list').querySelector('button[data-title="EUR/USD Trading Room"]').click();
  await settle();
  push([{ event: 'typing', account: 'rt', room: 'r1', user: 'u7', name: 'Maria Lopez', active: true }]);
  await settle();
  const line = document.querySelector('#room-header .room-subline');
  assert.ok(line.contains($('room-typing')) && line.contains($('room-status')) && line.contains($('room-online')));
  assert.equal($('room-typing').textContent, 'Maria Lopez is typing…');
  assert.equal($('room-title').parentElement, line.parentElement, 'the name sits right above it');
});

test('Settings open at the top, on the first choice, not scrolled down to "Add an account"', () => {
  const panel = $('settings').querySelector('.settings-panel');
  panel.scrollTop = 500;
  $('open-settings').click();
  assert.equal(panel.scrollTop, 0);
  assert.equal(document.activeElement, $('theme-choice'));
  $('close-settings').click();
});
