// The backend's rejections become Errors the page reads by kind, field and wait, never by
// their wording; a plain string (or anything else) still works, as kind `internal`.

import { test } from 'node:test';
import assert from 'node:assert/strict';

const { setBackend, call, backendError } = await import('../../app/js/ipc.js');

let rejection = null;
setBackend({
  invoke: async (command) => {
    if (command === 'fails') throw rejection;
    return { ok: command };
  },
  channel: () => ({}),
});

async function failure(reason) {
  rejection = reason;
  try {
    await call('fails', {});
  } catch (error) {
    return error;
  }
  assert.fail('the call should have failed');
}

test('a typed rejection becomes an Error with kind, field and retryAfterMs', async () => {
  const error = await failure({ kind: 'service_refused', message: 'Realtime is busy', retry_after_ms: 12000 });
  assert.ok(error instanceof Error);
  assert.equal(error.message, 'Realtime is busy');
  assert.equal(error.kind, 'service_refused');
  assert.equal(error.retryAfterMs, 12000);
  assert.equal(error.field, null);

  const refused = await failure({ kind: 'service_refused', message: 'The server refused the password.', field: 'password' });
  assert.equal(refused.kind, 'service_refused');
  assert.equal(refused.field, 'password');
  assert.equal(refused.retryAfterMs, null);
});

test('a plain string rejection is kind internal with the string as its message', async () => {
  const error = await failure('you can send again in 7 s');
  assert.equal(error.message, 'you can send again in 7 s');
  assert.equal(error.kind, 'internal');
  assert.equal(error.retryAfterMs, null, 'the wording is not read');
  assert.equal(error.field, null);
});

test('other rejections keep their text and are kind internal', async () => {
  const thrown = await failure(new Error('boom'));
  assert.equal(thrown.message, 'boom');
  assert.equal(thrown.kind, 'internal');
  assert.equal(backendError(undefined).message, 'undefined');
  assert.equal(backendError({ kind: 'unreachable', message: 'cannot reach the server', retry_after_ms: 'soon', field: 7 }).retryAfterMs, null);
  assert.equal(backendError({ kind: 'unreachable', message: 'x', field: 7 }).field, null);
});

test('a successful call returns the backend\'s value', async () => {
  assert.deepEqual(await call('works'), { ok: 'works' });
});
