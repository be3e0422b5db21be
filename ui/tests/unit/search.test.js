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
