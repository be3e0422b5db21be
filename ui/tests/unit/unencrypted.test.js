// Credentials to a plain http:// or ws:// address on another machine: the add-account form warns
// as soon as such an address is typed, sends nothing until the user ticks the consent, and then
// sends the consent with the form (the backend refuses without it too). Loopback needs no tick.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, settle, startOn } from './page.js';

loadPage();
const { isUnencryptedRemote } = await import('../../app/js/unencrypted.js');

const calls = [];
await startOn({
  invoke: async (command, args) => {
    calls.push({ command, args });
    if (command === 'snapshot') return { accounts: [], rooms: [], notices: [], alerts: [] };
    if (command === 'add_account') return { id: 'new-1' };
    if (command === 'test_realtime') return 'ok';
    return null;
  },
  channel: () => ({ id: 1 }),
});
const $ = (id) => document.getElementById(id);
function type(id, value) {
  $(id).value = value;
  $(id).dispatchEvent(new window.Event('input', { bubbles: true }));
}

test('plain addresses to other machines are told apart from encrypted and local ones', () => {
  for (const remote of ['http://chat.example', 'ws://10.0.0.5:80/ws', ' HTTP://Chat.Example/api ', 'http://127.evil.example/']) {
    assert.equal(isUnencryptedRemote(remote), true, remote);
  }
  for (const fine of ['https://chat.example', 'wss://x.example/ws', 'http://127.0.0.1:9', 'ws://localhost/ws', 'http://[::1]:8/', 'not an address', '']) {
    assert.equal(isUnencryptedRemote(fine), false, fine);
  }
});

test('an http:// server address is sent only after the user ticks the consent, and with it', async () => {
  $('open-settings').click();
  $('new-service').value = 'realtime';
  $('new-service').dispatchEvent(new window.Event('change'));
  assert.equal($('unencrypted-consent').hidden, true, 'nothing to warn about yet');
  type('new-rt-base', 'http://community.example:8080');
  type('new-rt-key', 'key');
  $('new-rt-login').value = 'token';
  $('new-rt-login').dispatchEvent(new window.Event('change', { bubbles: true }));
  type('new-rt-token', 'tok');
  assert.equal($('unencrypted-consent').hidden, false, 'warned while typing');
  assert.match($('unencrypted-warning').textContent, /community\.example:8080 is not encrypted/);

  $('add-account').dispatchEvent(new window.Event('submit', { cancelable: true }));
  await settle();
  assert.equal(calls.filter((c) => c.command === 'add_account').length, 0, 'nothing sent without the tick');
  assert.equal(document.activeElement, $('allow-unencrypted'));
  assert.match($('add-account-error').textContent, /unencrypted/);

  $('allow-unencrypted').checked = true;
  $('add-account').dispatchEvent(new window.Event('submit', { cancelable: true }));
  await settle();
  const sent = calls.filter((c) => c.command === 'add_account');
  assert.equal(sent.length, 1);
  assert.equal(sent[0].args.request.allow_unencrypted, true);
});

test('changing the address takes the consent back; https and loopback need none', async () => {
  $('open-settings').click();
  $('new-service').value = 'realtime';
  $('new-service').dispatchEvent(new window.Event('change'));
  type('new-rt-base', 'http://one.example');
  $('allow-unencrypted').checked = true;
  type('new-rt-base', 'http://other.example');
  assert.equal($('allow-unencrypted').checked, false, 'a consent is for one address');
  type('new-rt-base', 'https://other.example');
  assert.equal($('unencrypted-consent').hidden, true);
  type('new-rt-base', 'http://127.0.0.1:18765');
  assert.equal($('unencrypted-consent').hidden, true);
  $('new-service').value = 'mixin';
  $('new-service').dispatchEvent(new window.Event('change'));
  type('new-mixin-api', 'http://api.example');
  assert.equal($('unencrypted-consent').hidden, false, 'Mixin addresses carry its signed tokens');
  $('new-service').value = 'mockly';
  $('new-service').dispatchEvent(new window.Event('change'));
  assert.equal($('unencrypted-consent').hidden, true, 'a hidden service’s field does not count');
});
