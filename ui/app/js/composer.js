// The composer: Enter sends, Shift+Enter breaks the line. In rooms whose service carries media
// (MEXC order chats) it can also send an image, video or file by address. The backend stores
// the message as pending first, so what is typed offline is never lost.

import { byId } from './dom.js';

const KIND_NAMES = { image: 'image', video: 'video', file: 'file' };

/** Services whose documented message size limit the composer checks before sending. */
export const MAX_MESSAGE_BYTES = { realtime: 64 * 1024 };
/** Room for the JSON around the text in the service's frame. */
const FRAME_OVERHEAD = 128;

/** Refuses a text the service would refuse for its size; returns an error message or null. */
export function validateSize(service, text) {
  const limit = MAX_MESSAGE_BYTES[service];
  if (!limit) return null;
  const bytes = new TextEncoder().encode(text).length;
  if (bytes + FRAME_OVERHEAD <= limit) return null;
  return `This message is ${Math.ceil(bytes / 1024)} KB; the service takes at most ${limit / 1024} KB. Shorten it or split it.`;
}

/** The wait in a rate-limit refusal ("…you can send again in 12 s"), in seconds, or null. */
export function rateLimitWait(message) {
  const found = /send again in (\d+) s/.exec(message || '');
  return found ? Number(found[1]) : null;
}

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

export function createComposer({ onSend, onTyping = () => {} }) {
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

  let service = null;
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
    if (service !== 'realtime' || !input.value) return;
    const now = Date.now();
    if (!typingSince || now - typingSince > TYPING_REFRESH_MS) {
      typingSince = now;
      onTyping(true);
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
  });

  let pausedUntil = 0;
  let pauseTimer = null;
  function showPause() {
    const left = Math.ceil((pausedUntil - Date.now()) / 1000);
    if (left <= 0) {
      clearInterval(pauseTimer);
      pauseTimer = null;
      button.disabled = input.disabled;
      error.textContent = '';
      return;
    }
    button.disabled = true;
    error.textContent = `Sending paused: this service takes at most 100 messages a minute. You can send again in ${left} s.`;
  }
  function pause(seconds) {
    pausedUntil = Date.now() + seconds * 1000;
    clearInterval(pauseTimer);
    pauseTimer = setInterval(showPause, 1000);
    showPause();
  }

  async function submit() {
    const text = input.value;
    const chosen = attach.hidden ? 'text' : kind.value;
    const problem = validateAttachment(chosen, url.value);
    if (problem) {
      error.textContent = problem;
      (chosen === 'text' ? input : url).focus();
      return;
    }
    if (chosen === 'text' && !text.trim()) return;
    const tooBig = validateSize(service, text);
    if (tooBig) {
      error.textContent = tooBig;
      input.focus();
      return;
    }
    if (Date.now() < pausedUntil) return;
    stopTyping();
    const attachment = chosen === 'text' ? null : { kind: chosen, url: url.value.trim(), thumb_url: null };
    error.textContent = '';
    button.disabled = true;
    try {
      await onSend(text, attachment);
      input.value = '';
      url.value = '';
      kind.value = 'text';
      showKind();
    } catch (e) {
      error.textContent = e.message;
      const wait = rateLimitWait(e.message);
      if (wait) pause(wait);
    } finally {
      button.disabled = Date.now() < pausedUntil;
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
    /** Enables the composer when a room is open; `media` shows the attachment choice. */
    setRoom(title, { media = false, service: roomService = null } = {}) {
      const enabled = Boolean(title);
      if (roomService !== service) stopTyping();
      service = roomService;
      input.disabled = !enabled;
      button.disabled = !enabled || Date.now() < pausedUntil;
      input.setAttribute('aria-label', enabled ? `Message to ${title}` : 'Message');
      if (attach.hidden === media) {
        attach.hidden = !media;
        kind.value = 'text';
        showKind();
      }
      if (!enabled) error.textContent = '';
    },
  };
}
