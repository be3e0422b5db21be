// Opening rooms: which room is open (remembered for the next start and told to the backend,
// which keeps it from notifying while on screen), its newest page of history, a window of
// history around a message found by search, and marking the open room read.

import { call } from './ipc.js';
import { loadHistory, showWindow, roomKey, openRoomOf } from './state.js';
import { lastRoom } from './last-room.js';
import { PAGE } from './history-paging.js';

/** `drawOpened()` redraws the page once a room is open; `timeline.reveal(id)` shows a message. */
export function createRoomOpening({ state, timeline, drawOpened }) {
  async function markRead() {
    const room = openRoomOf(state);
    if (!room) return;
    room.unread = 0;
    await call('mark_read', { account: room.account, room: room.room });
  }

  async function openRoomByKey(key, { keepWindow = false } = {}) {
    state.openRoom = key;
    lastRoom.set(key);
    const room = state.rooms.get(key);
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
    await markRead();
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
    await openRoomByKey(key, { keepWindow: true });
    timeline.reveal(message.local_id);
  }

  return { openRoomByKey, jumpTo, markRead };
}
