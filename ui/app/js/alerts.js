// The notifications panel: trade alerts, new posts, notifications and live sessions, messages
// that were shown on the desktop and orders about to time out, newest first, high priority
// marked. An entry about a room opens it (and its message); *Clear all* empties the panel. The
// backend keeps the backlog, so a reload loses nothing.

import { el, clear, byId } from './dom.js';
import { clockTime } from './time.js';
import { roomKey } from './state.js';

const KIND_LABELS = {
  trade: 'Trade alert',
  post: 'New post',
  notification: 'Notification',
  session_started: 'Live session',
  session_ended: 'Live session',
  message: 'Message',
};

/**
 * `onOpenEntry(alert)` opens the room (and message) an entry is about; `onClear()` empties the
 * backend's backlog.
 */
export function createAlertsPanel({ onClose = () => {}, onOpenEntry = () => {}, onClear = async () => {} } = {}) {
  const dialog = byId('alerts-panel');
  const list = byId('alert-list');
  const button = byId('open-alerts');
  const clearAll = byId('clear-alerts');
  const said = byId('alerts-status');
  /** The state last drawn, for Clear all. */
  let shownState = null;
  clearAll.addEventListener('click', async () => {
    clearAll.disabled = true;
    try {
      await onClear();
      if (shownState) {
        shownState.alerts = [];
        shownState.unseenAlerts = 0;
        api.render(shownState);
      }
      said.textContent = 'Cleared.';
      byId('close-alerts').focus();
    } catch (e) {
      said.textContent = e.message;
      clearAll.disabled = false;
    }
  });

  function close() {
    dialog.hidden = true;
    onClose();
  }
  byId('close-alerts').addEventListener('click', close);
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  const api = {
    isOpen: () => !dialog.hidden,
    open() {
      dialog.hidden = false;
      byId('close-alerts').focus();
    },
    /** Redraws the list and the sidebar button's count. */
    render(state) {
      const unseen = state.unseenAlerts;
      button.textContent = unseen ? `Notifications (${unseen})` : 'Notifications';
      button.setAttribute('aria-label', unseen ? `Notifications, ${unseen} new` : 'Notifications');
      shownState = state;
      clearAll.disabled = state.alerts.length === 0;
      if (dialog.hidden) return;
      clear(list);
      if (state.alerts.length === 0) list.append(el('li', { class: 'empty', text: 'No notifications.' }));
      for (const alert of [...state.alerts].reverse()) {
        const account = state.accounts.get(alert.account);
        const high = /^(high|urgent|critical)$/i.test(alert.priority || '');
        const parts = [
          el('div', { class: 'alert-meta' }, [
            el('span', { class: 'alert-kind', text: KIND_LABELS[alert.kind] || alert.kind }),
            high ? el('span', { class: 'alert-priority', text: 'High priority' }) : null,
            el('span', { text: account ? account.display_name : alert.account }),
            el('time', { text: clockTime(alert.ts_ms), attrs: { datetime: new Date(alert.ts_ms).toISOString() } }),
          ]),
          el('div', { class: 'alert-title', text: alert.title }),
          alert.body ? el('div', { class: 'alert-body', text: alert.body }) : null,
        ];
        // An entry about a room of an account still here opens it.
        const opens = typeof alert.room === 'string' && state.rooms.has(roomKey(alert.account, alert.room));
        list.append(el('li', { class: `alert alert-${alert.kind}${high ? ' high' : ''}` }, opens
          ? [el('button', {
            class: 'alert-open',
            attrs: { type: 'button', title: 'Open this in its room' },
            on: { click: () => { close(); onOpenEntry(alert); } },
          }, parts)]
          : parts));
      }
    },
  };
  return api;
}
