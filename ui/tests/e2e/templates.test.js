// Reply templates in the real window: a template added in Settings is offered in the Demo's
// order chat by typing /, fills the order's amount and number, asks for the value the room
// cannot give, and lands in the message box (nothing sent until Enter); a restart keeps it.
// The Orders view lists the orders waiting for the trader first.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSession } from './webdriver.js';

const app = process.env.PARLEY_APP_BIN;
const artifacts = process.env.PARLEY_E2E_ARTIFACTS || fileURLToPath(new URL('../artifacts/', import.meta.url));
const ORDER_TITLE = 'Sell 1,344.08 USDT · Buyer (demo)';
const ORDER = `#room-list button[data-title="${ORDER_TITLE}"]`;
const composerText = (session) => session.script(`return document.getElementById('composer-input').value;`);

async function openOrderChat(session) {
  await session.waitFor('the order chat in the sidebar', () => session.findAll(ORDER).then((b) => b.length > 0));
  await session.clickFirst(ORDER);
  await session.waitFor('the order chat to open', async () => (await session.text((await session.findAll('#room-title'))[0])) === ORDER_TITLE);
  // The order's details are read from the simulator: wait until the panel knows the amount.
  await session.waitFor('the order details', async () => /1,250/.test(await session.text((await session.findAll('#order-line'))[0])));
}

test('a reply template fills from the order, asks for the rest, and is kept across a restart', async () => {
  assert.ok(app, 'PARLEY_APP_BIN must name the built app');
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'parley-e2e-templates-'));
  let session = await openSession(app, ['--profile', profile]);
  try {
    await openOrderChat(session);
    await session.clickFirst('#open-settings');
    await session.type((await session.findAll('#template-name'))[0], 'Payment details');
    await session.type((await session.findAll('#template-text'))[0], 'Order {order_no}: please pay {fiat_total} to IBAN {iban}.');
    await session.clickFirst('#template-save');
    await session.waitFor('the template in the list', async () => (await session.findAll('#template-settings-list .template-row')).length === 1);
    writeFileSync(join(artifacts, 'templates-settings.png'), await session.screenshot());
    await session.clickFirst('#close-settings');
  } finally {
    await session.close();
  }

  session = await openSession(app, ['--profile', profile]);
  try {
    await openOrderChat(session);
    const input = (await session.findAll('#composer-input'))[0];
    // Drafts are kept per profile (this one is fresh), but clearing costs nothing: a draft
    // left in the order chat would make "/" a plain slash.
    await session.clearValue(input);
    await session.click(input);
    await session.press('/');
    await session.waitFor('the picker', async () => (await session.findAll('#template-picker:not([hidden]) [role=option]')).length === 1);
    writeFileSync(join(artifacts, 'templates-picker.png'), await session.screenshot());
    await session.press('\uE007'); // Enter: use it
    await session.waitFor('the value to fill', async () => (await session.findAll('#template-fill-fields input')).length === 1);
    await session.type((await session.findAll('#template-fill-fields input'))[0], 'DE89 3704 0044 0532 0130 00');
    await session.press('\uE007');
    await session.waitFor('the text in the message box', async () => (await composerText(session)).startsWith('Order '));
    assert.match(await composerText(session), /^Order \d+: please pay 1,250(\.00)? EUR to IBAN DE89 3704 0044 0532 0130 00\.$/);
    const own = (await session.findAll('#timeline article.message.own')).length;
    writeFileSync(join(artifacts, 'templates-filled.png'), await session.screenshot());
    assert.equal((await session.findAll('#timeline article.message.own')).length, own, 'nothing was sent by choosing');
    await session.press('\uE007'); // Enter in the message box: now it goes
    await session.waitFor('the filled template sent', async () => session.script(`
      const mine = [...document.querySelectorAll('#timeline article.message.own')];
      return mine.length > ${own} && /IBAN DE89 3704 0044 0532 0130 00/.test(mine[mine.length - 1].textContent)
        && !!mine[mine.length - 1].querySelector('.delivery.sent, .delivery.delivered, .delivery.read');`));
    // The Orders view: the orders waiting for the trader come first, finished ones are archived.
    await session.clickFirst('#open-orders');
    await session.waitFor('the Orders view', async () => (await session.findAll('#orders-list .order-row')).length >= 3);
    const turns = await session.script(`return [...document.querySelectorAll('#orders-list .order-row')].map((r) => (r.querySelector('.order-turn') || {}).textContent || '');`);
    assert.equal(turns[0], 'Waiting for you', `first: ${turns.join(' | ')}`);
    const firstOther = turns.findIndex((t) => t !== 'Waiting for you');
    assert.ok(firstOther > 0 && turns.slice(firstOther).every((t) => t !== 'Waiting for you'), `waiting-for-you first: ${turns.join(' | ')}`);
    assert.ok((await session.findAll('#orders-archive-list .order-row')).length >= 1, 'the finished order is archived');
    writeFileSync(join(artifacts, 'orders-view.png'), await session.screenshot());
  } finally {
    await session.close();
  }
});
