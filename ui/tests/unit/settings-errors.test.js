// A refusal that names a settings field (`field`) is shown at that field's input in the add-account
// form: marked invalid, described by the message, focused, and cleared once edited. Refusals
// without a field, or naming a field the form does not show, appear where they always did.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, nextFrame, XSS, assertInert } from './page.js';

loadPage();
const { setBackend } = await import('../../app/js/ipc.js');
const { startApp } = await import('../../app/js/app.js');

const calls = [];
let refusal = null;
let mocklyDown = null;
setBackend({
  invoke: async (command, args) => {
    calls.push({ command, args });
    switch (command) {
      case 'snapshot':
        return { accounts: [], rooms: [], notices: [], alerts: [] };
      case 'test_mockly':
        if (mocklyDown) throw mocklyDown;
        return 'Connected';
      case 'add_account':
      case 'test_realtime':
      case 'check_mixin_keystore':
        if (refusal) throw refusal;
        return command === 'add_account' ? { id: 'new-1' } : 'ok';
      default:
        return null;
    }
  },
  channel: () => ({ id: 1 }),
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
function choose(service) {
  $('new-service').value = service;
  $('new-service').dispatchEvent(new window.Event('change'));
}
async function add() {
  $('add-account').dispatchEvent(new window.Event('submit', { cancelable: true }));
  await settle();
}
const invalid = () => [...document.querySelectorAll('[aria-invalid="true"]')].map((n) => n.id);

/** `focused`: a submit moves the focus to the field; a check button keeps it. */
function assertShownAt(id, message, { focused = true } = {}) {
  const input = $(id);
  assert.equal(input.getAttribute('aria-invalid'), 'true');
  if (focused) assert.equal(document.activeElement, input, 'focused');
  else assert.notEqual(document.activeElement, input, 'the focus stays at the button');
  const note = input.nextElementSibling;
  assert.equal(note.id, `${id}-error`);
  assert.equal(note.textContent, message);
  assert.equal(note.getAttribute('role'), 'alert');
  assert.ok(input.getAttribute('aria-describedby').split(' ').includes(note.id), 'the input is described by it');
}

test('a refused client id is shown at the client id field, and editing it clears the mark', async () => {
  $('open-settings').click();
  choose('mockly');
  $('new-client-id').value = 'taken';
  refusal = { kind: 'service_refused', message: `That client id is in use ${XSS}`, field: 'client_id' };
  await add();
  assertShownAt('new-client-id', `That client id is in use ${XSS}`);
  assert.equal($('add-account-error').textContent, '', 'not repeated below the form');
  assert.equal($('settings').hidden, false, 'the form stays open');
  assertInert($('add-account'), assert);
  assert.equal($('new-client-id').getAttribute('aria-describedby'), 'new-client-id-error help-client-id', 'its help stays');

  $('new-client-id').value = 'free';
  $('new-client-id').dispatchEvent(new window.Event('input'));
  assert.equal($('new-client-id').hasAttribute('aria-invalid'), false);
  assert.equal($('new-client-id-error'), null);
  assert.equal($('new-client-id').getAttribute('aria-describedby'), 'help-client-id');
});

test('the display name is a field of every form', async () => {
  refusal = { kind: 'invalid_input', message: 'The display name is too long.', field: 'display_name' };
  await add();
  assertShownAt('new-display-name', 'The display name is too long.');
});

test('a refusal without a field, or with one the form does not show, goes below the form', async () => {
  refusal = { kind: 'unreachable', message: 'cannot reach the server' };
  await add();
  assert.equal($('add-account-error').textContent, 'cannot reach the server');
  assert.equal($('add-account-error').querySelector('details'), null, 'no Details without a detail');
  assert.deepEqual(invalid(), [], 'a new attempt clears the marks of the last one');

  refusal = { kind: 'invalid_input', message: 'The keystore is not JSON.', field: 'keystore' };
  await add();
  assert.equal($('add-account-error').textContent, 'The keystore is not JSON.', 'a Mixin field is not in the mockly form');
  assert.deepEqual(invalid(), []);
});

test('MEXC: a refused API secret is marked; changing the service clears the marks', async () => {
  choose('mexc');
  $('new-mexc-auth').value = 'api_key';
  $('new-mexc-auth').dispatchEvent(new window.Event('change'));
  $('new-api-key').value = 'mx0';
  $('new-api-secret').value = 'wrong';
  refusal = { kind: 'service_refused', message: 'MEXC refused the signature: check the API secret.', field: 'api_secret' };
  await add();
  assertShownAt('new-api-secret', 'MEXC refused the signature: check the API secret.');
  refusal = { kind: 'invalid_input', message: 'Not a conversation id.', field: 'conversations' };
  await add();
  assert.equal($('add-account-error').textContent, 'Not a conversation id.', 'the listenKey fields are hidden in API-key mode');
  assert.deepEqual(invalid(), []);
  refusal = { kind: 'service_refused', message: 'bad secret', field: 'api_secret' };
  await add();
  choose('mockly');
  assert.deepEqual(invalid(), []);
  assert.equal($('new-api-secret-error'), null);
});

test('Realtime: Test connection shows a refused password at the password field', async () => {
  choose('realtime');
  $('new-rt-base').value = 'https://api.example.com';
  $('new-rt-key').value = 'pk';
  $('new-rt-email').value = 'me@example.com';
  $('new-rt-password').value = 'wrong';
  refusal = {
    kind: 'service_refused', message: 'The server refused the email or password.', field: 'password',
    steps: [
      { label: 'Server reached', outcome: 'passed' },
      { label: 'Signed in', outcome: 'failed' },
      { label: 'Rooms listed', outcome: 'not_reached' },
      { label: 'Live socket authenticated', outcome: 'not_reached' },
    ],
  };
  $('test-realtime').focus();
  $('test-realtime').click();
  await settle();
  assertShownAt('new-rt-password', 'The server refused the email or password.', { focused: false });
  assert.equal($('test-realtime-result').dataset.outcome, 'failed');
  const steps = [...$('test-realtime-result').querySelectorAll('.check-step')];
  assert.deepEqual(steps.map((li) => [li.className, li.textContent]), [
    ['check-step passed', '✓Server reached: passed'],
    ['check-step failed', '✗Signed in: failed'],
    ['check-step not_reached', '–Rooms listed: not reached'],
    ['check-step not_reached', '–Live socket authenticated: not reached'],
  ], 'which step failed, and what was not reached');
  assert.equal($('test-realtime-result').textContent.replace(/^.*not reached/s, ''), 'Failed: The server refused the email or password.', 'the answer stays at the button too');
  $('new-rt-password').value = 'right';
  $('new-rt-password').dispatchEvent(new window.Event('input', { bubbles: true }));
  assert.deepEqual(invalid(), [], 'fixing the field clears its mark');
  assert.equal($('test-realtime-result').textContent, '', 'and the result about the old values');

  refusal = {
    kind: 'unreachable', message: "Can't reach the server — is it running, and is the address right?",
    detail: 'cannot reach the server: error sending request: Connection refused (os error 111)',
  };
  $('test-realtime').click();
  await settle();
  assert.deepEqual(invalid(), []);
  const result = $('test-realtime-result');
  assert.equal(result.querySelector('.error-summary').textContent, "Failed: Can't reach the server — is it running, and is the address right?");
  assert.equal(result.querySelector('details').open, false, 'the technical text is one click away');
  assert.equal(result.querySelector('details code').textContent, 'cannot reach the server: error sending request: Connection refused (os error 111)');

  refusal = { kind: 'invalid_input', message: 'The token is not a JWT.', field: 'api_token' };
  $('test-realtime').click();
  await settle();
  assert.equal($('test-realtime-result').textContent, 'Failed: The token is not a JWT.', 'the token field is hidden in password mode');

  $('new-rt-email').value = '';
  $('test-realtime').click();
  await settle();
  assertShownAt('new-rt-email', 'Enter the email you sign in with.');
  assert.equal($('test-realtime-result').textContent, 'Not checked: correct the marked field first.');
  assert.equal(calls.filter((c) => c.command === 'test_realtime').length, 3, 'the page\'s own check asks nothing of the backend');
  $('new-rt-email').value = 'me@example.com';
  $('new-rt-email').dispatchEvent(new window.Event('input', { bubbles: true }));
  assert.equal($('test-realtime-result').textContent, '');

  refusal = { kind: 'invalid_input', message: 'Not a WebSocket address.', field: 'ws_url' };
  await add();
  assertShownAt('new-rt-ws', 'Not a WebSocket address.');
});

test('Mixin: Check keystore shows a refused keystore at the keystore field', async () => {
  choose('mixin');
  $('new-mixin-keystore').value = '{"app_id":"x"}';
  refusal = { kind: 'service_refused', message: 'Mixin answered 401: the keystore was revoked.', field: 'keystore' };
  $('check-mixin').focus();
  $('check-mixin').click();
  await settle();
  assertShownAt('new-mixin-keystore', 'Mixin answered 401: the keystore was revoked.', { focused: false });
  assert.equal($('check-mixin-result').textContent, 'Failed: Mixin answered 401: the keystore was revoked.');
  $('new-mixin-keystore').dispatchEvent(new window.Event('input', { bubbles: true }));
  assert.deepEqual(invalid(), []);
  assert.equal($('check-mixin-result').textContent, '', 'no stale "see the marked field" once it is edited');

  $('new-mixin-keystore').value = 'not json';
  await add();
  assertShownAt('new-mixin-keystore', 'The keystore is not JSON: paste the whole file, braces included.');
  $('new-mixin-keystore').value = '{"app_id":"x"}';

  refusal = { kind: 'invalid_input', message: 'Not a Blaze address.', field: 'blaze_url' };
  await add();
  assertShownAt('new-mixin-blaze', 'Not a Blaze address.');

  refusal = null;
  await add();
  assert.equal(calls.filter((c) => c.command === 'add_account').at(-1).args.request.service, 'mixin');
  assert.deepEqual(invalid(), [], 'an accepted account leaves no marks');
  assert.equal($('settings').hidden, true);
});

test('a value left in another service\'s fields never blocks the form', () => {
  choose('realtime');
  $('new-rt-base').value = 'https://exa mple.com';
  choose('mixin');
  assert.equal($('fields-realtime').disabled, true, 'the hidden service\'s fields are disabled');
  assert.equal($('fields-mixin').disabled, false);
  assert.equal($('add-account').checkValidity(), true, 'the invalid hidden address does not block adding a bot');
  choose('realtime');
  assert.equal($('fields-realtime').disabled, false);
});

test('mockly: the endpoint is checked before adding, and a server down on purpose can be added anyway', async () => {
  $('open-settings').click();
  choose('mockly');
  $('new-client-id').value = 'trader';
  $('new-endpoint').value = 'ws://127.0.0.1:9/ws/chat/{client_id}';
  mocklyDown = { kind: 'unreachable', field: 'endpoint', message: "Can't reach the chat server — is it running, and is the address right?", detail: 'cannot reach the chat server: IO error: Connection refused (os error 111)' };
  const added = () => calls.filter((c) => c.command === 'add_account').length;
  const before = added();
  await add();
  assert.equal(added(), before, 'not added while the check fails');
  assert.deepEqual(calls.filter((c) => c.command === 'test_mockly').at(-1).args.request, { service: 'mockly', client_id: 'trader', display_name: null, endpoint: 'ws://127.0.0.1:9/ws/chat/{client_id}' });
  assertShownAt('new-endpoint', `${mocklyDown.message}Details${mocklyDown.detail}`);
  assert.equal($('settings').hidden, false);
  $('add-anyway').click();
  await settle();
  assert.equal(added(), before + 1, '"Add anyway" adds it without the check');
  assert.equal($('settings').hidden, true);

  mocklyDown = null;
  $('open-settings').click();
  choose('mockly');
  $('new-client-id').value = 'trader2';
  await add();
  assert.equal(added(), before + 2, 'a server that answers: added at once');
  assert.equal($('add-anyway'), null);
});
