// The window's frame and its keyboard in the real app: form errors at their field and the
// Test connection result at its button (with a real refused connection), Tab kept inside the
// switcher and Escape closing Settings after an account is removed, the focus ring, a header
// that typing does not reflow (1100 px), the narrow layout at
// 640 px (the sidebar behind a Rooms button, the room's name whole, nothing cut off, also after
// shrinking from 1600 px), and axe with no serious or critical violation at 640 and 1600 px in
// both themes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { openSession } from './webdriver.js';

const app = process.env.PARLEY_APP_BIN;
const artifacts = process.env.PARLEY_E2E_ARTIFACTS || fileURLToPath(new URL('../artifacts/', import.meta.url));
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function axeViolations(session) {
  await session.script(`${axeSource}\nwindow.axe = axe; return true;`);
  return session.scriptAsync(`
    const done = arguments[arguments.length - 1];
    window.axe.run(document, { resultTypes: ['violations'] })
      .then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '))))
      .catch((e) => done(['axe failed: ' + e]));`);
}

/** The WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a, b) {
  const luminance = (css) => {
    const [r, g, bl] = css.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const $script = (session, body) => session.script(body);
/** Whether the element's box is wholly inside the window and its own scrolling parents. */
const VISIBLE = `
  const node = document.querySelector(arguments[0]);
  if (!node) return false;
  const r = node.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return false;
  if (r.top < 0 || r.left < 0 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5) return false;
  for (let p = node.parentElement; p; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (!/(auto|scroll|hidden)/.test(s.overflowY + s.overflowX)) continue;
    const b = p.getBoundingClientRect();
    if (r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5) return false;
  }
  return true;`;
const visible = (session, css) => session.script(VISIBLE, [css]);
const press = (session, key, extra = '{}') => $script(session, `(document.activeElement || document.body).dispatchEvent(new KeyboardEvent('keydown', Object.assign({ key: ${JSON.stringify(key)}, bubbles: true, cancelable: true }, ${extra}))); return true;`);
const activeId = (session) => $script(session, 'return document.activeElement ? document.activeElement.id : null;');

/** Clicks Settings in the sidebar; in a narrow window, the Rooms button shows the sidebar first. */
async function openSettings(session) {
  await session.waitFor('the settings to open', async () => {
    const narrow = await session.script('return getComputedStyle(document.getElementById("toggle-sidebar")).display !== "none";');
    if (narrow && !(await session.script('return document.getElementById("app").classList.contains("sidebar-open");'))) await session.clickFirst('#toggle-sidebar');
    await session.clickFirst('#open-settings');
    return session.script('return !document.getElementById("settings").hidden;');
  });
}

function freshProfile() {
  return mkdtempSync(join(tmpdir(), 'parley-e2e-frame-'));
}

test('form errors sit at their field, and Test connection answers at its button in plain words', async () => {
  const session = await openSession(app, ['--profile', freshProfile()]);
  try {
    await session.setWindowSize(1024, 760);
    await session.waitFor('the Demo rooms', () => session.findAll('#room-list button.room').then((b) => b.length >= 4 && b));
    await openSettings(session);
    await session.clickFirst('#add-account-submit');
    await session.waitFor('the client id marked', async () => (await session.script('return document.getElementById("new-client-id").getAttribute("aria-invalid");')) === 'true');
    assert.equal(await session.script('return document.getElementById("new-client-id-error").textContent;'), 'Enter a client id.');
    assert.equal(await activeId(session), 'new-client-id', 'the first bad field has the focus');
    assert.ok(await visible(session, '#new-client-id-error'), 'the message is on screen, at the field');
    assert.equal(await session.script('return document.getElementById("add-account-error").textContent;'), '', 'nothing at the bottom of the form');
    await session.type((await session.findAll('#new-client-id'))[0], 'someone');
    assert.equal(await session.script('return document.getElementById("new-client-id-error");'), null, 'fixing the field clears it');

    // mockly is checked before it is added: a server that is not running is said at the endpoint.
    const [endpoint] = await session.findAll('#new-endpoint');
    await session.clearValue(endpoint);
    await session.type(endpoint, 'ws://127.0.0.1:9/ws/chat/{client_id}');
    await session.clickFirst('#add-account-submit');
    await session.waitFor('the endpoint marked', async () => (await session.script('return document.getElementById("new-endpoint").getAttribute("aria-invalid");')) === 'true');
    assert.match(await session.script('return document.querySelector("#new-endpoint-error .error-summary").textContent;'), /^Can't reach the chat server — is it running/);
    assert.ok(await session.findAll('#add-anyway').then((b) => b.length === 1), '"Add anyway" is offered');

    // A Realtime server that is not running: port 9 on this machine refuses.
    await session.script(`const s = document.getElementById('new-service'); s.value = 'realtime'; s.dispatchEvent(new Event('change')); return true;`);
    await session.type((await session.findAll('#new-rt-base'))[0], 'http://127.0.0.1:9');
    await session.type((await session.findAll('#new-rt-key'))[0], 'pk_test');
    await session.type((await session.findAll('#new-rt-email'))[0], 'me@example.com');
    await session.type((await session.findAll('#new-rt-password'))[0], 'secret');
    await session.clickFirst('#test-realtime');
    await session.waitFor('the test to fail', async () => (await session.script('return document.getElementById("test-realtime-result").dataset.outcome;')) === 'failed');
    const summary = await session.script('return document.querySelector("#test-realtime-result .error-summary").textContent;');
    assert.equal(summary, "Failed: Can't reach the server — is it running, and is the address right?");
    assert.doesNotMatch(summary, /127\.0\.0\.1|error sending request/, 'no loopback address or transport text as the main text');
    const detail = await session.script('return document.querySelector("#test-realtime-result details code").textContent;');
    assert.match(detail, /Connection refused/, 'the OS error one click away');
    assert.ok(await visible(session, '#test-realtime-result'), 'the result is where the button is, on screen');
    assert.equal(await session.script('return document.getElementById("new-rt-base").getAttribute("aria-invalid");'), 'true', 'the address is marked as the likely cause');
    writeFileSync(join(artifacts, 'settings-errors.png'), await session.screenshot());
  } finally {
    await session.close();
  }
});

test('Tab stays in the switcher, Ctrl+, replaces it by Settings, and Escape closes Settings after a removal', async () => {
  const session = await openSession(app, ['--profile', freshProfile()]);
  try {
    await session.waitFor('the Demo rooms', () => session.findAll('#room-list button.room').then((b) => b.length >= 4 && b));
    await press(session, 'k', '{ ctrlKey: true }');
    const [input] = await session.waitFor('the switcher', () => session.findAll('#switcher:not([hidden]) #switcher-input').then((i) => i.length && i));
    for (let i = 0; i < 3; i += 1) {
      await session.type(input, '\uE004'); // a real Tab key
      assert.equal(await activeId(session), 'switcher-input', `Tab ${i + 1} stays in the switcher`);
    }
    await press(session, ',', '{ ctrlKey: true }');
    assert.equal(await session.script('return document.getElementById("switcher").hidden;'), true, 'the switcher closed');
    assert.equal(await session.script('return document.getElementById("settings").hidden;'), false, 'Settings opened');

    // Remove the Demo from inside Settings: the focused button goes with it.
    await session.waitFor('the Remove demo button', () => session.findAll('#account-list button[aria-label^="Remove demo"]').then((b) => b.length && b));
    // Scrolled to, as a user would (WebKitWebDriver does not scroll inside the panel itself).
    await session.script(`document.querySelector('#account-list button[aria-label^="Remove demo"]').scrollIntoView({ block: 'center' }); return true;`);
    await session.clickFirst('#account-list button[aria-label^="Remove demo"]');
    // Removing asks first: the question's own button confirms (the focus was on Cancel).
    await session.waitFor('the question', () => session.findAll('#account-list .ask-first .danger').then((b) => b.length > 0));
    await session.clickFirst('#account-list .ask-first .danger');
    await session.waitFor('the Demo accounts to go', async () => (await session.findAll('#account-list button[aria-label^="Remove demo"]')).length === 0);
    await press(session, 'Escape');
    await session.waitFor('Settings to close on Escape', async () => session.script('return document.getElementById("settings").hidden;'));

    // The focus ring on the dark sidebar, reached by keyboard: a solid outline of 2 px or more
    // with at least 3:1 contrast against the sidebar (WCAG 2.2 focus appearance).
    // (The Demo is gone with its rooms: the sidebar's Search button is on the same background.)
    const [button] = await session.findAll('#open-search');
    await session.type(button, '\uE004'); // a real Tab: the focus moves on to Notifications
    assert.equal(await activeId(session), 'open-alerts');
    const ring = await session.script(`const b = document.activeElement; const s = getComputedStyle(b);
      return { visible: b.matches(':focus-visible'), style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
        behind: getComputedStyle(document.getElementById('sidebar')).backgroundColor };`);
    assert.ok(ring.visible, 'keyboard focus shows the ring');
    assert.equal(ring.style, 'solid');
    assert.ok(ring.width >= 2, `outline ${ring.width} px`);
    assert.ok(contrast(ring.color, ring.behind) >= 3, `ring ${ring.color} on ${ring.behind}: ${contrast(ring.color, ring.behind).toFixed(2)}:1`);
  } finally {
    await session.close();
  }
});

test('at 640 px the sidebar hides behind Rooms, the name stays whole, nothing is cut off; axe is clean at 640 and 1600 px in both themes', async () => {
  mkdirSync(artifacts, { recursive: true });
  const session = await openSession(app, ['--profile', freshProfile()]);
  try {
    await session.waitFor('the Demo rooms', () => session.findAll('#room-list button.room').then((b) => b.length >= 4 && b));
    // At 1100 px someone starting to type does not change the header's height.
    await session.setWindowSize(1100, 800);
    await session.waitFor('1100 px', async () => (await session.script('return innerWidth;')) === 1100);
    await session.clickFirst('#room-list button[data-title="EUR/USD Trading Room"]');
    await session.waitFor('the trading room, nobody typing', async () => (await session.script('return document.getElementById("room-title").textContent;')) === 'EUR/USD Trading Room'
      && (await session.script('return document.getElementById("room-typing").textContent;')) === '');
    const headerHeight = () => session.script('return document.getElementById("room-header").getBoundingClientRect().height;');
    const quiet = await headerHeight();
    const [composer] = await session.findAll('#composer-input');
    await session.type(composer, 'Anyone watching 1.0870?');
    await session.type(composer, '\uE007');
    await session.waitFor('someone to answer by typing', async () => (await session.script('return document.getElementById("room-typing").textContent;')) !== '');
    assert.equal(await headerHeight(), quiet, 'the typing line does not reflow the header');

    // The Demo's order chat, named after its order once Parley has read it.
    const orderChat = '#room-list button[data-title="Sell 1,344.08 USDT · Buyer (demo)"]';
    await session.waitFor('the order chat named after its order', () => session.findAll(orderChat).then((b) => b.length > 0));
    await session.clickFirst(orderChat);
    await session.waitFor('the order chat', async () => (await session.script('return document.getElementById("room-title").textContent;')) === 'Sell 1,344.08 USDT · Buyer (demo)');
    for (const theme of ['light', 'dark']) {
      await session.script(`const t = document.getElementById('theme-choice'); t.value = '${theme}'; t.dispatchEvent(new Event('change')); return true;`);
      await session.setWindowSize(1600, 900);
      await session.waitFor('1600 px', async () => (await session.script('return innerWidth;')) === 1600);
      assert.equal(await session.script('return getComputedStyle(document.getElementById("toggle-sidebar")).display;'), 'none', 'no Rooms button when wide');
      assert.deepEqual(await axeViolations(session), [], `main view, ${theme}, 1600 px`);
      await openSettings(session);
      assert.deepEqual(await axeViolations(session), [], `settings, ${theme}, 1600 px`);
      await session.clickFirst('#close-settings');

      await session.setWindowSize(640, 800);
      await session.waitFor('640 px', async () => (await session.script('return innerWidth;')) === 640);
      assert.ok(await visible(session, '#toggle-sidebar'), 'the Rooms button');
      assert.equal(await session.script('return document.getElementById("sidebar").getBoundingClientRect().right <= 0 || getComputedStyle(document.getElementById("sidebar")).visibility === "hidden";'), true, 'the sidebar is out of the way');
      assert.equal(await session.script('const t = document.getElementById("room-title"); return t.scrollWidth <= t.clientWidth;'), true, 'the room name is not cut');
      assert.equal(await session.script('return document.documentElement.scrollWidth <= innerWidth;'), true, 'nothing wider than the window');
      assert.ok(await visible(session, '#send'), 'the bottom of the window (Send) is on screen after shrinking from 1600 px');
      assert.deepEqual(await axeViolations(session), [], `main view, ${theme}, 640 px`);
      writeFileSync(join(artifacts, `narrow-${theme}.png`), await session.screenshot());

      await session.clickFirst('#toggle-sidebar');
      await session.waitFor('the sidebar over the room', async () => session.script('const r = document.getElementById("sidebar").getBoundingClientRect(); return r.left >= 0 && r.right > 100;'));
      assert.equal(await session.script('return document.getElementById("toggle-sidebar").getAttribute("aria-expanded");'), 'true');
      assert.ok(await visible(session, '#open-settings'), 'its buttons are reachable');
      // The last room of the list: scrolled to, as a user would, before the click.
      await session.script('document.querySelector(\'#room-list button[data-title="Public room"]\').scrollIntoView({ block: "center" }); return true;');
      await session.clickFirst('#room-list button[data-title="Public room"]');
      await session.waitFor('the room to open and the sidebar to hide', async () => (await session.script('return document.getElementById("room-title").textContent;')) === 'Public room'
        && session.script('return !document.getElementById("app").classList.contains("sidebar-open");'));
      await openSettings(session);
      assert.deepEqual(await axeViolations(session), [], `settings, ${theme}, 640 px`);
      await session.clickFirst('#close-settings');
      await session.clickFirst('#toggle-sidebar');
      await session.clickFirst(orderChat);
    }
    await session.script(`localStorage.removeItem('parley.theme'); return true;`);
  } finally {
    await session.close();
  }
});
