// Drafts per room in the real window: text typed in the Demo order chat does not follow the
// trader into the bot conversation (where Enter would have sent it to the wrong person), comes
// back in the order chat, is marked in the sidebar, and is still there after a restart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSession } from './webdriver.js';

const app = process.env.PARLEY_APP_BIN;
const artifacts = process.env.PARLEY_E2E_ARTIFACTS || fileURLToPath(new URL('../artifacts/', import.meta.url));
// The Demo's order chat, named after its order once Parley has read it.
const ORDER_TITLE = 'Sell 1,344.08 USDT · Buyer (demo)';
const ORDER = `#room-list button[data-title="${ORDER_TITLE}"]`;
const BOT = '#room-list button[data-title="Ava Trader"]';

async function openRoom(session, css, title) {
  await session.waitFor(`${title} in the sidebar`, () => session.findAll(css).then((b) => b.length > 0));
  await session.clickFirst(css);
  await session.waitFor(`${title} to open`, async () => (await session.text((await session.findAll('#room-title'))[0])) === title);
}
const composerText = (session) => session.script(`return document.getElementById('composer-input').value;`);

test('a draft stays in its room: not carried to another room, marked, and kept across a restart', async () => {
  assert.ok(app, 'PARLEY_APP_BIN must name the built app');
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'parley-e2e-drafts-'));
  const payment = 'IBAN DE89 3704 0044 0532 0130 00 — reference 1138745987';

  let session = await openSession(app, ['--profile', profile]);
  try {
    await openRoom(session, ORDER, ORDER_TITLE);
    await session.type((await session.findAll('#composer-input'))[0], payment);
    await openRoom(session, BOT, 'Ava Trader');
    assert.equal(await composerText(session), '', 'the bot conversation opens with its own, empty, composer');
    const ownBefore = (await session.findAll('#timeline article.message.own')).length;
    await session.press('\uE007'); // Enter in the bot conversation
    assert.equal((await session.findAll('#timeline article.message.own')).length, ownBefore, 'Enter sent nothing to the bot conversation');
    await session.waitFor('the order chat marked as having a draft', async () => (await session.findAll(`${ORDER} .draft-mark`)).length === 1);
    writeFileSync(join(artifacts, 'draft-marked.png'), await session.screenshot());
    await openRoom(session, ORDER, ORDER_TITLE);
    assert.equal(await composerText(session), payment, 'the draft is back in its room');
  } finally {
    await session.close();
  }

  session = await openSession(app, ['--profile', profile]);
  try {
    await openRoom(session, BOT, 'Ava Trader');
    await session.waitFor('the draft mark after a restart', async () => (await session.findAll(`${ORDER} .draft-mark`)).length === 1);
    await openRoom(session, ORDER, ORDER_TITLE);
    assert.equal(await composerText(session), payment, 'the draft survived the restart');
  } finally {
    await session.close();
  }
});
