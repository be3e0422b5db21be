// An order chat's order in the room header: one line with the state, the amount and the
// countdown to the deadline (amber when soon, red when urgent), and a collapsible panel with
// every detail, the order number to copy and a Refresh. Never in the chat's way: without
// details yet it says they are loading, or why they cannot be read.

import { byId, el, clear } from './dom.js';
import { copyText } from './clipboard.js';
import { roomKey, openRoomOf } from './state.js';
import { amountLine, countdown, groupDigits, orderTurn, statusWords, TURN_WORDS } from './orders.js';

const OPEN_KEY = 'parley.orderPanelOpen';
const NO_PERMISSION_HELP = 'Order details need an API key with the P2P Account Read permission (Settings → the account → Edit → Replace the key).';

/** `onRefresh(room)` reads the order again and resolves to its new view. */
export function createOrderPanel({ state, onRefresh }) {
  const line = byId('order-line');
  const button = byId('toggle-order');
  const panel = byId('order-panel');
  let timer = null;
  /** What the panel shows now: redrawn only when it changes, so focus and "Copied." stay. */
  let shown = { room: null, view: null, unavailable: null };

  /**
   * Whether the panel is open: the user's last choice, kept across restarts where storage
   * works; folded at first, since the header's order line already says what matters and the
   * panel would take half of a laptop-sized window from the chat.
   */
  let panelOpen = (() => {
    try {
      return localStorage.getItem(OPEN_KEY) === 'open';
    } catch {
      return false;
    }
  })();
  function remembered() {
    return panelOpen;
  }
  function remember(open) {
    panelOpen = open;
    try {
      localStorage.setItem(OPEN_KEY, open ? 'open' : 'closed');
    } catch {
      // A page without storage keeps the choice until it reloads.
    }
  }

  button.addEventListener('click', () => {
    const open = panel.hidden;
    remember(open);
    draw();
  });

  /** The open room's order view, when it is an order chat. */
  function openOrder() {
    const room = openRoomOf(state);
    if (!room) return null;
    // Order chats are the rooms the backend reports orders for (an account whose orders
    // cannot be read says so once, for all its chats).
    const view = state.orders.get(roomKey(room.account, room.room)) || null;
    return view || state.ordersUnavailable.has(room.account) ? { room, view } : null;
  }

  function drawLine(room, view) {
    clear(line);
    const details = view && view.details;
    const unavailable = state.ordersUnavailable.get(room.account);
    if (!details) {
      line.append(el('span', { text: unavailable ? 'Order details unavailable' : (view && view.error ? 'Order details could not be read' : 'Order details loading…') }));
      return;
    }
    const turn = orderTurn(view, room);
    const left = countdown(view);
    line.append(...[
      el('span', { class: 'order-state', text: statusWords(details), attrs: { title: details.status_raw || '' } }),
      el('span', { text: amountLine(details) }),
      turn !== 'nobody' ? el('span', { class: `order-turn turn-${turn}`, text: TURN_WORDS[turn] }) : null,
      left ? el('span', { class: `order-countdown ${left.level}`, text: left.text }) : null,
    ].filter(Boolean));
  }

  function row(label, value) {
    return value === null || value === undefined || value === ''
      ? null
      : el('div', { class: 'order-field' }, [el('dt', { text: label }), el('dd', { text: String(value) })]);
  }

  function drawPanel(room, view) {
    clear(panel);
    const details = view && view.details;
    const orderNo = (view && view.order_no) || (details && details.order_no) || null;
    const said = el('span', { class: 'help', attrs: { role: 'status' } });
    const refresh = el('button', { class: 'tool-button', text: 'Refresh', attrs: { type: 'button' } });
    refresh.addEventListener('click', async () => {
      refresh.disabled = true;
      said.textContent = 'Reading the order…';
      try {
        const fresh = await onRefresh(room);
        if (fresh) state.orders.set(roomKey(room.account, room.room), fresh);
        draw();
      } catch (e) {
        said.textContent = e.message;
      } finally {
        refresh.disabled = false;
      }
    });
    const copy = orderNo ? el('button', { class: 'tool-button', text: 'Copy order number', attrs: { type: 'button' } }) : null;
    if (copy) copy.addEventListener('click', async () => { said.textContent = (await copyText(orderNo)) ? 'Copied.' : 'Could not copy: select the number instead.'; });
    const unavailable = state.ordersUnavailable.get(room.account);
    const fields = details ? [
      row('Order number', orderNo),
      row('Side', details.side === 'sell' ? 'You sell' : 'You buy'),
      row('Amount', `${groupDigits(details.quantity)} ${details.coin}`),
      row('Price', `${details.price} ${details.fiat}`),
      row('Total', `${groupDigits(details.fiat_total)} ${details.fiat}`),
      row('Payment method', details.payment_method),
      row('Counterparty', details.counterparty),
      row('State', `${statusWords(details)} (${details.status_raw || details.status})`),
      row('Pay by', details.pay_deadline_ms ? new Date(details.pay_deadline_ms).toLocaleString() : null),
      row('Appeal possible from', details.appeal_from_ms ? new Date(details.appeal_from_ms).toLocaleString() : null),
      row('Details as of', view.fetched_ms ? new Date(view.fetched_ms).toLocaleTimeString() : null),
    ] : [row('Order number', orderNo)];
    panel.append(...[
      el('dl', { class: 'order-fields' }, fields),
      view && view.error ? el('p', { class: 'form-error', text: view.error }) : null,
      unavailable ? el('p', { class: 'help', text: `${unavailable} ${NO_PERMISSION_HELP}` }) : null,
      !details && !unavailable && !(view && view.error) ? el('p', { class: 'help', text: 'Order details loading… the chat works meanwhile.' }) : null,
      el('div', { class: 'order-actions' }, [copy, orderNo ? refresh : null, said]),
    ].filter(Boolean));
  }

  /** Redraws the line and the panel for the open room; ticks while an order chat is open. */
  function draw() {
    const open = openOrder();
    line.hidden = !open;
    button.hidden = !open;
    if (!open) {
      panel.hidden = true;
      stopTicking();
      return;
    }
    const { room, view } = open;
    drawLine(room, view);
    const show = remembered();
    panel.hidden = !show;
    button.setAttribute('aria-expanded', String(show));
    const unavailable = state.ordersUnavailable.get(room.account) || null;
    if (show && (shown.room !== room || shown.view !== view || shown.unavailable !== unavailable || !panel.firstChild)) {
      shown = { room, view, unavailable };
      drawPanel(room, view);
    }
    if (view && view.deadline) startTicking();
    else stopTicking();
  }

  function startTicking() {
    if (timer) return;
    timer = setInterval(() => {
      const open = openOrder();
      if (!open || document.hidden) return;
      drawLine(open.room, open.view);
    }, 1000);
  }
  function stopTicking() {
    clearInterval(timer);
    timer = null;
  }

  return { draw, stop: stopTicking };
}
