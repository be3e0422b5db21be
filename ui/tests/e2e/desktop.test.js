// The desktop side of the real app: one instance (a second launch hands over to the running one
// and exits), keyboard use (the quick switcher, search), the frame inspector with the Demo's frames, and
// an automated accessibility check (axe-core) of the main view, the dialogs, the inspector and
// the settings: no serious or critical violations.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { openSession } from './webdriver.js';
import { axeViolations } from './axe.js';

const app = process.env.PARLEY_APP_BIN;
const artifacts = process.env.PARLEY_E2E_ARTIFACTS || fileURLToPath(new URL('../artifacts/', import.meta.url));

async function textOf(session, css) {
  const [node] = await session.findAll(css);
  return node ? session.text(node) : '';
}

/** Launches the app a second time (default profile); resolves with its exit code. */
function secondLaunch() {
  return new Promise((resolve, reject) => {
    const child = spawn(app, [], { stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the second launch did not exit within 20 s'));
    }, 20000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

test('a second launch hands over to the running Parley; the keyboard and screen readers are served', async () => {
  mkdirSync(artifacts, { recursive: true });
  // No --profile: the default profile, which runs once.
  const session = await openSession(app, []);
  try {
    await session.waitFor('the Demo rooms', () => session.findAll('#room-list button.room').then((b) => b.length >= 4 && b));
    const code = await secondLaunch();
    assert.equal(code, 0, 'the second launch exits cleanly');
    assert.equal(await session.script('return document.visibilityState;'), 'visible', 'the first window is still there');

    // The quick switcher: Ctrl+K, type part of a name, Enter.
    await session.script(`document.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true, bubbles: true }));`);
    const [input] = await session.waitFor('the switcher', () => session.findAll('#switcher:not([hidden]) #switcher-input').then((i) => i.length && i));
    await session.type(input, 'ava');
    await session.type(input, '\uE007');
    await session.waitFor('the chosen room to open', async () => (await textOf(session, '#room-title')) === 'Ava Trader');

    assert.deepEqual(await axeViolations(session), [], 'main view');
    await session.script(`document.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true, bubbles: true }));`);
    assert.deepEqual(await axeViolations(session), [], 'the switcher');
    await session.script(`document.getElementById('switcher-input').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));`);
    // Search every room (Ctrl+F): the full-text index finds Ava's first message from another room.
    await session.clickFirst('#room-list button.room');
    await session.script(`document.dispatchEvent(new KeyboardEvent('keydown', { key: 'f', ctrlKey: true, bubbles: true }));`);
    const [query] = await session.waitFor('the search', () => session.findAll('#search:not([hidden]) #search-input').then((i) => i.length && i));
    // Ctrl+F searches the open room first; again, every room.
    await session.script(`document.dispatchEvent(new KeyboardEvent('keydown', { key: 'f', ctrlKey: true, bubbles: true }));`);
    await session.type(query, 'otc desk');
    const found = await session.waitFor('a result', () => textOf(session, '#search-list .search-item'));
    assert.match(found, /Ava Trader/);
    assert.deepEqual(await session.script(`return [...document.querySelectorAll('#search-list mark')].map((m) => m.textContent.toLowerCase());`), ['otc', 'desk']);
    assert.deepEqual(await axeViolations(session), [], 'the search');
    await session.type(query, '\uE007');
    await session.waitFor('the message, shown in its room', async () => (await textOf(session, '#room-title')) === 'Ava Trader'
      && session.script(`return !!document.querySelector('#timeline .message.found');`));
    await session.script(`document.dispatchEvent(new KeyboardEvent('keydown', { key: '/', ctrlKey: true, bubbles: true }));`);
    assert.deepEqual(await axeViolations(session), [], 'the shortcut list');
    await session.click((await session.findAll('#close-shortcuts'))[0]);

    // The frame inspector: the Demo's real frames, redacted, and accessible too.
    await session.click((await session.findAll('#open-inspector'))[0]);
    const inspected = await session.waitFor('frames in the inspector', async () => {
      const text = await textOf(session, '#inspector-list');
      return text.includes('LIST_PENDING_MESSAGES') && text.includes('connect') ? text : null;
    });
    assert.match(inspected, /Authorization: \[redacted\]/, 'the Mixin bearer token is not shown');
    assert.doesNotMatch(inspected, /listenKey=(?!%5Bredacted%5D)/, 'no listenKey in a URL');
    assert.deepEqual(await axeViolations(session), [], 'the frame inspector');
    await session.click((await session.findAll('#close-inspector'))[0]);
    await session.click((await session.findAll('#open-settings'))[0]);
    assert.deepEqual(await axeViolations(session), [], 'settings');

    // The dark theme holds the same contrast.
    await session.script(`const t = document.getElementById('theme-choice'); t.value = 'dark'; t.dispatchEvent(new Event('change'));`);
    assert.equal(await session.script('return document.documentElement.dataset.theme;'), 'dark');
    assert.equal(await session.script('return getComputedStyle(document.body).backgroundColor;'), 'rgb(22, 26, 34)');
    assert.deepEqual(await axeViolations(session), [], 'settings, dark');
    await session.click((await session.findAll('#close-settings'))[0]);
    assert.deepEqual(await axeViolations(session), [], 'main view, dark');
    await session.waitFor('the settings to close', async () => session.script('return document.getElementById("settings").hidden;'));
    await new Promise((r) => setTimeout(r, 500));
    writeFileSync(join(artifacts, 'dark-theme.png'), await session.screenshot());
    // Leave the shared page storage as it was for the tests that follow.
    await session.script(`localStorage.removeItem('parley.theme');`);
  } finally {
    await session.close();
  }
});
