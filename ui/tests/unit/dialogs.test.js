// The keyboard around dialogs (dialog-focus.js) and redraws (focus-keeper.js): Tab cannot leave
// the top-most dialog, Escape closes it wherever the focus is, a shortcut that opens Settings
// closes the switcher, closing a dialog gives the focus back, and a redraw of the sidebar keeps
// the focused room focused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, byId as $, settle, CAPABILITIES } from './page.js';

loadPage();

const accounts = [
  { id: 'a', display_name: 'Desk bot', demo: false, service_label: 'Mixin', settings: { service: 'mixin' }, capabilities: CAPABILITIES.mixin, state: { state: 'open' } },
  { id: 'b', display_name: 'Second bot', demo: false, service_label: 'Mixin', settings: { service: 'mixin' }, capabilities: CAPABILITIES.mixin, state: { state: 'open' } },
];
const rooms = [
  { account: 'a', room: 'c-1', title: 'Ava Trader', unread: 0 },
  { account: 'a', room: 'c-2', title: 'OTC Desk', unread: 0 },
  { account: 'b', room: 'c-3', title: 'Third', unread: 0 },
];
let push = null;
await startOn({
  invoke: async (command) => {
    if (command === 'snapshot') return { accounts, rooms, notices: [], alerts: [] };
    if (command === 'history') return [];
    if (command === 'remove_account') {
      accounts.pop();
      rooms.pop();
    }
    return null;
  },
  channel: (onMessage) => {
    push = onMessage;
    return { id: 1 };
  },
});
/** A key pressed where the focus is (the body when nothing has it). */
function press(key, extra = {}) {
  const target = document.activeElement || document.body;
  const event = new window.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...extra });
  target.dispatchEvent(event);
  return event;
}

test('Tab and Shift+Tab cannot leave the switcher', async () => {
  press('k', { ctrlKey: true });
  assert.equal($('switcher').hidden, false);
  assert.equal(document.activeElement, $('switcher-input'));
  assert.equal(press('Tab').defaultPrevented, true);
  assert.equal(document.activeElement, $('switcher-input'));
  press('Tab', { shiftKey: true });
  assert.equal(document.activeElement, $('switcher-input'));
  $('room-list').querySelector('button.room').focus(); // as a click behind the dialog would
  press('Tab');
  assert.equal(document.activeElement, $('switcher-input'), 'Tab from outside goes back in');
});

test('opening Settings from the switcher closes the switcher', async () => {
  assert.equal($('switcher').hidden, false);
  press(',', { ctrlKey: true });
  assert.equal($('switcher').hidden, true);
  assert.equal($('settings').hidden, false);
});

test('in Settings, Tab wraps from the last field to Close, and Escape still works after an account is removed', async () => {
  const reachable = [...$('settings').querySelectorAll('button, input, select, textarea')].filter((n) => !n.disabled && !n.closest('[hidden]') && !n.closest('fieldset[disabled]'));
  reachable.at(-1).focus();
  press('Tab');
  assert.equal(document.activeElement, $('close-settings'));
  press('Tab', { shiftKey: true });
  assert.equal(document.activeElement, reachable.at(-1));

  const remove = $('account-list').querySelector('button[aria-label="Remove: Second bot"]');
  remove.focus();
  remove.click();
  // Removing asks first; the focus waits on Cancel.
  assert.equal(document.activeElement.textContent, 'Cancel');
  [...$('account-list').querySelectorAll('.ask-first button')].find((b) => b.textContent === 'Remove account').click();
  await settle();
  await settle();
  assert.equal($('account-list').querySelector('button[aria-label="Remove: Second bot"]'), null, 'the row went with its button');
  assert.equal(document.activeElement, document.body, 'the focus was lost with the button');
  press('Escape');
  assert.equal($('settings').hidden, true, 'Escape closes Settings all the same');
});

test('Escape on the shortcut list gives the focus back to where it was', async () => {
  $('composer-input').focus();
  press('/', { ctrlKey: true });
  assert.equal($('shortcuts').hidden, false);
  assert.equal(document.activeElement, $('close-shortcuts'));
  press('Escape');
  assert.equal($('shortcuts').hidden, true);
  await settle();
  assert.equal(document.activeElement, $('composer-input'), 'not the body');
});

test('a new message redraws the sidebar without taking the focus off the room button', async () => {
  const button = () => $('room-list').querySelector('button[data-title="OTC Desk"]');
  button().focus();
  const before = button();
  push([{ event: 'message', local_id: 9, account: 'a', room: 'c-2', id: 'm9', sender_id: 'u', sender_name: 'U', own: false, kind: 'text', text: 'hi', ts_ms: Date.now(), ts_raw: '', state: 'sent', error: null }]);
  await settle();
  assert.equal(button(), before, 'the same button, its label redrawn');
  assert.match(button().textContent, /1 unread/, 'with a new unread badge');
  assert.equal(document.activeElement, button(), 'the same room keeps the focus');
});
