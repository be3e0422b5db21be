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
    const [confirm] = await session.waitFor('the question before removing', () => session.findAll('#account-list .ask-first .danger').then((b) => b.length && b));
    assert.equal(await session.text(confirm), 'Remove account');
    await session.click(confirm);
    await session.waitFor('the account to leave the sidebar', async () =>
      !(await textOf(session, '#room-list')).includes('My test room'));
  } finally {
    await session.close();
  }
});

test('an account is edited in place: a new name and endpoint keep its history and reconnect it there', async () => {
  const first = await startSimulator();
  const second = await startSimulator();
  const profile = mkdtempSync(join(tmpdir(), 'parley-e2e-edit-'));
  const session = await openSession(app, ['--profile', profile]);
  try {
    await openSettings(session);
    await session.type((await session.findAll('#new-client-id'))[0], 'e2e_editor');
    await session.type((await session.findAll('#new-display-name'))[0], 'Before edit');
    const [endpointInput] = await session.findAll('#new-endpoint');
    await session.clearValue(endpointInput);
    await session.type(endpointInput, first);
    await session.clickFirst('#add-account-submit');
    await session.waitFor('the account to connect', async () => (await textOf(session, '#room-status')).startsWith('Before edit: Connected'));
    await session.waitFor('the welcome notice', async () => (await textOf(session, '#timeline')).includes('Welcome to the chat, e2e_editor!'));
    const welcomes = async () => (await textOf(session, '#timeline')).split('Welcome to the chat, e2e_editor!').length - 1;
    assert.equal(await welcomes(), 1);

    await openSettings(session);
    const edit = '#account-list button[aria-label="Edit: Before edit"]';
    await session.script(`document.querySelector('${edit}').scrollIntoView({ block: 'center' }); return true;`);
    await session.clickFirst(edit);
    const [name] = await session.waitFor('the edit form', () => session.findAll('.account-edit:not([hidden]) input[id^="edit-display_name-"]').then((n) => n.length && n));
    await session.clearValue(name);
    await session.type(name, 'After edit');
    const [address] = await session.findAll('.account-edit:not([hidden]) input[id^="edit-endpoint-"]');
    await session.clearValue(address);
    await session.type(address, 'http://wrong.example');
    await session.type(address, '\uE007');
    await session.waitFor('the refused address at its field', async () => (await session.script('return document.querySelector(".account-edit input[id^=\\"edit-endpoint-\\"]").getAttribute("aria-invalid");')) === 'true');
    await session.clearValue(address);
    await session.type(address, second);
    await session.type(address, '\uE007');
    await session.waitFor('the new name in the sidebar', async () => (await textOf(session, '#room-list')).includes('After edit'));
    await session.clickFirst('#close-settings');
    await session.waitFor('the account to reconnect at the new endpoint', async () => (await textOf(session, '#room-status')).startsWith('After edit: Connected')
      && (await welcomes()) === 2);
    assert.ok((await textOf(session, '#timeline')).includes('Welcome to the chat, e2e_editor!'), 'the history from before the edit stays');
    assert.equal((await textOf(session, '#room-list')).includes('Before edit'), false);
  } finally {
    await session.close();
  }
});
