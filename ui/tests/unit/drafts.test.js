// Drafts per room: what is typed in one room stays with that room. Opening another room shows
// that room's own draft (or nothing), Enter there never sends the first room's text, coming back
// brings the text back, the sidebar marks rooms left with a draft, a message goes to the room it
// was written in even when another room is opened while it is sent, and drafts survive a restart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, settle, startOn, CAPABILITIES } from './page.js';

loadPage();
const { createDrafts, MAX_DRAFTS } = await import('../../app/js/drafts.js');

const calls = [];
let holdSend = null;
const account = (id, service, name) => ({ id, display_name: name, demo: false, service_label: service, settings: { service }, capabilities: CAPABILITIES[service], state: { state: 'open' } });
await startOn({
  invoke: async (command, args) => {
    calls.push({ command, args });
    switch (command) {
      case 'snapshot':
        return {
          accounts: [account('mexc-1', 'mexc', 'My MEXC'), account('mixin-1', 'mixin', 'Desk bot')],
          rooms: [
            { account: 'mexc-1', room: '50012', title: 'Order 1138745987', unread: 0 },
            { account: 'mixin-1', room: 'conv-ava', title: 'Ava', unread: 0 },
          ],
          notices: [],
        };
      case 'history':
        return [];
      case 'send_message':
        if (holdSend) await holdSend;
        return { local_id: calls.length, account: args.account, room: args.room, own: true, kind: 'text', text: args.text, state: 'pending', ts_ms: Date.now(), ts_raw: '' };
      default:
        return null;
    }
  },
  channel: () => ({ id: 1 }),
});
const $ = (id) => document.getElementById(id);
const ORDER = 'mexc-1\u000050012';
const BOT = 'mixin-1\u0000conv-ava';
async function open(key) {
  roomButton(key).click();
  await settle();
  await settle();
}
function type(text) {
  $('composer-input').value = text;
  $('composer-input').dispatchEvent(new window.Event('input', { bubbles: true }));
}
async function pressEnter() {
  $('composer-input').dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
  await settle();
}
const sent = () => calls.filter((c) => c.command === 'send_message').map((c) => `${c.args.room}: ${c.args.text}`);
// A room key holds a NUL, which CSS selectors cannot name.
const roomButton = (key) => [...document.querySelectorAll('#room-list [data-room]')].find((b) => b.dataset.room === key);
const marked = (key) => Boolean(roomButton(key).querySelector('.draft-mark'));

test('text typed in an order chat stays there: the bot conversation opens empty and Enter sends nothing to it', async () => {
  await open(ORDER);
  type('IBAN DE89 3704 0044 0532 0130 00, reference 1138745987');
  await open(BOT);
  assert.equal($('composer-input').value, '', 'the other room opens with its own (empty) draft');
  await pressEnter();
  assert.deepEqual(sent(), [], 'Enter in the bot conversation sent nothing');
  assert.equal(marked(ORDER), true, 'the order chat is marked as having a draft');
  assert.match(roomButton(ORDER).textContent, /Draft/);
  await open(ORDER);
  assert.equal($('composer-input').value, 'IBAN DE89 3704 0044 0532 0130 00, reference 1138745987', 'the draft comes back');
  assert.equal(marked(ORDER), false, 'the open room is not marked');
});

test('a sent message leaves no draft behind, and each room sends its own text', async () => {
  await open(ORDER);
  await pressEnter();
  assert.deepEqual(sent(), ['50012: IBAN DE89 3704 0044 0532 0130 00, reference 1138745987']);
  assert.equal($('composer-input').value, '');
  await open(BOT);
  assert.equal(marked(ORDER), false, 'nothing left to mark');
  type('hello Ava');
  await pressEnter();
  assert.deepEqual(sent().at(-1), 'conv-ava: hello Ava');
});

test('a message goes to the room it was written in even if another room is opened while it is sent', async () => {
  let release;
  holdSend = new Promise((r) => { release = r; });
  await open(ORDER);
  type('paid, please release');
  $('composer-input').dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
  await open(BOT);
  type('a new thought for Ava');
  release();
  holdSend = null;
  await settle();
  assert.deepEqual(sent().at(-1), '50012: paid, please release');
  assert.equal($('composer-input').value, 'a new thought for Ava', 'the open room’s text is untouched');
  await open(ORDER);
  assert.equal($('composer-input').value, '', 'the sent text is not kept as the order chat’s draft');
});

test('drafts survive a restart and stay bounded', () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  const first = createDrafts(storage);
  first.set('a', { text: 'keep me', kind: 'text', url: '' });
  first.set('b', { text: '   ', kind: 'text', url: '' });
  const again = createDrafts(storage);
  assert.equal(again.get('a').text, 'keep me');
  assert.equal(again.has('b'), false, 'blank text is no draft');
  for (let i = 0; i < MAX_DRAFTS + 20; i += 1) again.set(`room-${i}`, { text: `t${i}`, kind: 'text', url: '' });
  const reloaded = createDrafts(storage);
  assert.equal(reloaded.has('a'), false, 'the oldest went first');
  assert.equal(reloaded.get(`room-${MAX_DRAFTS + 19}`).text, `t${MAX_DRAFTS + 19}`);
  assert.equal(createDrafts({ getItem: () => '{not json', setItem() {} }).has('a'), false, 'an unreadable store starts empty');
});

test('each profile keeps its own drafts, and the default profile keeps the ones it had', () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  const page = createDrafts(storage);
  page.set('demo-mexc\u0000order', { text: 'IBAN DE11 1111', kind: 'text', url: '' });
  page.useProfile('1f2e3d4c5b6a7988'); // another --profile folder, same Demo room ids
  assert.equal(page.get('demo-mexc\u0000order'), null, 'not shown in another profile');
  page.set('demo-mexc\u0000order', { text: 'other profile', kind: 'text', url: '' });
  page.useProfile('');
  assert.equal(page.get('demo-mexc\u0000order').text, 'IBAN DE11 1111', 'the default profile keeps its own');
  const later = createDrafts(storage);
  later.useProfile('1f2e3d4c5b6a7988');
  assert.equal(later.get('demo-mexc\u0000order').text, 'other profile', 'and each survives a restart');
});
