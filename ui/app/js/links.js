// Links inside message text: http(s) addresses are found in the text and shown in full as
// inline links (inline-link.js) that open them in the system browser (through the backend, which checks the scheme
// again). Anything else that looks like a link (javascript:, file:, data:) stays plain text.
// The finder is one forward pass over the text (see scan.js), so no message can stall it.

import { inlineLink } from './inline-link.js';
import { openLink } from './rich.js';
import { isSpace, isWordChar, webSchemeAt } from './scan.js';

/** Characters that end an address besides whitespace: `<`, `>`, `"`, `'` and a backtick. */
const ENDS = new Set([60, 62, 34, 39, 96]);
/** Punctuation that ends a sentence rather than the address: . , ; : ! ? ) ] } ' " */
const TRAILING = new Set([46, 44, 59, 58, 33, 63, 41, 93, 125, 39, 34]);

/**
 * Where the http(s) addresses of `text` are, as `[start, end]` (end after the trailing
 * punctuation was left out). An address starts a word with http:// or https:// (any case) and
 * runs to whitespace or one of ENDS; the scan goes on after it, so each character is read a
 * bounded number of times.
 */
export function findLinks(text) {
  const found = [];
  for (let i = 0; i < text.length; i += 1) {
    if ((text.charCodeAt(i) | 0x20) !== 104) continue; // h or H
    if (i > 0 && isWordChar(text.charCodeAt(i - 1))) continue;
    const scheme = webSchemeAt(text, i);
    if (!scheme) continue;
    let end = i + scheme;
    while (end < text.length && !isSpace(text.charCodeAt(end)) && !ENDS.has(text.charCodeAt(end))) end += 1;
    if (end === i + scheme) continue; // nothing after the scheme
    let trimmed = end;
    while (TRAILING.has(text.charCodeAt(trimmed - 1))) trimmed -= 1; // stops at the scheme's '/'
    found.push([i, trimmed]);
    i = end - 1;
  }
  return found;
}

/** The text as nodes: strings, and an inline link per http(s) address. */
export function linkify(text) {
  const source = String(text);
  const nodes = [];
  let last = 0;
  for (const [start, end] of findLinks(source)) {
    const url = source.slice(start, end);
    if (start > last) nodes.push(source.slice(last, start));
    nodes.push(inlineLink(url, url, openLink));
    last = end;
  }
  if (last < source.length) nodes.push(source.slice(last));
  return nodes;
}
