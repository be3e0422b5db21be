// The composer: Enter sends, Shift+Enter breaks the line. In rooms whose service carries media
// (MEXC order chats) it can also send an image, video or file by address. The backend stores
// the message as pending first, so what is typed offline is never lost.

import { byId } from './dom.js';

const KIND_NAMES = { image: 'image', video: 'video', file: 'file' };

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

export function createComposer({ onSend }) {
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
    /** Enables the composer when a room is open; `media` shows the attachment choice. */
    setRoom(title, { media = false } = {}) {
      const enabled = Boolean(title);
      input.disabled = !enabled;
      button.disabled = !enabled;
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
