// Wires state, views and the backend together. Events arrive in batches; each batch is
// applied to the state and drawn in one DOM pass on the next animation frame.

import { byId } from './dom.js';
import { call, subscribe } from './ipc.js';
import { afterVisiblePaint } from './paint.js';
import { createState, applySnapshot, applyBatch, loadHistory, loadNewer, showWindow, roomKey, describeState, roomState, typingIn, typingLine, roomMembers, isMuted } from './state.js';
import { renderSidebar } from './sidebar.js';
import { createTimeline } from './timeline.js';
import { createComposer } from './composer.js';
import { createSettings } from './settings.js';
import { renderBanners } from './banners.js';
import { createViewer } from './media.js';
import { createDirectory } from './directory.js';
import { createSwitcher, createShortcutList, matchShortcut, nextUnread } from './switcher.js';
import { createSearch } from './search.js';
import { applyTheme, savedTheme } from './theme.js';
import { lastRoom } from './last-room.js';
import { createInspector } from './inspector.js';
import { renderTicker } from './ticker.js';
import { createAlertsPanel } from './alerts.js';
import { el, clear } from './dom.js';

const PAGE = 100;

export async function startApp() {
  const state = createState();
  const view = {
    sidebar: byId('room-list'),
    banners: byId('banners'),
    title: byId('room-title'),
    online: byId('room-online'),
    status: byId('room-status'),
    typing: byId('room-typing'),
    ticker: byId('ticker'),
    members: byId('members'),
    membersButton: byId('toggle-members'),
    muteButton: byId('toggle-mute'),
    announcer: byId('announcer'),
    browseButton: byId('browse-rooms'),
  };
  let loadingOlder = false;
  /** Rooms whose server history has been read to the start. */
  const serverExhausted = new Set();
  const viewer = createViewer();

  const timeline = createTimeline(byId('timeline'), {
    onRetry: (localId) => call('retry_message', { localId }).catch(showError),
    onOpenImage: (message) => viewer.open(message),
    autoMedia: (account) => state.accounts.get(account)?.auto_media !== false,
    onReachTop: async (firstLocalId) => {
      const room = openRoom();
      if (!room || loadingOlder) return;
      loadingOlder = true;
      const key = state.openRoom;
      try {
        let older = await call('history', { account: room.account, room: room.room, before: firstLocalId, limit: PAGE });
        // Past what is stored, a Realtime room reads older pages from the server.
        if (older.length < PAGE && serviceOf(room.account) === 'realtime' && !serverExhausted.has(key)) {
          const fetched = await call('load_older', { account: room.account, room: room.room });
          if (fetched.exhausted) serverExhausted.add(key);
          if (fetched.messages.length) {
            older = await call('history', { account: room.account, room: room.room, before: firstLocalId, limit: PAGE });
          }
        }
        if (older.length && state.openRoom === key) {
          loadHistory(state, key, older, { prepend: true });
          drawTimeline();
        }
      } catch (e) {
        showError(e);
      } finally {
        loadingOlder = false;
      }
    },
    // Scrolling back down a window that let the newest go reads them back from the store.
    onReachBottom: async (lastLocalId) => {
      const room = openRoom();
      const key = state.openRoom;
      if (!room || loadingOlder || !state.detached.has(key)) return;
      loadingOlder = true;
      try {
        const newer = await call('history', { account: room.account, room: room.room, after: lastLocalId, limit: PAGE });
        if (state.openRoom === key) {
          loadNewer(state, key, newer, { reachedEnd: newer.length < PAGE });
          drawTimeline();
        }
      } catch (e) {
        showError(e);
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
    onTyping: (active) => {
      const room = openRoom();
      if (room && serviceOf(room.account) === 'realtime') {
        call('set_typing', { account: room.account, room: room.room, active }).catch(() => {});
      }
    },
  });
  const alerts = createAlertsPanel({ onClose: () => drawChrome() });
  byId('open-alerts').addEventListener('click', () => {
    state.unseenAlerts = 0; // seen once the panel is open
    alerts.open();
    alerts.render(state);
  });
  const directory = createDirectory({
    onList: (account, page, kind) => call('room_directory', { account: account.id, page, kind }),
    onJoin: async (account, room) => {
      const id = await call('join_room', { account: account.id, room });
      await refresh();
      await openRoomByKey(roomKey(account.id, id));
    },
    onOpen: (account, room) => openRoomByKey(roomKey(account.id, room)),
    onCreate: async (account, draft) => {
      const created = await call('create_room', { account: account.id, draft });
      await refresh();
      await openRoomByKey(roomKey(account.id, created.id));
    },
    onUpdate: async (account, room, draft) => {
      await call('update_room', { account: account.id, room, draft });
      await refresh();
    },
    onDelete: async (account, room) => {
      await call('delete_room', { account: account.id, room });
      await refresh();
    },
  });
  function browseRooms(account) {
    const joined = ((account.settings && account.settings.rooms) || []).map((r) => r.id);
    directory.open(account, joined);
  }
  view.browseButton.addEventListener('click', () => {
    const room = openRoom();
    const account = room && state.accounts.get(room.account);
    if (account) browseRooms(account);
  });
  view.muteButton.addEventListener('click', async () => {
    const room = openRoom();
    if (!room) return;
    try {
      state.notifications = await call('set_muted', { account: room.account, room: room.room, muted: !isMuted(state, room.account, room.room) });
      drawHeader();
    } catch (e) {
      showError(e);
    }
  });
  view.membersButton.addEventListener('click', () => {
    view.members.hidden = !view.members.hidden;
    view.membersButton.setAttribute('aria-expanded', String(!view.members.hidden));
    drawLive();
  });
  const settings = createSettings({
    onAdd: async (request, autoMedia = false) => {
      const account = await call('add_account', { request });
      await call('set_auto_media', { account: account.id, auto: autoMedia }).catch(() => {});
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
    onTestRealtime: (request) => call('test_realtime', { request }),
    onCheckMixin: (request) => call('check_mixin_keystore', { request }),
    onDesktop: async (prefs) => {
      state.desktop = await call('set_desktop_prefs', { prefs });
    },
    onAutoMedia: async (account, auto) => {
      await call('set_auto_media', { account, auto });
      await refresh();
    },
    onMuteAccount: async (account, muted) => {
      state.notifications = await call('set_muted', { account, room: null, muted });
      drawChrome();
    },
    onHideText: async (hide) => {
      state.notifications = await call('set_hide_text', { hide });
    },
    onBrowse: (account) => browseRooms(account),
    onSymbols: async (account, symbols) => {
      await call('set_symbols', { account: account.id, symbols });
      await refresh();
    },
  });
  function openSettings() {
    settings.render(state);
    settings.open();
  }
  byId('open-settings').addEventListener('click', openSettings);

  function openRoom() {
    return state.openRoom ? state.rooms.get(state.openRoom) : null;
  }

  function serviceOf(accountId) {
    const account = state.accounts.get(accountId);
    return account && account.settings ? account.settings.service : null;
  }

  function showError(error) {
    state.errors.push({ account: '', message: error.message || String(error), at: Date.now() });
    drawChrome();
  }

  const actions = {
    dismissDemo: () => call('dismiss_demo').then(refresh).catch(showError),
    retry: (account) => call('reconnect_now', { account }).catch(showError),
    keepSecretsForSession: () => call('keep_secrets_for_session').then(refresh).catch(showError),
    openSettings,
    rerender: () => drawChrome(),
  };

  function drawHeader() {
    const room = openRoom();
    view.title.textContent = room ? room.title : 'No room open';
    const account = room ? state.accounts.get(room.account) : null;
    const service = account && account.settings ? account.settings.service : null;
    const shown = account ? roomState(account, room.room) : null;
    view.status.textContent = account ? `${account.display_name}: ${describeState(shown, Date.now(), account.stateSince)}` : '';
    view.status.dataset.state = shown ? shown.state : '';
    composer.setRoom(room ? room.title : null, { media: service === 'mexc', service });
    const muted = room ? isMuted(state, room.account, room.room) : false;
    view.muteButton.hidden = !room;
    view.muteButton.textContent = muted ? 'Unmute' : 'Mute';
    view.muteButton.setAttribute('aria-pressed', String(muted));
    view.muteButton.title = muted ? 'New messages here do not notify' : 'Stop notifications for this room';
    view.browseButton.hidden = service !== 'realtime';
    view.membersButton.hidden = service !== 'realtime';
    if (service !== 'realtime') view.members.hidden = true;
    drawLive();
  }

  /** Presence, typing, members and the ticker: the parts live events change. */
  function drawLive() {
    const room = openRoom();
    const account = room ? state.accounts.get(room.account) : null;
    const service = account && account.settings ? account.settings.service : null;
    let online = room ? state.presence.get(state.openRoom) : undefined;
    const members = service === 'realtime' ? roomMembers(state, state.openRoom) : [];
    // Realtime has no presence snapshot: only people seen coming online count, so none is "unknown".
    if (service === 'realtime') online = members.filter((m) => m.online).length || undefined;
    view.online.textContent = online === undefined ? '' : `${online} online`;
    view.typing.textContent = room ? typingLine(typingIn(state, state.openRoom)) : '';
    renderTicker(view.ticker, state, service === 'realtime' ? account : null);
    if (!view.members.hidden) {
      clear(view.members);
      view.members.append(el('ul', { attrs: { 'aria-label': 'Members seen in this room' } }, members.map((m) =>
        el('li', { class: m.online ? 'member online' : 'member' }, [
          el('span', { class: `dot ${m.online ? 'dot-open' : 'dot-unknown'}`, attrs: { role: 'img', 'aria-label': m.online ? 'online' : 'offline' } }),
          el('span', { text: m.name, attrs: { title: m.id } }),
        ]))));
      if (members.length === 0) view.members.append(el('p', { class: 'help', text: 'Nobody has written here yet.' }));
    }
  }

  let roomsDrawn = false;
  function drawChrome() {
    renderSidebar(view.sidebar, state, { onOpenRoom: (key) => openRoomByKey(key).catch(showError) });
    // The first time rooms are painted on screen: marked for the UI benchmark and logged by the
    // backend with the time since the process started (`bash scripts/bench-ui.sh startup`).
    if (state.rooms.size && !roomsDrawn) {
      roomsDrawn = true;
      afterVisiblePaint(() => {
        performance.mark('parley:rooms-shown');
        call('rooms_shown', { atMs: performance.timeOrigin + performance.now(), pageStartedMs: performance.timeOrigin }).catch(() => {});
      });
    }
    renderBanners(view.banners, state, actions);
    drawHeader();
    alerts.render(state);
    if (settings.isOpen()) settings.render(state);
  }

  function drawTimeline() {
    const key = state.openRoom;
    timeline.render(key, key ? state.messages.get(key) : null, { live: !state.detached.has(key) });
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
    drawChrome();
    drawTimeline();
  }

  async function markRead() {
    const room = openRoom();
    if (!room) return;
    room.unread = 0;
    await call('mark_read', { account: room.account, room: room.room });
  }

  /** Tells screen readers, politely, what arrived in the open room. */
  function announce(arrived) {
    if (!arrived.length) return;
    const last = arrived[arrived.length - 1];
    const who = last.sender_name || last.sender_id;
    const what = String(last.text || last.kind).slice(0, 200);
    view.announcer.textContent = arrived.length === 1 ? `${who}: ${what}`
      : `${arrived.length} new messages. Last from ${who}: ${what}`;
  }

  async function refresh() {
    applySnapshot(state, await call('snapshot'));
    if (!state.openRoom && state.rooms.size) {
      // The room open last time, if it is still there.
      const last = lastRoom.get();
      await openRoomByKey(state.rooms.has(last) ? last : state.rooms.keys().next().value);
      return;
    }
    if (state.openRoom) state.rooms.get(state.openRoom).unread = 0;
    drawChrome();
    drawTimeline();
  }

  // Batches wait for the next frame and are drawn together; the backend sends the next batch
  // once the page says it drew these (event_batch.rs), so it never outruns the page.
  let queued = [];
  let received = 0;
  let frame = false;
  function onBatch(events) {
    // The UI benchmark (ui/bench/load.mjs) times each batch's arrival when it listens.
    if (window.parleyBench) window.parleyBench.arrived(events);
    queued.push(...events);
    received += 1;
    if (frame) return;
    frame = true;
    // A hidden window gets no animation frames: it applies batches at once (nothing is painted).
    if (document.hidden) setTimeout(drawQueued, 0);
    else requestAnimationFrame(drawQueued);
  }

  function drawQueued() {
    frame = false;
    const batch = queued;
    const batches = received;
    queued = [];
    received = 0;
    try {
      drawBatch(batch);
    } finally {
      call('events_drawn', { batches }).catch(() => {});
    }
  }

  function drawBatch(batch) {
    const bench = window.parleyBench;
    const started = bench ? performance.now() : 0;
    // A clicked desktop notification asks for its room.
    const asked = batch.filter((e) => e.event === 'open_room').pop();
    if (asked) openRoomByKey(roomKey(asked.account, asked.room)).catch(showError);
    const arrived = batch.filter((e) => e.event === 'message' && !e.own && e.kind !== 'system' && roomKey(e.account, e.room) === state.openRoom);
    const changed = applyBatch(state, batch);
    if (changed.resync) {
      refresh().catch(showError);
      return;
    }
    const applied = bench ? performance.now() : 0;
    // The timeline first: it reads the layout, which is still clean before any other change.
    if (changed.timeline) {
      drawTimeline();
      if (document.hasFocus()) markRead().catch(() => {});
    }
    announce(arrived);
    const timelineDrawn = bench ? performance.now() : 0;
    if (changed.accounts || changed.rooms || changed.timeline) drawChrome();
    else if (changed.live) drawLive();
    if (changed.alerts) alerts.render(state);
    if (bench) bench.handled({ events: batch.length, apply: applied - started, timeline: timelineDrawn - applied, chrome: performance.now() - timelineDrawn });
  }

  // While an account waits to reconnect, its countdown ticks once a second.
  const ticker = setInterval(() => {
    if ([...state.accounts.values()].some((a) => a.state && a.state.state === 'backoff')) drawChrome();
    else if (state.openRoom && state.typing.get(state.openRoom)?.size) drawLive();
  }, 1000);

  // Keyboard: the switcher, unread navigation, composer, settings and the shortcut list.
  const switcher = createSwitcher({
    rooms: () => ({ rooms: [...state.rooms.values()], accounts: state.accounts }),
    onOpen: (key) => openRoomByKey(key).catch(showError),
  });
  const search = createSearch({
    search: (query) => call('search_messages', { query }),
    titleOf: (key) => state.rooms.get(key)?.title || key.split('\u0000').pop(),
    onJump: (message) => jumpTo(message).catch(showError),
  });
  byId('open-search').addEventListener('click', () => search.open());
  const shortcutList = createShortcutList();
  const inspector = createInspector({ accounts: () => state.accounts });
  byId('open-inspector').addEventListener('click', () => inspector.open().catch(showError));
  const themeChoice = byId('theme-choice');
  themeChoice.value = applyTheme(savedTheme());
  themeChoice.addEventListener('change', () => {
    themeChoice.value = applyTheme(themeChoice.value);
  });
  document.addEventListener('keydown', (event) => {
    const action = matchShortcut(event);
    if (!action) return;
    event.preventDefault();
    if (action === 'switcher') switcher.open();
    else if (action === 'search') search.open();
    else if (action === 'shortcuts') shortcutList.open();
    else if (action === 'settings') settings.open();
    else if (action === 'focusComposer') byId('composer-input').focus();
    else {
      const keys = [...state.rooms.keys()];
      const next = nextUnread(keys, (k) => state.rooms.get(k).unread || 0, state.openRoom, action === 'nextUnread' ? 1 : -1);
      if (next) openRoomByKey(next).catch(showError);
    }
  });

  // Coming back to the window reads the open room.
  window.addEventListener('focus', () => markRead().then(drawChrome).catch(() => {}));

  // Subscribe before the snapshot so nothing that happens in between is missed.
  await subscribe(onBatch);
  await refresh();
  return {
    state,
    stop: () => {
      clearInterval(ticker);
      inspector.close();
    },
  };
}
