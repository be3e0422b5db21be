// How much of one long message the timeline shows: the start, then a "Show the whole message"
// button that renders the rest in place. A hostile or pasted megabyte would otherwise be parsed
// and laid out whole every time its room opens (and the room reopens at start-up).

import { el } from './dom.js';

/**
 * Characters (UTF-16 code units) of a message's text shown before "Show the whole message".
 * 16 KiB is some 270 lines of a chat bubble, several screens, more than any real chat message,
 * and it renders in milliseconds; a megabyte costs the window seconds of layout (WebKit lays a
 * text block out whole) and the virtual timeline a row many screens tall.
 */
export const SHOWN_CHARS = 16 * 1024;

/** Where searching back for a line break or a space to cut at stops, before SHOWN_CHARS. */
const CUT_SLACK = 1024;

/**
 * Where to cut `text` so that at most `limit` characters show: at the last line break, else the
 * last space, within CUT_SLACK before the limit (a word or an address stays whole), never
 * between the two halves of a surrogate pair. `text.length` when it all fits.
 */
export function cutPoint(text, limit = SHOWN_CHARS) {
  if (text.length <= limit) return text.length;
  const floor = Math.max(1, limit - CUT_SLACK);
  let space = -1;
  for (let at = limit; at >= floor; at -= 1) {
    const code = text.charCodeAt(at);
    if (code === 10) return at;
    if (space < 0 && (code === 32 || code === 9)) space = at;
  }
  if (space >= 0) return space;
  const high = text.charCodeAt(limit - 1);
  return high >= 0xd800 && high <= 0xdbff ? limit - 1 : limit;
}

/**
 * Fills `holder` with `render(text)`'s nodes, or only the start's when `text` is longer than
 * SHOWN_CHARS and `whole` is false. Returns the nodes for the bubble: `holder`, then for a cut
 * text a button that renders the whole text into `holder`, moves the focus there (the button is
 * gone) and calls `onWhole()` (the timeline then measures the row again).
 */
export function longText(holder, text, render, { whole = false, onWhole = () => {} } = {}) {
  const source = String(text ?? '');
  const cut = whole ? source.length : cutPoint(source);
  const fill = (part) => {
    holder.replaceChildren();
    for (const node of render(part)) holder.append(node);
  };
  fill(source.slice(0, cut));
  if (cut === source.length) return [holder];
  const rest = source.length - cut;
  const button = el('button', {
    class: 'link-button show-whole',
    text: `Show the whole message (${rest.toLocaleString('en-US')} more characters)`,
    attrs: { type: 'button' },
    on: {
      click: () => {
        fill(source);
        holder.tabIndex = -1;
        button.remove();
        holder.focus({ preventScroll: true });
        onWhole();
      },
    },
  });
  return [holder, button];
}
