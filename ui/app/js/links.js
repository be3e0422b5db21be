// Links inside message text: http(s) addresses are found in the text and shown in full as
// buttons that open them in the system browser (through the backend, which checks the scheme
// again). Anything else that looks like a link (javascript:, file:, data:) stays plain text.

import { el } from './dom.js';
import { openLink } from './rich.js';

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than the address. */
const TRAILING = /[.,;:!?)\]}'"]+$/;

/** The text as nodes: strings, and a button per http(s) address. */
export function linkify(text) {
  const nodes = [];
  let last = 0;
  for (const match of String(text).matchAll(URL_IN_TEXT)) {
    const url = match[0].replace(TRAILING, '');
    if (match.index > last) nodes.push(text.slice(last, match.index));
    nodes.push(el('button', {
      class: 'link-button inline-link',
      text: url,
      attrs: { type: 'button', title: `Open ${url} in your browser` },
      on: { click: () => openLink(url) },
    }));
    last = match.index + url.length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}
