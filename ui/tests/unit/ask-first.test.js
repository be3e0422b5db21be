// Destructive actions ask first: the Demo banner's Remove demo, an account's Remove, and an order
// chat's Remove do nothing on the first click but ask, with Cancel focused; Escape and Cancel put
// the button back; only the confirming button acts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, settle, startOn, CAPABILITIES } from './page.js';

loadPage();
const calls = [];
const demo = { id: 'demo-mockly', display_name: 'Demo room', demo: true, service_label: 'mockly.me chat', settings: { service: 'mockly' }, capabilities: CAPABILITIES.mockly, state: { state: 'open' } };
const mexc = { id: 'mexc-1', display_name: 'My MEXC', demo: false, service_label: 'MEXC P2P', settings: { service: 'mexc', auth: 'listen_key', conversations: [{ conversation_id: 50012, order_no: '1138745987' }] }, capabilities: CAPABILITIES.mexc, state: { state: 'open' } };
await startOn({
  invoke: async (command, args) => {
    calls.push({ command, args });
    if (command === 'snapshot') return { accounts: [demo, mexc], rooms: [{ account: 'demo-mockly', room: 'public', title: 'Public room', unread: 0 }], notices: [] };
    if (command === 'history') return [];
    return null;
  },
  channel: () => ({ id: 1 }),
});
const $ = (id) => document.getElementById(id);
const called = (command) => calls.filter((c) => c.command === command).length;
const askButton = (root, text) => [...root.querySelectorAll('.ask-first button')].find((b) => b.textContent === text);

test('Remove demo on the banner asks first, also across redraws; Escape and Cancel keep the Demo', async () => {
  await settle();
  const removeButton = () => [...$('banners').querySelectorAll('button')].find((b) => b.textContent === 'Remove demo' && !b.classList.contains('danger'));
  removeButton().click();
  assert.equal(called('dismiss_demo'), 0, 'one click removes nothing');
  assert.equal(document.activeElement.textContent, 'Cancel', 'the safe choice has the focus');
  assert.match($('banners').querySelector('.ask-first').getAttribute('aria-label'), /Remove the Demo for good\?/);
  // The banner is redrawn (here by collapsing it; in the app by every batch): the question stays.
  [...$('banners').querySelectorAll('button')].find((b) => b.textContent === 'Collapse').click();
  assert.ok($('banners').querySelector('.ask-first'), 'the question survives the banner being redrawn');
  [...$('banners').querySelectorAll('button')].find((b) => b.textContent === 'About').click();
  askButton($('banners'), 'Cancel').focus();
  document.activeElement.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
  assert.equal($('banners').querySelector('.ask-first'), null, 'Escape cancels');
  assert.equal(document.activeElement, removeButton(), 'the focus is back on the button');
  removeButton().click();
  askButton($('banners'), 'Cancel').click();
  assert.equal(called('dismiss_demo'), 0);
  removeButton().click();
  askButton($('banners'), 'Remove demo').click();
  await settle();
  assert.equal(called('dismiss_demo'), 1, 'only the confirming button acts');
});

test('an account and an order chat are removed only once confirmed', async () => {
  $('open-settings').click();
  await settle();
  const removeAccount = $('account-list').querySelector('button[aria-label="Remove: My MEXC"]');
  removeAccount.click();
  assert.equal(called('remove_account'), 0);
  assert.match($('account-list').querySelector('.ask-first').textContent, /Remove My MEXC\? Its rooms and stored messages are deleted/);
  askButton($('account-list'), 'Cancel').click();
  const removeChat = $('account-list').querySelector('button[aria-label="Remove Order 1138745987 and its history"]');
  removeChat.click();
  assert.equal(called('remove_room'), 0, 'an order chat is not removed on the first click');
  askButton($('account-list'), 'Remove').click();
  await settle();
  assert.ok(calls.some((c) => c.command !== 'snapshot' && JSON.stringify(c.args || {}).includes('50012')), 'the confirmed removal reached the backend');
  removeAccount.click();
  askButton($('account-list'), 'Remove account').click();
  await settle();
  assert.equal(called('remove_account'), 1);
});
