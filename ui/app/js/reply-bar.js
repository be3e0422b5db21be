// The message being replied to, above the composer: "Replying to Ada Bot: first line" with a
// button (and Escape in the composer) to cancel. Each room keeps its own, so a reply chosen in
// one order chat never goes out in another. The backend decides how the reply is carried
// (the service's quote field, or a quoted first line: crates/core/src/quote.rs).

import { el, byId } from './dom.js';

/** Characters of the answered message shown in the bar (the backend quotes its own length). */
const SHOWN_CHARS = 120;

/** The one-line summary of `message` shown in the bar. */
export function replySummary(message) {
  const who = message.own ? 'yourself' : message.sender_name || message.sender_id;
  const line = String(message.text || '').split('\n').map((l) => l.trim()).find(Boolean)
    || (message.kind && message.kind !== 'text' ? `[${message.kind}]` : '');
  const shown = line.length > SHOWN_CHARS ? `${line.slice(0, SHOWN_CHARS - 1)}…` : line;
  return { who, line: shown };
}

export function createReplyBar() {
  const form = byId('composer');
  const input = byId('composer-input');
  const label = el('span', { class: 'reply-text', attrs: { id: 'reply-text' } });
  const cancel = el('button', { class: 'reply-cancel', text: '✕', attrs: { type: 'button', 'aria-label': 'Cancel the reply', title: 'Cancel the reply (Escape)' } });
  const bar = el('div', { class: 'reply-bar', attrs: { id: 'reply-bar', role: 'status' }, hidden: true }, [label, cancel]);
  form.prepend(bar);
  /** roomKey -> the message replied to. */
  const chosen = new Map();
  let room = null;

  function draw() {
    const message = room ? chosen.get(room) : null;
    bar.hidden = !message;
    if (message) {
      const { who, line } = replySummary(message);
      label.textContent = `Replying to ${who}: ${line}`;
      input.setAttribute('aria-describedby', 'reply-text');
    } else {
      label.textContent = '';
      input.removeAttribute('aria-describedby');
    }
  }
  function clear() {
    if (room) chosen.delete(room);
    draw();
  }
  cancel.addEventListener('click', () => {
    clear();
    input.focus();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !bar.hidden) {
      event.preventDefault();
      event.stopPropagation();
      clear();
    }
  });

  return {
    /** Shows the reply chosen in room `key` (the open room changed). */
    setRoom(key) {
      if (key === room) return;
      room = key;
      draw();
    },
    /** Replies to `message` in room `key` (the open one) and puts the cursor in the composer. */
    replyTo(key, message) {
      chosen.set(key, message);
      room = key;
      draw();
      input.focus();
    },
    /** The open room's message being replied to, or null. */
    current: () => (room ? chosen.get(room) || null : null),
    clear,
  };
}
