import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, XSS } from './page.js';

loadPage();
const { el } = await import('../../app/js/dom.js');

test('el puts strings in as text, never as markup', () => {
  const node = el('div', { text: XSS, attrs: { title: XSS } }, [XSS]);
  assert.equal(node.children.length, 0);
  assert.equal(node.textContent, XSS + XSS);
  assert.equal(node.getAttribute('title'), XSS);
});

test('el refuses event-handler attributes', () => {
  assert.throws(() => el('a', { attrs: { onclick: 'alert(1)' } }), /not allowed/);
  assert.throws(() => el('a', { attrs: { OnMouseOver: 'alert(1)' } }), /not allowed/);
});
