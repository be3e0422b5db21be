import { openSession } from '../tests/e2e/webdriver.js';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const profile = mkdtempSync(join(tmpdir(), 'zz-health-'));
const session = await openSession(process.env.PARLEY_APP_BIN, ['--profile', profile]);
try {
  await sleep(12000);
  const snap = await session.scriptAsync(`const done = arguments[arguments.length - 1];
    window.__TAURI__.core.invoke('snapshot').then((s) => done(JSON.stringify({ health: s.health.map((h) => [h.account, h.last_connected_ms, h.received_24h]), states: s.accounts.map((a) => [a.id, a.state && a.state.state]) })), (e) => done('err ' + e));`);
  console.log(snap);
} finally {
  await session.close();
}
