// UI state: what the views render. Changed only by applying event batches from the backend
// and by the user's navigation; views read it and never change it themselves.

/** Key of a room across accounts. */
export function roomKey(account, room) {
  return `${account}\u0000${room}`;
}

/** Key of a user of an account (presence is per user, not per room). */
export function userKey(account, user) {
  return `${account}\u0000${user}`;
}

/** Someone who stops sending typing updates stops showing as typing after this long. */
export const TYPING_TTL_MS = 6000;

/** Alerts kept for the notifications panel. */
export const ALERT_LIMIT = 200;

/**
 * Most entries the live maps keep (presence per room, users' presence, rooms with typers, a
 * room's typers, an account's prices): the server chooses their keys, so each map is bounded
 * and forgets its oldest entry first.
 */
export const LIVE_LIMITS = { presence: 10_000, online: 10_000, typingRooms: 1_000, typers: 100, prices: 256, orders: 5_000, uploads: 256 };

/** Sets `key` in `map`, forgetting the oldest entry when a new key would pass `limit`. */
export function setBounded(map, key, value, limit) {
  if (!map.has(key) && map.size >= limit) map.delete(map.keys().next().value);
  map.set(key, value);
}

/** Most messages kept in memory per room; older ones are reloaded from the store on scroll. */
export const ROOM_WINDOW = 1000;

export function createState() {
  return {
    accounts: new Map(), // id -> account view (settings, service_label, state, demo)
    rooms: new Map(), // roomKey -> {account, room, title, unread, last_text, last_ts_ms}
    messages: new Map(), // roomKey -> messages sorted by local_id (loaded rooms only)
    detached: new Set(), // roomKeys whose window no longer reaches the newest message
    unreadLine: null, // {key, upTo}: the open room's "New messages" line goes after message upTo
    presence: new Map(), // roomKey -> online count
    online: new Map(), // userKey(account, user) -> true/false (services with per-user presence)
    typing: new Map(), // roomKey -> Map(user -> {name, until})
    prices: new Map(), // account -> Map(symbol -> {symbol, price, change, change_percent, previous})
    alerts: [], // newest last: {account, kind, title, body, priority, ts_ms}
    orders: new Map(), // roomKey -> order view of an order chat (see orders.js)
    ordersUnavailable: new Map(), // account -> why its orders cannot be read
    templates: [], // saved replies, in the user's order (templates.js)
    health: new Map(), // account -> its health board (health-view.js)
    uploads: new Map(), // local_id -> {sent, total} of an own file going up
    unseenAlerts: 0,
    errors: [], // {account, message, at}
    notices: [], // startup notices from the backend (config set aside, keyring missing)
    openRoom: null, // roomKey
    demo: false,
  };
}

/** Loads a backend snapshot: accounts, rooms, notices. */
export function applySnapshot(state, snapshot) {
  state.accounts = new Map(snapshot.accounts.map((a) => [a.id, a]));
  state.rooms = new Map(snapshot.rooms.map((r) => [roomKey(r.account, r.room), r]));
  state.demo = snapshot.accounts.some((a) => a.demo);
  state.notices = snapshot.notices || [];
  if (snapshot.alerts) state.alerts = snapshot.alerts.slice(-ALERT_LIMIT);
  if (snapshot.notifications) state.notifications = snapshot.notifications;
  if (snapshot.desktop) state.desktop = snapshot.desktop;
  state.keyring = snapshot.keyring || null;
  state.orders = new Map();
  for (const view of snapshot.orders || []) setOrder(state, view);
  state.ordersUnavailable = new Map((snapshot.orders_unavailable || []).map((u) => [u.account, u.reason]));
  if (snapshot.templates) state.templates = snapshot.templates;
  if (snapshot.health) state.health = new Map(snapshot.health.map((h) => [h.account, h]));
  for (const key of [...state.messages.keys()]) {
    if (!state.rooms.has(key)) state.messages.delete(key);
  }
  if (state.openRoom && !state.rooms.has(state.openRoom)) state.openRoom = null;
}

/** Whether a message counts as unread when newer than the read mark: someone else's words. */
export function countsAsUnread(message) {
  return !message.own && message.kind !== 'system';
}

/** The open room ({account, room, title, unread, …}), or null. */
export function openRoomOf(state) {
  return state.openRoom ? state.rooms.get(state.openRoom) || null : null;
}

/**
 * The open room's name as the header and the composer say it: its title, and its account's name
 * too when a room of another account has the same title (three accounts' "Public room"), so a
 * message is never typed into the wrong one.
 */
export function openRoomName(state) {
  const room = openRoomOf(state);
  if (!room) return null;
  const account = state.accounts.get(room.account);
  let shared = false;
  for (const other of state.rooms.values()) {
    if (other.account !== room.account && other.title === room.title && state.accounts.has(other.account)) {
      shared = true;
      break;
    }
  }
  return shared && account ? `${room.title} (${account.display_name})` : room.title;
}

/** Whether a room's new messages stay silent (the room or its whole account is muted). */
export function isMuted(state, account, room) {
  const prefs = state.notifications || {};
  return (prefs.muted_accounts || []).includes(account)
    || (prefs.muted_rooms || []).some((r) => r.account === account && r.room === room);
}

/**
 * Replaces a room's loaded messages (first load) or prepends older ones. The window stays at
 * most ROOM_WINDOW long: prepending past it lets the newest go, and the room is then detached
 * from the live end until the reader scrolls back down (see loadNewer).
 */
export function loadHistory(state, key, messages, { prepend = false } = {}) {
  const existing = state.messages.get(key) || [];
  let merged = dedupe(prepend ? [...messages, ...existing] : mergeMessages(existing, messages));
  if (prepend && merged.length > ROOM_WINDOW) {
    merged = merged.slice(0, ROOM_WINDOW);
    state.detached.add(key);
  }
  state.messages.set(key, merged);
}

/** Replaces a room's window with `messages` (around a message found by search). */
export function showWindow(state, key, messages, { reachedEnd }) {
  state.messages.set(key, dedupe(mergeMessages([], messages)));
  if (reachedEnd) state.detached.delete(key);
  else state.detached.add(key);
}

/**
 * Appends newer messages read back from the store while scrolling down a detached window; the
 * oldest leave. `reachedEnd`: these were the newest, so live messages append again.
 */
export function loadNewer(state, key, messages, { reachedEnd }) {
  let merged = dedupe([...(state.messages.get(key) || []), ...messages]);
  if (merged.length > ROOM_WINDOW) merged = merged.slice(merged.length - ROOM_WINDOW);
  state.messages.set(key, merged);
  if (reachedEnd) state.detached.delete(key);
}

function mergeMessages(existing, incoming) {
  return [...existing, ...incoming].sort((a, b) => a.local_id - b.local_id);
}

function dedupe(messages) {
  const seen = new Set();
  return messages.filter((m) => (seen.has(m.local_id) ? false : seen.add(m.local_id)));
}

/**
 * Applies one batch of backend events. Returns what changed so views redraw only that:
 * {accounts, rooms, timeline, resync}.
 */
export function applyBatch(state, events) {
  const changed = { accounts: false, rooms: false, timeline: false, resync: false, live: false, alerts: false, uploads: false };
  for (const event of events) {
    switch (event.event) {
      case 'status': {
        const account = state.accounts.get(event.account);
        if (account) {
          const wasOpen = account.state && account.state.state === 'open';
          if (event.room) {
            // Services with a socket per room (MEXC): the account shows its worst room.
            account.roomStates = { ...(account.roomStates || {}), [event.room]: event.state };
            account.state = worstState(Object.values(account.roomStates));
          } else {
            account.state = event.state;
          }
          account.stateSince = Date.now();
          changed.accounts = true;
          // Back to connected: what went wrong with it before ("Invalid or expired token") is
          // over, and its banner goes instead of contradicting the green dot.
          if (!wasOpen && account.state && account.state.state === 'open') {
            for (const error of state.errors) if (error.account === event.account) error.dismissed = true;
          }
        }
        break;
      }
      case 'message':
      case 'sent':
      case 'failed':
        if (event.event !== 'message') state.uploads.delete(event.local_id);
        upsertMessage(state, event, changed);
        break;
      case 'upload_progress':
        if (Number.isSafeInteger(event.local_id)) {
          setBounded(state.uploads, event.local_id, { sent: Number(event.sent_bytes) || 0, total: Number(event.total_bytes) || 0 }, LIVE_LIMITS.uploads);
          changed.uploads = true;
        }
        break;
      case 'presence':
        setBounded(state.presence, roomKey(event.account, event.room), event.online, LIVE_LIMITS.presence);
        changed.rooms = true;
        break;
      case 'user_status': {
        // Someone offline is as good as never seen: only who is online is kept.
        const key = userKey(event.account, event.user);
        if (event.online) setBounded(state.online, key, true, LIVE_LIMITS.online);
        else state.online.delete(key);
        changed.live = true;
        break;
      }
      case 'typing': {
        const key = roomKey(event.account, event.room);
        const now = Date.now();
        const typers = state.typing.get(key) || new Map();
        for (const [user, entry] of typers) if (entry.until <= now) typers.delete(user);
        if (event.active) setBounded(typers, event.user, { name: event.name || event.user, until: now + TYPING_TTL_MS }, LIVE_LIMITS.typers);
        else typers.delete(event.user);
        if (typers.size) setBounded(state.typing, key, typers, LIVE_LIMITS.typingRooms);
        else state.typing.delete(key);
        changed.live = true;
        break;
      }
      case 'prices': {
        const book = state.prices.get(event.account) || new Map();
        for (const tick of event.ticks) {
          const before = book.get(tick.symbol);
          setBounded(book, tick.symbol, { ...tick, previous: before ? before.price : null }, LIVE_LIMITS.prices);
        }
        state.prices.set(event.account, book);
        changed.live = true;
        break;
      }
      case 'alert':
        state.alerts.push({ account: event.account, ...event.alert });
        if (state.alerts.length > ALERT_LIMIT) state.alerts.shift();
        state.unseenAlerts += 1;
        changed.alerts = true;
        break;
      case 'error':
        state.errors.push({ account: event.account, message: event.message, at: Date.now() });
        if (state.errors.length > 20) state.errors.shift();
        changed.accounts = true;
        break;
      case 'order':
        setOrder(state, event);
        changed.rooms = true;
        break;
      case 'health':
        if (typeof event.account === 'string' && state.accounts.has(event.account)) {
          state.health.set(event.account, event);
          changed.rooms = true;
          changed.health = true;
        }
        break;
      case 'orders_unavailable':
        if (event.reason) state.ordersUnavailable.set(event.account, event.reason);
        else state.ordersUnavailable.delete(event.account);
        changed.rooms = true;
        break;
      case 'deleted': {
        state.uploads.delete(event.local_id);
        const key = roomKey(event.account, event.room);
        const list = state.messages.get(key);
        const at = list ? list.findIndex((m) => m.local_id === event.local_id) : -1;
        if (at >= 0) list.splice(at, 1);
        changed.rooms = true;
        if (state.openRoom === key) changed.timeline = true;
        break;
      }
      case 'room_title': {
        const room = state.rooms.get(roomKey(event.account, event.room));
        if (room) room.title = event.title;
        changed.rooms = true;
        break;
      }
      case 'accounts_changed':
      case 'resync':
        changed.resync = true;
        break;
      default:
        // Unknown events from a newer backend are ignored rather than breaking the page.
        break;
    }
  }
  return changed;
}

/** Keeps an order chat's order view, and its details on the room (templates read them). */
function setOrder(state, view) {
  if (!view || typeof view.account !== 'string' || typeof view.room !== 'string') return;
  const key = roomKey(view.account, view.room);
  setBounded(state.orders, key, view, LIVE_LIMITS.orders);
  const room = state.rooms.get(key);
  if (room && view.details) room.order = view.details;
}

function upsertMessage(state, message, changed) {
  const key = roomKey(message.account, message.room);
  let room = state.rooms.get(key);
  if (!room) {
    room = { account: message.account, room: message.room, title: message.room, unread: 0 };
    state.rooms.set(key, room);
  }
  const list = state.messages.get(key);
  let isNew = true;
  if (list) {
    // A new message is almost always the newest: no search through the window then.
    const last = list[list.length - 1];
    const at = last && last.local_id < message.local_id ? -1 : list.findIndex((m) => m.local_id === message.local_id);
    if (at >= 0) {
      list[at] = message;
      isNew = false;
    } else if (!state.detached.has(key)) {
      list.push(message);
      if (list.length > 1 && list[list.length - 2].local_id > message.local_id) {
        list.sort((a, b) => a.local_id - b.local_id);
      }
      if (list.length > ROOM_WINDOW) list.splice(0, list.length - ROOM_WINDOW);
    }
  }
  if (isNew && message.event === 'message') {
    // A message told again (a file whose upload ended, a retry) does not take the preview back
    // from one stored after it (by local id: clocks of other machines may run ahead).
    if (!(room.last_local_id > message.local_id)) {
      room.last_local_id = message.local_id;
      room.last_text = message.text;
      room.last_ts_ms = message.ts_ms;
      room.last_sender = message.sender_name || message.sender_id;
      room.last_own = Boolean(message.own);
      room.last_kind = message.kind;
    }
    const counts = countsAsUnread(message);
    // Also in the open room: the read tracker (read-tracker.js) takes it off once it is on
    // screen in a focused window.
    if (counts) room.unread = (room.unread || 0) + 1;
  }
  changed.rooms = true;
  if (state.openRoom === key) changed.timeline = true;
}

const STATE_RANK = { stopped: 0, backoff: 1, connecting: 2, open: 3 };

/** The state that needs the user's attention most. */
export function worstState(states) {
  return states.reduce((worst, s) => ((STATE_RANK[s.state] ?? 0) < (STATE_RANK[worst.state] ?? 0) ? s : worst));
}

/** Names of the people typing in a room now (expired entries are dropped). */
export function typingIn(state, key, now = Date.now()) {
  const typers = state.typing.get(key);
  if (!typers) return [];
  for (const [user, entry] of typers) if (entry.until <= now) typers.delete(user);
  return [...typers.values()].map((t) => t.name);
}

/** "Ann is typing…", "Ann and Bo are typing…", "3 people are typing…" */
export function typingLine(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/**
 * The people of a room as far as the client knows them: everyone who wrote in the loaded
 * messages or is typing, with their presence. Own messages are left out.
 */
export function roomMembers(state, key) {
  const room = state.rooms.get(key);
  if (!room) return [];
  const people = new Map();
  for (const m of state.messages.get(key) || []) {
    if (m.own || m.kind === 'system') continue;
    people.set(m.sender_id, m.sender_name || people.get(m.sender_id) || m.sender_id);
  }
  for (const [user, entry] of state.typing.get(key) || []) people.set(user, entry.name);
  return [...people].map(([id, name]) => ({ id, name, online: state.online.get(userKey(room.account, id)) === true }))
    .sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
}

/** A room's own connection state when it has one, else its account's. */
export function roomState(account, room) {
  return (account.roomStates && account.roomStates[room]) || account.state;
}

/** Human words for a connection state, for the header and the sidebar tooltip. */
export function describeState(state, now = Date.now(), since = now) {
  if (!state) return 'Unknown';
  switch (state.state) {
    case 'connecting':
      return state.attempt > 1 ? `Connecting (attempt ${state.attempt})…` : 'Connecting…';
    case 'open':
      return 'Connected';
    case 'backoff': {
      const left = Math.max(0, Math.ceil((state.retry_in_ms - (now - since)) / 1000));
      return `Reconnecting in ${left} s — ${state.reason}`;
    }
    case 'stopped':
      return `Stopped: ${state.reason}`;
    default:
      return state.state;
  }
}
