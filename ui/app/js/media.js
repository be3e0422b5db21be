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

/** Pictures up to this size replace a small preview in the timeline (a payment screenshot). */
const SHARPEN_UP_TO_BYTES = 8 * 1024 * 1024;
/** A preview narrower than this is too small to read. */
const SMALL_PREVIEW_PX = 240;

/**
 * A preview too small to read (Mixin's are about 96 px) is replaced by the picture itself,
 * when it is not huge; a failure keeps the preview.
 */
async function sharpen(message, img) {
  const size = message.media && message.media.size;
  if (img.dataset.full || !img.naturalWidth || img.naturalWidth >= SMALL_PREVIEW_PX) return;
  if (Number.isFinite(size) && size > SHARPEN_UP_TO_BYTES) return;
  img.dataset.full = '1';
  try {
    const info = await call('prepare_media', { localId: message.local_id, thumb: false });
    if (img.isConnected && info.size <= SHARPEN_UP_TO_BYTES) img.src = info.src;
  } catch {
    // The preview stays.
  }
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
      img.addEventListener('load', () => {
        keepBottom(slot, img);
        sharpen(message, img);
      });
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
  // A file of this computer on its way up has no address yet: its name and size, no error.
  if (!media.url && media.local_path) return el('div', { class: `media ${message.kind} outgoing` }, [el('span', { class: 'media-name', text: name })]);
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

/** Zoom steps of the viewer; "fit" shows the whole picture in the window. */
const ZOOMS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4];

/** What the viewer's caption says of an image: its name, else its text; never an internal id. */
export function imageCaption(message) {
  const media = message.media || {};
  if (media.name) return media.name;
  if (message.text) return message.text;
  return media.url && /^https?:/i.test(media.url) ? media.url : 'Image';
}

/**
 * The full-size image viewer (a dialog): fit or zoom (buttons, + and -, 0 to fit, 1 for actual
 * size, Ctrl+wheel), save to Downloads, copy the picture, Escape or Close. The toolbar sits
 * above the picture, so no button ever covers it or another control.
 */
export function createViewer({ copyImage = copyPicture } = {}) {
  const dialog = el('div', { class: 'viewer', attrs: { id: 'viewer', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Image', hidden: '' } });
  document.body.append(dialog);
  /** null: fit to the window; else a scale of the natural size. */
  let zoom = null;
  let img = null;
  let zoomLabel = null;
  let stage = null;
  let status = null;

  function close() {
    dialog.hidden = true;
    clear(dialog);
    img = null;
  }

  function applyZoom() {
    if (!img || !stage) return;
    stage.classList.toggle('fit', zoom === null);
    if (zoom === null) {
      img.style.width = '';
      img.style.height = '';
    } else {
      img.style.width = `${Math.round(img.naturalWidth * zoom)}px`;
      img.style.height = `${Math.round(img.naturalHeight * zoom)}px`;
    }
    if (zoomLabel) zoomLabel.textContent = zoom === null ? 'Fit' : `${Math.round(zoom * 100)}%`;
  }

  /** The scale the picture has when fitted (for stepping from "fit"). */
  function fittedScale() {
    if (!img || !img.naturalWidth || !img.clientWidth) return 1;
    return img.clientWidth / img.naturalWidth;
  }

  function step(direction) {
    const from = zoom === null ? fittedScale() : zoom;
    const next = direction > 0 ? ZOOMS.find((z) => z > from + 0.001) : [...ZOOMS].reverse().find((z) => z < from - 0.001);
    zoom = next ?? from;
    applyZoom();
  }

  function setZoom(value) {
    zoom = value;
    applyZoom();
  }

  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
    else if (event.ctrlKey || event.metaKey || event.altKey) return;
    else if (event.key === '+' || event.key === '=') step(1);
    else if (event.key === '-') step(-1);
    else if (event.key === '0') setZoom(null);
    else if (event.key === '1') setZoom(1);
    else return;
    event.preventDefault();
  });
  dialog.addEventListener('wheel', (event) => {
    if (!event.ctrlKey) return;
    event.preventDefault();
    step(event.deltaY < 0 ? 1 : -1);
  }, { passive: false });
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog || event.target === stage) close();
  });

  return {
    async open(message) {
      clear(dialog);
      zoom = null;
      img = null;
      const tool = (text, label, action) => el('button', { class: 'viewer-tool', text, attrs: { type: 'button', 'aria-label': label, title: label }, on: { click: action } });
      zoomLabel = el('span', { class: 'viewer-zoom', text: 'Fit', attrs: { 'aria-live': 'polite' } });
      status = el('span', { class: 'viewer-status', attrs: { role: 'status' } });
      const closeButton = tool('Close', 'Close the image (Escape)', close);
      closeButton.classList.add('viewer-close');
      const toolbar = el('div', { class: 'viewer-toolbar', attrs: { role: 'toolbar', 'aria-label': 'Image tools' } }, [
        tool('−', 'Zoom out (-)', () => step(-1)),
        zoomLabel,
        tool('+', 'Zoom in (+)', () => step(1)),
        tool('Fit', 'Fit to the window (0)', () => setZoom(null)),
        tool('100%', 'Actual size (1)', () => setZoom(1)),
        tool('Save', 'Save to Downloads', async () => {
          status.textContent = 'Saving…';
          try {
            status.textContent = `Saved to ${await call('save_media', { localId: message.local_id })}`;
          } catch (e) {
            status.textContent = `Not saved: ${e.message}`;
          }
        }),
        tool('Copy', 'Copy the picture', async () => {
          status.textContent = (await copyImage(img)) ? 'Picture copied.' : 'The clipboard refused the picture.';
        }),
        status,
        closeButton,
      ]);
      const caption = el('p', { class: 'viewer-caption', text: imageCaption(message) });
      const loading = el('span', { class: 'media-loading', text: 'Loading…' });
      stage = el('div', { class: 'viewer-stage fit' }, [loading]);
      dialog.append(toolbar, stage, caption);
      dialog.hidden = false;
      closeButton.focus();
      // Closed (or opened on another image) before the picture came: nothing to put in.
      try {
        const info = await call('prepare_media', { localId: message.local_id, thumb: false });
        if (!loading.isConnected) return;
        img = el('img', { attrs: { src: info.src, alt: message.text || 'Image' } });
        img.addEventListener('load', applyZoom);
        loading.replaceWith(img);
        caption.textContent = `${formatSize(info.size)} · ${caption.textContent}`;
      } catch (e) {
        if (loading.isConnected) loading.replaceWith(el('span', { class: 'media-error', text: `The image could not be loaded: ${e.message}` }));
      }
    },
  };
}

/** Puts the picture shown in `img` on the clipboard as a PNG; whether it worked. */
async function copyPicture(img) {
  try {
    if (!img || !navigator.clipboard || typeof ClipboardItem !== 'function') return false;
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    canvas.getContext('2d').drawImage(img, 0, 0);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) return false;
    await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
    return true;
  } catch {
    return false;
  }
}
