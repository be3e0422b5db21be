// The context menu of a message: right click on it, or focus it and press the Menu key or
// Shift+F10. What it offers depends on the message (copy its text or selection, its links,
// open or save its media, quote-reply, retry a failed one, show its details); every entry is
// a real button in a role=menu list, so it is reachable by keyboard and named for screen
// readers. Escape, Tab or a click elsewhere closes it and gives focus back to the message.

import { el } from './dom.js';
import { findLinks } from './links.js';
import { isWebAddress } from './scan.js';

/** Links listed one entry each at most; a message with more is better copied as text. */
const MAX_LINK_ENTRIES = 5;
/** Longest address shown in full in an entry's label (the whole one is copied). */
const LABEL_CHARS = 60;

/** The http(s) addresses a message shows: its text's links and its card's buttons, once each. */
export function messageLinks(message) {
  const text = String(message.text || '');
  const links = findLinks(text).map(([start, end]) => text.slice(start, end));
  for (const button of (message.card && message.card.buttons) || []) {
    if (isWebAddress(button.url)) links.push(button.url);
  }
  return [...new Set(links)];
}

function shortened(url) {
  return url.length > LABEL_CHARS ? `${url.slice(0, LABEL_CHARS - 1)}…` : url;
}

/**
 * The entries for `message`, in menu order: `{label, run}`. `link` is the link the pointer was
 * on (its entry comes first), `selection` the text selected inside the message; `actions` are
 * what the entries do (any left out is not offered).
 */
export function menuEntries(message, { link = null, selection = '', actions = {} } = {}) {
  const entries = [];
  const add = (label, action, ...args) => {
    if (typeof action === 'function') entries.push({ label, run: () => action(...args) });
  };
  const isMessage = message.kind !== 'system';
  if (isMessage) add('Reply', actions.reply, message);
  if (selection) add('Copy selected text', actions.copy, selection, 'Selected text');
  if (message.text) add('Copy text', actions.copy, message.text, 'Text');
  const links = link ? [link] : messageLinks(message).slice(0, MAX_LINK_ENTRIES);
  for (const url of links) {
    add(links.length === 1 ? 'Copy link address' : `Copy link address: ${shortened(url)}`, actions.copy, url, 'Link address');
  }
  const media = message.media || {};
  if (media.url) {
    if (message.kind === 'image') add('Open image', actions.openImage, message);
    if (['image', 'video', 'file'].includes(message.kind)) add('Save to Downloads', actions.save, message);
    if (isWebAddress(media.url)) add('Copy media address', actions.copy, media.url, 'Media address');
  }
  if (message.own && message.state === 'failed') {
    add('Retry sending', actions.retry, message.local_id);
    add('Delete (never sent)', actions.remove, message.local_id);
  }
  add('Show details', actions.details, message);
  return entries;
}

/** Whether a key opens the context menu of what has focus. */
export function isMenuKey(event) {
  return event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey && !event.ctrlKey && !event.altKey);
}

/** The message row (`[data-local-id]`) an event happened in, inside `container`. */
export function rowOf(container, node) {
  const row = node && node.closest ? node.closest('[data-local-id]') : null;
  return row && container.contains(row) ? row : null;
}

/** Text selected within `row` (a selection reaching outside it does not count). */
function selectionIn(row) {
  const selection = window.getSelection ? window.getSelection() : null;
  if (!selection || selection.isCollapsed || !selection.rangeCount) return '';
  const range = selection.getRangeAt(0);
  return row.contains(range.commonAncestorContainer) ? selection.toString() : '';
}

/**
 * Installs the menu on the timeline `container`. `messageOf(localId)` finds a row's message;
 * `actions` are passed to menuEntries. Returns `{openFor(row, position), close, isOpen}`.
 */
export function createMessageMenu(container, { messageOf, actions }) {
  let menu = null;
  /** The row the menu is for; found again by id if the timeline rebuilt it meanwhile. */
  let returnTo = null;

  function rowNow(row) {
    if (!row || row.isConnected) return row;
    return container.querySelector(`[data-local-id="${Number(row.dataset.localId)}"]`);
  }

  function close({ restoreFocus = true } = {}) {
    if (!menu) return;
    menu.remove();
    menu = null;
    document.removeEventListener('mousedown', onOutside, true);
    const back = rowNow(returnTo) || container;
    returnTo = null;
    if (restoreFocus) back.focus();
  }

  function onOutside(event) {
    if (menu && !menu.contains(event.target)) close({ restoreFocus: false });
  }

  function items() {
    return menu ? [...menu.querySelectorAll('[role="menuitem"]')] : [];
  }

  function move(delta) {
    const list = items();
    const at = list.indexOf(document.activeElement);
    list[(at + delta + list.length) % list.length].focus();
  }

  function onMenuKey(event) {
    const list = items();
    if (event.key === 'ArrowDown') move(1);
    else if (event.key === 'ArrowUp') move(-1);
    else if (event.key === 'Home') list[0].focus();
    else if (event.key === 'End') list[list.length - 1].focus();
    else if (event.key === 'Escape' || event.key === 'Tab' || isMenuKey(event)) close();
    else return;
    event.preventDefault();
    event.stopPropagation();
  }

  /** Puts the menu at (x, y), moved left or up as needed to stay inside the window. */
  function place(x, y) {
    menu.style.left = `${x}px`;
    menu.style.top = `${y}px`;
    const width = menu.offsetWidth;
    const height = menu.offsetHeight;
    const maxX = window.innerWidth - width - 4;
    const maxY = window.innerHeight - height - 4;
    if (width && x > maxX) menu.style.left = `${Math.max(4, maxX)}px`;
    if (height && y > maxY) menu.style.top = `${Math.max(4, maxY)}px`;
  }

  function openFor(row, { x, y, link = null } = {}) {
    const message = messageOf(Number(row.dataset.localId));
    if (!message) return false;
    close({ restoreFocus: false });
    const entries = menuEntries(message, { link, selection: selectionIn(row), actions });
    const who = message.own ? 'your message' : `the message from ${message.sender_name || message.sender_id}`;
    menu = el('div', { class: 'context-menu', attrs: { role: 'menu', 'aria-label': `Actions for ${who}` } },
      entries.map((entry) => el('button', {
        class: 'context-menu-item',
        text: entry.label,
        attrs: { type: 'button', role: 'menuitem', tabindex: '-1' },
        on: {
          click: () => {
            close();
            entry.run();
          },
        },
      })));
    menu.addEventListener('keydown', onMenuKey);
    returnTo = row;
    document.body.append(menu);
    const box = row.getBoundingClientRect();
    place(x ?? box.left + 24, y ?? box.top + Math.min(box.height, 24));
    document.addEventListener('mousedown', onOutside, true);
    items()[0].focus();
    return true;
  }

  container.addEventListener('contextmenu', (event) => {
    const row = rowOf(container, event.target);
    if (!row) return;
    event.preventDefault();
    // The Menu key also fires this event; the keydown below has opened the menu already.
    if (menu && rowNow(returnTo) === row && menu.contains(document.activeElement)) return;
    const onLink = event.target.closest && event.target.closest('.inline-link[data-href]');
    const keyboard = event.clientX === 0 && event.clientY === 0;
    openFor(row, keyboard ? {} : { x: event.clientX, y: event.clientY, link: onLink ? onLink.dataset.href : null });
  });
  container.addEventListener('keydown', (event) => {
    if (!isMenuKey(event)) return;
    const row = rowOf(container, event.target);
    if (!row) return;
    event.preventDefault();
    openFor(row);
  });
  // Scrolling by hand leaves the menu behind; new messages moving the timeline do not close it.
  container.addEventListener('wheel', () => close({ restoreFocus: false }), { passive: true });
  window.addEventListener('blur', () => close({ restoreFocus: false }));

  return { openFor, close, isOpen: () => Boolean(menu) };
}
