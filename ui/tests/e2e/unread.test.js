// Never miss, in the real window: the Demo's trading room, with unread messages, opens at a
// "New messages" line; scrolled up, Jump to latest appears and takes the reader to the newest
// message; the room's unread count is gone once its messages were on screen.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSession } from './webdriver.js';

const app = process.env.PARLEY_APP_BIN;
const artifacts = process.env.PARLEY_E2E_ARTIFACTS || fileURLToPath(new URL('../artifacts/', import.meta.url));
const ROOM = '#room-list button[data-title="EUR/USD Trading Room"]';

test('a room with unread messages opens at the New messages line; Jump to latest reads the rest', async () => {
  assert.ok(app, 'PARLEY_APP_BIN must name the built app');
  mkdirSync(artifacts, { recursive: true });
  const session = await openSession(app, ['--profile', mkdtempSync(join(tmpdir(), 'parley-e2e-unread-'))]);
  try {
    await session.setWindowSize(1100, 640);
    await session.waitFor('the trading room with unread messages', async () => session.script(`
      const b = document.querySelector('${ROOM}');
      return !!b && Number((b.querySelector('.badge') || {}).textContent || 0) > 0;`));
    await session.clickFirst(ROOM);
    await session.waitFor('the New messages line in view', async () => session.script(`
      const line = document.querySelector('#timeline .unread-line');
      if (!line) return false;
      const t = document.getElementById('timeline').getBoundingClientRect();
      const r = line.getBoundingClientRect();
      return r.top >= t.top && r.bottom <= t.bottom;`));
    writeFileSync(join(artifacts, 'unread-line.png'), await session.screenshot());
    // Scrolled up to the top, the button offers the way back.
    await session.script(`const t = document.getElementById('timeline'); t.scrollTop = 0; t.dispatchEvent(new Event('scroll')); return true;`);
    await session.waitFor('Jump to latest', async () => session.script(`return !document.getElementById('jump-latest').hidden;`));
    writeFileSync(join(artifacts, 'jump-latest.png'), await session.screenshot());
    await session.clickFirst('#jump-latest');
    await session.waitFor('the newest message on screen and the button gone', async () => session.script(`
      const t = document.getElementById('timeline');
      return document.getElementById('jump-latest').hidden && t.scrollHeight - t.scrollTop - t.clientHeight < 80;`));
    await session.waitFor('the unread count gone', async () => session.script(`return !document.querySelector('${ROOM} .badge');`));
  } finally {
    await session.close();
  }
});
