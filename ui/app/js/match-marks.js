// The searched words marked inside a message in the timeline (the match the search stands on):
// each text node of the message's body is split around the places a word starts, in one pass
// (word-starts.js), and the pieces go back as text and <mark> elements, never as HTML.

import { el } from './dom.js';
import { longestWordAt } from './word-starts.js';

/** The distinct words of a query, lower-cased. */
export function queryWords(query) {
  return [...new Set(String(query).toLowerCase().split(/\s+/).filter((w) => w.length > 0))];
}

/**
 * `text` as pieces (strings and <mark> elements), each place one of `words` starts marked: from
 * the left, the longest word starting there, then the scan goes on after it. Linear in the text
 * and the words (word-starts.js). Shared by search results and the marks in the timeline.
 */
export function markedPieces(text, words, markClass = null) {
  const longest = longestWordAt(text.toLowerCase(), words);
  const pieces = [];
  let from = 0;
  for (let at = 0; at < longest.length;) {
    const length = longest[at];
    if (!length) {
      at += 1;
      continue;
    }
    if (at > from) pieces.push(text.slice(from, at));
    pieces.push(el('mark', { class: markClass, text: text.slice(at, at + length) }));
    from = at += length;
  }
  if (from < text.length || pieces.length === 0) pieces.push(text.slice(from));
  return pieces;
}

/** Marks the words of `query` in the body of message row `row`; returns how many were marked. */
export function markMatches(row, query) {
  const words = queryWords(query);
  if (!row || !words.length) return 0;
  const bodies = row.querySelectorAll('.text, .post, .card, .notice-text');
  const texts = [];
  for (const body of bodies) {
    const walker = document.createTreeWalker(body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentNode.closest('mark.match')) texts.push(node);
    }
  }
  let marked = 0;
  for (const node of texts) {
    const text = node.data;
    const pieces = markedPieces(text, words, 'match');
    marked += pieces.filter((piece) => typeof piece !== 'string').length;
    if (pieces.length === 1 && typeof pieces[0] === 'string') continue;
    // One fragment: a spread of thousands of pieces would overflow the call stack.
    const fragment = document.createDocumentFragment();
    for (const piece of pieces) fragment.append(piece);
    node.replaceWith(fragment);
  }
  return marked;
}

/** Marks `query` in message `localId` of the timeline `container`, and nowhere else. */
export function showMatch(container, localId, query) {
  clearMatches(container);
  return markMatches(container.querySelector(`[data-local-id="${Number(localId)}"]`), query);
}

/** Takes the marks out of `root` again (the text is joined back as it was). */
export function clearMatches(root) {
  for (const mark of root.querySelectorAll('mark.match')) {
    const parent = mark.parentNode;
    mark.replaceWith(mark.textContent);
    parent.normalize();
  }
}
