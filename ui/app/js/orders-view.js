// The Orders view: every live P2P order across MEXC accounts in one list, waiting-for-you
// first, each with its state, amount, counterparty, how long since they wrote, whose move it
// is and the deadline's countdown; finished orders under Archive. A row opens its chat; each
// has "Export evidence pack…".

import { byId, el, clear } from './dom.js';
import { amountLine, countdown, isLive, orderTurn, sortOrders, statusWords, TURN_WORDS } from './orders.js';
import { counted } from './plural.js';

/** "just now", "4 min", "2 h", "3 d" since `ms`. */
export function sinceText(ms, now = Date.now()) {
  if (!ms) return '—';
  const minutes = Math.floor(Math.max(0, now - ms) / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return `${Math.floor(minutes / 1440)} d ago`;
}

/** `onOpen(key)` opens an order's chat; `onExport(room)` its evidence pack dialog. */
export function createOrdersView({ state, onOpen, onExport }) {
  const dialog = byId('orders-view');
  const list = byId('orders-list');
  const archive = byId('orders-archive');
  const archiveList = byId('orders-archive-list');
  const archiveCount = byId('orders-archive-count');
  const button = byId('open-orders');
  let timer = null;
  let drawn = null;

  function close() {
    dialog.hidden = true;
    clearInterval(timer);
    timer = null;
  }
  byId('close-orders').addEventListener('click', close);
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  function rowOf({ key, view, room }) {
    const details = view.details;
    const turn = orderTurn(view, room);
    const left = countdown(view);
    const title = view.title || (room && room.title) || `Order ${view.order_no}`;
    const open = el('button', {
      class: 'order-open',
      attrs: { type: 'button', 'aria-label': `${title}: ${TURN_WORDS[turn]}` },
      on: { click: () => { close(); onOpen(key); } },
    }, [
      el('span', { class: 'order-title', text: title }),
      el('span', { class: 'order-state', text: details ? statusWords(details) : (view.error || 'Order details loading…') }),
      details ? el('span', { class: 'order-amount', text: amountLine(details) }) : null,
      el('span', { class: 'order-meta', text: `${details?.counterparty || 'Counterparty unknown'} · wrote ${room && room.last_own === false ? sinceText(room.last_ts_ms) : '—'}` }),
      isLive(details) && turn !== 'nobody' ? el('span', { class: `order-turn turn-${turn}`, text: TURN_WORDS[turn] }) : null,
      left ? el('span', { class: `order-countdown ${left.level}`, text: left.text }) : null,
    ]);
    return el('li', { class: 'order-row', attrs: { 'data-room-key': key } }, [
      open,
      el('button', {
        class: 'tool-button', text: 'Export evidence pack…',
        attrs: { type: 'button', 'aria-label': `Export evidence pack of ${title}` },
        on: { click: () => onExport({ ...(room || {}), account: view.account, room: view.room, title }) },
      }),
    ]);
  }

  /** Moves the countdowns on without redrawing the rows (the focus stays where it is). */
  function tick() {
    for (const span of dialog.querySelectorAll('.order-row .order-countdown')) {
      const view = state.orders.get(span.closest('.order-row').dataset.roomKey);
      const left = view ? countdown(view) : null;
      if (!left) continue;
      span.textContent = left.text;
      span.className = `order-countdown ${left.level}`;
    }
  }

  function render() {
    // Shown once the backend reports orders (MEXC accounts with an API key).
    button.hidden = state.orders.size === 0 && state.ordersUnavailable.size === 0;
    if (dialog.hidden) return;
    const rows = sortOrders([...state.orders.entries()].map(([key, view]) => ({ key, view, room: state.rooms.get(key) }))
      .filter((r) => state.accounts.has(r.view.account)));
    const live = rows.filter((r) => isLive(r.view.details) || !r.view.details);
    const done = rows.filter((r) => !(isLive(r.view.details) || !r.view.details));
    // Redrawn only when something shown changed: a new message elsewhere keeps the focus here.
    const signature = JSON.stringify(rows.map((r) => [r.key, r.view.fetched_ms, r.view.error, r.view.details?.status, r.view.title, r.room?.title, r.room?.last_ts_ms, r.room?.last_own]));
    if (signature === drawn && list.firstChild) return;
    drawn = signature;
    clear(list);
    clear(archiveList);
    if (live.length === 0) list.append(el('li', { class: 'empty', text: 'No live orders. Order chats of MEXC accounts with an API key appear here.' }));
    list.append(...live.map(rowOf));
    archiveList.append(...done.map(rowOf));
    archive.hidden = done.length === 0;
    archiveCount.textContent = counted(done.length, 'finished order');
    const unavailable = [...state.ordersUnavailable.entries()].map(([account, reason]) => `${state.accounts.get(account)?.display_name || account}: ${reason}`);
    byId('orders-unavailable').textContent = unavailable.join(' ');
  }

  button.addEventListener('click', () => {
    dialog.hidden = false;
    drawn = null;
    render();
    byId('close-orders').focus();
    clearInterval(timer);
    // The countdowns tick while the view is open.
    timer = setInterval(() => { if (!dialog.hidden && !document.hidden) tick(); }, 1000);
  });

  return { render, isOpen: () => !dialog.hidden, close };
}
