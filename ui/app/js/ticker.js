// The live ticker above the rooms of an account with the `ticker` capability (its symbols are in
// its settings.symbols): each followed symbol with its price, change and change percent, exactly
// as the server wrote them. The backend coalesces ticks, so this redraws a few times a second at
// most however fast the market moves.

import { el, clear } from './dom.js';
import { capabilitiesOf } from './capabilities.js';

/** "+0.0025" for positive changes; the server's text otherwise. */
export function signed(text) {
  if (text === null || text === undefined || text === '') return '';
  return /^[-+]/.test(text) ? text : `+${text}`;
}

/** The colour follows the change the server reports (up or down on the period). */
function direction(tick) {
  const change = Number(tick.change);
  if (!Number.isFinite(change) || change === 0) return 'flat';
  return change > 0 ? 'up' : 'down';
}

/**
 * The arrow says the same as the colour: the change on the period (the day), so a price that
 * ticked down on a day that is up shows ▲ in green, never ▼ in green.
 */
const ARROW = { up: '▲', down: '▼', flat: '' };

/** Draws the ticker of `account` (an account view, or null) or hides it. */
export function renderTicker(container, state, account) {
  const symbols = capabilitiesOf(account).ticker ? (account.settings && account.settings.symbols) || [] : [];
  container.hidden = symbols.length === 0;
  clear(container);
  if (container.hidden) return;
  const book = state.prices.get(account.id) || new Map();
  for (const symbol of symbols) {
    const tick = book.get(symbol);
    if (!tick) {
      // Said in words: a bare "…" read as loading for ever when the server sends no price for it.
      const waiting = `${symbol}: no price yet`;
      container.append(el('span', { class: 'tick waiting', attrs: { 'data-symbol': symbol, title: `${waiting} (the server has sent none since Parley connected)`, 'aria-label': waiting } }, [
        el('span', { class: 'tick-symbol', text: symbol }), el('span', { class: 'tick-price', text: 'no price yet' })]));
      continue;
    }
    const percent = tick.change_percent ? ` (${signed(tick.change_percent)}%)` : '';
    const label = `${symbol} ${tick.price}, change ${signed(tick.change)}${percent}`;
    const way = direction(tick);
    container.append(el('span', { class: `tick ${way}`, attrs: { 'data-symbol': symbol, title: label, 'aria-label': label } }, [
      el('span', { class: 'tick-symbol', text: symbol }),
      el('span', { class: 'tick-price', text: tick.price }),
      el('span', { class: 'tick-change' }, [
        el('span', { class: 'tick-arrow', text: ARROW[way], attrs: { 'aria-hidden': 'true' } }),
        `${signed(tick.change)}${percent}`,
      ]),
    ]));
  }
}
