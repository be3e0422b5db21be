// What the sidebar shows under a room's name: who wrote its last message and its first line
// (as text), and when; and the order of an account's rooms, the most recently active first.

import { clockTime, sameDay, shortDate } from './time.js';

/** The longest preview kept (the sidebar shows one line; the rest would only cost layout). */
const PREVIEW_CHARS = 120;
const KIND_NAMES = { image: 'Image', video: 'Video', file: 'File', audio: 'Voice message', sticker: 'Sticker', contact: 'Contact', location: 'Location' };

/** "Ann: paid, please release", "You: Image", "user_1 has joined" — one line, or '' for none. */
export function previewLine(room) {
  if (room.last_text == null && !room.last_kind) return '';
  // Cut before splitting: a megabyte message must not be copied on every sidebar redraw.
  const firstLine = String(room.last_text || '').slice(0, PREVIEW_CHARS * 2).split('\n', 1)[0].trim().slice(0, PREVIEW_CHARS);
  const kind = Object.hasOwn(KIND_NAMES, room.last_kind) ? KIND_NAMES[room.last_kind] : null;
  const what = kind && !firstLine ? kind : firstLine || kind || '';
  if (room.last_kind === 'system' || (!room.last_own && !room.last_sender)) return what;
  return `${room.last_own ? 'You' : room.last_sender}: ${what}`;
}

/** "14:03" today, "Mar 4" before. */
export function previewTime(ms, now = Date.now()) {
  if (!Number.isFinite(ms)) return '';
  return sameDay(ms, now) ? clockTime(ms) : shortDate(ms);
}

/** An account's rooms, the most recently active first (rooms without messages last, by name). */
export function byActivity(rooms) {
  return [...rooms].sort((a, b) => (b.last_ts_ms ?? -Infinity) - (a.last_ts_ms ?? -Infinity)
    || String(a.title).localeCompare(String(b.title)));
}
