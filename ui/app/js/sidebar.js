// The sidebar: each account with its connection dot, and its rooms with unread badges.

import { el, replaceIfChanged } from './dom.js';
import { roomKey, describeState } from './state.js';
import { drafts } from './drafts.js';
import { previewLine, previewTime, byActivity } from './room-preview.js';
import { healthLine } from './health-view.js';

function dotClass(state) {
  return `dot dot-${state ? state.state : 'unknown'}`;
}

export function renderSidebar(target, state, { onOpenRoom }) {
  const container = document.createDocumentFragment();
  if (state.accounts.size === 0) {
    container.append(el('p', { class: 'empty', text: 'No accounts yet. Add one in Settings.' }));
  }
  for (const account of state.accounts.values()) {
    const status = describeState(account.state, Date.now(), account.stateSince);
    const health = healthLine(state.health && state.health.get(account.id));
    const rooms = byActivity([...state.rooms.values()].filter((r) => r.account === account.id));
    container.append(el('section', { class: 'account', attrs: { 'aria-label': account.display_name } }, [
      el('div', { class: 'account-header', attrs: { title: health ? `${status}\n${health}` : status } }, [
        el('span', { class: dotClass(account.state), attrs: { role: 'img', 'aria-label': status } }),
        el('div', { class: 'account-labels' }, [
          el('div', { class: 'account-name', text: account.display_name }),
          el('div', { class: 'service', text: account.demo ? `Demo · ${account.service_label}` : account.service_label }),
        ]),
      ]),
      el('ul', { class: 'rooms' }, rooms.map((room) => {
        const key = roomKey(room.account, room.room);
        const unread = room.unread || 0;
        // A room left with something typed in it says so (the open room shows its own text).
        const draft = state.openRoom !== key && drafts.has(key);
        // The name comes from what is shown ("Order 42, 3 unread"), so speech and sight agree.
        return el('li', {}, [
          el('button', {
            class: `room${state.openRoom === key ? ' open' : ''}`,
            attrs: { type: 'button', 'aria-current': state.openRoom === key ? 'true' : false, 'data-room': key, 'data-title': room.title },
            on: { click: () => onOpenRoom(key) },
          }, [
            el('span', { class: 'room-lines' }, [
              el('span', { class: 'room-title-line' }, [
                el('span', { class: 'room-title', text: room.title }),
                room.last_ts_ms ? el('span', { class: 'visually-hidden', text: ', ' }) : null,
                room.last_ts_ms ? el('span', { class: 'room-time', text: previewTime(room.last_ts_ms) }) : null,
              ]),
              previewLine(room) ? el('span', { class: 'visually-hidden', text: ', ' }) : null,
              previewLine(room) ? el('span', { class: 'room-preview', text: previewLine(room) }) : null,
            ]),
            draft ? el('span', { class: 'visually-hidden', text: ', ' }) : null,
            draft ? el('span', { class: 'draft-mark', text: 'Draft' }) : null,
            unread ? el('span', { class: 'visually-hidden', text: ', ' }) : null,
            unread ? el('span', { class: 'badge', text: unread > 99 ? '99+' : unread }) : null,
            unread ? el('span', { class: 'visually-hidden', text: ' unread' }) : null,
          ]),
        ]);
      })),
    ]));
  }
  replaceIfChanged(target, container);
  // A room that opens (the first room of an account just added) is scrolled into the list's
  // view, never left under the buttons below it.
  const open = state.openRoom || '';
  if (target.dataset.shownOpen !== open) {
    target.dataset.shownOpen = open;
    const button = target.querySelector('.room.open');
    if (button && button.scrollIntoView) button.scrollIntoView({ block: 'nearest' });
  }
}
