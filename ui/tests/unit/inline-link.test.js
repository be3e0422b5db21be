// Links in message text are text: inline in the sentence, the full address visible and
// selectable, opened in the system browser by a click or Enter (never while selecting), and not
// buttons (a button cannot be selected and lays out as a block of its own).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage } from './page.js';

loadPage();
const { setBackend } = await import('../../app/js/ipc.js');
const { renderMessage } = await import('../../app/js/timeline.js');
const { renderMarkdown } = await import('../../app/js/markdown.js');
const { openLink } = await import('../../app/js/rich.js');

const opened = [];
setBackend({
  invoke: async (command, args) => {
    if (command === 'open_link') opened.push(args.url);
    return null;
  },
  channel: () => ({ id: 1 }),
});

const URL_TEXT = 'https://pay.example/order/42?ref=a&b=c#frag';
const message = {
  local_id: 1, account: 'a', room: 'r', id: 'm1', sender_id: 'u', sender_name: 'Ada', own: false, kind: 'text',
  text: `Pay here: ${URL_TEXT}. Thanks`, ts_ms: 0, ts_raw: '', state: 'sent', error: null,
};
const settle = () => new Promise((r) => setTimeout(r, 0));

test('a link is inline text of the sentence with its full address, not a button', () => {
  const node = renderMessage(message);
  document.body.append(node);
  const text = node.querySelector('.text');
  const link = text.querySelector('.inline-link');
  assert.notEqual(link.tagName, 'BUTTON');
  assert.equal(link.getAttribute('role'), 'link', 'screen readers hear a link');
  assert.equal(link.getAttribute('tabindex'), '0', 'Tab reaches it');
  assert.equal(link.textContent, URL_TEXT, 'the whole address shows');
  assert.equal(link.dataset.href, URL_TEXT);
  assert.equal(text.textContent, message.text, 'copying the message copies the address in its sentence');
  assert.equal(link.hasAttribute('href'), false, 'the webview has nothing to navigate to');
});

test('a click or Enter opens it in the system browser; a click that ends a selection does not', async () => {
  const link = document.querySelector('.inline-link');
  link.click();
  link.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  await settle();
  assert.deepEqual(opened.splice(0), [URL_TEXT, URL_TEXT]);
  const range = document.createRange();
  range.selectNodeContents(link);
  window.getSelection().addRange(range);
  link.click();
  await settle();
  assert.deepEqual(opened, [], 'selecting the address does not open it');
  window.getSelection().removeAllRanges();
});

test('a Markdown link shows its label and its address, and opens the address', async () => {
  const holder = document.createElement('div');
  holder.append(...renderMarkdown('see [the desk](https://desk.example/x)', openLink));
  const link = holder.querySelector('.inline-link');
  assert.equal(link.textContent, 'the desk (https://desk.example/x)');
  assert.equal(link.dataset.href, 'https://desk.example/x');
  link.click();
  await settle();
  assert.deepEqual(opened.splice(0), ['https://desk.example/x']);
});
