// A long message shows its start and a "Show the whole message" button (long-text.js): the
// rest renders in place on a click (the button is a real button, so Enter and Space work), the
// focus stays there, the virtual timeline lays its rows out again with the taller row, and the
// message stays whole when its row is rebuilt.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, nextFrame, assertInert, XSS, fakeLayout } from './page.js';

loadPage();
const { renderMessage, createTimeline } = await import('../../app/js/timeline.js');
const { SHOWN_CHARS } = await import('../../app/js/long-text.js');

const LONG = `${XSS} ${'word '.repeat(40_000)}the end`;

function message(overrides = {}) {
  return {
    local_id: 1, account: 'a', room: 'r', id: 'm1', sender_id: 'u', sender_name: 'Eve', own: false,
    kind: 'text', text: 'hello', ts_ms: Date.UTC(2026, 0, 5, 9), ts_raw: '', state: 'sent', error: null, ...overrides,
  };
}

test('a long text shows its start and a button that shows the rest, focus following', () => {
  let asked = 0;
  const node = renderMessage(message({ text: LONG }), { onWhole: () => { asked += 1; } });
  document.body.append(node);
  const text = node.querySelector('.text');
  assert.ok(text.textContent.length <= SHOWN_CHARS && text.textContent.length > SHOWN_CHARS - 1024);
  assert.ok(LONG.startsWith(text.textContent));
  assert.ok(text.textContent.startsWith(XSS), 'markup stays text');
  const button = node.querySelector('button.show-whole');
  assert.equal(button.getAttribute('type'), 'button', 'a real button: in the tab order, Enter and Space press it');
  assert.match(button.textContent, /^Show the whole message \([\d,]+ more characters\)$/);
  button.focus();
  button.click();
  assert.equal(text.textContent, LONG);
  assert.equal(node.querySelector('button.show-whole'), null);
  assert.equal(document.activeElement, text, 'the focus moves to the text it revealed');
  assert.equal(asked, 1);
  assertInert(node, assert);
  node.remove();
});

test('short messages have no button; every text-bearing kind is cut', () => {
  assert.equal(renderMessage(message({ text: 'a'.repeat(SHOWN_CHARS) })).querySelector('.show-whole'), null);
  const kinds = [
    [{ kind: 'system' }, '.notice-text'],
    [{ kind: 'unsupported' }, '.unsupported'],
    [{ kind: 'post' }, '.post'],
    [{ kind: 'image', media: { url: 'https://x/a.png' } }, '.text'],
    [{ kind: 'card', card: { title: 't', description: LONG, buttons: [] } }, '.card-description'],
  ];
  for (const [overrides, selector] of kinds) {
    const node = renderMessage(message({ text: LONG, ...overrides }));
    const part = node.querySelector(selector);
    assert.ok(part.textContent.length <= SHOWN_CHARS, `${overrides.kind} cut`);
    node.querySelector('.show-whole').click();
    assert.ok(part.textContent.length >= LONG.length - 10, `${overrides.kind} whole`);
    const shownWhole = renderMessage(message({ text: LONG, ...overrides }), { whole: true });
    assert.equal(shownWhole.querySelector('.show-whole'), null, `${overrides.kind} whole from the start`);
  }
});

test('the timeline lays out again with the whole message, the reader staying in place', async () => {
  const container = document.createElement('section');
  document.body.append(container);
  fakeLayout(container);
  const timeline = createTimeline(container);
  const start = Date.UTC(2026, 0, 5, 9);
  const after = Array.from({ length: 5 }, (_, i) => message({ local_id: i + 2, id: `m${i + 2}`, sender_id: `u${i}`, text: `short ${i}`, ts_ms: start + i }));
  const messages = [message({ text: LONG, ts_ms: start - 1 }), ...after];
  timeline.render('room', messages);
  const long = () => container.querySelector('[data-local-id="1"]');
  assert.ok(long(), 'the long message is in view at the bottom');
  assert.ok(container.querySelector('[data-local-id="6"]'));
  const before = long().offsetTop - container.scrollTop;
  long().querySelector('.show-whole').click();
  await nextFrame();
  assert.equal(long().querySelector('.text').textContent, LONG);
  assert.equal(long().offsetTop - container.scrollTop, before, 'the long message did not move on screen');
  assert.equal(container.querySelector('[data-local-id="6"]'), null, 'rows now far below it left the DOM: the row was measured again');
  // A rebuilt row (its message changed) stays whole.
  timeline.render('room', [{ ...messages[0], state: 'read' }, ...after]);
  assert.equal(long().querySelector('.text').textContent, LONG);
  assert.equal(long().querySelector('.show-whole'), null);
  // Another room, and back: the message shows its start again.
  timeline.render('other', [message({ local_id: 99, text: 'elsewhere' })]);
  timeline.render('room', messages);
  await nextFrame();
  assert.ok(container.querySelector('.show-whole'));
});
