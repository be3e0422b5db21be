// The timeline of the open room: day separators, messages grouped by sender, notices, and the
// delivery state of own messages. Virtualized (see createTimeline): rows are built only while
// they are in or near view, and updated in place when their message changes.

import { el, clear } from './dom.js';
import { countsAsUnread } from './state.js';
import { clockTime, dayLabel, sameDay } from './time.js';
import { mediaElement, formatSize } from './media.js';
import { richBody } from './rich.js';
import { linkify } from './links.js';
import { longText } from './long-text.js';
import { estimateHeight, rowOffsets, visibleRange, UNKNOWN_VIEWPORT_PX } from './virtual-window.js';

/** Messages from one sender within this window share one sender line. */
const GROUP_MS = 5 * 60 * 1000;

function startsGroup(message, previous) {
  if (!previous || previous.kind === 'system' || message.kind === 'system') return true;
  if (previous.sender_id !== message.sender_id || previous.own !== message.own) return true;
  return message.ts_ms - previous.ts_ms > GROUP_MS || !sameDay(previous.ts_ms, message.ts_ms);
}

function timeElement(message) {
  const attrs = { datetime: new Date(message.ts_ms).toISOString() };
  if (message.ts_raw) attrs.title = `Server time: ${message.ts_raw}`;
  return el('time', { text: clockTime(message.ts_ms), attrs });
}

/** Whether `message` is a file of this computer not yet named by its service (no attachment id). */
function uploading(message) {
  return Boolean(message.media && message.media.local_path && !message.media.attachment_id);
}

/**
 * What an upload's label says. The backend tells progress from the moment a file starts going
 * up, so a file it has not told of yet waits its turn (behind the files before it); one whose
 * bytes are all handed over waits for the service's answer and is then sent.
 */
export function uploadLabel(progress) {
  if (!progress || !(progress.total > 0)) return 'Waiting to upload…';
  if (progress.sent >= progress.total) return `${formatSize(progress.total)} handed over, waiting for the service…`;
  const percent = Math.min(99, Math.floor((progress.sent / progress.total) * 100));
  return `Uploading ${percent} % of ${formatSize(progress.total)}`;
}

/** A file going up: a bar, how far, and Cancel (the message goes with it). */
function uploadElement(message, progress, onCancelUpload) {
  const bar = el('progress', { attrs: { max: '100', 'aria-label': 'Upload progress' } });
  const label = el('span', { class: 'upload-label', text: uploadLabel(progress) });
  const node = el('span', { class: 'delivery pending uploading', attrs: { 'data-upload': String(message.local_id) } }, [
    bar,
    label,
    cancelButton(message, onCancelUpload),
  ]);
  showUploadProgress(node, progress);
  return node;
}

function cancelButton(message, onCancelUpload) {
  return el('button', {
    class: 'link-button',
    text: 'Cancel',
    attrs: { type: 'button', 'aria-label': 'Cancel this upload' },
    // Once: a second click would only be told there is nothing left to cancel.
    on: { click: (event) => { event.currentTarget.disabled = true; onCancelUpload(message.local_id); } },
  });
}

/** Puts `progress` on an upload's element in place (its bar and label). */
function showUploadProgress(node, progress) {
  const bar = node.querySelector('progress');
  const label = node.querySelector('.upload-label');
  if (progress && progress.total > 0) bar.value = Math.min(100, (progress.sent / progress.total) * 100);
  else bar.removeAttribute('value');
  label.textContent = uploadLabel(progress);
}

function deliveryElement(message, { onRetry, onDelete, onCancelUpload, connected, progress }) {
  switch (message.state) {
    case 'pending':
      // Queued while the account is offline: it goes out once connected, not "sending" now.
      if (!connected) {
        const queued = el('span', { class: 'delivery pending queued', text: 'Waiting for connection', attrs: { title: 'Kept in the outbox: it is sent as soon as the account connects.' } });
        // A file not uploaded yet can still be taken back while it waits.
        return uploading(message)
          ? el('span', { class: 'delivery pending uploading' }, [queued, cancelButton(message, onCancelUpload)])
          : queued;
      }
      return uploading(message)
        ? uploadElement(message, progress, onCancelUpload)
        : el('span', { class: 'delivery pending', text: 'Sending…' });
    case 'sent':
      return el('span', { class: 'delivery sent', text: '✓', attrs: { title: 'Sent', 'aria-label': 'Sent' } });
    case 'delivered':
      return el('span', { class: 'delivery delivered', text: '✓✓', attrs: { title: 'Delivered', 'aria-label': 'Delivered' } });
    case 'read':
      return el('span', { class: 'delivery read', text: '✓✓', attrs: { title: 'Read', 'aria-label': 'Read' } });
    case 'failed':
      return el('span', { class: 'delivery failed' }, [
        el('span', { text: `Not sent: ${message.error || 'unknown error'}` }),
        el('button', {
          class: 'link-button',
          text: 'Retry',
          attrs: { type: 'button', 'aria-label': 'Retry sending this message' },
          on: { click: () => onRetry(message.local_id) },
        }),
        el('button', {
          class: 'link-button',
          text: 'Delete',
          attrs: { type: 'button', 'aria-label': 'Delete this unsent message' },
          on: { click: () => onDelete(message.local_id) },
        }),
      ]);
    default:
      return null;
  }
}

const MEDIA_LABELS = { image: 'Image', video: 'Video', file: 'File' };

/** The last path segment of a URL, for a file card's title; the whole string if it is not a URL. */
export function fileName(url) {
  try {
    const path = new URL(url).pathname;
    return decodeURIComponent(path.split('/').filter(Boolean).pop() || url);
  } catch {
    return url;
  }
}

const asText = (text) => [text];

/**
 * The body of a message; media go through the backend's proxy (see media.js). Long texts show
 * their start until asked for whole (long-text.js): `handlers.whole`, `handlers.onWhole`.
 */
function bodyElements(message, handlers) {
  if (message.kind === 'unsupported') {
    return longText(el('div', { class: 'unsupported' }), message.text, asText, handlers);
  }
  const rich = richBody(message, handlers);
  if (rich) return rich;
  const label = MEDIA_LABELS[message.kind];
  if (!label) return longText(el('div', { class: 'text' }), message.text, linkify, handlers);
  const media = message.media || {};
  const name = media.name || (media.url && !media.url.startsWith('mixin-') ? fileName(media.url) : label);
  const details = [media.mime, formatSize(media.size)].filter(Boolean).join(' · ');
  const caption = message.kind === 'file' && message.text === media.name ? '' : message.text;
  return [
    mediaElement(message, details ? `${name} (${details})` : name, handlers),
    ...(caption ? longText(el('div', { class: 'text' }), caption, linkify, handlers) : []),
  ];
}

/**
 * One message (or notice) as a DOM node. Untrusted fields only ever become text. A long text
 * shows its start unless `whole`; `onWhole()` is called when the reader asks for the rest.
 */
/**
 * The line above a reply naming what it answers (Mixin's quote_message_id): the quoted
 * message's sender and first line when it is loaded (a click shows it), else a plain mention.
 */
function quoteElement(message, quoted, onShowQuoted) {
  if (!message.quote_id) return null;
  if (!quoted) return el('div', { class: 'reply-quote missing', text: '↩ Reply to an earlier message' });
  const who = quoted.own ? 'You' : quoted.sender_name || quoted.sender_id;
  const line = String(quoted.text || quoted.kind).split('\n')[0].slice(0, 120);
  return el('button', {
    class: 'reply-quote',
    attrs: { type: 'button', 'aria-label': `Reply to ${who}: ${line}. Show that message` },
    on: { click: () => onShowQuoted(quoted.local_id) },
  }, [el('span', { class: 'reply-quote-who', text: `↩ ${who}` }), el('span', { class: 'reply-quote-text', text: line })]);
}

export function renderMessage(message, { showSender = true, onRetry = () => {}, onDelete = () => {}, onCancelUpload = () => {}, uploadOf = () => null, connected = () => true, onOpenImage = () => {}, autoMedia = () => true, whole = false, onWhole = () => {}, quoted = null, onShowQuoted = () => {} } = {}) {
  if (message.kind === 'system') {
    return el('div', { class: 'notice', attrs: { 'data-local-id': message.local_id, tabindex: '-1' } }, [
      ...longText(el('span', { class: 'notice-text' }), message.text, asText, { whole, onWhole }),
      timeElement(message),
    ]);
  }
  const sender = message.sender_name || message.sender_id;
  const classes = ['message', message.own ? 'own' : 'other', showSender ? 'first' : 'continued'];
  return el('article', {
    class: classes.join(' '),
    // Focusable by script (message-keys.js), so the keyboard can reach its menu.
    attrs: { 'data-local-id': message.local_id, tabindex: '-1', 'aria-label': `${message.own ? 'You' : sender}, ${clockTime(message.ts_ms)}` },
  }, [
    showSender && !message.own ? avatarElement(message, sender, autoMedia(message.account)) : null,
    el('div', { class: 'bubble' }, [
      showSender && !message.own ? el('div', { class: 'sender', text: sender, attrs: { title: message.sender_id } }) : null,
      quoteElement(message, quoted, onShowQuoted),
      ...bodyElements(message, { onOpenImage, auto: autoMedia(message.account), whole, onWhole }),
      el('div', { class: 'meta' }, [timeElement(message), message.own ? deliveryElement(message, { onRetry, onDelete, onCancelUpload, connected: connected(message.account), progress: uploadOf(message.local_id) }) : null]),
    ]),
  ]);
}

/**
 * The sender's picture through the backend (never its address), over their initials, which stay
 * if there is no picture, media wait for a click on this account, or it cannot be loaded.
 */
/**
 * The message that first showed each avatar address (per account, whose rules the backend applies):
 * later messages with the same picture ask for it by that message, so the page holds one copy of each picture instead of one per message
 * (each media:// address is its own entry in WebKit's image cache). Bounded: cleared past 500.
 */
const avatarSources = new Map();

function avatarSource(message) {
  const key = `${message.account}\u0000${message.sender_avatar}`;
  let first = avatarSources.get(key);
  if (first === undefined) {
    if (avatarSources.size >= 500) avatarSources.clear();
    first = message.local_id;
    avatarSources.set(key, first);
  }
  return `media://localhost/${first}/avatar`;
}

function avatarElement(message, sender, auto) {
  const avatar = el('div', { class: 'avatar', text: initials(sender), attrs: { 'aria-hidden': 'true' } });
  if (message.sender_avatar && auto) {
    const img = el('img', { attrs: { src: avatarSource(message), alt: '', loading: 'lazy', decoding: 'async' } });
    img.addEventListener('error', () => img.remove());
    avatar.append(img);
  }
  return avatar;
}

export function initials(name) {
  const words = String(name || '?').replace(/[^\p{L}\p{N}]+/gu, ' ').trim().split(/\s+/);
  const letters = words.slice(0, 2).map((w) => Array.from(w)[0] || '').join('');
  return (letters || '?').toUpperCase();
}

function daySeparator(ms) {
  return el('div', { class: 'day', attrs: { role: 'separator' } }, [el('span', { text: dayLabel(ms) })]);
}

/** A join or leave notice (mockly's documented wording), which collapse when in a row. */
export function presenceOf(message) {
  if (message.kind !== 'system') return null;
  const text = String(message.text || '');
  if (text.length > 300) return null;
  const joined = /^(.+) has joined(?: the chat)?\.?$/.exec(text);
  if (joined) return { who: joined[1], joined: true };
  const left = /^(.+) has left(?: the chat)?\.?$/.exec(text);
  return left ? { who: left[1], joined: false } : null;
}

/** "3 joined, 1 left". */
export function presenceSummary(messages) {
  let joined = 0;
  let left = 0;
  for (const m of messages) {
    if (presenceOf(m).joined) joined += 1;
    else left += 1;
  }
  return [joined ? `${joined} joined` : '', left ? `${left} left` : ''].filter(Boolean).join(', ');
}

/**
 * The rows of a room: a day separator before each day's first message, then the messages, and
 * a "New messages" line before the first unread one (newer than `readUpTo`, when given). Two or
 * more join/leave notices in a row make one line, unless `expanded` has its first id.
 */
function buildRows(messages, readUpTo, expanded) {
  const rows = [];
  let marked = readUpTo === null || readUpTo === undefined;
  for (let i = 0; i < messages.length; i += 1) {
    const message = messages[i];
    const previous = messages[i - 1];
    if (!previous || !sameDay(previous.ts_ms, message.ts_ms)) {
      rows.push({ key: `day:${message.local_id}`, type: 'day', ms: message.ts_ms });
    }
    if (!marked && message.local_id > readUpTo && countsAsUnread(message)) {
      marked = true;
      rows.push({ key: UNREAD_KEY, type: 'unread' });
    }
    if (presenceOf(message)) {
      let end = i + 1;
      while (end < messages.length && presenceOf(messages[end]) && sameDay(messages[end].ts_ms, message.ts_ms)) end += 1;
      if (end - i >= 2) {
        const group = messages.slice(i, end);
        const key = `presence:${message.local_id}`;
        const open = expanded.has(key);
        rows.push({ key, type: 'presence', messages: group, size: group.length, open });
        if (open) for (const m of group) rows.push({ key: m.local_id, type: 'message', message: m, showSender: true });
        i = end - 1;
        continue;
      }
    }
    rows.push({ key: message.local_id, type: 'message', message, showSender: startsGroup(message, previous) || rows[rows.length - 1].type === 'unread' });
  }
  return rows;
}

/** One line for several join/leave notices; its button shows or hides each of them. */
function presenceLine(row, onToggle) {
  const names = row.messages.map((m) => presenceOf(m).who);
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
  return el('div', { class: 'notice presence-line' }, [
    el('span', { class: 'notice-text', text: `${presenceSummary(row.messages)}: ${shown}` }),
    el('button', {
      class: 'link-button',
      text: row.open ? 'Hide' : 'Show each',
      attrs: { type: 'button', 'aria-expanded': row.open ? 'true' : 'false' },
      on: { click: () => onToggle(row.key) },
    }),
    timeElement(row.messages[row.messages.length - 1]),
  ]);
}

const UNREAD_KEY = 'unread';

function unreadLine() {
  return el('div', { class: 'unread-line', attrs: { role: 'separator', 'aria-label': 'New messages' } }, [el('span', { text: 'New messages' })]);
}

function spacer() {
  return el('div', { class: 'timeline-spacer', attrs: { 'aria-hidden': 'true' } });
}

/**
 * The open room's timeline, virtualized: only the rows in and near the viewport are in the DOM
 * (between two spacers that stand for the rest), so a room costs a screenful of nodes however
 * long it is, and media far from view are neither fetched nor decoded. Whatever changes (new
 * messages, older history prepended, a picture that grew), the row at the top of the viewport
 * stays where it was, unless the reader was at the bottom, who stays at the bottom.
 */
export function createTimeline(container, { onRetry = () => {}, onDelete = () => {}, onCancelUpload = () => {}, uploadOf = () => null, connected = () => true, onReachTop = () => {}, onReachBottom = () => {}, onOpenImage = () => {}, autoMedia = () => true, onView = () => {} } = {}) {
  let shownRoom = null;
  /** Whether the rows end with the room's newest message (then the bottom follows new ones). */
  let live = true;
  let rows = [];
  let indexByKey = new Map();
  let offsets = [0];
  /** key -> {node, row} for the rows in the DOM. */
  const rendered = new Map();
  /** key -> laid-out height in px, for rows rendered at least once. */
  const heights = new Map();
  /** Keys of the long messages the reader asked to see whole (kept when their row is rebuilt). */
  const whole = new Set();
  /** Keys of the join/leave lines the reader opened. */
  const expanded = new Set();
  /** The messages last rendered, to lay a line opened or closed out again. */
  let shownMessages = [];
  let shownReadUpTo = null;
  const keyOfNode = new WeakMap();
  const top = spacer();
  const bottom = spacer();
  let scheduled = false;
  /** Layouts in a row that found a spacer in view; a few are enough to converge. */
  let refills = 0;
  const MAX_REFILLS = 3;
  /**
   * A row that changes size after it was laid out (a picture loaded) lays the rows out again.
   * Each report is compared with the height the layout measured (not with the observer's first
   * report, which comes a frame later: a row that grew in between would never be measured again).
   */
  const measuredHeight = new WeakMap();
  const resizes = typeof ResizeObserver === 'function'
    ? new ResizeObserver((entries) => {
      let changed = false;
      for (const { target } of entries) {
        // The layout is clean while the observer reports, so this reads no new layout.
        const height = target.offsetHeight;
        if (measuredHeight.get(target) !== height) changed = true;
        measuredHeight.set(target, height);
      }
      if (changed) schedule();
    })
    : null;

  const heightOf = (row) => heights.get(row.key) ?? estimateHeight(row, { whole: whole.has(row.key) });
  const viewport = () => container.clientHeight || UNKNOWN_VIEWPORT_PX;
  const nearBottom = () => container.scrollHeight - container.scrollTop - container.clientHeight < 80;
  /**
   * Whether the reader was at the newest message when the rows were last laid out or scrolled by
   * the reader. A row above that grows afterwards (a picture loaded) pushes the bottom away before
   * the next layout looks, which must keep the reader there all the same.
   */
  let pinned = false;
  const stickToBottom = () => live && (pinned || nearBottom());

  /**
   * Where the timeline itself scrolled to last, its rows already laid out for it: the scroll
   * event that follows needs no second layout (one per batch of new messages, in the next frame).
   */
  let scrolledTo = null;
  function scrollTo(top) {
    container.scrollTop = top;
    scrolledTo = container.scrollTop;
  }

  // A resized window (or one shown for the first time) has a different viewport to fill.
  window.addEventListener('resize', () => schedule());
  container.addEventListener('scroll', () => {
    const first = rows.find((row) => row.type === 'message');
    if (container.scrollTop < 40 && first) onReachTop(first.message.local_id);
    const last = rows[rows.length - 1];
    if (last && last.type === 'message' && container.scrollHeight - container.scrollTop - container.clientHeight < 40) {
      onReachBottom(last.message.local_id);
    }
    const ours = scrolledTo !== null && container.scrollTop === scrolledTo;
    scrolledTo = null;
    if (!ours) {
      pinned = nearBottom();
      schedule();
    }
  });

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      if (rows.length) layout(stickToBottom(), captureAnchor());
    });
  }

  function build(row) {
    const node = row.type === 'day'
      ? daySeparator(row.ms)
      : row.type === 'unread'
        ? unreadLine()
        : row.type === 'presence'
          ? presenceLine(row, togglePresence)
          : renderMessage(row.message, { showSender: row.showSender, onRetry, onDelete, onCancelUpload, uploadOf, connected, onOpenImage, quoted: quotedOf(row.message), onShowQuoted: (localId) => api.reveal(localId), autoMedia, whole: whole.has(row.key), onWhole: () => showWhole(row.key) });
    keyOfNode.set(node, row.key);
    return node;
  }

  /**
   * A long message now shown whole is many times taller: its old height is dropped (the row is
   * estimated whole until the next layout measures it) and the rows are laid out again, the
   * reader's first row on screen staying where it is.
   */
  function showWhole(key) {
    whole.add(key);
    heights.delete(key);
    // The reader is reading this message now, not waiting at the newest.
    pinned = false;
    schedule();
  }

  /** Loaded messages by their service id, for replies (built when a reply needs it). */
  let byServiceId = null;
  function quotedOf(message) {
    if (!message.quote_id) return null;
    if (!byServiceId) byServiceId = new Map(shownMessages.filter((m) => m.id).map((m) => [m.id, m]));
    return byServiceId.get(message.quote_id) || null;
  }

  /** Opens or closes a join/leave line, the reader's view staying where it is. */
  function togglePresence(key) {
    if (expanded.has(key)) expanded.delete(key);
    else expanded.add(key);
    const anchor = captureAnchor();
    rows = buildRows(shownMessages, shownReadUpTo, expanded);
    indexByKey = new Map(rows.map((row, i) => [row.key, i]));
    layout(false, anchor);
    rendered.get(key)?.node.querySelector('button')?.focus();
  }

  /** The first row on screen and how far below the viewport's top it starts. */
  function captureAnchor() {
    const scrollTop = container.scrollTop;
    for (let node = top.nextSibling; node && node !== bottom; node = node.nextSibling) {
      if (node.offsetTop + node.offsetHeight > scrollTop) {
        return { key: keyOfNode.get(node), delta: node.offsetTop - scrollTop };
      }
    }
    return null;
  }

  /** Records the laid-out height of every rendered row (nothing without layout, as in tests). */
  function measure() {
    for (let node = top.nextSibling; node && node !== bottom; node = node.nextSibling) {
      const next = node.nextSibling;
      const height = next ? next.offsetTop - node.offsetTop : 0;
      if (height > 0) heights.set(keyOfNode.get(node), height);
      if (resizes) measuredHeight.set(node, node.offsetHeight);
    }
  }

  /** Puts rows `[start, end)` between the spacers, reusing nodes whose row did not change. */
  function paint(start, end) {
    const wanted = rows.slice(start, end);
    const keys = new Set(wanted.map((row) => row.key));
    for (const [key, entry] of rendered) {
      if (keys.has(key)) continue;
      resizes?.unobserve(entry.node);
      entry.node.remove();
      rendered.delete(key);
    }
    let cursor = top.nextSibling;
    for (const row of wanted) {
      let entry = rendered.get(row.key);
      // A queued message's label follows its account's connection.
      const queued = row.type === 'message' && row.message.state === 'pending' && !connected(row.message.account);
      const stale = entry && (entry.row.message !== row.message || entry.row.showSender !== row.showSender || entry.row.ms !== row.ms || entry.row.size !== row.size || entry.row.open !== row.open || entry.queued !== queued);
      let refocus = false;
      let replaced = null;
      if (stale) {
        if (cursor === entry.node) cursor = cursor.nextSibling;
        refocus = entry.node === document.activeElement;
        resizes?.unobserve(entry.node);
        entry.node.remove();
        replaced = entry;
        entry = null;
      }
      if (!entry) {
        entry = { node: build(row), row, queued };
        if (replaced) keepMedia(replaced, entry);
        rendered.set(row.key, entry);
        resizes?.observe(entry.node);
      }
      entry.row = row;
      if (entry.node === cursor) cursor = cursor.nextSibling;
      else container.insertBefore(entry.node, cursor);
      // A focused message that changed (its delivery state) keeps the keyboard's place.
      if (refocus) entry.node.focus({ preventScroll: true });
    }
  }

  /**
   * A rebuilt row whose picture, video or file is the same keeps the old element: a receipt
   * (sent, delivered, read) would otherwise load the picture again and show "Loading image…".
   */
  function keepMedia(before, after) {
    const [was, now] = [before.row.message, after.row.message];
    if (!was || !now || !was.media || !now.media || was.kind !== now.kind || was.media.url !== now.media.url) return;
    const kept = before.node.querySelector('.media');
    const fresh = after.node.querySelector('.media');
    if (kept && fresh) fresh.replaceWith(kept);
  }

  function sizeSpacers(start, end) {
    offsets = rowOffsets(rows, heightOf);
    top.style.height = `${offsets[start]}px`;
    bottom.style.height = `${offsets[rows.length] - offsets[end]}px`;
  }

  /**
   * Lays the rows out around the reader's position. Reads the layout once after writing (the
   * heights of what was painted are measured then), so a batch costs one forced layout.
   */
  function layout(stick, anchor) {
    offsets = rowOffsets(rows, heightOf);
    let scrollTop = container.scrollTop;
    const anchored = anchor ? indexByKey.get(anchor.key) : undefined;
    if (stick) scrollTop = Math.max(0, offsets[rows.length] - viewport());
    else if (anchored !== undefined) scrollTop = offsets[anchored] - anchor.delta;
    const [start, end] = visibleRange(offsets, scrollTop, viewport());
    paint(start, end);
    // Estimates become real heights, then the reader is put back exactly.
    measure();
    sizeSpacers(start, end);
    if (stick) scrollTo(container.scrollHeight);
    else if (anchored !== undefined && rendered.has(anchor.key)) {
      const target = rendered.get(anchor.key).node.offsetTop - anchor.delta;
      if (Math.abs(container.scrollTop - target) > 1) scrollTo(target);
    }
    pinned = stick || nearBottom();
    refillIfGap(start, end);
    tellView();
  }

  /**
   * Rows estimated taller than they are (pictures shown as a "Show image" button) may leave a
   * spacer in view once measured. The scroll event of the timeline's own scroll lays nothing
   * out, so the rows are laid out again in the next frame, now with their real heights. A
   * timeline without layout (hidden) has nothing to fill.
   */
  function refillIfGap(start, end) {
    const viewTop = container.scrollTop;
    const gap = (start > 0 && offsets[start] > viewTop) || (end < rows.length && offsets[end] < viewTop + viewport());
    if (gap && container.clientHeight > 0 && refills < MAX_REFILLS) {
      refills += 1;
      schedule();
    } else refills = 0;
  }

  /**
   * Tells what the reader has on screen: the newest message whose start is in view (seen) and
   * whether the view is at the newest message (nothing newer below, none outside the window).
   */
  function tellView() {
    if (!shownRoom) return;
    const viewBottom = container.scrollTop + viewport();
    let lastSeen = null;
    for (let node = top.nextSibling; node && node !== bottom; node = node.nextSibling) {
      if (node.offsetTop + Math.min(node.offsetHeight, 40) > viewBottom) break;
      const key = keyOfNode.get(node);
      if (typeof key === 'number') lastSeen = key;
    }
    const lastRow = rows[rows.length - 1];
    const atEnd = live && (nearBottom() || (lastRow && lastRow.key === lastSeen));
    onView({ room: shownRoom, lastSeen, atEnd });
  }

  /** Scrolls row `key` to `fromBottom` of the viewport's height above its bottom; its entry. */
  function showRow(key, fromBottom) {
    const index = indexByKey.get(key);
    if (index === undefined) return null;
    offsets = rowOffsets(rows, heightOf);
    // Room to scroll to it first (a room just opened has only its spacers), then the rows.
    bottom.style.height = `${offsets[rows.length]}px`;
    scrollTo(Math.max(0, offsets[index] - viewport() * (1 - fromBottom)));
    layout(false, null);
    const entry = rendered.get(key);
    if (!entry) return null;
    const target = Math.max(0, entry.node.offsetTop - viewport() * (1 - fromBottom));
    if (Math.abs(container.scrollTop - target) > 1) {
      scrollTo(target);
      tellView();
    }
    pinned = nearBottom();
    return entry;
  }

  function reset() {
    for (const entry of rendered.values()) resizes?.unobserve(entry.node);
    rendered.clear();
    heights.clear();
    whole.clear();
    expanded.clear();
    rows = [];
    indexByKey = new Map();
    pinned = false;
  }

  function showEmpty(text) {
    reset();
    clear(container);
    container.append(el('p', { class: 'empty', text }));
  }

  const api = {
    /** Brings the uploads on screen up to date in place (their rows are not rebuilt). */
    showUploads() {
      for (const node of container.querySelectorAll('[data-upload]')) {
        showUploadProgress(node, uploadOf(Number(node.dataset.upload)));
      }
    },
    /** The shown room's message with this local id, or null. */
    messageOf(localId) {
      const index = indexByKey.get(localId);
      return index === undefined ? null : rows[index].message;
    },
    /**
     * Renders `messages` (sorted by local_id) of room `key`. `live`: they end with the newest
     * message, so a reader at the bottom stays there; otherwise (an older window) the view holds.
     */
    render(key, messages, { live: isLive = true, readUpTo = null } = {}) {
      live = isLive;
      if (!key) {
        shownRoom = null;
        showEmpty('Pick a room on the left.');
        return;
      }
      if (!messages || messages.length === 0) {
        shownRoom = key;
        showEmpty('No messages yet. Say hello!');
        return;
      }
      const roomChanged = key !== shownRoom;
      const opening = roomChanged || rows.length === 0;
      const stick = opening || stickToBottom();
      const anchor = stick ? null : captureAnchor();
      if (roomChanged || rows.length === 0) {
        reset();
        clear(container);
        container.append(top, bottom);
      }
      shownRoom = key;
      shownMessages = messages;
      shownReadUpTo = readUpTo;
      byServiceId = null;
      rows = buildRows(messages, readUpTo, expanded);
      indexByKey = new Map(rows.map((row, i) => [row.key, i]));
      for (const k of heights.keys()) if (!indexByKey.has(k)) heights.delete(k);
      // A room with unread messages opens at its "New messages" line, the last read message
      // just above it; otherwise at the newest message.
      if (opening && indexByKey.has(UNREAD_KEY)) {
        showRow(UNREAD_KEY, 3 / 4);
        return;
      }
      layout(stick, anchor);
    },
    /** Says again what is on screen (the window got the focus back). */
    check() {
      if (rows.length) tellView();
    },
    /** Shows the newest message (the *Jump to latest* button). */
    toBottom() {
      if (!rows.length) return;
      layout(true, null);
    },
    /** Scrolls message `localId` into view (a third down the viewport) and marks it a moment. */
    reveal(localId) {
      const entry = showRow(localId, 2 / 3);
      if (!entry) return false;
      entry.node.classList.add('found');
      setTimeout(() => entry.node.classList.remove('found'), 2500);
      return true;
    },
  };
  return api;
}
