// The real app under Xvfb, driven like a person would: a fresh profile starts the Demo
// workspace, messages arrive, a typed message is sent and confirmed, and after a restart the
// history is still there. Run by scripts/e2e.sh, which starts Xvfb, the keyring and tauri-driver.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSession } from './webdriver.js';

const app = process.env.PARLEY_APP_BIN;
const artifacts = process.env.PARLEY_E2E_ARTIFACTS || fileURLToPath(new URL('../artifacts/', import.meta.url));

/** Opens the sidebar's room titled `title` (redrawn as messages arrive: clicked by selector). */
async function openRoomTitled(session, title) {
  const button = `#room-list button[data-title^="${title}"]`;
  await session.waitFor(`${title} in the sidebar`, () => session.findAll(button).then((b) => b.length > 0));
  await session.clickFirst(button);
  await session.waitFor(`${title} to open`, async () => (await session.text((await session.findAll('#room-title'))[0])) === title);
}

/** Whether a row matching `selector` in the timeline holds `text`. */
async function timelineHas(session, selector, text) {
  for (const row of await session.findAll(`#timeline ${selector}`)) {
    if ((await session.text(row)).includes(text)) return true;
  }
  return false;
}

test('the Demo room works end to end and keeps its history, and the Demo bot its conversation, across a restart', async () => {
  assert.ok(app, 'PARLEY_APP_BIN must name the built app');
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  const text = `Hello from the end-to-end test ${Date.now()}`;
  const botText = `Desk is open, Ava ${Date.now()}`;

  let session = await openSession(app, ['--profile', profile]);
  try {
    await session.waitFor('the demo banner', async () => {
      const [banner] = await session.findAll('#banners .banner.demo');
      return banner && (await session.text(banner)).includes('Demo workspace');
    });
    // The sidebar is redrawn as messages arrive (it shows each room's last one): click by selector.
    await session.waitFor('the Public room in the sidebar', () => session.findAll('#room-list button[data-title^="Public room"]').then((b) => b.length > 0));
    await session.clickFirst('#room-list button[data-title^="Public room"]');
    await session.waitFor('the Public room to open', async () => {
      const [title] = await session.findAll('#room-title');
      return (await session.text(title)) === 'Public room';
    });
    await session.waitFor('bot messages in the timeline', async () => (await session.findAll('#timeline article.message.other')).length >= 2);
    await session.waitFor('the connection to be open', async () => {
      const [status] = await session.findAll('#room-status');
      return (await session.text(status)).includes('Connected');
    });

    const [input] = await session.findAll('textarea[aria-label="Message to Public room"]');
    assert.ok(input, 'the composer is named after the room');
    await session.type(input, text);
    const [send] = await session.findAll('#send');
    await session.click(send);

    const confirmed = await session.waitFor('the sent message to be confirmed', async () => {
      for (const article of await session.findAll('#timeline article.message.own')) {
        const content = await session.text(article);
        if (!content.includes(text)) continue;
        const [tick] = await session.findAll('#timeline article.message.own .delivery.sent');
        return tick ? content : false;
      }
      return false;
    });
    assert.ok(confirmed.includes(text));
    writeFileSync(join(artifacts, 'demo-room.png'), await session.screenshot());

    // The Demo bot's conversation: what the user writes to Ava is history too.
    await openRoomTitled(session, 'Ava Trader');
    await session.waitFor('Ava\'s greeting', () => timelineHas(session, 'article.message.other', 'Is the OTC desk open?'));
    const [botInput] = await session.findAll('textarea[aria-label="Message to Ava Trader"]');
    await session.type(botInput, botText);
    await session.click((await session.findAll('#send'))[0]);
    await session.waitFor('the bot\'s message to be confirmed', async () => {
      for (const article of await session.findAll('#timeline article.message.own')) {
        if ((await session.text(article)).includes(botText) && (await session.findAll('#timeline article.message.own .delivery.sent, #timeline article.message.own .delivery.delivered, #timeline article.message.own .delivery.read')).length) return true;
      }
      return false;
    });

    // The window was created hidden and shown by the page once its first screen was drawn (not
    // by the fallback timer), and the moment the rooms were painted is in the log.
    assert.equal(await session.script('return document.visibilityState;'), 'visible');
    const log = readdirSync(join(profile, 'logs')).map((name) => readFileSync(join(profile, 'logs', name), 'utf8')).join('');
    assert.match(log, /start-up: page drew its first screen after_start_ms=\d+/);
    assert.match(log, /rooms on screen after_start_ms=\d+/);
    assert.doesNotMatch(log, /did not report its first screen/);
    // The shell's own log (at debug level, see scripts/e2e.sh) holds none of the Demo's
    // credentials, and every listenKey in an address is redacted.
    assert.match(log, / DEBUG /, 'the log is detailed');
    for (const secret of ['demo-api-key-not-a-secret', 'demo-api-secret-not-a-secret', 'demo-password-not-a-secret']) {
      assert.equal(log.includes(secret), false, `${secret} is not in the log`);
    }
    assert.doesNotMatch(log, /listenKey=(?!%5Bredacted%5D|\[redacted\])/i, 'a listenKey in an address is redacted');

    // The window may call Parley's own commands and nothing else.
    const verdict = await session.scriptAsync(`
      const done = arguments[arguments.length - 1];
      window.__TAURI__.core.invoke('plugin:window|set_title', { label: 'main', value: 'changed by the page' })
        .then(() => done('allowed'), (e) => done('refused: ' + e));`);
    assert.match(verdict, /^refused/, 'a core command outside the capability is refused');
  } finally {
    await session.close();
  }

  // Close and reopen: the room and the message are still there.
  session = await openSession(app, ['--profile', profile]);
  try {
    await session.waitFor('the Public room in the sidebar', () => session.findAll('#room-list button[data-title^="Public room"]').then((b) => b.length > 0));
    await session.clickFirst('#room-list button[data-title^="Public room"]');
    await session.waitFor('the stored message after a restart', async () => {
      for (const article of await session.findAll('#timeline article.message.own')) {
        if ((await session.text(article)).includes(text)) return true;
      }
      return false;
    });
    writeFileSync(join(artifacts, 'demo-room-after-restart.png'), await session.screenshot());
    // The Demo bot keeps its conversation (it used to start over at every start), and Ava does
    // not greet it a second time.
    await openRoomTitled(session, 'Ava Trader');
    await session.waitFor('the message to the bot after a restart', () => timelineHas(session, 'article.message.own', botText));
    const greetings = await session.script(`return [...document.querySelectorAll('#timeline article.message.other')].filter((a) => a.textContent.includes('Is the OTC desk open?')).length;`);
    assert.equal(greetings, 1, 'one greeting, not one per start');
    // And the kept conversation still takes a message (the new run's bot may write in it).
    const again = `Still here, Ava ${Date.now()}`;
    await session.type((await session.findAll('textarea[aria-label="Message to Ava Trader"]'))[0], again);
    await session.click((await session.findAll('#send'))[0]);
    await session.waitFor('the message after a restart to be confirmed', () => session.script(
      'return [...document.querySelectorAll("#timeline article.message.own")].some((a) => a.textContent.includes(arguments[0]) && a.querySelector(".delivery.sent, .delivery.delivered, .delivery.read"));',
      [again]));
  } finally {
    await session.close();
  }
});
