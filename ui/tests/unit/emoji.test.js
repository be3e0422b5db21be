// Emoji in the composer (issue 21): the ☺ picker puts an emoji at the caret; typing `:thu`
// offers matches that Enter puts in (without sending); a whole `:smile:` becomes 😄 as its
// second colon is typed; times like 10:30 and unknown names stay text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, byId as $, settle, CAPABILITIES } from './page.js';

loadPage();
const emoji = await import('../../app/js/emoji.js');

test('the rules: names, search, what counts as a shortcode being typed', () => {
  assert.equal(emoji.emojiFor('thumbsup'), '👍');
  assert.equal(emoji.emojiFor('THUMBSUP'), '👍');
  assert.equal(emoji.emojiFor('nope'), null);
  assert.deepEqual(emoji.findEmoji('thu').map((e) => e[0]).slice(0, 2), ['thumbsup', 'thumbsdown']);
  assert.deepEqual(emoji.typedShortcode('ok :thu'), { query: 'thu', start: 3 });
  assert.equal(emoji.typedShortcode('at 10:30'), null, 'a time is no shortcode');
  assert.equal(emoji.typedShortcode('x :t'), null, 'two characters at least');
  assert.equal(emoji.replaceShortcodes('done :white_check_mark: at 10:30:00 :nope:'), 'done ✅ at 10:30:00 :nope:');
});

const calls = [];
await startOn({
  invoke: async (command, args) => {
    calls.push({ command, args });
    switch (command) {
      case 'snapshot':
        return { accounts: [{ id: 'a', display_name: 'Chat', demo: false, service_label: 'x', settings: { service: 'mockly' }, capabilities: CAPABILITIES.mockly, state: { state: 'open' } }], rooms: [{ account: 'a', room: 'r', title: 'Room', unread: 0 }], notices: [], alerts: [] };
      case 'history':
        return [];
      default:
        return null;
    }
  },
  channel: () => ({ id: 1 }),
});
const input = $('composer-input');
function typeText(text) {
  for (const ch of text) {
    input.value += ch;
    input.setSelectionRange(input.value.length, input.value.length);
    input.dispatchEvent(new window.Event('input', { bubbles: true }));
  }
}
const key = (target, k) => target.dispatchEvent(new window.KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));

test(':thu offers matches; Enter puts the chosen one in and sends nothing', async () => {
  input.focus();
  input.value = '';
  typeText('Released :thu');
  assert.equal($('emoji-suggest').hidden, false);
  key(input, 'ArrowDown'); // 👎 second… and back up
  key(input, 'ArrowUp');
  key(input, 'Enter');
  await settle();
  assert.equal(input.value, 'Released 👍');
  assert.equal($('emoji-suggest').hidden, true);
  assert.ok(!calls.some((c) => c.command === 'send_message'), 'Enter chose the emoji, it did not send');
  typeText(' at 10:30');
  assert.equal($('emoji-suggest').hidden, true, 'no suggestion for a time');
});

test('a whole :name: becomes its emoji; Escape keeps what was typed', () => {
  input.value = '';
  typeText('ok :tada:');
  assert.equal(input.value, 'ok 🎉');
  typeText(' :fir');
  key(input, 'Escape');
  assert.equal($('emoji-suggest').hidden, true);
  assert.equal(input.value, 'ok 🎉 :fir');
});

test('the picker puts an emoji at the caret', async () => {
  input.value = 'pay  now';
  input.setSelectionRange(4, 4);
  $('open-emoji').click();
  assert.equal($('emoji-picker').hidden, false);
  $('emoji-filter').value = 'rocket';
  $('emoji-filter').dispatchEvent(new window.Event('input'));
  const cells = [...$('emoji-grid').querySelectorAll('button')];
  assert.equal(cells.length, 1);
  assert.equal(cells[0].getAttribute('aria-label'), 'rocket');
  cells[0].click();
  assert.equal(input.value, 'pay 🚀 now');
  assert.equal($('emoji-picker').hidden, true);
  assert.equal(document.activeElement, input);
});
