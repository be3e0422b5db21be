// The bodies of the richer message kinds (Mixin bots): voice messages, stickers, contact
// cards, posts, locations and app cards with link buttons. Everything from the network goes
// in as text; links open only through the backend (http(s), system browser).

import { el, clear } from './dom.js';
import { call } from './ipc.js';
import { renderMarkdown } from './markdown.js';
import { loadNowOrOnClick } from './media.js';
import { longText } from './long-text.js';
import { isWebAddress } from './scan.js';

/** "1:05" for a duration in milliseconds. */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Asks the backend to open an http(s) link in the system browser; anything else is ignored. */
export function openLink(url) {
  if (!isWebAddress(url)) return Promise.resolve();
  return call('open_link', { url }).catch(() => {});
}

function loadInto(slot, message, make, what, auto) {
  const load = async () => {
    try {
      const info = await call('prepare_media', { localId: message.local_id, thumb: false });
      clear(slot);
      slot.append(make(info.src));
    } catch (e) {
      clear(slot);
      slot.append(
        el('span', { class: 'media-error', text: `${what} could not be loaded: ${e.message}` }),
        el('button', { class: 'link-button', text: 'Retry', attrs: { type: 'button' }, on: { click: load } }),
      );
    }
  };
  loadNowOrOnClick(slot, auto, what.replace(/^The /, ''), load);
  return slot;
}

function audio(message, auto) {
  const media = message.media || {};
  const slot = el('div', { class: 'media-slot audio' }, [el('span', { class: 'media-loading', text: 'Loading voice message…' })]);
  return [
    loadInto(slot, message, (src) => el('audio', { attrs: { src, controls: '', preload: 'metadata', 'aria-label': 'Voice message' } }), 'The voice message', auto),
    el('span', { class: 'media-name', text: `Voice message ${formatDuration(media.duration_ms)}`.trim() }),
  ];
}

function sticker(message, auto) {
  if (!(message.media && message.media.url)) return [el('div', { class: 'sticker-name', text: `Sticker: ${message.text}` })];
  const slot = el('div', { class: 'media-slot sticker' }, [el('span', { class: 'media-loading', text: 'Loading sticker…' })]);
  return [loadInto(slot, message, (src) => el('img', { attrs: { src, alt: message.text || 'Sticker', loading: 'lazy' } }), 'The sticker', auto)];
}

function card(message, shown) {
  const c = message.card || {};
  // The backend keeps only http(s) buttons; the page checks again rather than trust it.
  const buttons = (c.buttons || []).filter((b) => isWebAddress(b.url)).map((b) => el('button', {
    class: 'card-button',
    text: b.label,
    attrs: { type: 'button', title: b.url, 'data-url': b.url },
    on: { click: () => openLink(b.url) },
  }));
  return [el('div', { class: `card ${message.kind}` }, [
    c.title ? el('div', { class: 'card-title', text: c.title }) : null,
    ...(c.description ? longText(el('div', { class: 'card-description' }), c.description, (text) => [text], shown) : []),
    buttons.length ? el('div', { class: 'card-buttons' }, buttons) : null,
  ])];
}

/**
 * The body of `message` when its kind is one of the richer kinds; `null` otherwise. A long post
 * or card text shows its start until asked for whole (long-text.js: `whole`, `onWhole`).
 */
export function richBody(message, { auto, whole, onWhole } = {}) {
  const shown = { whole, onWhole };
  switch (message.kind) {
    case 'audio':
      return audio(message, auto);
    case 'sticker':
      return sticker(message, auto);
    case 'contact':
      return [el('div', { class: 'contact-card' }, [
        el('span', { class: 'contact-label', text: 'Contact' }),
        el('span', { class: 'contact-id', text: message.text }),
      ])];
    case 'post':
      return longText(el('div', { class: 'post' }), message.text, (text) => renderMarkdown(text, openLink), shown);
    case 'location':
    case 'card':
      return card(message, shown);
    default:
      return null;
  }
}
