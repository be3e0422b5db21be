// A link inside message text: inline text (selectable and copied with the rest, its full address
// visible), opened in the system browser by a click or Enter, through `open` (the backend checks
// the scheme again). A span with the link role, not an <a href>: the webview must never navigate
// to a message's address, not even by a middle click or a drag. `data-href` is what the context
// menu's Copy link copies.

import { el } from './dom.js';

export function inlineLink(text, url, open) {
  return el('span', {
    class: 'inline-link',
    text,
    attrs: { role: 'link', tabindex: '0', 'data-href': url, title: `Open ${url} in your browser (right click to copy)` },
    on: {
      click: (event) => {
        event.preventDefault();
        // A click that ends a text selection selects; it does not open.
        if (String(window.getSelection ? window.getSelection() : '').length) return;
        open(url);
      },
      keydown: (event) => {
        if (event.key !== 'Enter') return;
        event.preventDefault();
        open(url);
      },
    },
  });
}
