// The Demo's P2P order chat in the real app (API-key mode against the simulator): the buyer's
// payment screenshot arrives and is shown as a real image through Parley's media proxy, opens
// full size, and what the trader types reaches the MEXC simulator and gets an answer.

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
    // Named after its order (side, amount, counterparty) once Parley has read it.
    const orderChat = '#room-list button[data-title="Sell 1,344.08 USDT · Buyer (demo)"]';
    await session.waitFor('the order chat, named after its order, in the sidebar', () =>
      session.findAll(orderChat).then((b) => b.length > 0));
    await session.clickFirst(orderChat);
    await session.waitFor('the order chat to connect', async () =>
      (await textOf(session, '#room-status')).startsWith('Demo P2P: Connected'));
    const image = await session.waitFor('the payment screenshot, decoded', () => session.script(`
      const img = document.querySelector('#timeline .message.other .media.image img');
      return img && img.complete && img.naturalWidth > 0
        ? { src: img.getAttribute('src'), width: img.naturalWidth, height: img.naturalHeight } : null;`));
    assert.match(image.src, /^media:\/\/localhost\/\d+\/thumb$/, 'loaded through the media scheme, not from the network');
    assert.deepEqual([image.width, image.height], [360, 480], 'the simulator\'s screenshot itself');
    assert.match(await textOf(session, '#timeline .media.image .media-url'), /^http:\/\/127\.0\.0\.1:\d+\/media\/payment-proof\.png$/);
    assert.match(await textOf(session, '#timeline'), /Buyer \(demo\)/);

    await session.click((await session.findAll('#timeline .media-thumb'))[0]);
    const full = await session.waitFor('the full-size viewer', () => session.script(`
      const img = document.querySelector('#viewer:not([hidden]) img');
      return img && img.complete && img.naturalWidth > 0 ? img.getAttribute('src') : null;`));
    assert.match(full, /\/full$/);
    writeFileSync(join(artifacts, 'demo-p2p-viewer.png'), await session.screenshot());
    await session.click((await session.findAll('#viewer .viewer-close'))[0]);

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
