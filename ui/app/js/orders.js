// What a P2P order means to the trader, in words and colours: its state, the amount, whose move
// it is and how long is left. Pure functions of the backend's order view (see the core's
// `orders::OrderView`), the room's last message and a clock, shared by the order panel and the
// Orders view so both always agree.

/** A deadline this close is amber… */
export const SOON_MS = 5 * 60 * 1000;
/** …and this close red. */
export const URGENT_MS = 2 * 60 * 1000;

const FINISHED = new Set(['completed', 'cancelled', 'timed_out']);

/** Whether the order can still change (finished ones go to the archive). */
export function isLive(details) {
  return Boolean(details) && !FINISHED.has(details.status);
}

/** 'calm', 'soon' (amber), 'urgent' (red) or 'overdue'. */
export function urgency(atMs, now = Date.now()) {
  const left = atMs - now;
  if (left <= 0) return 'overdue';
  if (left <= URGENT_MS) return 'urgent';
  if (left <= SOON_MS) return 'soon';
  return 'calm';
}

/**
 * Whose move it is: the status's answer, except that on a live order waiting for the
 * counterparty, a message from them the trader has not answered makes it the trader's.
 */
export function orderTurn(view, room) {
  const byStatus = (view && view.turn_by_status) || 'nobody';
  const theirsLast = room && room.last_own === false && room.last_kind && room.last_kind !== 'system';
  if (byStatus === 'counterparty' && isLive(view.details) && theirsLast) return 'you';
  return byStatus;
}

export const TURN_WORDS = {
  you: 'Waiting for you',
  dispute: 'In dispute',
  counterparty: 'Waiting for the counterparty',
  nobody: 'Finished',
};

/** The state in the trader's words ("Paid — release the coin"). */
export function statusWords(details) {
  if (!details) return 'Order details loading…';
  const selling = details.side === 'sell';
  switch (details.status) {
    case 'awaiting_payment': return selling ? 'Awaiting the buyer’s payment' : 'Awaiting your payment';
    case 'paid': return selling ? 'Paid — check and release the coin' : 'Paid — waiting for release';
    case 'appeal': return 'In dispute';
    case 'completed': return 'Completed';
    case 'cancelled': return 'Cancelled';
    case 'timed_out': return 'Timed out';
    default: return details.status_raw || 'Unknown state';
  }
}

/** "1344.08" → "1,344.08"; anything else as sent. */
export function groupDigits(amount) {
  const text = String(amount ?? '').trim();
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!match) return text;
  return `${match[1]}${match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${match[3] || ''}`;
}

/** "Sell 1,344.08 USDT for 1,250.00 EUR". */
export function amountLine(details) {
  if (!details) return '';
  const side = details.side === 'sell' ? 'Sell' : 'Buy';
  return `${side} ${groupDigits(details.quantity)} ${details.coin} for ${groupDigits(details.fiat_total)} ${details.fiat}`;
}

/** "4:05", "1:02:03". */
export function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The countdown to the deadline that matters now, with its urgency; null without one. */
export function countdown(view, now = Date.now()) {
  const deadline = view && view.deadline;
  if (!deadline || !isLive(view.details) || typeof deadline.at_ms !== 'number') return null;
  const left = deadline.at_ms - now;
  const level = urgency(deadline.at_ms, now);
  const text = deadline.kind === 'appeal_opens'
    ? (left > 0 ? `Appeal opens in ${clock(left)}` : 'Appeal can be opened now')
    : (left > 0 ? `Pay within ${clock(left)}` : 'Payment time is up');
  return { text, level };
}

const TURN_RANK = { you: 0, dispute: 1, counterparty: 2, nobody: 3 };

/**
 * The Orders view's order: live before finished; waiting for you first, then disputes, then
 * the counterparty; then the nearest deadline; then the most recent message from them.
 * `rows` are {view, room}.
 */
export function sortOrders(rows) {
  const key = ({ view, room }) => [
    isLive(view.details) ? 0 : 1,
    TURN_RANK[orderTurn(view, room)] ?? 3,
    view.deadline && typeof view.deadline.at_ms === 'number' ? view.deadline.at_ms : Number.MAX_SAFE_INTEGER,
    -(room && room.last_own === false ? room.last_ts_ms || 0 : 0),
  ];
  return [...rows].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i += 1) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    return 0;
  });
}
