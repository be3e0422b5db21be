// Destructive actions ask first: removing an account or the Demo, deleting a room for everyone,
// leaving a room, removing an order chat. The button is replaced in place by the question with
// the action and Cancel (the focus goes to Cancel, the safe choice; Escape cancels), so one
// slip of the mouse never deletes history.

import { el } from './dom.js';

/**
 * A click handler for `button`-like actions: the first click asks `question`, the action runs
 * only when `confirmText` is clicked. `act()` may return a promise; a failure is left to it.
 */
export function askFirst({ question, confirmText, act }) {
  return (event) => {
    const button = event.currentTarget;
    if (!button || button.hidden) return;
    const cancel = el('button', { text: 'Cancel', attrs: { type: 'button' } });
    const confirm = el('button', { class: 'danger', text: confirmText, attrs: { type: 'button' } });
    const ask = el('span', { class: 'ask-first', attrs: { role: 'group', 'aria-label': question } }, [
      el('span', { class: 'ask-first-question', text: question }), confirm, cancel,
    ]);
    const restore = () => {
      ask.remove();
      button.hidden = false;
      button.focus();
    };
    cancel.addEventListener('click', restore);
    ask.addEventListener('keydown', (key) => {
      if (key.key === 'Escape') {
        key.preventDefault();
        key.stopPropagation();
        restore();
      }
    });
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      cancel.disabled = true;
      try {
        await act();
      } finally {
        if (ask.isConnected) restore();
      }
    });
    button.hidden = true;
    button.after(ask);
    cancel.focus();
  };
}
