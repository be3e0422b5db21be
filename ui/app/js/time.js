// Time as the timeline shows it, in the user's own zone.

// One formatter each, made once: toLocale…String(…, options) builds a new one per call, which
// cost most of the time of drawing a batch of rows.
const CLOCK = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });

export function clockTime(ms) {
  return CLOCK.format(ms);
}

/** "14:03:07.042": the local time to the millisecond (frames a few ms apart must be told apart). */
export function preciseTime(ms) {
  const d = new Date(ms);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

const SHORT_DATE = new Intl.DateTimeFormat([], { month: 'short', day: 'numeric' });

/** "14:03" today, "yesterday 14:03", "Mar 4 14:03" before: a moment that may be days old. */
export function stampTime(ms, now = Date.now()) {
  if (sameDay(ms, now)) return clockTime(ms);
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (sameDay(ms, yesterday.getTime())) return `yesterday ${clockTime(ms)}`;
  return `${shortDate(ms)} ${clockTime(ms)}`;
}

/** "Mar 4": a day without its year. */
export function shortDate(ms) {
  return SHORT_DATE.format(ms);
}

export function dayLabel(ms, now = Date.now()) {
  const day = new Date(ms);
  const today = new Date(now);
  const startOf = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const diff = Math.round((startOf(today) - startOf(day)) / 86400000);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Yesterday';
  return DAY.format(day);
}

export function sameDay(a, b) {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}
