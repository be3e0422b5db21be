// The composer: Enter sends, Shift+Enter breaks the line. In rooms whose account can send media
// by address (capability media_by_url) it can also send an image, video or file that way. The
// backend stores the message as pending first, so what is typed offline is never lost. Each
// room has its own draft (drafts.js): opening another room puts the text away and brings that
// room's back, and a message goes to the room it was written in.

import { byId } from './dom.js';
import { NO_CAPABILITIES } from './capabilities.js';
import { drafts as pageDrafts } from './drafts.js';

const KIND_NAMES = { image: 'image', video: 'video', file: 'file' };

/** "64 KB" (whole from 10 KB), "1.5 KB" or "900 bytes". */
function size(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  const kb = bytes / 1024;
  if (kb >= 10) return `${Math.round(kb)} KB`;
  return `${Number.isInteger(kb) ? kb : kb.toFixed(1)} KB`;
}

/**
 * Refuses a text the service would refuse for its size (`maxBytes`, the account's
 * max_message_bytes: the longest text, in UTF-8 bytes; null: no limit); returns an error
 * message or null.
 */
export function validateSize(maxBytes, text) {
  if (!maxBytes) return null;
  const bytes = new TextEncoder().encode(text).length;
  if (bytes <= maxBytes) return null;
  return `This message is ${Math.ceil(bytes / 1024)} KB; the service takes at most ${size(maxBytes)}. Shorten it or split it.`;
}

/** A draft is saved this long after the last key (and at once when the room changes). */
const DRAFT_SAVE_MS = 400;
/** Typing updates go out at most this often while the user keeps typing… */
const TYPING_REFRESH_MS = 3000;
/** …and "stopped typing" after this long without a key. */
const TYPING_IDLE_MS = 4000;

/** Checks an attachment before sending; returns an error message or null. */
export function validateAttachment(kind, url) {
  if (kind === 'text') return null;
  const name = KIND_NAMES[kind];
  if (!name) return 'Choose what to send.';
  const address = url.trim();
  if (!address) return `Enter the address of the ${name}: it is required.`;
  if (!/^https?:\/\/\S+$/i.test(address)) return 'The address must start with http:// or https:// and contain no spaces.';
  return null;
}

export function createComposer({ onSend, onTyping = () => {}, drafts = pageDrafts, onDraftChange = () => {}, files = null }) {
  const form = byId('composer');
  const input = byId('composer-input');
  const button = byId('send');
  const error = byId('composer-error');
  const attach = byId('composer-attach');
  const kind = byId('composer-kind');
  const url = byId('composer-url');

  function showKind() {
    url.hidden = kind.value === 'text';
    input.placeholder = kind.value === 'text'
      ? 'Write a message… (Enter sends, Shift+Enter for a new line)'
      : 'Caption (optional)';
    error.textContent = '';
  }
  kind.addEventListener('change', showKind);

  /** The room the composer writes to (its roomKey), whose draft the fields hold. */
  let roomKeyShown = null;
  /** Rooms with a send on its way: Enter again there sends nothing until it is back (a file can take seconds to hand over). */
  const sending = new Set();
  let draftTimer = null;
  function keepDraft() {
    clearTimeout(draftTimer);
    draftTimer = null;
    if (!roomKeyShown) return;
    const draft = { text: input.value, kind: attach.hidden ? 'text' : kind.value, url: url.value };
    if (drafts.set(roomKeyShown, draft)) onDraftChange();
  }
  for (const field of [input, url, kind]) {
    field.addEventListener(field === kind ? 'change' : 'input', () => {
      clearTimeout(draftTimer);
      draftTimer = setTimeout(keepDraft, DRAFT_SAVE_MS);
    });
  }
  window.addEventListener('pagehide', keepDraft);
  /** Shows the draft of the room `key` (empty fields when it has none). */
  function showDraft(key) {
    const draft = key ? drafts.get(key) : null;
    input.value = draft ? draft.text : '';
    url.value = draft ? draft.url : '';
    kind.value = draft && !attach.hidden ? draft.kind : 'text';
    showKind();
  }

  /** What the attach control was last told (it redraws only when this changes). */
  let filesKey;
  let filesCan;
  /** The open room's account's capabilities (capabilities.js). */
  let can = NO_CAPABILITIES;
  let typingSince = 0;
  let typingIdle = null;
  function stopTyping() {
    clearTimeout(typingIdle);
    typingIdle = null;
    if (typingSince) {
      typingSince = 0;
      onTyping(false);
    }
  }
  input.addEventListener('input', () => {
    if (!can.typing || !input.value) return;
    const now = Date.now();
    if (!typingSince || now - typingSince > TYPING_REFRESH_MS) {
      typingSince = now;
      onTyping(true);
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
  });

  /** A file chosen in this room (attach.js) goes out with the text as its caption. */
  async function submitFile(text) {
    const from = roomKeyShown;
    stopTyping();
    error.textContent = '';
    button.disabled = true;
    // The caption goes with the file at once (handing a file over takes seconds): what is typed
    // meanwhile is a new message, and the room's draft no longer holds the caption.
    input.value = '';
    keepDraft();
    try {
      await files.send(from, text);
    } catch (e) {
      // Not sent: the caption comes back where it was, unless something was typed there since.
      if (roomKeyShown === from) {
        error.textContent = e.message;
        if (!input.value) input.value = text;
        keepDraft();
      } else if (from && !drafts.get(from)?.text) {
        if (drafts.set(from, { text, kind: 'text', url: '' })) onDraftChange();
      }
    } finally {
      button.disabled = false;
      input.focus();
    }
  }

  async function submit() {
    const from = roomKeyShown;
    if (sending.has(from)) return;
    sending.add(from);
    try {
      await submitNow();
    } finally {
      sending.delete(from);
    }
  }

  async function submitNow() {
    const text = input.value;
    if (files && roomKeyShown && files.chosen(roomKeyShown)) {
      await submitFile(text);
      return;
    }
    const chosen = attach.hidden ? 'text' : kind.value;
    const problem = validateAttachment(chosen, url.value);
    if (problem) {
      error.textContent = problem;
      (chosen === 'text' ? input : url).focus();
      return;
    }
    if (chosen === 'text' && !text.trim()) return;
    const tooBig = validateSize(can.max_message_bytes, text);
    if (tooBig) {
      error.textContent = tooBig;
      input.focus();
      return;
    }
    stopTyping();
    const attachment = chosen === 'text' ? null : { kind: chosen, url: url.value.trim(), thumb_url: null };
    error.textContent = '';
    button.disabled = true;
    // The message goes to the room it was written in, whatever is opened while it is sent.
    const from = roomKeyShown;
    try {
      await onSend(text, attachment, from);
      if (roomKeyShown === from) {
        // Cleared unless the user already typed on meanwhile.
        if (input.value === text) input.value = '';
        url.value = '';
        kind.value = 'text';
        showKind();
        keepDraft();
      } else if (from && drafts.get(from)?.text === text) {
        if (drafts.set(from, { text: '', kind: 'text', url: '' })) onDraftChange();
      }
    } catch (e) {
      if (roomKeyShown === from) error.textContent = e.message;
    } finally {
      button.disabled = false;
      input.focus();
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  for (const field of [input, url]) {
    field.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
  }

  return {
    /**
     * Enables the composer when a room is open. `capabilities` are its account's: media_by_url
     * shows the attachment choice, typing sends typing signals, max_message_bytes is the limit it
     * checks and explains (sends over messages_per_minute wait in the backend's outbox).
     */
    setRoom(title, capabilities = NO_CAPABILITIES, key = null) {
      const enabled = Boolean(title);
      const changed = key !== roomKeyShown;
      if (changed) {
        keepDraft();
        stopTyping();
      }
      if (capabilities.typing !== can.typing) stopTyping();
      can = capabilities;
      const media = can.media_by_url;
      input.disabled = !enabled;
      button.disabled = !enabled;
      input.setAttribute('aria-label', enabled ? `Message to ${title}` : 'Message');
      if (attach.hidden === media) {
        attach.hidden = !media;
        kind.value = 'text';
        showKind();
      }
      if (changed) {
        roomKeyShown = key;
        showDraft(key);
      }
      if (!enabled || changed) error.textContent = '';
      const fileKey = enabled ? key : null;
      if (files && (fileKey !== filesKey || capabilities !== filesCan)) {
        filesKey = fileKey;
        filesCan = capabilities;
        files.setRoom(fileKey, capabilities);
      }
    },
  };
}
