// Settings end to end: add a mockly account pointing at a separately running simulator (as a
// user would point it at mockly.me), talk in its room, restart the app and find the account
// back, then remove it.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession } from './webdriver.js';

const app = process.env.PARLEY_APP_BIN;
const simBin = process.env.PARLEY_SIM_BIN;

function startSimulator() {
  const child = spawn(simBin, ['mockly', '--port', '0', '--seed', '7'], { stdio: ['ignore', 'pipe', 'inherit'] });
  after(() => child.kill());
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = out.match(/endpoint (\S+)/);
      if (found) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`parley-sim exited with ${code}`)));
  });
}

/** The page wires its buttons once it has started: click until the dialog shows. */
async function openSettings(session) {
  await session.waitFor('the settings to open', async () => {
    const [open] = await session.findAll('#open-settings');
    await session.click(open);
    return session.script('return !document.getElementById("settings").hidden;');
  });
}

async function textOf(session, css) {
  const [node] = await session.findAll(css);
  return node ? session.text(node) : '';
}

test('an account added in Settings connects, comes back after a restart, and can be removed', async () => {
  assert.ok(app && simBin, 'PARLEY_APP_BIN and PARLEY_SIM_BIN must be set');
  const endpoint = await startSimulator();
  const profile = mkdtempSync(join(tmpdir(), 'parley-e2e-settings-'));
  const text = `Settings flow ${Date.now()}`;

  let session = await openSession(app, ['--profile', profile]);
  try {
    await openSettings(session);
    const [clientId] = await session.findAll('#new-client-id');
    await session.type(clientId, 'e2e_user');
    const [name] = await session.findAll('#new-display-name');
    await session.type(name, 'My test room');
    const [endpointInput] = await session.findAll('#new-endpoint');
    await session.clearValue(endpointInput);
    await session.type(endpointInput, endpoint);
    const [add] = await session.findAll('#add-account-submit');
    await session.click(add);

    await session.waitFor('the new account to connect', async () =>
      (await textOf(session, '#room-status')).startsWith('My test room: Connected'));
    await session.waitFor('the welcome notice', async () =>
      (await textOf(session, '#timeline')).includes('Welcome to the chat, e2e_user!'));
    const [input] = await session.findAll('#composer-input');
    await session.type(input, text);
    await session.click((await session.findAll('#send'))[0]);
    await session.waitFor('the echo tick', async () => (await session.findAll('#timeline .delivery.sent')).length > 0);
  } finally {
    await session.close();
  }

  session = await openSession(app, ['--profile', profile]);
  try {
    await session.waitFor('the account back in the sidebar', async () =>
      (await textOf(session, '#room-list')).includes('My test room'));
    // Open its room and find the message from the first run.
    for (const button of await session.findAll('#room-list button.room')) {
      const key = await session.attribute(button, 'data-room');
      if (key && key.startsWith('mockly-')) await session.click(button);
    }
    await session.waitFor('the stored message', async () => (await textOf(session, '#timeline')).includes(text));
    await session.waitFor('the account to reconnect', async () =>
      (await textOf(session, '#room-status')).startsWith('My test room: Connected'));

    await openSettings(session);
    const [remove] = await session.findAll('button[aria-label="Remove: My test room"]');
    assert.ok(remove, 'a named remove button');
    await session.click(remove);
    await session.waitFor('the account to leave the sidebar', async () =>
      !(await textOf(session, '#room-list')).includes('My test room'));
  } finally {
    await session.close();
  }
});
