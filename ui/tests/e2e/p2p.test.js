// The Demo's P2P order chat in the real app: the buyer's payment screenshot arrives as an
// image message, and what the trader types reaches the MEXC simulator and gets an answer.

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

test('the Demo P2P chat shows the payment screenshot and carries a reply both ways', async () => {
  mkdirSync(artifacts, { recursive: true });
  const session = await openSession(app, ['--profile', mkdtempSync(join(tmpdir(), 'parley-e2e-p2p-'))]);
  try {
    const [room] = await session.waitFor('the order chat in the sidebar', () =>
      session.findAll('#room-list button[aria-label^="Order chat 1001"]').then((b) => b.length && b));
    await session.click(room);
    await session.waitFor('the order chat to connect', async () =>
      (await textOf(session, '#room-status')).startsWith('Demo P2P: Connected'));
    const card = await session.waitFor('the payment screenshot', async () => {
      const [image] = await session.findAll('#timeline .message.other .media-card.image');
      return image && (await session.text(image));
    });
    assert.match(card, /Image/);
    assert.match(card, /payment-proof\.png/);
    assert.match(await textOf(session, '#timeline'), /Buyer \(demo\)/);

    const [input] = await session.findAll('#composer-input');
    await session.type(input, 'Received, releasing the USDT now.');
    await session.click((await session.findAll('#send'))[0]);
    await session.waitFor('the message to be confirmed', async () => (await session.findAll('#timeline .message.own .delivery.sent')).length > 0);
    await session.waitFor("the buyer's answer", async () => (await textOf(session, '#timeline')).includes('release the USDT when you see the payment'));
    writeFileSync(join(artifacts, 'demo-p2p.png'), await session.screenshot());
  } finally {
    await session.close();
  }
});
