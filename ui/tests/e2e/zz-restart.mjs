import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession } from './webdriver.js';
const app = process.env.PARLEY_APP_BIN;
const profile = mkdtempSync(join(tmpdir(), 'zz-restart-'));
const orderChat = '#room-list button[data-title="Sell 1,344.08 USDT · Buyer (demo)"]';
const probe = `const t = document.getElementById('timeline'); return [Math.round(t.scrollTop), t.scrollHeight, t.clientHeight, document.querySelector('#room-title')?.textContent || ''].join(' ');`;
let s = await openSession(app, ['--profile', profile]);
await s.setWindowSize(1100, 720);
await s.waitFor('chat', () => s.findAll(orderChat).then((b) => b.length > 0));
await s.clickFirst(orderChat);
await s.waitFor('image', () => s.script(`const img = document.querySelector('#timeline .media.image img'); return img && img.complete && img.naturalWidth > 0;`));
for (let k = 0; k < 6; k++) {
  const [input] = await s.findAll('#composer-input');
  await s.type(input, `Received, releasing now ${k}. ` + 'x'.repeat(k * 40));
  await s.click((await s.findAll('#send'))[0]);
  await new Promise((r) => setTimeout(r, 1500));
}
await new Promise((r) => setTimeout(r, 3000));
console.log('before restart', await s.script(probe));
await s.close();
s = await openSession(app, ['--profile', profile]);
await s.setWindowSize(1100, 720);
for (let i = 0; i < 16; i++) {
  console.log(`after ${i * 250} ms`, await s.script(probe));
  await new Promise((r) => setTimeout(r, 250));
}
await s.close();
