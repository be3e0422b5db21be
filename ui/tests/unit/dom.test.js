import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, XSS } from './page.js';

loadPage();
const { el, replaceIfChanged } = await import('../../app/js/dom.js');

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

test('a redraw that looks the same keeps the nodes (and the focus); a change replaces them', () => {
  const box = document.createElement('div');
  document.body.append(box);
  const draw = (badge) => {
    const fragment = document.createDocumentFragment();
    fragment.append(el('button', { text: 'Public room', attrs: { type: 'button' } }, [el('span', { text: badge })]));
    return replaceIfChanged(box, fragment);
  };
  assert.equal(draw('3'), true);
  const button = box.querySelector('button');
  button.focus();
  assert.equal(draw('3'), false);
  assert.equal(box.querySelector('button'), button);
  assert.equal(document.activeElement, button);
  assert.equal(draw('4'), true);
  assert.notEqual(box.querySelector('button'), button);
  box.remove();
});
