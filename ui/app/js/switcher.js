// Keyboard use: the quick switcher (Ctrl+K) over every room of every account, next and previous
// unread room, focus the composer, open settings, and the list of shortcuts (Ctrl+/).

import { el, clear, byId } from './dom.js';
import { roomKey } from './state.js';

/** The shortcuts, as the list shows them and as `matchShortcut` reads them. */
export const SHORTCUTS = [
  { keys: 'Ctrl+K', action: 'switcher', label: 'Jump to a room' },
  { keys: 'Ctrl+F', action: 'search', label: 'Search the open room (again: every room)' },
  { keys: 'F3', action: 'nextMatch', label: 'Next (older) match in the room searched' },
  { keys: 'Shift+F3', action: 'previousMatch', label: 'Previous (newer) match' },
  { keys: 'Alt+↓', action: 'nextUnread', label: 'Next room with unread messages' },
  { keys: 'Alt+↑', action: 'previousUnread', label: 'Previous room with unread messages' },
  { keys: 'Ctrl+L', action: 'focusComposer', label: 'Write a message' },
  { keys: 'Enter', action: null, label: 'Send (Shift+Enter: new line)' },
  { keys: 'Ctrl+Shift+R', action: null, label: 'Reply templates (or / in an empty message)' },
  { keys: 'Ctrl+,', action: 'settings', label: 'Settings' },
  { keys: 'Ctrl+/', action: 'shortcuts', label: 'This list' },
  { keys: 'Escape', action: null, label: 'Close a dialog' },
];

/** Which action a key event asks for, or null. */
export function matchShortcut(event) {
  const ctrl = event.ctrlKey || event.metaKey;
  if (ctrl && !event.altKey && (event.key === 'k' || event.key === 'K')) return 'switcher';
  if (ctrl && !event.altKey && (event.key === 'f' || event.key === 'F')) return 'search';
  if (event.key === 'F3' && !ctrl && !event.altKey) return event.shiftKey ? 'previousMatch' : 'nextMatch';
  if (ctrl && event.key === '/') return 'shortcuts';
  if (ctrl && event.key === ',') return 'settings';
  if (ctrl && (event.key === 'l' || event.key === 'L')) return 'focusComposer';
  if (event.altKey && !ctrl && event.key === 'ArrowDown') return 'nextUnread';
  if (event.altKey && !ctrl && event.key === 'ArrowUp') return 'previousUnread';
  return null;
}

/**
 * How well a room's title answers the query: 0 the title itself, 1 the title starts with it,
 * 2 every word is in the title, 3 some only in the account's name. Typing a room's exact name
 * must pick that room, not a busier one whose name contains it ("Scale 0.0" against
 * "Scale user 0.0").
 */
function closeness(title, typed, words) {
  if (title === typed) return 0;
  if (title.startsWith(typed)) return 1;
  return words.every((w) => title.includes(w)) ? 2 : 3;
}

/** Rooms whose title or account name contains every word of `query`: closest first, then unread. */
export function filterRooms(rooms, accounts, query) {
  const typed = query.toLowerCase().trim().replace(/\s+/g, ' ');
  const words = typed.split(' ').filter(Boolean);
  return rooms
    .map((room) => {
      const account = accounts.get(room.account);
      const title = room.title.toLowerCase();
      const haystack = `${title} ${account ? account.display_name.toLowerCase() : ''}`;
      return { room, account, haystack, close: closeness(title, typed, words) };
    })
    .filter(({ haystack }) => words.every((w) => haystack.includes(w)))
    .sort((a, b) => a.close - b.close || (b.room.unread || 0) - (a.room.unread || 0))
    .map(({ room, account }) => ({ room, accountName: account ? account.display_name : room.account }));
}

/** The key of the next (step 1) or previous (step -1) room with unread messages after `current`. */
export function nextUnread(keys, unreadOf, current, step) {
  if (!keys.length) return null;
  const start = Math.max(0, keys.indexOf(current));
  for (let i = 1; i <= keys.length; i += 1) {
    const key = keys[(start + step * i + keys.length * i) % keys.length];
    if (key !== current && unreadOf(key) > 0) return key;
  }
  return null;
}

/**
 * The keys of a dialog that offers a list to pick from: arrows move the selection within
 * `count()` rows, Enter picks, Escape closes; `draw()` redraws while the dialog stays open.
 */
export function listboxKeys(dialog, { count, selected, select, choose, close, draw }) {
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
    else if (event.key === 'ArrowDown') select(Math.max(0, Math.min(selected() + 1, count() - 1)));
    else if (event.key === 'ArrowUp') select(Math.max(selected() - 1, 0));
    else if (event.key === 'Enter') choose(selected());
    else return;
    event.preventDefault();
    if (!dialog.hidden) draw();
  });
}

/**
 * The switcher dialog. `rooms()` gives the rooms to offer; `onOpen(key)` opens one and puts the
 * focus in it.
 */
export function createSwitcher({ rooms, onOpen }) {
  const dialog = byId('switcher');
  const input = byId('switcher-input');
  const list = byId('switcher-list');
  let shown = [];
  let selected = 0;
  let returnFocus = null;

  function draw() {
    const { rooms: all, accounts } = rooms();
    shown = filterRooms(all, accounts, input.value).slice(0, 50);
    selected = Math.min(selected, Math.max(0, shown.length - 1));
    clear(list);
    shown.forEach(({ room, accountName }, i) => {
      const unread = room.unread ? ` · ${room.unread} unread` : '';
      list.append(el('li', {
        class: i === selected ? 'switcher-item selected' : 'switcher-item',
        attrs: { role: 'option', id: `switcher-${i}`, 'aria-selected': String(i === selected) },
        on: { click: () => choose(i) },
      }, [el('span', { class: 'switcher-title', text: room.title }), el('span', { class: 'switcher-account', text: `${accountName}${unread}` })]));
    });
    if (!shown.length) list.append(el('li', { class: 'switcher-empty', text: 'No room matches.' }));
    input.setAttribute('aria-activedescendant', shown.length ? `switcher-${selected}` : '');
  }

  function close() {
    dialog.hidden = true;
    if (returnFocus) returnFocus.focus();
  }

  /** Opens the room picked; the focus then goes to it (onOpen), not back where it was. */
  function choose(i) {
    const pick = shown[i];
    if (!pick) {
      close();
      return;
    }
    dialog.hidden = true;
    onOpen(roomKey(pick.room.account, pick.room.room), returnFocus);
  }

  input.addEventListener('input', () => {
    selected = 0;
    draw();
  });
  listboxKeys(dialog, {
    count: () => shown.length,
    selected: () => selected,
    select: (i) => { selected = i; },
    choose,
    close,
    draw,
  });

  return {
    open() {
      returnFocus = document.activeElement;
      input.value = '';
      selected = 0;
      dialog.hidden = false;
      draw();
      input.focus();
    },
    close,
    isOpen: () => !dialog.hidden,
  };
}

/** The shortcut list dialog. */
export function createShortcutList() {
  const dialog = byId('shortcuts');
  const list = byId('shortcut-list');
  clear(list);
  for (const s of SHORTCUTS) list.append(el('dt', {}, [el('kbd', { text: s.keys })]), el('dd', { text: s.label }));
  const close = () => {
    dialog.hidden = true;
  };
  byId('close-shortcuts').addEventListener('click', close);
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  return {
    open() {
      dialog.hidden = false;
      byId('close-shortcuts').focus();
    },
  };
}
