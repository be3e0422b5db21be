// Acting on a message in the real window: a real right click opens its menu, the keyboard
// reaches it too (↑ to a message, Shift+F10), Escape closes it and gives focus back, Copy text
// reaches the clipboard, Show details names the service's id and opens the frame inspector at
// the frame that carried it; axe finds nothing serious with the menu open in both themes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSession } from './webdriver.js';
import { axeViolations } from './axe.js';

const app = process.env.PARLEY_APP_BIN;
const artifacts = process.env.PARLEY_E2E_ARTIFACTS || fileURLToPath(new URL('../artifacts/', import.meta.url));
const KEY = { shift: '\uE008', f10: '\uE03A', escape: '\uE00C', up: '\uE013', down: '\uE015', end: '\uE010', enter: '\uE007' };

const labelsJs = `return [...document.querySelectorAll('.context-menu [role="menuitem"]')].map((b) => b.textContent);`;
const focusedJs = `const f = document.activeElement; return f ? (f.dataset.localId ? 'row:' + f.dataset.localId : f.getAttribute('role') || f.id || f.tagName) : null;`;

test('a message\'s menu opens by right click and by keyboard, acts, and closes back to the message', async () => {
  assert.ok(app, 'PARLEY_APP_BIN must name the built app');
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  const text = `Pay to https://pay.example/order/${Date.now()} please`;
  const session = await openSession(app, ['--profile', profile]);
  try {
    await session.waitFor('the Public room in the sidebar', () => session.findAll('#room-list button[data-title^="Public room"]').then((b) => b.length));
    await session.clickFirst('#room-list button[data-title^="Public room"]');
    await session.waitFor('the connection to be open', async () => {
      const [status] = await session.findAll('#room-status');
      return (await session.text(status)).includes('Connected');
    });
    const [input] = await session.findAll('#composer-input');
    await session.type(input, text);
    await session.click((await session.findAll('#send'))[0]);
    const localId = await session.waitFor('the sent message to be confirmed', () => session.script(`
      const row = [...document.querySelectorAll('#timeline article.message.own')].find((a) => a.textContent.includes(arguments[0]));
      return row && row.querySelector('.delivery.sent') ? row.dataset.localId : null;`, [text]));

    // Its link is text in the sentence: inline, selectable, the whole address visible.
    const link = await session.script(`
      const l = document.querySelector('#timeline [data-local-id="${localId}"] .text .inline-link');
      const style = getComputedStyle(l);
      const range = document.createRange();
      range.selectNodeContents(l.parentNode);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      const selected = getSelection().toString();
      getSelection().removeAllRanges();
      return { tag: l.tagName, display: style.display, select: style.webkitUserSelect || style.userSelect, text: l.textContent, selected };`);
    assert.equal(link.display, 'inline');
    assert.notEqual(link.select, 'none');
    assert.notEqual(link.tag, 'BUTTON');
    assert.equal(link.text, text.split(' ')[2]);
    assert.equal(link.selected, text, 'selecting the message selects the address with it');

    // A real right click on the message's text.
    const [ownText] = await session.findAll(`#timeline [data-local-id="${localId}"] .text`);
    await session.contextClick(ownText);
    const labels = await session.waitFor('the context menu', () => session.script(labelsJs).then((l) => l.length && l));
    assert.deepEqual(labels, ['Reply', 'Copy text', 'Copy link address', 'Show details']);
    assert.equal(await session.script(focusedJs), 'menuitem', 'focus is in the menu');
    assert.equal(await session.script(`return document.querySelector('.context-menu').getAttribute('aria-label');`), 'Actions for your message');
    writeFileSync(join(artifacts, 'message-menu.png'), await session.screenshot());
    assert.deepEqual(await axeViolations(session), [], 'the menu, light');

    await session.press(KEY.escape);
    assert.equal(await session.script(`return document.querySelectorAll('.context-menu').length;`), 0, 'Escape closes it');
    assert.equal(await session.script(focusedJs), `row:${localId}`, 'focus is back on the message');

    // Copy text: the clipboard takes it (the page says so only when it did).
    await session.contextClick(ownText);
    await session.waitFor('the context menu again', () => session.script(labelsJs).then((l) => l.length));
    await session.press(KEY.down);
    assert.equal(await session.script(`return document.activeElement.textContent;`), 'Copy text');
    await session.press(KEY.enter);
    await session.waitFor('the copy to be announced', async () => (await session.text((await session.findAll('#action-status'))[0])) === 'Text copied.');

    // The keyboard path: the timeline, ↑ to the last message (ours), Shift+F10, End, Enter.
    await session.script(`document.getElementById('timeline').focus();`);
    await session.press(KEY.up);
    const focusedRow = await session.script(focusedJs);
    assert.match(focusedRow, /^row:\d+$/, '↑ focuses a message');
    await session.script(`document.querySelector('#timeline [data-local-id="${localId}"]').focus();`);
    await session.press(KEY.shift, KEY.f10);
    await session.waitFor('the menu from the keyboard', () => session.script(labelsJs).then((l) => l.length));
    await session.press(KEY.end);
    assert.equal(await session.script(`return document.activeElement.textContent;`), 'Show details');
    await session.press(KEY.enter);
    const details = await session.waitFor('the details', () => session.script(`
      const d = document.getElementById('message-details'); return d && !d.hidden ? d.textContent : null;`));
    const serviceId = await session.script(`
      const m = [...document.querySelectorAll('#message-details dt')].find((dt) => dt.textContent === 'Service message id');
      return m.nextElementSibling.textContent;`);
    assert.ok(serviceId && serviceId !== 'none yet', `the confirmed message has the service's id (${serviceId})`);
    assert.ok(details.includes(`Parley message id${localId}`));
    writeFileSync(join(artifacts, 'message-details.png'), await session.screenshot());
    assert.deepEqual(await axeViolations(session), [], 'the details, light');
    await session.press(KEY.escape);
    assert.equal(await session.script(focusedJs), `row:${localId}`, 'closing the details gives focus back to the message');

    // The details open the inspector at the frames that carried the message.
    await session.press(KEY.shift, KEY.f10);
    await session.waitFor('the menu', () => session.script(labelsJs).then((l) => l.length));
    await session.press(KEY.end);
    await session.press(KEY.enter);
    await session.waitFor('the details', () => session.script(`return !document.getElementById('message-details').hidden;`));
    await session.script(`[...document.querySelectorAll('#message-details button')].find((b) => /inspector/.test(b.textContent)).click();`);
    const frames = await session.waitFor('the message\'s frames', async () => {
      const body = await session.text((await session.findAll('#inspector-list'))[0]);
      return body.includes(serviceId.split('@', 1)[0]) ? body : null;
    });
    assert.ok(frames.includes(serviceId.split('@', 1)[0]));
    assert.equal(await session.script(`return document.getElementById('inspector-filter').value;`), serviceId.split('@', 1)[0], 'filtered by the id the frames carry');
    await session.click((await session.findAll('#close-inspector'))[0]);

    // Quote-reply to a bot's message: mockly has no reply field, so the sent text quotes its first line.
    const botId = await session.script(`const rows = document.querySelectorAll('#timeline article.message.other'); return rows[rows.length - 1].dataset.localId;`);
    const botLine = await session.script(`return document.querySelector('#timeline [data-local-id="${botId}"] .text').textContent.split('\\n')[0];`);
    await session.contextClick((await session.findAll(`#timeline [data-local-id="${botId}"] .text`))[0]);
    await session.waitFor('the menu on the bot message', () => session.script(labelsJs).then((l) => l[0] === 'Reply'));
    await session.clickFirst('.context-menu [role="menuitem"]');
    assert.match(await session.text((await session.findAll('#reply-text'))[0]), /^Replying to /);
    writeFileSync(join(artifacts, 'reply-bar.png'), await session.screenshot());
    assert.deepEqual(await axeViolations(session), [], 'the reply bar, light');
    await session.type((await session.findAll('#composer-input'))[0], 'seen, thanks');
    await session.click((await session.findAll('#send'))[0]);
    const sentReply = await session.waitFor('the reply to be confirmed', () => session.script(`
      const refused = document.getElementById('composer-error').textContent;
      if (refused) return 'refused: ' + refused;
      const row = [...document.querySelectorAll('#timeline article.message.own')].find((a) => a.textContent.includes('seen, thanks'));
      return row && row.querySelector('.delivery.sent') ? row.querySelector('.text').textContent : null;`));
    assert.ok(sentReply.startsWith('> '), `the reply quotes what it answers: ${sentReply}`);
    assert.ok(sentReply.includes(botLine.slice(0, 40)), 'with its first line');
    assert.ok(sentReply.endsWith('\nseen, thanks'));
    assert.equal(await session.script(`return document.getElementById('reply-bar').hidden;`), true, 'the bar goes once sent');

    // Dark theme, menu open: the same contrast.
    await session.script(`const t = document.getElementById('theme-choice'); t.value = 'dark'; t.dispatchEvent(new Event('change'));`);
    // Found again and scrolled into view: the reply moved the timeline since the first right click.
    await session.script(`document.querySelector('#timeline [data-local-id="${localId}"] .text').scrollIntoView({ block: 'center' }); return true;`);
    const [ownTextNow] = await session.findAll(`#timeline [data-local-id="${localId}"] .text`);
    await session.contextClick(ownTextNow);
    await session.waitFor('the menu, dark', () => session.script(labelsJs).then((l) => l.length));
    assert.deepEqual(await axeViolations(session), [], 'the menu, dark');
    writeFileSync(join(artifacts, 'message-menu-dark.png'), await session.screenshot());
    await session.press(KEY.escape);
    await session.script(`localStorage.removeItem('parley.theme');`);
  } finally {
    await session.close();
  }
});
