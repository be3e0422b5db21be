// Sending a photo as a Mixin bot in the real window: a picture dropped on the Demo bot
// conversation waits in a chip, goes out with its caption through the simulator's attachment
// API, and shows as the bot's own image, sent; a PDF goes with its text (as two messages to
// Mixin); the bot's health board counts what it sent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSession } from './webdriver.js';

const app = process.env.PARLEY_APP_BIN;
const artifacts = process.env.PARLEY_E2E_ARTIFACTS || fileURLToPath(new URL('../artifacts/', import.meta.url));
const BOT = '#room-list button[data-title="Ava Trader"]';

test('a photo dropped on the Demo bot conversation is uploaded and sent', async () => {
  assert.ok(app, 'PARLEY_APP_BIN must name the built app');
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'parley-e2e-attach-'));
  const session = await openSession(app, ['--profile', profile]);
  try {
    await session.waitFor('the bot conversation', () => session.findAll(BOT).then((b) => b.length > 0));
    await session.clickFirst(BOT);
    await session.waitFor('it to open', async () => (await session.text((await session.findAll('#room-title'))[0])) === 'Ava Trader');
    // A real PNG made in the page, dropped as a user's file manager would.
    await session.scriptAsync(`
      const done = arguments[arguments.length - 1];
      const canvas = document.createElement('canvas');
      canvas.width = 320; canvas.height = 200;
      const g = canvas.getContext('2d');
      g.fillStyle = '#2563c9'; g.fillRect(0, 0, 320, 200);
      g.fillStyle = '#fff'; g.font = '28px sans-serif'; g.fillText('PAID 1,250 EUR', 40, 110);
      canvas.toBlob((blob) => {
        const file = new File([blob], 'payment-proof.png', { type: 'image/png' });
        const data = new DataTransfer();
        data.items.add(file);
        const target = document.getElementById('timeline');
        target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data }));
        target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
        done(true);
      }, 'image/png');`);
    await session.waitFor('the file chip', async () => /payment-proof\.png/.test(await session.script(`return document.getElementById('attach-chip').textContent;`)));
    writeFileSync(join(artifacts, 'attach-chip.png'), await session.screenshot());
    const own = (await session.findAll('#timeline article.message.own')).length;
    const input = (await session.findAll('#composer-input'))[0];
    await session.click(input);
    await session.type(input, 'Payment proof attached');
    await session.press('\uE007');
    await session.waitFor('the photo in the timeline, sent', async () => session.script(`
      const mine = [...document.querySelectorAll('#timeline article.message.own')];
      const last = mine[mine.length - 1];
      return mine.length > ${own} && !!last.querySelector('.media.image') && /Payment proof attached/.test(last.textContent)
        && !!last.querySelector('.delivery.sent, .delivery.delivered, .delivery.read');`), 30000);
    await session.waitFor('the picture drawn', async () => session.script(`
      const mine = [...document.querySelectorAll('#timeline article.message.own')];
      const img = mine[mine.length - 1].querySelector('.media.image img');
      return !!img && img.complete && img.naturalWidth > 0;`), 20000);
    writeFileSync(join(artifacts, 'attach-sent.png'), await session.screenshot());
    assert.equal(await session.script(`return document.getElementById('attach-chip').hidden;`), true);
    // A PDF with a text: one bubble here; Mixin's files carry no caption, so the bot sends the
    // text as a message of its own after the file. The copy kept for the upload goes once the
    // service has the file.
    const before = (await session.findAll('#timeline article.message.own')).length;
    await session.script(`
      const file = new File([new TextEncoder().encode('%PDF-1.4 statement of order 1138745987')], 'statement.pdf', { type: 'application/pdf' });
      const data = new DataTransfer();
      data.items.add(file);
      document.getElementById('timeline').dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
      return true;`);
    await session.waitFor('the PDF chip', async () => /statement\.pdf/.test(await session.script(`return document.getElementById('attach-chip').textContent;`)));
    await session.click(input);
    await session.type(input, 'Statement for order 1138745987');
    await session.press('\uE007');
    await session.press('\uE007'); // an impatient second Enter sends nothing more
    await session.waitFor('the file with its text, sent', async () => session.script(`
      const mine = [...document.querySelectorAll('#timeline article.message.own')];
      const last = mine[mine.length - 1];
      return mine.length === ${before} + 1 && /statement\\.pdf/.test(last.textContent) && /Statement for order 1138745987/.test(last.textContent)
        && !!last.querySelector('.delivery.sent, .delivery.delivered, .delivery.read');`), 30000);
    writeFileSync(join(artifacts, 'attach-file-and-text.png'), await session.screenshot());
    const outbox = join(profile, 'outbox');
    assert.deepEqual(existsSync(outbox) ? readdirSync(outbox) : [], [], 'no copy left once uploaded');
    // The bot's health board counted the photo it sent.
    await session.clickFirst('#open-health');
    await session.waitFor('the Demo bot on the health board, with what it sent', async () => session.script(`
      const card = [...document.querySelectorAll('#health-list .health-card')].find((c) => /^Demo bot/.test(c.querySelector('h3').textContent));
      return !!card && /[1-9]\d* out in 24 h/.test(card.textContent) && card.querySelectorAll('.health-segment.connected').length > 0;`), 20000);
    writeFileSync(join(artifacts, 'health-board.png'), await session.screenshot());
  } finally {
    await session.close();
  }
});
