// "Show details" of a message: where it is, its ids (the service's and Parley's), its times
// (as shown, in UTC, and exactly as the server sent it) and its delivery state, with a way to
// copy them all and to open the frame inspector filtered to this message's id, where the raw
// frame that carried it can be read. Everything shown is text.

import { el, clear } from './dom.js';

const STATES = { pending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Failed' };

/** The details of `message` as [label, value] pairs, empty values left out. */
export function detailRows(message, { accountName = '', roomTitle = '' } = {}) {
  const sender = message.own ? 'You' : message.sender_name || message.sender_id;
  const when = new Date(message.ts_ms);
  const rows = [
    ['Account', accountName ? `${accountName} (${message.account})` : message.account],
    ['Room', roomTitle && roomTitle !== message.room ? `${roomTitle} (${message.room})` : message.room],
    ['Sender', sender === message.sender_id ? sender : `${sender} (${message.sender_id})`],
    ['Kind', message.kind],
    ['Service message id', message.id || 'none yet'],
    ['Parley message id', String(message.local_id)],
    ['Time', Number.isFinite(message.ts_ms) ? `${when.toLocaleString()} (${when.toISOString()})` : ''],
    ['Server time', message.ts_raw],
    ['State', message.own ? STATES[message.state] || message.state : ''],
    ['Why it failed', message.state === 'failed' ? message.error || 'unknown error' : ''],
    ['Media address', message.media && message.media.url],
  ];
  return rows.filter(([, value]) => value !== undefined && value !== null && value !== '');
}

/**
 * The details dialog. `describe(message)` gives the account's and room's names;
 * `onShowFrames(message)` opens the inspector at it (offered when the message has a service id).
 */
export function createMessageDetails({ describe = () => ({}), onShowFrames, copy }) {
  const title = el('h2', { text: 'Message details', attrs: { id: 'message-details-title' } });
  const list = el('dl', { class: 'details-list' });
  const status = el('p', { class: 'help', attrs: { role: 'status' } });
  const tools = el('div', { class: 'details-tools' });
  const closeButton = el('button', { text: 'Close', attrs: { type: 'button', 'aria-label': 'Close the message details' } });
  const dialog = el('section', {
    class: 'message-details',
    attrs: { id: 'message-details', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'message-details-title', hidden: '' },
  }, [el('div', { class: 'settings-panel' }, [
    el('header', { class: 'settings-header' }, [title, closeButton]),
    list, tools, status,
  ])]);
  document.body.append(dialog);
  let returnTo = null;

  function close() {
    if (dialog.hidden) return;
    dialog.hidden = true;
    const target = returnTo;
    returnTo = null;
    // Focused after the window behind the dialog stops being inert: dialog-focus.js lifts it on
    // the same `hidden` change, in the observer's microtask queued before this one.
    queueMicrotask(() => {
      if (target && target.isConnected) target.focus();
    });
  }
  closeButton.addEventListener('click', close);
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });

  return {
    open(message, from = document.activeElement) {
      returnTo = from;
      const rows = detailRows(message, describe(message));
      clear(list);
      clear(tools);
      status.textContent = '';
      for (const [label, value] of rows) list.append(el('dt', { text: label }), el('dd', { text: value }));
      tools.append(el('button', {
        text: 'Copy details',
        attrs: { type: 'button' },
        on: {
          click: async () => {
            const ok = await copy(rows.map(([label, value]) => `${label}: ${value}`).join('\n'));
            status.textContent = ok ? 'Copied.' : 'The clipboard refused the text.';
          },
        },
      }));
      if (message.id && onShowFrames) {
        tools.append(el('button', {
          text: 'Show its frames in the inspector',
          attrs: { type: 'button' },
          on: {
            click: () => {
              returnTo = null;
              dialog.hidden = true;
              onShowFrames(message);
            },
          },
        }));
      }
      dialog.hidden = false;
      closeButton.focus();
    },
    close,
    isOpen: () => !dialog.hidden,
  };
}
