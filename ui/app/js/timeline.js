// The timeline of the open room: day separators, messages grouped by sender, notices, and the
// delivery state of own messages. Appends and updates in place; rebuilds only when the room
// changes or older history is prepended.

import { el, clear } from './dom.js';
import { clockTime, dayLabel, sameDay } from './time.js';
import { mediaElement, formatSize } from './media.js';
import { richBody } from './rich.js';
import { linkify } from './links.js';

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

function deliveryElement(message, onRetry) {
  switch (message.state) {
    case 'pending':
      return el('span', { class: 'delivery pending', text: 'Sending…' });
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

/** The body of a message; media go through the backend's proxy (see media.js). */
function bodyElements(message, handlers) {
  if (message.kind === 'unsupported') {
    return [el('div', { class: 'unsupported', text: message.text })];
  }
  const rich = richBody(message, handlers);
  if (rich) return rich;
  const label = MEDIA_LABELS[message.kind];
  if (!label) return [el('div', { class: 'text' }, linkify(message.text))];
  const media = message.media || {};
  const name = media.name || (media.url && !media.url.startsWith('mixin-') ? fileName(media.url) : label);
  const details = [media.mime, formatSize(media.size)].filter(Boolean).join(' · ');
  const caption = message.kind === 'file' && message.text === media.name ? '' : message.text;
  return [
    mediaElement(message, details ? `${name} (${details})` : name, handlers),
    caption ? el('div', { class: 'text' }, linkify(caption)) : null,
  ];
}

/** One message (or notice) as a DOM node. Untrusted fields only ever become text. */
export function renderMessage(message, { showSender = true, onRetry = () => {}, onOpenImage = () => {}, autoMedia = () => true } = {}) {
  if (message.kind === 'system') {
    return el('div', { class: 'notice', attrs: { 'data-local-id': message.local_id } }, [
      el('span', { class: 'notice-text', text: message.text }),
      timeElement(message),
    ]);
  }
  const sender = message.sender_name || message.sender_id;
  const classes = ['message', message.own ? 'own' : 'other', showSender ? 'first' : 'continued'];
  return el('article', {
    class: classes.join(' '),
    attrs: { 'data-local-id': message.local_id, 'aria-label': `${message.own ? 'You' : sender}, ${clockTime(message.ts_ms)}` },
  }, [
    showSender && !message.own ? avatarElement(message, sender, autoMedia(message.account)) : null,
    el('div', { class: 'bubble' }, [
      showSender && !message.own ? el('div', { class: 'sender', text: sender, attrs: { title: message.sender_id } }) : null,
      ...bodyElements(message, { onOpenImage, auto: autoMedia(message.account) }),
      el('div', { class: 'meta' }, [timeElement(message), message.own ? deliveryElement(message, onRetry) : null]),
    ]),
  ]);
}

/**
 * The sender's picture through the backend (never its address), over their initials, which stay
 * if there is no picture, media wait for a click on this account, or it cannot be loaded.
 */
function avatarElement(message, sender, auto) {
  const avatar = el('div', { class: 'avatar', text: initials(sender), attrs: { 'aria-hidden': 'true' } });
  if (message.sender_avatar && auto) {
    const img = el('img', { attrs: { src: `media://localhost/${message.local_id}/avatar`, alt: '', loading: 'lazy', decoding: 'async' } });
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

export function createTimeline(container, { onRetry = () => {}, onReachTop = () => {}, onOpenImage = () => {}, autoMedia = () => true } = {}) {
  let shownRoom = null;
  let shown = []; // messages as rendered, in order
  let nodes = new Map(); // local_id -> node

  container.addEventListener('scroll', () => {
    if (container.scrollTop < 40 && shown.length) onReachTop(shown[0].local_id);
  });

  function nearBottom() {
    return container.scrollHeight - container.scrollTop - container.clientHeight < 80;
  }

  function append(message, previous) {
    if (!previous || !sameDay(previous.ts_ms, message.ts_ms)) container.append(daySeparator(message.ts_ms));
    const node = renderMessage(message, { showSender: startsGroup(message, previous), onRetry, onOpenImage, autoMedia });
    nodes.set(message.local_id, node);
    container.append(node);
  }

  function rebuild(messages) {
    clear(container);
    nodes = new Map();
    messages.forEach((m, i) => append(m, messages[i - 1]));
    shown = messages.slice();
  }

  /** Removes what left the front of the window (the state keeps a bounded window per room). */
  function dropBefore(first) {
    let dropped = false;
    while (shown.length && shown[0].local_id < first.local_id) {
      const gone = shown.shift();
      const node = nodes.get(gone.local_id);
      nodes.delete(gone.local_id);
      if (node) node.remove();
      dropped = true;
    }
    if (!dropped) return;
    // A day separator with no message of its own day under it goes too.
    const isDay = (node) => node && node.classList.contains('day');
    while (isDay(container.firstChild) && (!container.firstChild.nextSibling || isDay(container.firstChild.nextSibling))) {
      container.firstChild.remove();
    }
    // The new first message starts its group: show its sender again.
    shown[0] = null;
  }

  function showEmpty(text) {
    clear(container);
    container.append(el('p', { class: 'empty', text }));
    shown = [];
    nodes = new Map();
  }

  return {
    /** Renders `messages` (sorted by local_id) of room `key`. */
    render(key, messages) {
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
      const stick = key !== shownRoom || nearBottom();
      const prepended = key === shownRoom && shown.length && messages[0].local_id < shown[0].local_id;
      if (key !== shownRoom || prepended || shown.length === 0 || messages.length < shown.length) {
        const fromBottom = container.scrollHeight - container.scrollTop;
        rebuild(messages);
        shownRoom = key;
        if (prepended && !stick) container.scrollTop = container.scrollHeight - fromBottom;
        else container.scrollTop = container.scrollHeight;
        return;
      }
      dropBefore(messages[0]);
      messages.forEach((message, i) => {
        const node = nodes.get(message.local_id);
        if (node) {
          if (shown[i] !== message) {
            const fresh = renderMessage(message, { showSender: startsGroup(message, messages[i - 1]), onRetry, onOpenImage, autoMedia });
            node.replaceWith(fresh);
            nodes.set(message.local_id, fresh);
          }
        } else {
          append(message, messages[i - 1]);
        }
      });
      shown = messages.slice();
      if (stick) container.scrollTop = container.scrollHeight;
    },
  };
}
