// The Demo bot in the real app (the Blaze simulator on loopback): what the user sent while the
// app was closed arrives through the pending list (text, a chart image with its thumbnail, a
// sticker), the room is named after the user, and a reply reaches the simulator once: the
// simulated user answers it and its receipt turns it "read".

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

test('the Demo bot: pending messages with an image and a sticker, and a reply that is read', async () => {
  mkdirSync(artifacts, { recursive: true });
  const session = await openSession(app, ['--profile', mkdtempSync(join(tmpdir(), 'parley-e2e-mixin-'))]);
  try {
    await session.waitFor('the bot\'s conversation, named after the user', () =>
      session.findAll('#room-list button[data-title^="Ava Trader"]').then((b) => b.length > 0));
    await session.clickFirst('#room-list button[data-title^="Ava Trader"]');
    await session.waitFor('the pending text', async () =>
      (await textOf(session, '#timeline')).includes('Is the OTC desk open?'));
    const loaded = await session.waitFor('the chart and the sticker to be shown', () => session.script(`
      const imgs = [...document.querySelectorAll('#timeline .media-slot img')];
      const ok = imgs.filter((i) => i.complete && i.naturalWidth > 0 && i.src.startsWith('media://'));
      return ok.length >= 2 ? ok.map((i) => i.naturalWidth) : null;`));
    assert.ok(loaded.length >= 2);
    assert.match(await textOf(session, '#timeline'), /Here's the rate I saw on the chart/);

    const [input] = await session.findAll('#composer-input');
    await session.type(input, 'Desk is open: 5,000 USDT at 1.002.');
    await session.click((await session.findAll('#send'))[0]);
    await session.waitFor('the reply to be read by the user', async () =>
      (await session.findAll('#timeline .message.own .delivery.read')).length === 1, 20000);
    await session.waitFor('the user\'s answer', async () =>
      (await textOf(session, '#timeline')).includes("I'll send the USDT now"), 20000);
    const own = await session.script(`return [...document.querySelectorAll('#timeline .message.own .text')].map((n) => n.textContent);`);
    assert.deepEqual(own, ['Desk is open: 5,000 USDT at 1.002.'], 'shown once, no echo bubble');
    writeFileSync(join(artifacts, 'demo-bot.png'), await session.screenshot());
  } finally {
    await session.close();
  }
});
