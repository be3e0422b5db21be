// The composer: Enter sends, Shift+Enter breaks the line. The backend stores the message as
// pending first, so what is typed offline is never lost.

import { byId } from './dom.js';

export function createComposer({ onSend }) {
  const form = byId('composer');
  const input = byId('composer-input');
  const button = byId('send');
  const error = byId('composer-error');

  async function submit() {
    const text = input.value;
    if (!text.trim()) return;
    error.textContent = '';
    button.disabled = true;
    try {
      await onSend(text);
      input.value = '';
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
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });

  return {
    /** Enables the composer when a room is open. */
    setRoom(title) {
      const enabled = Boolean(title);
      input.disabled = !enabled;
      button.disabled = !enabled;
      input.setAttribute('aria-label', enabled ? `Message to ${title}` : 'Message');
      if (!enabled) error.textContent = '';
    },
  };
}
