// The notifications panel: trade alerts, new posts, notifications and live sessions, newest
// first, high priority marked. The backend keeps the backlog, so a reload loses nothing.

import { el, clear, byId } from './dom.js';
import { clockTime } from './time.js';

const KIND_LABELS = {
  trade: 'Trade alert',
  post: 'New post',
  notification: 'Notification',
  session_started: 'Live session',
  session_ended: 'Live session',
};

export function createAlertsPanel({ onClose = () => {} } = {}) {
  const dialog = byId('alerts-panel');
  const list = byId('alert-list');
  const button = byId('open-alerts');

  function close() {
    dialog.hidden = true;
    onClose();
  }
  byId('close-alerts').addEventListener('click', close);
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  return {
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
      if (dialog.hidden) return;
      clear(list);
      if (state.alerts.length === 0) list.append(el('li', { class: 'empty', text: 'Nothing yet.' }));
      for (const alert of [...state.alerts].reverse()) {
        const account = state.accounts.get(alert.account);
        const high = /^(high|urgent|critical)$/i.test(alert.priority || '');
        list.append(el('li', { class: `alert alert-${alert.kind}${high ? ' high' : ''}` }, [
          el('div', { class: 'alert-meta' }, [
            el('span', { class: 'alert-kind', text: KIND_LABELS[alert.kind] || alert.kind }),
            high ? el('span', { class: 'alert-priority', text: 'High priority' }) : null,
            el('span', { text: account ? account.display_name : alert.account }),
            el('time', { text: clockTime(alert.ts_ms), attrs: { datetime: new Date(alert.ts_ms).toISOString() } }),
          ]),
          el('div', { class: 'alert-title', text: alert.title }),
          alert.body ? el('div', { class: 'alert-body', text: alert.body }) : null,
        ]));
      }
    },
  };
}
