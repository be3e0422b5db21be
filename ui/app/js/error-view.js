// A failed call as the user reads it: the backend's message (already in the user's words, see
// parley-core's engine/user_text.rs) first, and the technical detail it sent ("Connection
// refused (os error 111)") one click away behind "Details". Text only, never markup.

import { el, clear } from './dom.js';

/** The nodes that show `error` (an Error from ipc.js, or anything with a message): `prefix` goes first. */
export function errorNodes(error, prefix = '') {
  const message = (error && error.message) || String(error);
  const nodes = [el('span', { class: 'error-summary', text: `${prefix}${message}` })];
  const detail = error && typeof error.detail === 'string' ? error.detail.trim() : '';
  if (detail && detail !== message) {
    nodes.push(el('details', { class: 'error-details' }, [
      el('summary', { text: 'Details' }),
      el('code', { text: detail }),
    ]));
  }
  return nodes;
}

/** Replaces what `target` shows with `error` (or clears it when `error` is null). */
export function showErrorIn(target, error, prefix = '') {
  clear(target);
  if (error) target.append(...errorNodes(error, prefix));
}
