// One hostile message must never freeze the window (issue 20): every scanner of message text
// (links, Markdown, search highlighting, the long-text cut, the scheme checks) gets megabyte
// inputs that made the old backtracking patterns quadratic or worse. No wall-clock assertion
// (a shared machine flakes); the scanners are plain loops, linear in the text, and each input
// here must complete with the right shape.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage } from './page.js';

loadPage();
const { linkify, findLinks } = await import('../../app/js/links.js');
const { renderMarkdown } = await import('../../app/js/markdown.js');
const { highlight, excerpt } = await import('../../app/js/search.js');
const { longestWordAt } = await import('../../app/js/word-starts.js');
const { isWebAddress, webSchemeAt } = await import('../../app/js/scan.js');
const { cutPoint, SHOWN_CHARS } = await import('../../app/js/long-text.js');
const { richBody } = await import('../../app/js/rich.js');

const MB = 1 << 20;

/** The nodes in a holder built with el()'s children (no spread: a megabyte may be many nodes). */
function holder(nodes) {
  const box = document.createElement('div');
  for (const node of nodes) box.append(node);
  return box;
}

test('links: an address followed by a megabyte of dots, then a letter', () => {
  const text = `http://x/${'.'.repeat(MB)}a`;
  const nodes = linkify(text);
  assert.equal(nodes.length, 1);
  assert.equal(nodes[0].tagName, 'SPAN');
  assert.equal(nodes[0].textContent, text, 'the dots are inside the address');
});

test('links: a megabyte of trailing punctuation is left out of the address', () => {
  const tail = '.,;:!?)]}'.repeat(MB / 8);
  const nodes = linkify(`see https://example.com/a${tail} ok`);
  assert.equal(nodes.length, 3);
  assert.equal(nodes[1].textContent, 'https://example.com/a');
  assert.equal(nodes[2], `${tail} ok`);
});

test('links: a megabyte of schemes and near-schemes', () => {
  assert.deepEqual(findLinks('http://'.repeat(MB / 8)), [[0, (MB / 8) * 7]], 'one address runs to the end');
  assert.equal(findLinks('xhttp://a '.repeat(MB / 10)).length, 0, 'inside a word it is no address');
  assert.equal(findLinks('http:/'.repeat(MB / 6)).length, 0);
  const count = Math.floor(MB / 9);
  const many = findLinks('http://a '.repeat(count));
  assert.equal(many.length, count);
  assert.deepEqual(many[1], [9, 17]);
});

test('Markdown: a megabyte of each delimiter stays text', () => {
  for (const c of ['[', '*', '_', '`', ']', '(', ')', '#', '>', '-', '+', '1', '.', '!', ' ']) {
    const blocks = renderMarkdown(`a${c.repeat(MB)}`);
    assert.equal(blocks.length, 1, `one block for ${c}`);
    assert.equal(blocks[0].tagName, 'P');
    assert.equal(blocks[0].textContent.length, c === ' ' ? 1 : MB + 1, `all of ${c} shown`);
    assert.equal(blocks[0].querySelectorAll('strong, em, code, button').length, 0, `no span from ${c}`);
  }
  assert.equal(renderMarkdown('['.repeat(MB))[0].textContent.length, MB);
  assert.equal(renderMarkdown('*'.repeat(MB))[0].tagName, 'P');
  assert.equal(renderMarkdown('#'.repeat(MB))[0].tagName, 'P', 'more than six # is no heading');
  assert.equal(renderMarkdown('>'.repeat(MB))[0].textContent.length, MB - 1);
  const fence = renderMarkdown('`'.repeat(MB));
  assert.equal(fence[0].tagName, 'PRE', 'a line of backticks opens a code block');
});

test('Markdown: unclosed spans over a megabyte', () => {
  const cases = [
    `**${'a'.repeat(MB)}`,
    `*${'a'.repeat(MB)}`,
    `\`${'a'.repeat(MB)}`,
    `[${'a'.repeat(MB)}`,
    `[a](${'b'.repeat(MB)}`,
    '[a]('.repeat(MB / 4),
    '[a] ('.repeat(MB / 5),
    `[${']('.repeat(MB / 2)}`,
    '[a'.repeat(MB / 2),
  ];
  for (const text of cases) {
    const blocks = renderMarkdown(text);
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0].tagName, 'P');
  }
  const closed = renderMarkdown(`**${'a'.repeat(MB)}** and [${'l'.repeat(MB)}](https://x/${'p'.repeat(MB)})`);
  assert.equal(closed[0].querySelector('strong').textContent.length, MB);
  assert.equal(closed[0].querySelector('.inline-link').textContent.length, MB + ' (https://x/'.length + MB + 1);
});

test('Markdown: nested list markers, deep indentation and long headings', () => {
  const nested = renderMarkdown(`${'- '.repeat(MB / 2)}x`);
  assert.equal(nested.length, 1);
  assert.equal(nested[0].tagName, 'UL');
  assert.equal(nested[0].querySelectorAll('li').length, 1);
  const starred = renderMarkdown(`${'* '.repeat(MB / 2)}x`);
  assert.equal(starred[0].tagName, 'UL');
  const indented = renderMarkdown(`${' '.repeat(MB)}- item`);
  assert.equal(indented[0].tagName, 'UL');
  assert.equal(indented[0].textContent, 'item');
  const numbered = renderMarkdown(`${'1'.repeat(MB)}. item`);
  assert.equal(numbered[0].tagName, 'OL');
  const notNumbered = renderMarkdown(`${'1'.repeat(MB)}x`);
  assert.equal(notNumbered[0].tagName, 'P');
  const headed = renderMarkdown(`#${' '.repeat(MB)}x\u2028`);
  assert.equal(headed[0].tagName, 'H3');
  const spaced = renderMarkdown(`-${' '.repeat(MB)}x\u2028`);
  assert.equal(spaced[0].tagName, 'UL');
  const quoted = renderMarkdown(`>${' '.repeat(MB)}x`);
  assert.equal(quoted[0].tagName, 'BLOCKQUOTE');
  const lines = renderMarkdown('a\n'.repeat(MB / 2));
  assert.equal(lines.length, 1, 'a megabyte of short lines is one paragraph');
  const fence = renderMarkdown(`\`\`\`\n${'x\n'.repeat(MB / 2)}`);
  assert.equal(fence[0].tagName, 'PRE');
});

test('a megabyte post renders through the rich body, its start shown', () => {
  const [post, more] = richBody({ kind: 'post', text: '['.repeat(MB) }, {});
  assert.equal(post.textContent.length, SHOWN_CHARS);
  assert.match(more.textContent, /^Show the whole message/);
  more.click();
  assert.equal(post.textContent.length, MB);
});

test('search: a megabyte search term found in a megabyte text is one mark', () => {
  const text = 'Ab'.repeat(MB / 2);
  const nodes = highlight(text, text.toUpperCase());
  assert.equal(nodes.length, 1);
  assert.equal(nodes[0].tagName, 'MARK');
  assert.equal(nodes[0].textContent, text);
  const near = highlight(`${'a'.repeat(MB)}b`, `${'a'.repeat(MB / 2)}c`);
  assert.equal(near.length, 1, 'an almost-match everywhere is no match');
  assert.equal(typeof near[0], 'string');
});

test('search: a query of half a million words against a megabyte', () => {
  const text = `${'b'.repeat(MB)}a`;
  const nodes = highlight(text, 'a '.repeat(MB / 2));
  assert.equal(nodes.length, 2);
  assert.equal(nodes[1].textContent, 'a');
  const distinct = Array.from({ length: 50_000 }, (_, i) => `w${i}`).join(' ');
  const box = holder(highlight(`${'w'.repeat(MB)} w49999 w7`, distinct));
  assert.deepEqual([...box.querySelectorAll('mark')].map((m) => m.textContent), ['w49999', 'w7']);
  const shown = excerpt(`${'x'.repeat(MB)} needle ${'y'.repeat(MB)}`, `${'z '.repeat(MB / 2)}NEEDLE`);
  assert.ok(shown.startsWith('…') && shown.endsWith('…'));
  assert.ok(shown.includes(' needle '));
  assert.ok(shown.length < 300);
});

test('search: the longest word at each place', () => {
  assert.deepEqual([...longestWordAt('abcab', ['ab', 'abc', 'b', 'zz'])], [3, 1, 0, 2, 1]);
  assert.deepEqual([...longestWordAt('aaa', [])], [0, 0, 0]);
  const long = longestWordAt('x'.repeat(MB), ['x'.repeat(MB / 2)]);
  assert.equal(long[0], MB / 2);
  assert.equal(long[MB / 2], MB / 2);
  assert.equal(long[MB / 2 + 1], 0);
});

test('scheme checks and the long-text cut read a megabyte once', () => {
  assert.equal(isWebAddress(`HTTPS://${'a'.repeat(MB)}`), true);
  assert.equal(isWebAddress(`javascript:${'a'.repeat(MB)}`), false);
  assert.equal(isWebAddress(`${' '.repeat(MB)}https://x`), false);
  assert.equal(webSchemeAt('see http://x', 4), 7);
  assert.equal(cutPoint('a'.repeat(MB)), SHOWN_CHARS);
  assert.equal(cutPoint('a '.repeat(MB / 2)), SHOWN_CHARS - 1, 'at the last space');
  assert.equal(cutPoint(`${'a'.repeat(SHOWN_CHARS - 100)}\n${'b c '.repeat(MB / 4)}`), SHOWN_CHARS - 100, 'at the last line break');
  assert.equal(cutPoint('😀'.repeat(MB / 2)), SHOWN_CHARS, 'between two pairs');
  assert.equal(cutPoint(`a${'😀'.repeat(MB / 2)}`), SHOWN_CHARS - 1, 'never inside a pair');
});
