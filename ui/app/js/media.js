// Images, videos and files in messages. The page never loads a remote address: it asks the
// backend to fetch a message's media (by message id, never by URL) and shows what the backend
// serves on its media:// scheme. Every failure shows its reason and a retry.

import { el, clear } from './dom.js';
import { call } from './ipc.js';

/** "1.2 MB" for a byte count. */
export function formatSize(bytes) {
  if (!Number.isFinite(bytes)) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Starts `load` now, or — when the account's media do not load by themselves — shows a button
 * that starts it (loading tells the media's host who is looking).
 */
export function loadNowOrOnClick(slot, auto, what, load) {
  if (auto !== false) {
    load();
    return;
  }
  clear(slot);
  slot.append(el('button', {
    class: 'media-load',
    text: `Show ${what.toLowerCase()}`,
    attrs: { type: 'button', title: 'Media of this account load on a click (Settings)' },
    on: { click: load },
  }));
}

/** Replaces `slot`'s content with a reason and a Retry button that calls `again`. */
function showFailure(slot, what, reason, again) {
  clear(slot);
  slot.append(
    el('span', { class: 'media-error', text: `${what} could not be loaded: ${reason}` }),
    el('button', { class: 'link-button', text: 'Retry', attrs: { type: 'button', 'aria-label': `Retry loading the ${what.toLowerCase()}` }, on: { click: again } }),
  );
}

/**
 * A picture that finishes loading grows its row; if the reader was at the bottom of the
 * timeline before it grew, keep them there so the newest line stays in view.
 */
function keepBottom(slot, img) {
  const timeline = slot.closest('#timeline');
  if (!timeline) return;
  const fromBottom = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight;
  if (fromBottom - img.offsetHeight < 80) timeline.scrollTop = timeline.scrollHeight;
}

function imageElement(message, { onOpenImage, auto }) {
  const slot = el('div', { class: 'media-slot image', attrs: { 'aria-busy': 'true' } }, [
    el('span', { class: 'media-loading', text: 'Loading image…' }),
  ]);
  const load = async () => {
    slot.setAttribute('aria-busy', 'true');
    try {
      const info = await call('prepare_media', { localId: message.local_id, thumb: true });
      const img = el('img', { attrs: { src: info.src, alt: message.text || 'Image', loading: 'lazy', decoding: 'async' } });
      img.addEventListener('error', () => showFailure(slot, 'Image', 'the picture could not be decoded', load));
      img.addEventListener('load', () => keepBottom(slot, img));
      clear(slot);
      slot.append(el('button', {
        class: 'media-thumb',
        attrs: { type: 'button', 'aria-label': 'Open the image full size' },
        on: { click: () => onOpenImage(message) },
      }, [img]));
    } catch (e) {
      showFailure(slot, 'Image', e.message, load);
    } finally {
      slot.removeAttribute('aria-busy');
    }
  };
  loadNowOrOnClick(slot, auto, 'Image', load);
  return slot;
}

function videoElement(message, { auto }) {
  const slot = el('div', { class: 'media-slot video' }, [el('span', { class: 'media-loading', text: 'Loading video…' })]);
  const load = async () => {
    try {
      const info = await call('prepare_media', { localId: message.local_id, thumb: false });
      const video = el('video', { attrs: { src: info.src, controls: '', preload: 'metadata', 'aria-label': message.text || 'Video' } });
      video.addEventListener('error', () => showFailure(slot, 'Video', 'it cannot be played here', load));
      clear(slot);
      slot.append(video);
    } catch (e) {
      showFailure(slot, 'Video', e.message, load);
    }
  };
  loadNowOrOnClick(slot, auto, 'Video', load);
  return slot;
}

function fileElement(message, name) {
  const status = el('span', { class: 'file-status', attrs: { role: 'status' } });
  const save = async () => {
    status.textContent = 'Saving…';
    try {
      const path = await call('save_media', { localId: message.local_id });
      status.textContent = `Saved to ${path}`;
    } catch (e) {
      status.textContent = `Not saved: ${e.message}`;
    }
  };
  return el('div', { class: 'media-slot file' }, [
    el('button', { class: 'file-save', text: 'Save to Downloads', attrs: { type: 'button', 'aria-label': `Save ${name} to Downloads` }, on: { click: save } }),
    status,
  ]);
}

/**
 * The media part of a message: the preview (image, video) or save button (file), then the full
 * address as text so the user always sees where it comes from.
 */
export function mediaElement(message, name, handlers) {
  const media = message.media || {};
  if (!media.url) return el('div', { class: 'media-missing', text: 'No address was given for this attachment.' });
  const preview = message.kind === 'image' ? imageElement(message, handlers)
    : message.kind === 'video' ? videoElement(message, handlers)
      : fileElement(message, name);
  return el('div', { class: `media ${message.kind}` }, [
    preview,
    el('span', { class: 'media-name', text: name }),
    // Mixin attachments are ids resolved by the backend, not addresses worth showing.
    media.url.startsWith('mixin-') ? null : el('span', { class: 'media-url', text: media.url }),
  ]);
}

/** The full-size image viewer (a dialog); Escape or the button closes it. */
export function createViewer() {
  const dialog = el('div', { class: 'viewer', attrs: { id: 'viewer', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Image', hidden: '' } });
  document.body.append(dialog);
  function close() {
    dialog.hidden = true;
    clear(dialog);
  }
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) close();
  });
  return {
    async open(message) {
      clear(dialog);
      const closeButton = el('button', { class: 'viewer-close', text: 'Close', attrs: { type: 'button', 'aria-label': 'Close the image' }, on: { click: close } });
      const caption = el('p', { class: 'viewer-caption', text: (message.media && message.media.url) || '' });
      const loading = el('span', { class: 'media-loading', text: 'Loading…' });
      dialog.append(closeButton, loading, caption);
      dialog.hidden = false;
      closeButton.focus();
      // Closed (or opened on another image) before the picture came: nothing to put in.
      try {
        const info = await call('prepare_media', { localId: message.local_id, thumb: false });
        if (!loading.isConnected) return;
        loading.replaceWith(el('img', { attrs: { src: info.src, alt: message.text || 'Image' } }));
        caption.textContent = `${formatSize(info.size)} · ${caption.textContent}`;
      } catch (e) {
        if (loading.isConnected) loading.replaceWith(el('span', { class: 'media-error', text: `The image could not be loaded: ${e.message}` }));
      }
    },
  };
}
