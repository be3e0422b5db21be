import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, XSS } from './page.js';

loadPage();
const { highlight, excerpt } = await import('../../app/js/search.js');

test('found words are marked as elements, and markup in the text stays text', () => {
  const box = document.createElement('div');
  box.append(...highlight(`Paid usdt, USDT again ${XSS}`, 'usdt'));
  assert.deepEqual([...box.querySelectorAll('mark')].map((m) => m.textContent), ['usdt', 'USDT']);
  assert.equal(box.textContent, `Paid usdt, USDT again ${XSS}`);
  assert.equal(box.querySelector('img, script'), null);
});

test('a long message shows the part around its first match', () => {
  const text = `${'a'.repeat(500)} the release code ${'b'.repeat(500)}`;
  const shown = excerpt(text, 'release');
  assert.ok(shown.startsWith('…') && shown.endsWith('…'));
  assert.ok(shown.includes('the release code'));
  assert.ok(shown.length < 300);
});

test('typing searches at once when idle, and once more with the latest text when the answer is back', async () => {
  loadPage();
  const { createSearch } = await import('../../app/js/search.js');
  const asked = [];
  let answer = null;
  const search = createSearch({
    search: (query) => {
      asked.push(query);
      return new Promise((resolve) => { answer = () => resolve([]); });
    },
    titleOf: () => 'room',
    onJump: () => {},
  });
  search.open();
  const input = document.getElementById('search-input');
  const type = (text) => {
    input.value = text;
    input.dispatchEvent(new window.Event('input'));
  };
  type('u');
  assert.deepEqual(asked, ['u'], 'the first key asks at once, without waiting for a pause');
  type('us');
  type('usd');
  type('usdt');
  assert.deepEqual(asked, ['u'], 'keys typed while it is answered wait');
  answer();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(asked, ['u', 'usdt'], 'then one search with the latest text, not one per key');
  answer();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(asked, ['u', 'usdt'], 'nothing more when nothing changed');
});
