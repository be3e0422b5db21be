// Which rows of a long list are worth having in the DOM: the ones in the viewport plus a margin.
// Heights are known once a row was laid out and estimated before, so a room of any length
// costs DOM nodes for a screenful, not for its history.

import { SHOWN_CHARS } from './long-text.js';

/** Pixels rendered beyond each edge of the viewport, so a short scroll shows rows at once. */
export const OVERSCAN_PX = 600;

/** The viewport height assumed when the page has no layout (jsdom in unit tests). */
export const UNKNOWN_VIEWPORT_PX = 800;

/**
 * A row's height before it was measured, by what it shows: of a long text only the start
 * (long-text.js), unless `whole`.
 */
export function estimateHeight(row, { whole = false } = {}) {
  if (row.type === 'day') return 40;
  if (row.type === 'unread') return 36;
  if (row.type === 'presence') return 28;
  const m = row.message;
  if (m.kind === 'system') return 28;
  const media = m.kind === 'image' || m.kind === 'video' || m.kind === 'sticker' ? 200 : 0;
  const length = (m.text || '').length;
  const lines = Math.ceil((whole ? length : Math.min(length, SHOWN_CHARS)) / 60);
  return (row.showSender ? 62 : 40) + media + Math.max(0, lines - 1) * 20;
}

/** Offsets of every row's top: `offsets[i]`; the total height is `offsets[rows.length]`. */
export function rowOffsets(rows, heightOf) {
  const offsets = new Array(rows.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < rows.length; i += 1) offsets[i + 1] = offsets[i] + heightOf(rows[i]);
  return offsets;
}

/** The first index whose row ends below `y` (binary search over `offsets`). */
function firstEndingBelow(offsets, y) {
  let low = 0;
  let high = offsets.length - 2;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (offsets[mid + 1] > y) high = mid;
    else low = mid + 1;
  }
  return Math.max(0, low);
}

/** The rows to render, `[start, end)`, for a viewport at `scrollTop` of `height` pixels. */
export function visibleRange(offsets, scrollTop, height, overscan = OVERSCAN_PX) {
  const count = offsets.length - 1;
  if (count <= 0) return [0, 0];
  const start = firstEndingBelow(offsets, Math.max(0, scrollTop - overscan));
  let end = firstEndingBelow(offsets, scrollTop + height + overscan) + 1;
  end = Math.min(count, Math.max(end, start + 1));
  return [start, end];
}
