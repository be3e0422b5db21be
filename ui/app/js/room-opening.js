// Opening rooms: which room is open (remembered for the next start and told to the backend,
// which keeps it from notifying while on screen), its newest page of history, a window of
// history around a message found by search or around its first unread message (what is seen
// is marked read by read-tracker.js).

import { call } from './ipc.js';
import { loadHistory, showWindow, roomKey } from './state.js';
import { lastRoom } from './last-room.js';
import { PAGE } from './history-paging.js';

/** `drawOpened()` redraws the page once a room is open; `timeline.reveal(id)` shows a message. */
export function createRoomOpening({ state, timeline, drawOpened }) {
  async function openRoomByKey(key, { keepWindow = false, unreadLine = true } = {}) {
    const reopened = state.openRoom === key;
    state.openRoom = key;
    lastRoom.set(key);
    const room = state.rooms.get(key);
    // With unread messages, the room opens at a "New messages" line after the last one read
    // (kept while the room stays open), with what is around it loaded.
    if (!reopened || !unreadLine) state.unreadLine = unreadLine && room && room.unread ? { key, upTo: room.last_read_local_id || 0 } : null;
    const line = state.unreadLine && state.unreadLine.key === key && !keepWindow ? state.unreadLine : null;
    if (room && line) {
      const loaded = state.messages.get(key);
      const covers = loaded && loaded.length && loaded[0].local_id <= line.upTo && !state.detached.has(key);
      if (!covers) {
        const around = { account: room.account, room: room.room, limit: PAGE };
        const [older, newer] = await Promise.all([
          line.upTo > 0 ? call('history', { ...around, before: line.upTo + 1 }) : [],
          call('history', { ...around, after: line.upTo }),
        ]);
        showWindow(state, key, [...older, ...newer], { reachedEnd: newer.length < PAGE });
        keepWindow = true;
      }
    }
    // The backend keeps this room's messages from notifying while the window has the focus.
    call('set_open_room', { account: room ? room.account : null, room: room ? room.room : null }).catch(() => {});
    // A room left scrolled far back opens at its newest messages again.
    if (state.detached.has(key) && !keepWindow) {
      state.detached.delete(key);
      state.messages.delete(key);
    }
    if (room && !state.messages.has(key)) {
      loadHistory(state, key, await call('history', { account: room.account, room: room.room, before: null, limit: PAGE }));
    }
    // What is read is what the timeline shows (read-tracker.js), not everything on opening.
    drawOpened();
  }

  /** Opens a message's room with the history around it, the message in view. */
  async function jumpTo(message) {
    const key = roomKey(message.account, message.room);
    const room = state.rooms.get(key);
    if (!room) return;
    const around = { account: room.account, room: room.room, limit: PAGE };
    const [older, newer] = await Promise.all([
      call('history', { ...around, before: message.local_id + 1 }),
      call('history', { ...around, after: message.local_id }),
    ]);
    showWindow(state, key, [...older, ...newer], { reachedEnd: newer.length < PAGE });
    // No "New messages" line where a message was asked for.
    await openRoomByKey(key, { keepWindow: true, unreadLine: false });
    timeline.reveal(message.local_id);
  }

  return { openRoomByKey, jumpTo };
}
