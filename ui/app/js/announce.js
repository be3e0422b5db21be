// What an action did, said to screen readers (and kept as the text of a visually hidden status):
// "Text copied.", "Match 2 of 7". A region of its own: the page's announcer is rewritten by every
// batch of new messages, which would cut these short in a busy room.

import { el } from './dom.js';

let region = null;

export function announce(text) {
  if (!region || !region.isConnected) {
    region = el('div', { class: 'visually-hidden', attrs: { id: 'action-status', role: 'status', 'aria-live': 'polite' } });
    document.body.append(region);
  }
  region.textContent = text;
}
