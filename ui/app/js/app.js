// Wires state, views and the backend together; what each part does lives in its own module.
// Events arrive in batches (batches.js); each batch is applied to the state and drawn in one DOM
// pass on the next animation frame.

import { byId } from './dom.js';
import { call, subscribe } from './ipc.js';
import { afterVisiblePaint } from './paint.js';
import { createState, applySnapshot, roomKey, openRoomOf } from './state.js';
import { byActivity } from './room-preview.js';
import { capabilitiesOf } from './capabilities.js';
import { renderSidebar, installRoomKeys } from './sidebar.js';
import { createTimeline } from './timeline.js';
import { createComposer } from './composer.js';
import { createSettings } from './settings.js';
import { renderBanners } from './banners.js';
import { createViewer } from './media.js';
import { createDirectory } from './directory.js';
import { createSearch } from './search.js';
import { applyTheme, savedTheme } from './theme.js';
import { lastRoom } from './last-room.js';
import { drafts } from './drafts.js';
import { createInspector } from './inspector.js';
import { createAlertsPanel } from './alerts.js';
import { createHistoryPaging } from './history-paging.js';
import { createRoomOpening } from './room-opening.js';
import { createRoomHeader } from './room-header.js';
import { installShortcuts, focusRoom } from './shortcuts.js';
import { createBatchDrawer } from './batches.js';
import { installDialogFocus } from './dialog-focus.js';
import { installSidebarToggle } from './sidebar-toggle.js';
import { installMessageActions } from './message-actions.js';
import { createReplyBar } from './reply-bar.js';
import { showMatch } from './match-marks.js';
import { createEvidenceDialog } from './evidence.js';
import { createOrderPanel } from './order-panel.js';
import { createOrdersView } from './orders-view.js';
import { createTemplatePicker } from './template-picker.js';
import { createTemplateSettings } from './settings-templates.js';
import { createReadTracker } from './read-tracker.js';
import { createChime } from './sound.js';
import { createEmojiPicker } from './emoji-picker.js';
import { createAttach } from './attach.js';
import { createHealthView } from './health-view.js';

export async function startApp() {
  const state = createState();
  const dialogs = installDialogFocus(document);
  installSidebarToggle();
  const view = { sidebar: byId('room-list'), banners: byId('banners') };
  installRoomKeys(view.sidebar);
  byId('skip-to-composer').addEventListener('click', (event) => {
    event.preventDefault();
    focusRoom();
  });
  const viewer = createViewer();

  function showError(error) {
    state.errors.push({ account: '', message: error.message || String(error), detail: error.detail || null, at: Date.now() });
    drawChrome();
  }

  const timeline = createTimeline(byId('timeline'), {
    onRetry: (localId) => call('retry_message', { localId }).catch(showError),
    // The pressed button goes with its message: the keyboard is left in the message box.
    onDelete: (localId) => { byId('composer-input').focus(); call('delete_message', { localId }).catch(showError); },
    onCancelUpload: (localId) => { byId('composer-input').focus(); call('cancel_upload', { localId }).catch(showError); },
    uploadOf: (localId) => state.uploads.get(localId) || null,
    connected: (account) => state.accounts.get(account)?.state?.state === 'open',
    onOpenImage: (message) => viewer.open(message),
    autoMedia: (account) => state.accounts.get(account)?.auto_media !== false,
    onReachTop: (firstLocalId) => paging.older(firstLocalId),
    // Scrolling back down a window that let the newest go reads them back from the store.
    onReachBottom: (lastLocalId) => paging.newer(lastLocalId),
    onView: (view) => reads.onView(view),
  });
  const reads = createReadTracker({
    state,
    onChange: () => drawSidebar(),
    onJumpToLatest: () => {
      jumpToLatest();
      byId('composer-input').focus();
    },
  });
  /** Shows the open room's newest messages, reading them again if the window let them go. */
  function jumpToLatest() {
    const key = state.openRoom;
    if (!key) return;
    // A window that no longer reaches the newest messages is read again from the store.
    if (state.detached.has(key)) {
      state.detached.delete(key);
      state.messages.delete(key);
      state.unreadLine = null;
      openRoomByKey(key, { keepWindow: false, unreadLine: false }).then(() => timeline.toBottom()).catch(showError);
    } else timeline.toBottom();
  }
  const paging = createHistoryPaging({ state, drawTimeline, showError });
  const opening = createRoomOpening({ state, timeline, drawOpened: () => { drawChrome(); drawTimeline(); } });
  const { openRoomByKey } = opening;

  const replyBar = createReplyBar();
  const attachments = createAttach({ roomOf: (key) => state.rooms.get(key) || null });
  const composer = createComposer({
    files: attachments,
    onSend: async (text, attachment, key) => {
      // The room the text was written in (the composer's), not whichever is open by now.
      const room = key ? state.rooms.get(key) : null;
      if (!room) throw new Error('Open a room first.');
      // The reply chosen in that room (the bar shows the open room's).
      const replyTo = key === state.openRoom ? replyBar.current() : null;
      const sent = await call('send_message', { account: room.account, room: room.room, text, attachment, replyTo: replyTo ? replyTo.local_id : null });
      if (replyTo) replyBar.clear();
      // What you send is shown going out (and the answer coming), even when you wrote it
      // scrolled up, replying to an older message.
      if (key === state.openRoom) jumpToLatest();
      return sent;
    },
    // A room that gains or loses a draft is marked in the sidebar.
    onDraftChange: () => drawSidebar(),
    onTyping: (active) => {
      const room = openRoomOf(state);
      if (room && capabilitiesOf(state.accounts.get(room.account)).typing) {
        call('set_typing', { account: room.account, room: room.room, active }).catch(() => {});
      }
    },
  });
  const alerts = createAlertsPanel({
    onClose: () => drawChrome(),
    // An entry about a message opens it in its room; one about a room (an order) the room.
    onOpenEntry: (alert) => (typeof alert.local_id === 'number'
      ? opening.jumpTo({ account: alert.account, room: alert.room, local_id: alert.local_id })
      : openRoomByKey(roomKey(alert.account, alert.room))).catch(showError),
    onClear: () => call('clear_alerts'),
  });
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
  const evidence = createEvidenceDialog({
    onExport: (room) => call('export_evidence', { account: room.account, room: room.room }),
  });
  const header = createRoomHeader({ state, composer, onBrowse: browseRooms, onExportEvidence: (room) => evidence.open(room), showError });
  const orderPanel = createOrderPanel({ state, onRefresh: (room) => call('refresh_order', { account: room.account, room: room.room }) });
  const healthView = createHealthView({ state });
  const ordersView = createOrdersView({
    state,
    onOpen: (key) => openRoomByKey(key).catch(showError),
    onExport: (room) => evidence.open(room),
  });

  const settings = createSettings({
    onAdd: async (request, autoMedia = false) => {
      const account = await call('add_account', { request });
      await call('set_auto_media', { account: account.id, auto: autoMedia }).catch(() => {});
      await refresh();
      const first = [...state.rooms.values()].find((r) => r.account === account.id);
      if (first) await openRoomByKey(roomKey(first.account, first.room));
    },
    onEdit: async (account, edit) => {
      await call('update_account', { account: account.id, edit });
      await refresh();
      // The row is redrawn with the new settings: the focus goes back to its Edit button.
      [...document.querySelectorAll('#account-list .edit-account')].find((b) => b.dataset.focusKey === `edit-${account.id}`)?.focus();
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
    onOpenOrders: (account) => call('open_orders', { account: account.id }),
    onRemoveChat: async (account, room) => {
      await call('remove_room', { account: account.id, room });
      await refresh(); // the snapshot no longer lists the room, so its messages and selection go
    },
    onClose: () => byId('composer-input').focus(),
    onTestRealtime: (request) => call('test_realtime', { request }),
    onTestMockly: (request) => call('test_mockly', { request }),
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
  const templateSettings = createTemplateSettings({
    state,
    onSave: (templates) => call('set_templates', { templates }),
    onExport: () => call('export_templates'),
  });
  /** Opens Settings; at `account`'s row when given (an account that needs its attention). */
  function openSettings(account = null) {
    settings.render(state);
    templateSettings.render();
    settings.open({ account });
  }
  createEmojiPicker();
  createTemplatePicker({
    state,
    orderOf: () => (state.openRoom ? state.orders.get(state.openRoom) : null),
    accountOf: () => state.accounts.get(openRoomOf(state)?.account) || null,
    onOpenSettings: () => {
      openSettings();
      byId('template-name').focus();
    },
  });
  byId('open-settings').addEventListener('click', () => openSettings());

  const actions = {
    dismissDemo: () => call('dismiss_demo').then(refresh).catch(showError),
    retry: (account) => call('reconnect_now', { account }).catch(showError),
    keepSecretsForSession: () => call('keep_secrets_for_session').then(refresh).catch(showError),
    openSettings,
    rerender: () => drawChrome(),
  };

  let roomsDrawn = false;
  function drawSidebar() {
    renderSidebar(view.sidebar, state, {
      onOpenRoom: (key) => openRoomByKey(key).catch(showError),
      onBrowse: (id) => { const account = state.accounts.get(id); if (account) browseRooms(account); },
    });
  }
  function drawChrome() {
    drawSidebar();
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
    replyBar.setRoom(state.openRoom);
    header.draw();
    orderPanel.draw();
    ordersView.render();
    healthView.render();
    alerts.render(state);
    if (settings.isOpen()) settings.render(state);
  }

  function drawTimeline() {
    const key = state.openRoom;
    const line = state.unreadLine && state.unreadLine.key === key ? state.unreadLine.upTo : null;
    timeline.render(key, key ? state.messages.get(key) : null, { live: !state.detached.has(key), readUpTo: line });
  }

  async function refresh() {
    const snapshot = await call('snapshot');
    // Drafts and the last room open are this profile's (the page's storage is every profile's).
    drafts.useProfile(snapshot.storage_key || '');
    lastRoom.useProfile(snapshot.storage_key || '');
    const was = openRoomOf(state);
    applySnapshot(state, snapshot);
    if (!state.openRoom && state.rooms.size) {
      // The room open last time, if it is still there; else, when the open room just went (left,
      // deleted), its account's most active room, not the first room of the first account.
      const last = lastRoom.get();
      const sameAccount = was ? byActivity([...state.rooms.values()].filter((r) => r.account === was.account)) : [];
      const next = state.rooms.has(last) ? last
        : sameAccount.length ? roomKey(sameAccount[0].account, sameAccount[0].room)
          : state.rooms.keys().next().value;
      await openRoomByKey(next);
      return;
    }
    drawChrome();
    drawTimeline();
  }

  const onBatch = createBatchDrawer({
    state,
    draw: { timeline: drawTimeline, chrome: drawChrome, live: header.drawLive, alerts: () => alerts.render(state), uploads: () => timeline.showUploads() },
    openRoomByKey,
    refresh,
    showError,
    chime: createChime(),
  });

  // While an account waits to reconnect, its countdown ticks once a second.
  const ticker = setInterval(() => {
    if ([...state.accounts.values()].some((a) => a.state && a.state.state === 'backoff')) drawChrome();
    else if (state.openRoom && state.typing.get(state.openRoom)?.size) header.drawLive();
  }, 1000);

  const search = createSearch({
    search: (query, room) => call('search_messages', room ? { query, account: room.account, room: room.room } : { query }),
    titleOf: (key) => state.rooms.get(key)?.title || key.split('\u0000').pop(),
    openRoom: () => (state.openRoom ? { key: state.openRoom, ...openRoomOf(state) } : null),
    onJump: (message, query) => opening.jumpTo(message).then(() => showMatch(byId('timeline'), message.local_id, query)).catch(showError),
  });
  byId('open-search').addEventListener('click', () => search.open({ everywhere: true }));
  // Ctrl+, draws the account list as the Settings button does.
  installShortcuts({ state, search, settings: { open: openSettings }, openRoomByKey, showError });
  const inspector = createInspector({ accounts: () => state.accounts });
  byId('open-inspector').addEventListener('click', () => inspector.open().catch(showError));
  installMessageActions({
    container: byId('timeline'),
    timeline,
    state,
    viewer,
    inspector,
    onRetry: (localId) => call('retry_message', { localId }).catch(showError),
    onDelete: (localId) => call('delete_message', { localId }).catch(showError),
    onReply: (message) => replyBar.replyTo(state.openRoom, message),
    showError,
  });
  const themeChoice = byId('theme-choice');
  themeChoice.value = applyTheme(savedTheme());
  themeChoice.addEventListener('change', () => {
    themeChoice.value = applyTheme(themeChoice.value);
  });

  // Coming back to the window: what is on screen now is seen.
  window.addEventListener('focus', () => timeline.check());
  document.addEventListener('visibilitychange', () => timeline.check());

  // Subscribe before the snapshot so nothing that happens in between is missed.
  await subscribe(onBatch);
  await refresh();
  return {
    state,
    stop: () => {
      clearInterval(ticker);
      orderPanel.stop();
      ordersView.close();
      inspector.close();
      dialogs.stop();
    },
  };
}
