// Wires state, views and the backend together. Events arrive in batches; each batch is
// applied to the state and drawn in one DOM pass on the next animation frame.

import { byId } from './dom.js';
import { call, subscribe } from './ipc.js';
import { createState, applySnapshot, applyBatch, loadHistory, roomKey, describeState, roomState } from './state.js';
import { renderSidebar } from './sidebar.js';
import { createTimeline } from './timeline.js';
import { createComposer } from './composer.js';
import { createSettings } from './settings.js';
import { renderBanners } from './banners.js';
import { createViewer } from './media.js';

const PAGE = 100;

export async function startApp() {
  const state = createState();
  const view = {
    sidebar: byId('room-list'),
    banners: byId('banners'),
    title: byId('room-title'),
    online: byId('room-online'),
    status: byId('room-status'),
  };
  let loadingOlder = false;
  const viewer = createViewer();

  const timeline = createTimeline(byId('timeline'), {
    onRetry: (localId) => call('retry_message', { localId }).catch(showError),
    onOpenImage: (message) => viewer.open(message),
    onReachTop: async (firstLocalId) => {
      const room = openRoom();
      if (!room || loadingOlder) return;
      loadingOlder = true;
      try {
        const older = await call('history', { account: room.account, room: room.room, before: firstLocalId, limit: PAGE });
        if (older.length) {
          loadHistory(state, state.openRoom, older, { prepend: true });
          drawTimeline();
        }
      } finally {
        loadingOlder = false;
      }
    },
  });
  const composer = createComposer({
    onSend: (text, attachment) => {
      const room = openRoom();
      if (!room) throw new Error('Open a room first.');
      return call('send_message', { account: room.account, room: room.room, text, attachment });
    },
  });
  const settings = createSettings({
    onAdd: async (request) => {
      const account = await call('add_account', { request });
      await refresh();
      const first = [...state.rooms.values()].find((r) => r.account === account.id);
      if (first) await openRoomByKey(roomKey(first.account, first.room));
    },
    onRemove: async (account) => {
      await (account.demo ? call('dismiss_demo') : call('remove_account', { account: account.id }));
      await refresh();
    },
    onAddChat: async (account, chat) => {
      const room = await call('add_mexc_chat', { account: account.id, chat });
      await refresh();
      await openRoomByKey(roomKey(account.id, room));
    },
    onRemoveChat: async (account, room) => {
      await call('remove_room', { account: account.id, room });
      await refresh(); // the snapshot no longer lists the room, so its messages and selection go
    },
    onClose: () => byId('composer-input').focus(),
  });
  function openSettings() {
    settings.render(state);
    settings.open();
  }
  byId('open-settings').addEventListener('click', openSettings);

  function openRoom() {
    return state.openRoom ? state.rooms.get(state.openRoom) : null;
  }

  function showError(error) {
    state.errors.push({ account: '', message: error.message || String(error), at: Date.now() });
    drawChrome();
  }

  const actions = {
    dismissDemo: () => call('dismiss_demo').then(refresh).catch(showError),
    retry: (account) => call('reconnect_now', { account }).catch(showError),
    openSettings,
    rerender: () => drawChrome(),
  };

  function drawHeader() {
    const room = openRoom();
    view.title.textContent = room ? room.title : 'No room open';
    const online = room ? state.presence.get(state.openRoom) : undefined;
    view.online.textContent = online === undefined ? '' : `${online} online`;
    const account = room ? state.accounts.get(room.account) : null;
    const shown = account ? roomState(account, room.room) : null;
    view.status.textContent = account ? `${account.display_name}: ${describeState(shown, Date.now(), account.stateSince)}` : '';
    view.status.dataset.state = shown ? shown.state : '';
    composer.setRoom(room ? room.title : null, { media: Boolean(account && account.settings && account.settings.service === 'mexc') });
  }

  function drawChrome() {
    renderSidebar(view.sidebar, state, { onOpenRoom: (key) => openRoomByKey(key).catch(showError) });
    renderBanners(view.banners, state, actions);
    drawHeader();
    if (settings.isOpen()) settings.render(state);
  }

  function drawTimeline() {
    timeline.render(state.openRoom, state.openRoom ? state.messages.get(state.openRoom) : null);
  }

  async function openRoomByKey(key) {
    state.openRoom = key;
    const room = state.rooms.get(key);
    if (room && !state.messages.has(key)) {
      loadHistory(state, key, await call('history', { account: room.account, room: room.room, before: null, limit: PAGE }));
    }
    await markRead();
    drawChrome();
    drawTimeline();
  }

  async function markRead() {
    const room = openRoom();
    if (!room) return;
    room.unread = 0;
    await call('mark_read', { account: room.account, room: room.room });
  }

  async function refresh() {
    applySnapshot(state, await call('snapshot'));
    if (!state.openRoom && state.rooms.size) {
      await openRoomByKey(state.rooms.keys().next().value);
      return;
    }
    if (state.openRoom) state.rooms.get(state.openRoom).unread = 0;
    drawChrome();
    drawTimeline();
  }

  let queued = [];
  let frame = false;
  function onBatch(events) {
    queued.push(...events);
    if (frame) return;
    frame = true;
    requestAnimationFrame(() => {
      frame = false;
      const batch = queued;
      queued = [];
      const changed = applyBatch(state, batch);
      if (changed.resync) {
        refresh().catch(showError);
        return;
      }
      if (changed.timeline) {
        drawTimeline();
        if (document.hasFocus()) markRead().catch(() => {});
      }
      if (changed.accounts || changed.rooms || changed.timeline) drawChrome();
    });
  }

  // While an account waits to reconnect, its countdown ticks once a second.
  const ticker = setInterval(() => {
    if ([...state.accounts.values()].some((a) => a.state && a.state.state === 'backoff')) drawChrome();
  }, 1000);

  // Coming back to the window reads the open room.
  window.addEventListener('focus', () => markRead().then(drawChrome).catch(() => {}));

  // Subscribe before the snapshot so nothing that happens in between is missed.
  await subscribe(onBatch);
  await refresh();
  return { state, stop: () => clearInterval(ticker) };
}
