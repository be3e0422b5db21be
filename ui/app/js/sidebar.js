// The sidebar: each account with its connection dot, and its rooms with unread badges.

import { el } from './dom.js';
import { keepFocus } from './focus-keeper.js';
import { roomKey, describeState } from './state.js';
import { drafts } from './drafts.js';
import { previewLine, previewTime, byActivity } from './room-preview.js';
import { healthLine } from './health-view.js';
import { capabilitiesOf } from './capabilities.js';

function dotClass(state) {
  return `dot dot-${state ? state.state : 'unknown'}`;
}

/**
 * ↑ / ↓ (and Home / End) move between the rooms of the list, so a keyboard user walks the rooms
 * without tabbing through each one and the tools between them.
 */
export function installRoomKeys(target) {
  target.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const rooms = [...target.querySelectorAll('button.room')];
    const at = rooms.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rooms.length - 1 }[event.key];
    if (to === undefined || !rooms[to]) return;
    event.preventDefault();
    rooms[to].focus();
  });
}

/** What a sidebar container shows, kept between draws: account id → its drawn section. */
const drawnSidebars = new WeakMap();

/**
 * Draws the accounts and their rooms into `target`. Called on every batch of events, so it
 * touches only what changed: a room's label is redrawn when something it shows changed (a new
 * message, the open room, a draft, the unread count), an account's header when its status did,
 * and the rest is left as it is (with 200 rooms, rebuilding them all cost ~22 ms a draw).
 */
export function renderSidebar(target, state, { onOpenRoom, onBrowse = () => {} }) {
  let drawn = drawnSidebars.get(target);
  if (!drawn) {
    drawn = { sections: new Map(), empty: null, onOpenRoom, onBrowse };
    drawnSidebars.set(target, drawn);
    target.replaceChildren();
  }
  drawn.onOpenRoom = onOpenRoom;
  drawn.onBrowse = onBrowse;
  const roomsOf = new Map();
  for (const room of state.rooms.values()) {
    if (!roomsOf.has(room.account)) roomsOf.set(room.account, []);
    roomsOf.get(room.account).push(room);
  }
  keepFocus(target, () => {
    const shown = [];
    if (state.accounts.size === 0) {
      drawn.empty = drawn.empty || el('p', { class: 'empty', text: 'No accounts yet. Add one in Settings.' });
      shown.push(drawn.empty);
    }
    for (const account of state.accounts.values()) {
      shown.push(drawSection(drawn, account, roomsOf.get(account.id) || [], state));
    }
    for (const id of drawn.sections.keys()) {
      if (!state.accounts.has(id)) drawn.sections.delete(id);
    }
    placeChildren(target, shown);
  });
  // A room that opens (the first room of an account just added) is scrolled into the list's
  // view, never left under the buttons below it. In the next frame: scrolling now would lay the
  // whole page out before the timeline is drawn, and again after (~10 ms a switch, 200 rooms).
  const open = state.openRoom || '';
  if (target.dataset.shownOpen !== open) {
    target.dataset.shownOpen = open;
    requestAnimationFrame(() => {
      const button = target.querySelector('.room.open');
      if (button && button.scrollIntoView) button.scrollIntoView({ block: 'nearest' });
    });
  }
}

/** An account's section: its header rebuilt and its rooms relabelled only where what they show changed. */
function drawSection(drawn, account, rooms, state) {
  let section = drawn.sections.get(account.id);
  if (!section) {
    section = { node: el('section', { class: 'account' }), header: null, headerShows: '', list: el('ul', { class: 'rooms' }), rooms: new Map() };
    drawn.sections.set(account.id, section);
  }
  if (section.node.getAttribute('aria-label') !== account.display_name) section.node.setAttribute('aria-label', account.display_name);
  const status = describeState(account.state, Date.now(), account.stateSince);
  const health = healthLine(state.health && state.health.get(account.id));
  const label = account.demo ? `Demo · ${account.service_label}` : account.service_label;
  const headerShows = [status, health, dotClass(account.state), account.display_name, label].join('\u0001');
  if (headerShows !== section.headerShows) {
    section.headerShows = headerShows;
    section.header = el('div', { class: 'account-header', attrs: { title: health ? `${status}\n${health}` : status } }, [
      el('span', { class: dotClass(account.state), attrs: { role: 'img', 'aria-label': status } }),
      el('div', { class: 'account-labels' }, [
        el('div', { class: 'account-name', text: account.display_name }),
        el('div', { class: 'service', text: label }),
      ]),
    ]);
  }
  const items = byActivity(rooms).map((room) => roomItem(drawn, section.rooms, room, state));
  if (section.rooms.size > items.length) {
    const kept = new Set(rooms.map((room) => roomKey(room.account, room.room)));
    for (const key of section.rooms.keys()) if (!kept.has(key)) section.rooms.delete(key);
  }
  placeChildren(section.list, items);
  // An account with a room directory and no room yet (a community just added, or every room
  // left) offers it here: the only other way in is a room's header, which it does not have.
  const browse = !items.length && capabilitiesOf(account).directory;
  if (browse && !section.browse) {
    section.browse = el('button', {
      class: 'sidebar-button browse-rooms',
      text: 'Browse rooms',
      attrs: { type: 'button' },
      on: { click: () => drawn.onBrowse(account.id) },
    });
  }
  if (browse) section.browse.setAttribute('aria-label', `Browse the rooms of ${account.display_name}`);
  placeChildren(section.node, [section.header, section.list, browse ? section.browse : null].filter(Boolean));
  return section.node;
}

/**
 * A room's list item. Its button is the same node for as long as the room is listed, and only its
 * label is redrawn when what it shows changes: a message landing between a press and its release
 * would otherwise swap the button under the pointer, and the click would be lost.
 */
function roomItem(drawn, cache, room, state) {
  const key = roomKey(room.account, room.room);
  const open = state.openRoom === key;
  const unread = room.unread || 0;
  // A room left with something typed in it says so (the open room shows its own text).
  const draft = !open && drafts.has(key);
  const time = room.last_ts_ms ? previewTime(room.last_ts_ms) : '';
  const preview = previewLine(room);
  const shows = [room.title, open, time, preview, draft, unread].join('\u0001');
  let cached = cache.get(key);
  if (cached && cached.shows === shows) return cached.item;
  if (!cached) {
    const button = el('button', { attrs: { type: 'button', 'data-room': key }, on: { click: () => drawn.onOpenRoom(key) } });
    cached = { shows: '', item: el('li', {}, [button]), button };
    cache.set(key, cached);
  }
  const { button } = cached;
  cached.shows = shows;
  button.className = `room${open ? ' open' : ''}`;
  if (open) button.setAttribute('aria-current', 'true');
  else button.removeAttribute('aria-current');
  button.dataset.title = room.title;
  // The name comes from what is shown ("Order 42, 3 unread"), so speech and sight agree.
  button.replaceChildren(...[
    el('span', { class: 'room-lines' }, [
      el('span', { class: 'room-title-line' }, [
        el('span', { class: 'room-title', text: room.title }),
        time ? el('span', { class: 'visually-hidden', text: ', ' }) : null,
        time ? el('span', { class: 'room-time', text: time }) : null,
      ]),
      preview ? el('span', { class: 'visually-hidden', text: ', ' }) : null,
      preview ? el('span', { class: 'room-preview', text: preview }) : null,
    ]),
    draft ? el('span', { class: 'visually-hidden', text: ', ' }) : null,
    draft ? el('span', { class: 'draft-mark', text: 'Draft' }) : null,
    unread ? el('span', { class: 'visually-hidden', text: ', ' }) : null,
    unread ? el('span', { class: 'badge', text: unread > 99 ? '99+' : unread }) : null,
    unread ? el('span', { class: 'visually-hidden', text: ' unread' }) : null,
  ].filter(Boolean));
  return cached.item;
}

/** Makes `parent`'s children exactly `nodes`, in order, moving only what is out of place. */
function placeChildren(parent, nodes) {
  const shown = parent.childNodes;
  if (shown.length === nodes.length && nodes.every((node, i) => shown[i] === node)) return;
  const wanted = new Set(nodes);
  for (const child of [...shown]) if (!wanted.has(child)) child.remove();
  nodes.forEach((node, i) => {
    if (shown[i] !== node) parent.insertBefore(node, shown[i] || null);
  });
}
