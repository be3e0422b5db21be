// The Demo community in the real app (the Realtime simulator on loopback): join a room from
// the directory, see its history with names, send a message that comes back once with its
// server id, get an answer, and watch the ticker move.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSession } from './webdriver.js';

const app = process.env.PARLEY_APP_BIN;
const artifacts = process.env.PARLEY_E2E_ARTIFACTS || fileURLToPath(new URL('../artifacts/', import.meta.url));

async function textOf(session, css) {
  const [node] = await session.findAll(css);
  return node ? session.text(node) : '';
}

test('the Demo community: join a room, read its history, talk, and see prices move', async () => {
  mkdirSync(artifacts, { recursive: true });
  const session = await openSession(app, ['--profile', mkdtempSync(join(tmpdir(), 'parley-e2e-rt-'))]);
  try {
    await session.waitFor('the joined trading room in the sidebar', () =>
      session.findAll('#room-list button[data-title^="EUR/USD Trading Room"]').then((b) => b.length > 0));
    await session.clickFirst('#room-list button[data-title^="EUR/USD Trading Room"]');
    await session.waitFor('the community to connect', async () =>
      (await textOf(session, '#room-status')).startsWith('Demo community: Connected'));
    const firstPrice = await session.waitFor('a first EUR/USD price', () => session.script(`
      const tick = document.querySelector('#ticker [data-symbol="EUR/USD"]:not(.waiting) .tick-price');
      return tick ? tick.textContent : null;`));
    assert.match(firstPrice, /^1\.\d{4}$/);

    await session.click((await session.findAll('#browse-rooms'))[0]);
    const [joinButton] = await session.waitFor('the gold room in the directory', () =>
      session.findAll('#directory-list button[aria-label="Join Gold Trading Strategies"]').then((b) => b.length && b));
    await session.click(joinButton);
    await session.waitFor('the gold room to open', async () => (await textOf(session, '#room-title')) === 'Gold Trading Strategies');
    await session.waitFor('its history, with the senders\' names', async () => {
      const timeline = await textOf(session, '#timeline');
      return timeline.includes('Gold respects the 2,600 level every time.') && timeline.includes('Kofi Mensah');
    });

    const [input] = await session.findAll('#composer-input');
    await session.type(input, 'Long XAU/USD from 2,650, stop 2,630.');
    await session.click((await session.findAll('#send'))[0]);
    await session.waitFor('the message to be confirmed by the server', async () =>
      (await session.findAll('#timeline .message.own .delivery.sent')).length === 1);
    await session.waitFor('an answer from the community', async () =>
      /Good call|Thanks for sharing|Agreed|Interesting/.test(await textOf(session, '#timeline')));
    const own = await session.script(`return [...document.querySelectorAll('#timeline .message.own .text')].map((n) => n.textContent);`);
    assert.deepEqual(own, ['Long XAU/USD from 2,650, stop 2,630.'], 'shown once');

    await session.waitFor('the ticker to move', () => session.script(`
      const tick = document.querySelector('#ticker [data-symbol="EUR/USD"] .tick-price');
      return tick && tick.textContent !== arguments[0];`, [firstPrice]));
    await session.waitFor('a trade alert in the notifications count', async () =>
      /Notifications \(\d+\)/.test(await textOf(session, '#open-alerts')), 30000);
    writeFileSync(join(artifacts, 'demo-community.png'), await session.screenshot());
  } finally {
    await session.close();
  }
});
