// Attaching a file from this computer: the 📎 button (a file picker), a file dropped on the
// timeline or the composer, or an image pasted into the message. Where the account uploads
// files (capability file_upload: Mixin bots) the file waits in a chip above the message box
// (name, size, "photo" or "file" for an image, likewise for a voice note or a video, ✕ to drop it) and goes out with the message's
// text as its caption, the bytes sent once, as the request's body (send_file). Where the
// account sends media by address (MEXC) the button opens the address fields instead; where it
// takes no media at all, the button says so in its tooltip.

import { el, clear, byId } from './dom.js';
import { callWithBytes } from './ipc.js';
import { NO_CAPABILITIES } from './capabilities.js';
import { formatSize } from './media.js';

/** The largest file sent (the backend refuses more too: media/outgoing.rs). */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** Why `file` cannot be sent, or null. */
export function fileProblem(file) {
  if (!file) return 'Choose a file.';
  if (file.size === 0) return `${file.name || 'This file'} is empty.`;
  if (file.size > MAX_FILE_BYTES) return `${file.name || 'This file'} is ${formatSize(file.size)}; at most ${formatSize(MAX_FILE_BYTES)} can be sent.`;
  return null;
}

const CAPTION_PLACEHOLDER = 'Caption (optional) — Enter sends the file';

const isImage = (file) => /^image\/(png|jpe?g|gif|webp)$/i.test(file.type || '');

/**
 * How a file can go other than as a file, and whether that is the default: a photo (with a
 * preview made in Rust), a voice message (Ogg Opus; other audio goes as a file), a video (MP4 or
 * QuickTime, its size and length read from its boxes in Rust; one that does not say them, and
 * WebM, go as files).
 */
function mediaChoice(file) {
  const type = file.type || '';
  if (isImage(file)) return { label: 'as a photo', byDefault: true };
  if (/^audio\/ogg$/i.test(type)) return { label: 'as a voice message (Ogg Opus)', byDefault: true };
  if (/^video\/(mp4|quicktime)$/i.test(type)) return { label: 'as a video', byDefault: true };
  return null;
}

/** The file's bytes (FileReader where Blob.arrayBuffer is missing). */
function readBytes(file) {
  if (typeof file.arrayBuffer === 'function') return file.arrayBuffer();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Error(`${file.name || 'The file'} could not be read`));
    reader.readAsArrayBuffer(file);
  });
}

/** Sends `file` with `caption` to `room` as a photo or a file: the bytes as the body. */
export async function sendFile(room, file, sendAs, caption) {
  const bytes = new Uint8Array(await readBytes(file));
  const headers = {
    'x-account': encodeURIComponent(room.account),
    'x-room': encodeURIComponent(room.room),
    'x-name': encodeURIComponent(file.name || 'file'),
    'x-send-as': sendAs,
    'x-caption': encodeURIComponent(caption || ''),
  };
  return callWithBytes('send_file', bytes, headers);
}

export function createAttach({ roomOf }) {
  const form = byId('composer');
  const input = byId('composer-input');
  const error = byId('composer-error');
  const button = byId('attach-file');
  const picker = byId('attach-input');
  const kind = byId('composer-kind');
  const chip = el('div', { class: 'attach-chip', attrs: { id: 'attach-chip', role: 'group', 'aria-label': 'File to send' }, hidden: true });
  form.prepend(chip);
  /** roomKey -> {file, sendAs}: each room keeps the file chosen in it. */
  const chosen = new Map();
  let key = null;
  let can = NO_CAPABILITIES;

  function draw() {
    const pick = key ? chosen.get(key) : null;
    chip.hidden = !pick;
    clear(chip);
    if (!pick) {
      if (input.placeholder === CAPTION_PLACEHOLDER) input.placeholder = 'Write a message… (Enter sends, Shift+Enter for a new line)';
      return;
    }
    const { file } = pick;
    chip.append(el('span', { class: 'attach-name', text: `${file.name || 'file'} (${formatSize(file.size)})` }));
    // Being handed over: it is on its way (Cancel is then on its bubble), nothing to change here.
    if (pick.sending) {
      chip.append(el('span', { class: 'attach-sending', text: 'Sending…', attrs: { role: 'status' } }));
      return;
    }
    const media = mediaChoice(file);
    if (media) {
      const select = el('select', { attrs: { 'aria-label': 'Send as' } }, [
        el('option', { attrs: { value: 'photo' }, text: media.label }),
        el('option', { attrs: { value: 'file' }, text: 'as a file (exact bytes, no preview)' }),
      ]);
      select.value = pick.sendAs;
      select.addEventListener('change', () => { pick.sendAs = select.value; });
      chip.append(select);
    }
    chip.append(el('button', {
      class: 'reply-cancel',
      text: '✕',
      attrs: { type: 'button', 'aria-label': `Do not send ${file.name || 'the file'}` },
      on: { click: () => { chosen.delete(key); draw(); input.focus(); } },
    }));
    input.placeholder = CAPTION_PLACEHOLDER;
  }

  /** Takes `file` for the open room, or says why not. */
  function take(file) {
    if (!key) return;
    if (!can.file_upload) {
      error.textContent = can.media_by_url
        ? 'This service takes no uploads: send an image, video or file by its address (choose it next to the message box).'
        : 'This service takes text only: files cannot be sent here.';
      return;
    }
    const problem = fileProblem(file);
    if (problem) {
      error.textContent = problem;
      return;
    }
    error.textContent = '';
    chosen.set(key, { file, sendAs: mediaChoice(file)?.byDefault ? 'photo' : 'file' });
    draw();
    input.focus();
  }

  button.addEventListener('click', () => {
    if (can.file_upload) picker.click();
    else if (can.media_by_url) {
      if (kind.value === 'text') {
        kind.value = 'image';
        kind.dispatchEvent(new Event('change'));
      }
      kind.focus();
    } else error.textContent = button.title;
  });
  picker.addEventListener('change', () => {
    const file = picker.files && picker.files[0];
    picker.value = '';
    if (file) take(file);
  });
  // Dropping a file on the timeline or the composer; pasting an image into the message.
  for (const zone of [byId('timeline'), form]) {
    zone.addEventListener('dragover', (event) => {
      if (!key || !event.dataTransfer || ![...(event.dataTransfer.types || [])].includes('Files')) return;
      event.preventDefault();
      zone.classList.add('drop-target');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('drop-target'));
    zone.addEventListener('drop', (event) => {
      zone.classList.remove('drop-target');
      const file = event.dataTransfer && event.dataTransfer.files && event.dataTransfer.files[0];
      if (!file) return;
      event.preventDefault();
      take(file);
    });
  }
  input.addEventListener('paste', (event) => {
    const file = event.clipboardData && event.clipboardData.files && event.clipboardData.files[0];
    if (!file) return;
    event.preventDefault();
    take(file);
  });

  return {
    /** The open room changed (its key and its account's capabilities). */
    setRoom(roomKey, capabilities = NO_CAPABILITIES) {
      key = roomKey;
      can = capabilities;
      button.hidden = !roomKey;
      button.setAttribute('aria-disabled', String(!can.file_upload && !can.media_by_url));
      button.title = can.file_upload
        ? 'Attach a photo or a file (or drop it here, or paste an image)'
        : can.media_by_url
          ? 'Send an image, video or file by its address (this service has no upload)'
          : 'This service takes text only: no attachments';
      draw();
    },
    /** The file waiting in room `roomKey`, or null. */
    chosen: (roomKey) => chosen.get(roomKey) || null,
    /** Sends room `roomKey`'s file with `caption`; the chip goes once the backend has it. */
    async send(roomKey, caption) {
      const pick = chosen.get(roomKey);
      const room = roomOf(roomKey);
      if (!pick || !room) return null;
      pick.sending = true;
      chip.classList.add('sending');
      if (roomKey === key) draw();
      try {
        const sent = await sendFile(room, pick.file, pick.sendAs, caption);
        // A file dropped meanwhile is the next one: it stays.
        if (chosen.get(roomKey) === pick) chosen.delete(roomKey);
        return sent;
      } finally {
        pick.sending = false;
        chip.classList.remove('sending');
        if (roomKey === key) draw();
      }
    },
  };
}
