// What the user has actually seen: the timeline says which message is the newest on screen
// (timeline.js `onView`); in a focused, visible window that moves the room's read mark there,
// the unread count falls by the messages just seen (not all at once on opening) and the mark is
// saved (mark_read_up_to, a moment after scrolling stops). It also drives *Jump to latest*.

import { call } from './ipc.js';
import { el, byId, clear } from './dom.js';
import { countsAsUnread } from './state.js';

/** The read mark is saved this long after the last change. */
const SAVE_AFTER_MS = 300;

export function createReadTracker({ state, onChange, onJumpToLatest }) {
  const button = byId('jump-latest');
  button.addEventListener('click', () => onJumpToLatest());
  /** roomKey -> local id to save, and the timer that saves them. */
  const unsaved = new Map();
  let timer = null;
  /** The open room's view: whether the newest message is on screen. */
  let view = { room: null, atEnd: true };

  function save() {
    timer = null;
    for (const [key, localId] of unsaved) {
      const room = state.rooms.get(key);
      if (room) call('mark_read_up_to', { account: room.account, room: room.room, localId }).catch(() => {});
    }
    unsaved.clear();
  }

  const watching = () => (typeof document.hasFocus !== 'function' || document.hasFocus()) && !document.hidden;

  function drawButton() {
    const room = view.room ? state.rooms.get(view.room) : null;
    const away = Boolean(room) && (!view.atEnd || state.detached.has(view.room));
    button.hidden = !away;
    if (!away) return;
    const unread = room.unread || 0;
    clear(button);
    const shown = unread ? `${unread > 99 ? '99+' : unread} new` : 'Latest';
    button.append(el('span', { text: shown }), el('span', { attrs: { 'aria-hidden': 'true' }, text: ' ↓' }));
    // The name starts with what is shown (WCAG label in name), then says what it does.
    button.setAttribute('aria-label', `${shown}: jump to the latest message`);
  }

  /** The timeline's report of what is on screen. */
  function onView({ room: key, lastSeen, atEnd }) {
    view = { room: key, atEnd };
    const room = state.rooms.get(key);
    if (room && lastSeen !== null && watching()) {
      const readUpTo = room.last_read_local_id || 0;
      if (lastSeen > readUpTo) {
        const messages = state.messages.get(key) || [];
        let seen = 0;
        for (const m of messages) if (m.local_id > readUpTo && m.local_id <= lastSeen && countsAsUnread(m)) seen += 1;
        room.last_read_local_id = lastSeen;
        const before = room.unread || 0;
        room.unread = atEnd && !state.detached.has(key) ? 0 : Math.max(0, before - seen);
        unsaved.set(key, lastSeen);
        clearTimeout(timer);
        timer = setTimeout(save, SAVE_AFTER_MS);
        if (room.unread !== before) onChange();
      } else if (atEnd && !state.detached.has(key) && room.unread) {
        room.unread = 0;
        onChange();
      }
    }
    drawButton();
  }

  // A read mark still waiting for its save goes out before the page goes away.
  window.addEventListener('pagehide', () => {
    clearTimeout(timer);
    save();
  });

  return { onView };
}
