// Paging through the open room's history as the timeline scrolls: at the top, older messages
// from the store, and past what is stored, older pages from the server for accounts that keep
// history there (capability server_history, command load_older); at the bottom of a window that
// let the newest messages go, those messages back from the store.

import { call } from './ipc.js';
import { loadHistory, loadNewer, openRoomOf } from './state.js';
import { capabilitiesOf } from './capabilities.js';

/** Messages read from the store at a time. */
export const PAGE = 100;

export function createHistoryPaging({ state, drawTimeline, showError }) {
  /** One page at a time, up or down. */
  let loading = false;
  /** Rooms whose server history has been read to the start. */
  const serverExhausted = new Set();

  /** The timeline reached its top: `firstLocalId` is the oldest message it shows. */
  async function older(firstLocalId) {
    const room = openRoomOf(state);
    if (!room || loading) return;
    loading = true;
    const key = state.openRoom;
    try {
      let found = await call('history', { account: room.account, room: room.room, before: firstLocalId, limit: PAGE });
      const fromServer = capabilitiesOf(state.accounts.get(room.account)).server_history;
      if (found.length < PAGE && fromServer && !serverExhausted.has(key)) {
        const fetched = await call('load_older', { account: room.account, room: room.room });
        if (fetched.exhausted) serverExhausted.add(key);
        if (fetched.messages.length) {
          found = await call('history', { account: room.account, room: room.room, before: firstLocalId, limit: PAGE });
        }
      }
      if (found.length && state.openRoom === key) {
        loadHistory(state, key, found, { prepend: true });
        drawTimeline();
      }
    } catch (e) {
      showError(e);
    } finally {
      loading = false;
    }
  }

  /** The timeline reached its bottom: `lastLocalId` is the newest message it shows. */
  async function newer(lastLocalId) {
    const room = openRoomOf(state);
    const key = state.openRoom;
    if (!room || loading || !state.detached.has(key)) return;
    loading = true;
    try {
      const found = await call('history', { account: room.account, room: room.room, after: lastLocalId, limit: PAGE });
      if (state.openRoom === key) {
        loadNewer(state, key, found, { reachedEnd: found.length < PAGE });
        drawTimeline();
      }
    } catch (e) {
      showError(e);
    } finally {
      loading = false;
    }
  }

  return { older, newer };
}
