// The context menu of a message, in the whole page against a fake backend: right click and the
// keyboard path (↑ to a message, Shift+F10 or the Menu key), its entries for each kind of
// message, what they do, and Escape giving focus back to the message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, nextFrame, CAPABILITIES } from './page.js';

loadPage();
const { menuEntries, messageLinks } = await import('../../app/js/message-menu.js');

const copied = [];
Object.defineProperty(window.navigator, 'clipboard', { value: { writeText: async (text) => { copied.push(text); } }, configurable: true });

const calls = [];
let push = null;
const account = { id: 'demo-mockly', display_name: 'Demo room', demo: false, service_label: 'mockly.me chat', settings: { service: 'mockly', client_id: 'you', endpoint: 'ws://127.0.0.1:1/ws/chat/{client_id}' }, capabilities: CAPABILITIES.mockly, state: { state: 'open' } };
const base = { account: 'demo-mockly', room: 'public', sender_name: null, ts_raw: '2026-11-23T09:30:00.000000', ts_ms: Date.UTC(2026, 10, 23, 9, 30), state: 'sent', error: null };
const history = [
  { ...base, local_id: 1, id: 'msg_1', sender_id: 'bot_ada', sender_name: 'Ada Bot', own: false, kind: 'text', text: 'Pay to https://pay.example/order/42?x=1, then reply.' },
  { ...base, local_id: 2, id: 'msg_2', sender_id: 'bot_ada', own: false, kind: 'image', text: '', media: { url: 'https://cdn.example/receipt.png' } },
  { ...base, local_id: 3, id: null, sender_id: 'you', own: true, kind: 'text', text: 'done', state: 'failed', error: 'the server refused it' },
];

await startOn({
  invoke: async (command, args) => {
    calls.push({ command, args });
    switch (command) {
      case 'snapshot':
        return { accounts: [account], rooms: [{ account: 'demo-mockly', room: 'public', title: 'Public room', unread: 0 }], notices: [] };
      case 'history':
        return args.after ? [] : history;
      case 'inspector_frames':
        return [];
      case 'send_message':
        return { ...base, local_id: 9, id: null, sender_id: 'you', own: true, kind: 'text', text: args.text, state: 'pending' };
      case 'save_media':
        return '/home/you/Downloads/receipt.png';
      default:
        return null;
    }
  },
  channel: (onMessage) => {
    push = onMessage;
    return { id: 1 };
  },
});
const $ = (id) => document.getElementById(id);
const row = (localId) => $('timeline').querySelector(`[data-local-id="${localId}"]`);
const menu = () => document.querySelector('.context-menu[role="menu"]');
const labels = () => [...menu().querySelectorAll('[role="menuitem"]')].map((b) => b.textContent);
const key = (target, init) => target.dispatchEvent(new window.KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }));
function rightClick(target, x = 100, y = 120) {
  const event = new window.MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: x, clientY: y });
  target.dispatchEvent(event);
  return event;
}
function choose(label) {
  const item = [...menu().querySelectorAll('[role="menuitem"]')].find((b) => b.textContent === label);
  assert.ok(item, `the menu offers "${label}" (it has: ${labels().join(', ')})`);
  item.click();
}

test('a right click on a message opens its menu, named for screen readers, instead of the webview\'s', () => {
  const event = rightClick(row(1).querySelector('.text'));
  assert.equal(event.defaultPrevented, true, 'the webview menu (Reload, Inspect) does not show');
  assert.equal(menu().getAttribute('aria-label'), 'Actions for the message from Ada Bot');
  assert.deepEqual(labels(), ['Reply', 'Copy text', 'Copy link address', 'Show details']);
  assert.equal(document.activeElement, menu().querySelector('[role="menuitem"]'), 'focus is in the menu');
  assert.equal(menu().style.left, '100px');
});

test('Escape closes the menu and gives focus back to the message', () => {
  key(document.activeElement, { key: 'Escape' });
  assert.equal(menu(), null);
  assert.equal(document.activeElement, row(1));
});

test('copy text and copy link address put exactly those on the clipboard, and say so', async () => {
  rightClick(row(1));
  choose('Copy text');
  await nextFrame();
  assert.equal(copied.at(-1), history[0].text);
  assert.equal($('action-status').textContent, 'Text copied.');
  assert.equal(menu(), null);
  rightClick(row(1));
  choose('Copy link address');
  await nextFrame();
  assert.equal(copied.at(-1), 'https://pay.example/order/42?x=1', 'the address, without the sentence\'s comma');
  // Right on the link: that link's address.
  rightClick(row(1).querySelector('.inline-link'));
  choose('Copy link address');
  await nextFrame();
  assert.equal(copied.at(-1), 'https://pay.example/order/42?x=1');
});

test('the keyboard reaches the menu: ↑ from the timeline focuses the last message, ↑ again the one before, Shift+F10 opens', () => {
  $('timeline').focus();
  key($('timeline'), { key: 'ArrowUp' });
  assert.equal(document.activeElement, row(3));
  key(row(3), { key: 'ArrowUp' });
  assert.equal(document.activeElement, row(2));
  key(row(2), { key: 'F10', shiftKey: true });
  assert.ok(menu(), 'Shift+F10 opens the menu');
  assert.deepEqual(labels(), ['Reply', 'Open image', 'Save to Downloads', 'Copy media address', 'Show details']);
  // ↓ and ↑ move through the entries and wrap around.
  key(document.activeElement, { key: 'ArrowUp' });
  assert.equal(document.activeElement.textContent, 'Show details');
  key(document.activeElement, { key: 'ArrowDown' });
  assert.equal(document.activeElement.textContent, 'Reply');
  key(document.activeElement, { key: 'Escape' });
  assert.equal(document.activeElement, row(2));
  key(row(2), { key: 'ContextMenu' });
  assert.ok(menu(), 'the Menu key opens it too');
  key(document.activeElement, { key: 'Tab' });
  assert.equal(menu(), null, 'Tab leaves the menu');
});

test('an image is opened in the viewer or saved to Downloads from its menu', async () => {
  rightClick(row(2));
  choose('Save to Downloads');
  await nextFrame();
  assert.deepEqual(calls.filter((c) => c.command === 'save_media').at(-1).args, { localId: 2 });
  assert.equal($('action-status').textContent, 'Saved to /home/you/Downloads/receipt.png');
  rightClick(row(2));
  choose('Open image');
  assert.equal($('viewer').hidden, false);
  key($('viewer'), { key: 'Escape' });
});

test('a failed message of mine offers Retry sending, which asks the backend to send it again', async () => {
  rightClick(row(3));
  assert.deepEqual(labels(), ['Reply', 'Copy text', 'Retry sending', 'Delete (never sent)', 'Show details']);
  assert.equal(menu().getAttribute('aria-label'), 'Actions for your message');
  choose('Retry sending');
  await nextFrame();
  assert.deepEqual(calls.filter((c) => c.command === 'retry_message').at(-1).args, { localId: 3 });
});

test('Show details lists the ids, times and state, and opens the inspector filtered to the message', async () => {
  rightClick(row(1));
  choose('Show details');
  const dialog = $('message-details');
  assert.equal(dialog.hidden, false);
  const text = dialog.textContent;
  for (const part of ['Demo room (demo-mockly)', 'Public room (public)', 'Ada Bot (bot_ada)', 'msg_1', '2026-11-23T09:30:00.000Z', '2026-11-23T09:30:00.000000']) {
    assert.ok(text.includes(part), `details show ${part}`);
  }
  assert.equal(document.activeElement.getAttribute('aria-label'), 'Close the message details');
  key(document.activeElement, { key: 'Escape' });
  assert.equal(dialog.hidden, true);
  // Once the window behind is no longer inert (a microtask later).
  await new Promise((resolve) => { queueMicrotask(resolve); });
  assert.equal(document.activeElement, row(1), 'focus goes back to the message');

  rightClick(row(1));
  choose('Show details');
  [...dialog.querySelectorAll('button')].find((b) => b.textContent === 'Show its frames in the inspector').click();
  await nextFrame();
  assert.equal($('inspector').hidden, false);
  assert.equal($('inspector-filter').value, 'msg_1');
  assert.deepEqual(calls.filter((c) => c.command === 'inspector_frames').at(-1).args, { account: 'demo-mockly', after: null });
  $('close-inspector').click();
});

test('a message not yet known to the service says so in its details, and its failure reason', () => {
  rightClick(row(3));
  choose('Show details');
  const text = $('message-details').textContent;
  assert.ok(text.includes('none yet'));
  assert.ok(text.includes('the server refused it'));
  assert.equal([...$('message-details').querySelectorAll('button')].some((b) => /inspector/.test(b.textContent)), false, 'no frames to show without an id');
  key(document.activeElement, { key: 'Escape' });
});

test('a click elsewhere closes the menu without moving focus', () => {
  rightClick(row(1));
  document.body.dispatchEvent(new window.MouseEvent('mousedown', { bubbles: true }));
  assert.equal(menu(), null);
});

test('the entries follow the message: a link under the pointer, selected text, card buttons, notices', () => {
  const card = { ...history[0], text: '', card: { title: 'Pay', description: '', buttons: [{ label: 'Open', url: 'https://a.example/' }, { label: 'Bad', url: 'javascript:alert(1)' }] } };
  assert.deepEqual(messageLinks(card), ['https://a.example/']);
  const actions = { copy() {}, reply() {}, details() {} };
  const two = { ...history[0], text: 'see https://a.example and https://b.example' };
  assert.deepEqual(menuEntries(two, { actions }).map((e) => e.label),
    ['Reply', 'Copy text', 'Copy link address: https://a.example', 'Copy link address: https://b.example', 'Show details']);
  assert.deepEqual(menuEntries(two, { actions, link: 'https://b.example', selection: 'see' }).map((e) => e.label),
    ['Reply', 'Copy selected text', 'Copy text', 'Copy link address', 'Show details']);
  const notice = { ...history[0], kind: 'system', text: 'Ada joined' };
  assert.deepEqual(menuEntries(notice, { actions }).map((e) => e.label), ['Copy text', 'Show details'], 'nobody replies to a notice');
});

test('Reply shows what is answered above the composer, sends its id with the message, then clears', async () => {
  rightClick(row(1));
  choose('Reply');
  assert.equal($('reply-bar').hidden, false);
  assert.equal($('reply-text').textContent, 'Replying to Ada Bot: Pay to https://pay.example/order/42?x=1, then reply.');
  assert.equal(document.activeElement, $('composer-input'), 'the cursor goes to the composer');
  assert.equal($('composer-input').getAttribute('aria-describedby'), 'reply-text', 'a screen reader hears what is answered');
  $('composer-input').value = 'Paid, see receipt';
  key($('composer-input'), { key: 'Enter' });
  await nextFrame();
  assert.deepEqual(calls.filter((c) => c.command === 'send_message').at(-1).args,
    { account: 'demo-mockly', room: 'public', text: 'Paid, see receipt', attachment: null, replyTo: 1 });
  assert.equal($('reply-bar').hidden, true, 'sent: the reply is done');
  $('composer-input').value = 'plain';
  key($('composer-input'), { key: 'Enter' });
  await nextFrame();
  assert.equal(calls.filter((c) => c.command === 'send_message').at(-1).args.replyTo, null, 'the next message is not a reply');
});

test('a reply is cancelled by its button or by Escape in the composer', () => {
  rightClick(row(2));
  choose('Reply');
  assert.equal($('reply-text').textContent, 'Replying to bot_ada: [image]');
  $('reply-bar').querySelector('button[aria-label="Cancel the reply"]').click();
  assert.equal($('reply-bar').hidden, true);
  rightClick(row(3));
  choose('Reply');
  assert.equal($('reply-text').textContent, 'Replying to yourself: done');
  key($('composer-input'), { key: 'Escape' });
  assert.equal($('reply-bar').hidden, true);
  assert.equal($('composer-input').hasAttribute('aria-describedby'), false);
});

test('a failed message can be deleted from its menu or its bubble; a sent one offers no Delete', async () => {
  rightClick(row(1));
  assert.ok(!labels().some((l) => l.startsWith('Delete')), 'someone else\'s message cannot be deleted');
  key(document.activeElement, { key: 'Escape' });
  const bubbleDelete = [...row(3).querySelectorAll('button')].find((b) => b.textContent === 'Delete');
  assert.ok(bubbleDelete, 'Delete next to Retry on the failed message');
  rightClick(row(3));
  choose('Delete (never sent)');
  await nextFrame();
  assert.deepEqual(calls.filter((c) => c.command === 'delete_message').at(-1).args, { localId: 3 });
  push([{ event: 'deleted', account: 'demo-mockly', room: 'public', local_id: 3 }]);
  await new Promise((r) => setTimeout(r, 0));
  await nextFrame();
  assert.equal(row(3), null, 'gone from the timeline once the backend deleted it');
});
