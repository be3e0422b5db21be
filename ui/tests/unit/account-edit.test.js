// Editing an account from its row in Settings: Edit opens its name and addresses, Save sends
// only what changed, a refusal naming a field is shown at that field, and the Demo has no Edit.
// A key or token is replaced in place (issue 22): the fields the service's secret is made of,
// checked before the backend, refusals at the new field, and nothing left in the page after.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, byId as $, settle, CAPABILITIES, XSS, assertInert } from './page.js';

loadPage();

const calls = [];
let refusal = null;
let push = null;
const accounts = [
  { id: 'rt-1', display_name: 'Community', demo: false, service_label: 'Realtime', settings: { service: 'realtime', base_url: 'https://api.example.com', ws_url: null, rooms: [], symbols: [] }, capabilities: CAPABILITIES.realtime, state: { state: 'open' } },
  { id: 'mexc-1', display_name: 'Desk', demo: false, service_label: 'MEXC P2P', settings: { service: 'mexc', auth: 'api_key', endpoint: 'wss://wbs.mexc.com/ws', rest_base: 'https://api.mexc.com', conversations: [] }, capabilities: CAPABILITIES.mexc || CAPABILITIES.mockly, state: { state: 'open' } },
  { id: 'demo-mockly', display_name: 'Demo room', demo: true, service_label: 'mockly.me chat', settings: { service: 'mockly', client_id: 'you', endpoint: 'ws://127.0.0.1:1/ws/chat/{client_id}' }, capabilities: CAPABILITIES.mockly, state: { state: 'open' } },
];
await startOn({
  invoke: async (command, args) => {
    calls.push({ command, args });
    if (command === 'snapshot') return { accounts, rooms: [], notices: [], alerts: [] };
    if (command === 'update_account') {
      if (refusal) throw refusal;
      const account = accounts.find((a) => a.id === args.account);
      if (args.edit.display_name) account.display_name = args.edit.display_name;
      for (const { field, value } of args.edit.addresses) account.settings = { ...account.settings, [field]: value };
    }
    return null;
  },
  channel: (onMessage) => {
    push = onMessage;
    return { id: 1 };
  },
});
const row = (id) => $('account-list').querySelector(`[data-account="${id}"]`);
const save = async (id) => {
  row(id).querySelector('form.account-edit').dispatchEvent(new window.Event('submit', { cancelable: true }));
  await settle();
};

test('the Demo has no Edit; an own account opens its name and addresses', () => {
  $('open-settings').click();
  assert.equal(row('demo-mockly').querySelector('.edit-account'), null);
  const edit = row('rt-1').querySelector('.edit-account');
  assert.equal(edit.getAttribute('aria-label'), 'Edit: Community');
  edit.click();
  assert.equal(edit.getAttribute('aria-expanded'), 'true');
  assert.equal(document.activeElement, $('edit-display_name-rt-1'));
  assert.equal($('edit-display_name-rt-1').value, 'Community');
  assert.equal($('edit-base_url-rt-1').value, 'https://api.example.com');
  assert.equal($('edit-ws_url-rt-1').value, '', 'no live socket address set');
});

test('an empty name is refused at the field, without asking the backend', async () => {
  $('edit-display_name-rt-1').value = '  ';
  await save('rt-1');
  assert.equal($('edit-display_name-rt-1').getAttribute('aria-invalid'), 'true');
  assert.equal($('edit-display_name-rt-1-error').textContent, 'Give the account a name.');
  assert.ok(!calls.some((c) => c.command === 'update_account'));
});

test('a refused address is shown at its field, with its details', async () => {
  $('edit-display_name-rt-1').value = 'Community';
  $('edit-base_url-rt-1').value = `ftp://x ${XSS}`;
  refusal = { kind: 'invalid_input', message: 'The server address must be an address starting with https:// or http://.', detail: XSS, field: 'base_url' };
  await save('rt-1');
  assert.equal(calls.filter((c) => c.command === 'update_account').at(-1).args.edit.display_name, undefined, 'an unchanged name is not sent');
  assert.equal($('edit-base_url-rt-1').getAttribute('aria-invalid'), 'true');
  assert.equal(document.activeElement, $('edit-base_url-rt-1'));
  assert.match($('edit-base_url-rt-1-error').textContent, /^The server address must be/);
  assertInert(row('rt-1'), assert);
});

test('a plain address on another machine asks for consent at the form, then is sent with it', async () => {
  $('edit-base_url-rt-1').value = 'http://chat.example.org';
  refusal = { kind: 'needs_confirmation', field: 'base_url', message: 'http://chat.example.org is not encrypted: your credentials would cross the network readable by anyone on the way.' };
  const box = $('edit-unencrypted-rt-1');
  assert.equal(box.closest('[hidden]') !== null, true, 'not asked before the backend says so');
  await save('rt-1');
  assert.equal(box.closest('.checkbox-row').hidden, false, 'asked now');
  assert.equal($('edit-base_url-rt-1').getAttribute('aria-invalid'), 'true');
  box.checked = true;
  refusal = null;
  await save('rt-1');
  assert.equal(calls.filter((c) => c.command === 'update_account').at(-1).args.edit.allow_unencrypted, true);
});

test('Save sends only what changed; the row shows the new name and the focus returns to Edit', async () => {
  refusal = null;
  $('edit-display_name-rt-1').value = ' Trading floor ';
  $('edit-base_url-rt-1').value = 'https://chat.example.org';
  await save('rt-1');
  const sent = calls.filter((c) => c.command === 'update_account').at(-1).args;
  assert.deepEqual(sent, { account: 'rt-1', edit: { allow_unencrypted: false, display_name: 'Trading floor', addresses: [{ field: 'base_url', value: 'https://chat.example.org' }] } });
  await settle();
  assert.equal(row('rt-1').querySelector('.account-name').textContent, 'Trading floor');
  assert.equal(row('rt-1').querySelector('form.account-edit').hidden, true);
  assert.equal(document.activeElement, row('rt-1').querySelector('.edit-account'));
});

test('a Realtime account signs in again from Edit: the new token replaces the old, and the password leaves the page', async () => {
  refusal = null;
  const box = $('edit-replace-rt-1');
  assert.ok(box, 'offered');
  row('rt-1').querySelector('.edit-account').click();
  assert.equal($('edit-new-password-rt-1').closest('[hidden]') !== null, true, 'closed until asked for');
  box.checked = true;
  box.dispatchEvent(new window.Event('change'));
  assert.equal($('edit-new-password-rt-1').closest('[hidden]'), null);
  assert.equal(document.activeElement, $('edit-new-api_key-rt-1'));
  const before = calls.filter((c) => c.command === 'update_account').length;
  $('edit-new-api_key-rt-1').value = 'pk_live';
  $('edit-new-email-rt-1').value = 'me@example.com';
  await save('rt-1');
  assert.equal(calls.filter((c) => c.command === 'update_account').length, before, 'an empty password is refused before the backend');
  assert.equal($('edit-new-password-rt-1').getAttribute('aria-invalid'), 'true');

  $('edit-new-password-rt-1').value = 'wrong';
  refusal = { kind: 'service_refused', message: 'The server refused the email or password.', field: 'password' };
  await save('rt-1');
  assert.equal($('edit-new-password-rt-1').getAttribute('aria-invalid'), 'true', 'the refusal is about the new password, not an address');
  assert.match($('edit-new-password-rt-1-error').textContent, /refused the email or password/);

  refusal = null;
  $('edit-new-password-rt-1').value = 'hunter2';
  await save('rt-1');
  const sent = calls.filter((c) => c.command === 'update_account').at(-1).args.edit;
  assert.deepEqual(sent.credentials, { service: 'realtime', base_url: 'https://chat.example.org', api_key: 'pk_live', email: 'me@example.com', password: 'hunter2', allow_unencrypted: false });
  assert.equal(sent.addresses.length, 0);
  assert.equal($('edit-new-password-rt-1').value, '', 'the password does not stay in the page');
  assert.equal(box.checked, false);
});

test('an API-key MEXC account replaces its key and secret; the Demo and mockly have nothing to replace', async () => {
  refusal = null;
  row('mexc-1').querySelector('.edit-account').click();
  const box = $('edit-replace-mexc-1');
  box.checked = true;
  box.dispatchEvent(new window.Event('change'));
  assert.equal($('edit-new-listen_key-mexc-1'), null, 'an API-key account is not offered a listenKey');
  $('edit-new-api_key-mexc-1').value = ' mx0key ';
  $('edit-new-api_secret-mexc-1').value = 'sekrit';
  await save('mexc-1');
  const sent = calls.filter((c) => c.command === 'update_account').at(-1).args;
  assert.equal(sent.account, 'mexc-1');
  assert.deepEqual(sent.edit.credentials, { service: 'mexc', auth: 'api_key', api_key: 'mx0key', api_secret: 'sekrit', allow_unencrypted: false });
  assert.equal($('edit-replace-demo-mockly'), null);
});


test('the offline banner\'s Settings opens Settings at the stopped account, its Edit focused', async () => {
  $('settings').hidden = true;
  push([{ event: 'status', account: 'mexc-1', room: null, state: { state: 'stopped', reason: 'its key is not in the keyring' } }]);
  await settle();
  await new Promise((r) => window.requestAnimationFrame(() => r()));
  const banner = document.querySelector('#banners .banner.offline');
  assert.ok(banner, 'the stopped account is said');
  const open = [...banner.querySelectorAll('button')].find((b) => b.textContent === 'Settings');
  assert.equal(open.getAttribute('aria-label'), 'Settings: Desk');
  open.click();
  assert.equal($('settings').hidden, false);
  assert.equal(document.activeElement, row('mexc-1').querySelector('.edit-account'), 'at the account, ready to give its key again');
});
