// Notification settings in the page: the open room is told to the backend (it stays silent
// while on screen), Mute toggles per room, and "hide message text" follows the saved setting.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, nextFrame, CAPABILITIES } from './page.js';

loadPage();
const { setBackend } = await import('../../app/js/ipc.js');
const { startApp } = await import('../../app/js/app.js');

const calls = [];
let prefs = { muted_accounts: [], muted_rooms: [], hide_text: true };
const account = { id: 'mixin-1', display_name: 'Desk bot', demo: false, service_label: 'Mixin Messenger bot', settings: { service: 'mixin', bot_id: 'b', bot_name: 'Desk', blaze_url: 'wss://blaze.mixin.one/', api_base: 'https://api.mixin.one' }, capabilities: CAPABILITIES.mixin, state: { state: 'open' } };
setBackend({
  invoke: async (command, args) => {
    calls.push({ command, args });
    switch (command) {
      case 'snapshot':
        return { accounts: [account], rooms: [{ account: 'mixin-1', room: 'c-1', title: 'Ava Trader', unread: 0 }, { account: 'mixin-1', room: 'c-2', title: 'OTC Desk', unread: 0 }], notices: [], alerts: [], notifications: prefs, desktop: { close_to_tray: true, start_at_login: false, start_hidden: false } };
      case 'history':
        return [];
      case 'set_muted':
        if (args.room === null) prefs = { ...prefs, muted_accounts: args.muted ? [args.account] : [] };
        else prefs = { ...prefs, muted_rooms: args.muted ? [{ account: args.account, room: args.room }] : [] };
        return prefs;
      case 'set_desktop_prefs':
        return args.prefs;
      case 'set_hide_text':
        prefs = { ...prefs, hide_text: args.hide };
        return prefs;
      default:
        return null;
    }
  },
  channel: (onMessage) => {
    push = onMessage;
    return { id: 1 };
  },
});
let push = null;

const app = await startApp();
after(() => {
  app.stop();
  window.close();
});
const $ = (id) => document.getElementById(id);

test('opening a room tells the backend which room is on screen', () => {
  const open = calls.filter((c) => c.command === 'set_open_room');
  assert.deepEqual(open.at(-1).args, { account: 'mixin-1', room: 'c-1' });
});

test('Mute toggles the open room and says so', async () => {
  const button = $('toggle-mute');
  assert.equal(button.hidden, false);
  assert.equal(button.textContent, 'Mute');
  button.click();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(calls.find((c) => c.command === 'set_muted').args, { account: 'mixin-1', room: 'c-1', muted: true });
  assert.equal(button.textContent, 'Unmute');
  assert.equal(button.getAttribute('aria-pressed'), 'true');
  button.click();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(calls.filter((c) => c.command === 'set_muted').at(-1).args.muted, false);
  assert.equal(button.textContent, 'Mute');
});

test('the hide-text checkbox shows the saved setting and changes it', async () => {
  $('open-settings').click();
  const box = $('hide-notification-text');
  assert.equal(box.checked, true);
  box.checked = false;
  box.dispatchEvent(new window.Event('change'));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(calls.find((c) => c.command === 'set_hide_text').args, { hide: false });
});

test('the window settings show the saved choices and save a change', async () => {
  assert.equal($('close-to-tray').checked, true, 'close to tray by default');
  assert.equal($('start-at-login').checked, false);
  $('start-at-login').checked = true;
  $('start-at-login').dispatchEvent(new window.Event('change'));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(calls.find((c) => c.command === 'set_desktop_prefs').args, { prefs: { close_to_tray: true, start_at_login: true, start_hidden: false } });
});

test('a new message in the open room is announced politely; others are not', async () => {
  const base = { local_id: 50, account: 'mixin-1', room: 'c-1', id: 'm50', sender_id: 'u1', sender_name: 'Ava Trader', own: false, kind: 'text', text: 'Payment sent', ts_ms: Date.now(), ts_raw: '', state: 'sent', error: null };
  push([{ event: 'message', ...base }]);
  await nextFrame();
  assert.equal($('announcer').getAttribute('aria-live'), 'polite');
  assert.equal($('announcer').textContent, 'Ava Trader: Payment sent');
  push([{ event: 'message', ...base, local_id: 51, room: 'c-2', text: 'elsewhere' }]);
  await nextFrame();
  assert.equal($('announcer').textContent, 'Ava Trader: Payment sent', 'another room is not read out');
});

test('a clicked notification opens its room, which is remembered for the next start', async () => {
  push([{ event: 'open_room', account: 'mixin-1', room: 'c-2' }]);
  await nextFrame();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal($('room-title').textContent, 'OTC Desk');
  assert.equal(window.localStorage.getItem('parley.lastRoom'), 'mixin-1\u0000c-2');
});

test('a whole account can be muted from its settings row', async () => {
  $('open-settings').click();
  const box = document.querySelector('input[data-kind="mute"][data-account="mixin-1"]');
  assert.equal(box.checked, false);
  box.checked = true;
  box.dispatchEvent(new window.Event('change'));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(calls.filter((c) => c.command === 'set_muted').at(-1).args, { account: 'mixin-1', room: null, muted: true });
});

test('without a keyring, the page offers to keep secrets for this session only', async () => {
  const { renderBanners } = await import('../../app/js/banners.js');
  const holder = document.createElement('div');
  let asked = false;
  const state = { demo: false, notices: [], accounts: new Map(), errors: [], keyring: { missing: 'no Secret Service', session_only: false } };
  renderBanners(holder, state, { keepSecretsForSession: () => { asked = true; } });
  assert.match(holder.textContent, /never writes secrets in plain text/);
  holder.querySelector('button').click();
  assert.equal(asked, true);
  renderBanners(holder, { ...state, keyring: { missing: 'x', session_only: true } }, {});
  assert.match(holder.textContent, /kept in memory for this session only/);
  assert.equal(holder.querySelector('button'), null);
});
