// SIGTERM and SIGINT quit the real app the ordinary way (issue 25): the engine's shutdown runs,
// so the MEXC listenKeys Parley created are deleted before the process ends, as the README
// promises for every exit. Without quit_signals.rs the default action killed the process at
// once: no exit code, nothing logged, the keys left alive on the exchange for an hour.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const app = process.env.PARLEY_APP_BIN;

/** Everything the profile's logs hold so far. */
function logText(profile) {
  try {
    const dir = join(profile, 'logs');
    return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
  } catch {
    return '';
  }
}

async function until(what, check, ms = 60000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out waiting for ${what}`);
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`${signal} deletes the Demo's listenKey and exits 0`, async () => {
    const profile = mkdtempSync(join(tmpdir(), `parley-e2e-${signal}-`));
    const child = spawn(app, ['--profile', profile], {
      env: { ...process.env, PARLEY_LOG: 'info' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve({ code, sig })));
    try {
      // The Demo's order chat dials with a listenKey it created over REST.
      await until('the Demo MEXC chat to connect', () => /mexc[^\n]*connected|connected[^\n]*mexc/i.test(logText(profile)));
      child.kill(signal);
      const end = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 15000))]);
      assert.ok(end, `the app still runs 15 s after ${signal}`);
      assert.deepEqual(end, { code: 0, sig: null }, `exited by itself with 0, not killed by ${signal}`);
      const log = logText(profile);
      assert.match(log, new RegExp(`quitting[^\\n]*signal="?${signal}`));
      assert.match(log, /listenKey deleted/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(profile, { recursive: true, force: true });
    }
  });
}
