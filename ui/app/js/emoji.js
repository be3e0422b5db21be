// Emoji by name: the table the picker shows and `:shortcode:` completion reads (the common
// names of GitHub and Slack), and the completion rules. Pure data and functions.

/** [shortcode, emoji], in the picker's order: faces, hands, trading, objects, marks. */
export const EMOJI = [
  ['smile', '😄'], ['grin', '😁'], ['joy', '😂'], ['rofl', '🤣'], ['slightly_smiling_face', '🙂'], ['wink', '😉'],
  ['blush', '😊'], ['heart_eyes', '😍'], ['thinking', '🤔'], ['neutral_face', '😐'], ['expressionless', '😑'],
  ['roll_eyes', '🙄'], ['smirk', '😏'], ['pensive', '😔'], ['confused', '😕'], ['worried', '😟'], ['cry', '😢'],
  ['sob', '😭'], ['angry', '😠'], ['rage', '😡'], ['scream', '😱'], ['sweat_smile', '😅'], ['sweat', '😓'],
  ['sunglasses', '😎'], ['nerd_face', '🤓'], ['hugs', '🤗'], ['shushing_face', '🤫'], ['zipper_mouth_face', '🤐'],
  ['sleeping', '😴'], ['mask', '😷'], ['partying_face', '🥳'], ['exploding_head', '🤯'], ['money_mouth_face', '🤑'],
  ['thumbsup', '👍'], ['+1', '👍'], ['thumbsdown', '👎'], ['-1', '👎'], ['ok_hand', '👌'], ['clap', '👏'],
  ['wave', '👋'], ['pray', '🙏'], ['handshake', '🤝'], ['muscle', '💪'], ['raised_hands', '🙌'], ['point_up', '☝️'],
  ['point_right', '👉'], ['point_left', '👈'], ['point_down', '👇'], ['v', '✌️'], ['crossed_fingers', '🤞'],
  ['eyes', '👀'], ['moneybag', '💰'], ['dollar', '💵'], ['euro', '💶'], ['money_with_wings', '💸'], ['credit_card', '💳'],
  ['bank', '🏦'], ['chart_with_upwards_trend', '📈'], ['chart_with_downwards_trend', '📉'], ['bar_chart', '📊'],
  ['rocket', '🚀'], ['gem', '💎'], ['coin', '🪙'], ['receipt', '🧾'], ['lock', '🔒'], ['unlock', '🔓'], ['key', '🔑'],
  ['hourglass', '⌛'], ['hourglass_flowing_sand', '⏳'], ['alarm_clock', '⏰'], ['stopwatch', '⏱️'], ['calendar', '📅'],
  ['phone', '📱'], ['email', '📧'], ['memo', '📝'], ['paperclip', '📎'], ['link', '🔗'], ['camera', '📷'],
  ['bulb', '💡'], ['bell', '🔔'], ['mega', '📣'], ['warning', '⚠️'], ['no_entry', '⛔'], ['x', '❌'],
  ['white_check_mark', '✅'], ['heavy_check_mark', '✔️'], ['question', '❓'], ['exclamation', '❗'], ['100', '💯'],
  ['fire', '🔥'], ['star', '⭐'], ['sparkles', '✨'], ['tada', '🎉'], ['gift', '🎁'], ['trophy', '🏆'],
  ['heart', '❤️'], ['green_heart', '💚'], ['blue_heart', '💙'], ['broken_heart', '💔'], ['coffee', '☕'], ['beers', '🍻'],
  ['sun', '☀️'], ['moon', '🌙'], ['zap', '⚡'], ['snowflake', '❄️'], ['rainbow', '🌈'], ['earth_africa', '🌍'],
  ['arrow_up', '⬆️'], ['arrow_down', '⬇️'], ['arrow_right', '➡️'], ['arrow_left', '⬅️'], ['repeat', '🔁'], ['new', '🆕'],
  ['red_circle', '🔴'], ['green_circle', '🟢'], ['yellow_circle', '🟡'],
];

const BY_CODE = new Map(EMOJI);

/** The emoji named `code` ("smile"), or null. */
export function emojiFor(code) {
  return BY_CODE.get(String(code).toLowerCase()) || null;
}

/** Emoji whose name contains `query` (names starting with it first), at most `limit`. */
export function findEmoji(query, limit = 8) {
  const q = String(query || '').toLowerCase();
  if (!q) return EMOJI.slice(0, limit);
  const starts = [];
  const contains = [];
  for (const entry of EMOJI) {
    if (entry[0].startsWith(q)) starts.push(entry);
    else if (entry[0].includes(q)) contains.push(entry);
  }
  return [...starts, ...contains].slice(0, limit);
}

/**
 * The `:name` being typed just before the caret (`text` up to it), with where it starts, or
 * null: at least two characters, after a space or at the start (so "10:30" is no emoji).
 */
export function typedShortcode(before) {
  const match = /(^|\s):([a-z0-9_+-]{2,30})$/i.exec(before);
  if (!match) return null;
  return { query: match[2], start: before.length - match[2].length - 1 };
}

/** Replaces every complete `:name:` of a known emoji in `text` (one pass). */
export function replaceShortcodes(text) {
  return String(text).replace(/:([a-z0-9_+-]{1,30}):/gi, (whole, code) => emojiFor(code) || whole);
}
