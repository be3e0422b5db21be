// Markdown for posts (Mixin's PLAIN_POST), rendered safely: the text is parsed here into DOM
// nodes built with el(); no HTML from the message is ever parsed, so `<b>` stays visible text.
// Supported: headings, paragraphs, bullet and numbered lists, quotes, fenced code, **bold**,
// *italic*, `code` and [links](https://…) (opened in the system browser, address shown).
// The parser is plain loops (scan.js): its time is linear in the post, whatever the post holds.

import { el } from './dom.js';
import { isSpace, isDigit, isWebAddress } from './scan.js';
import { inlineLink } from './inline-link.js';

const STAR = 42;
const TICK = 96;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const HASH = 35;

/**
 * A finder of the first index at or after `from` whose character passes `is` (`text.length`
 * if none), for `from`s that never decrease: its cursor only moves forward, so all the calls of
 * one scan read each character once.
 */
function forwardFinder(text, is) {
  let found = -1;
  return (from) => {
    if (found < from) {
      found = from;
      while (found < text.length && !is(text.charCodeAt(found))) found += 1;
    }
    return found;
  };
}

/**
 * The inline spans of `text`: **bold** (no `*` inside), *italic* (starting with neither a space
 * nor `*`), `code` and [label](address) (no `]` in the label, no `)` or space in the address),
 * the leftmost first. Where a span is tried, its closing character is found by a forward finder,
 * so an unclosed `[` or `*` costs nothing more than the characters after it, once.
 */
function inline(text, openLink) {
  const length = text.length;
  const nextStar = forwardFinder(text, (c) => c === STAR);
  const nextTick = forwardFinder(text, (c) => c === TICK);
  const nextBracket = forwardFinder(text, (c) => c === CLOSE_BRACKET);
  const addressEnd = forwardFinder(text, (c) => c === CLOSE_PAREN || isSpace(c));

  /** Where the span starting at `at` ends (exclusive), or -1 if none starts there. */
  function spanEnd(at) {
    const c = text.charCodeAt(at);
    if (c === STAR) {
      const next = text.charCodeAt(at + 1);
      const close = at + 1 < length ? nextStar(at + 2) : length;
      if (next === STAR) return close > at + 2 && text.charCodeAt(close + 1) === STAR ? close + 2 : -1;
      return at + 1 < length && !isSpace(next) && close < length ? close + 1 : -1;
    }
    if (c === TICK) {
      const close = nextTick(at + 1);
      return close > at + 1 && close < length ? close + 1 : -1;
    }
    if (c === OPEN_BRACKET) {
      const close = nextBracket(at + 1);
      if (close === at + 1 || close >= length || text.charCodeAt(close + 1) !== OPEN_PAREN) return -1;
      const end = addressEnd(close + 2);
      return end > close + 2 && text.charCodeAt(end) === CLOSE_PAREN ? end + 1 : -1;
    }
    return -1;
  }

  const parts = [];
  let last = 0;
  for (let at = 0; at < length;) {
    const end = spanEnd(at);
    if (end < 0) {
      at += 1;
      continue;
    }
    if (at > last) parts.push(text.slice(last, at));
    const token = text.slice(at, end);
    if (token.startsWith('**')) parts.push(el('strong', { text: token.slice(2, -2) }));
    else if (token.startsWith('`')) parts.push(el('code', { text: token.slice(1, -1) }));
    else if (token.startsWith('[')) parts.push(link(token, openLink));
    else parts.push(el('em', { text: token.slice(1, -1) }));
    last = at = end;
  }
  if (last < length) parts.push(text.slice(last));
  return parts;
}

function link(token, openLink) {
  const close = token.indexOf('](');
  const label = token.slice(1, close);
  const url = token.slice(close + 2, -1);
  if (!isWebAddress(url)) return `${label} (${url})`;
  return inlineLink(`${label} (${url})`, url, openLink);
}

/** The index of the first non-whitespace character of `line` at or after `at`. */
function skipSpace(line, at) {
  while (at < line.length && isSpace(line.charCodeAt(at))) at += 1;
  return at;
}

/** `# Title` (1 to 6 `#`, then whitespace): `{ level, text }`, or null. */
function heading(line) {
  let level = 0;
  while (level < line.length && line.charCodeAt(level) === HASH) level += 1;
  if (level < 1 || level > 6 || !isSpace(line.charCodeAt(level))) return null;
  return { level, text: line.slice(skipSpace(line, level)) };
}

/** `- item`, `* item`, `+ item` (ul) or `1. item`, `1) item` (ol), indented or not: `{ tag, text }`, or null. */
function listItem(line) {
  const start = skipSpace(line, 0);
  const c = line.charCodeAt(start);
  let tag = 'ul';
  let after = start + 1;
  if (c !== 45 && c !== STAR && c !== 43) { // - * +
    let digits = start;
    while (isDigit(line.charCodeAt(digits))) digits += 1;
    const mark = line.charCodeAt(digits);
    if (digits === start || (mark !== 46 && mark !== CLOSE_PAREN)) return null; // . )
    tag = 'ol';
    after = digits + 1;
  }
  if (!isSpace(line.charCodeAt(after))) return null;
  return { tag, text: line.slice(skipSpace(line, after)) };
}

/** The post as a list of block nodes. */
export function renderMarkdown(source, openLink = () => {}) {
  const blocks = [];
  const lines = String(source).replace(/\r\n?/g, '\n').split('\n');
  let list = null;
  let paragraph = [];
  const flush = () => {
    if (paragraph.length) blocks.push(el('p', {}, inline(paragraph.join(' '), openLink)));
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    if (line.startsWith('```')) {
      flush();
      list = null;
      const code = [];
      for (i += 1; i < lines.length && !lines[i].startsWith('```'); i += 1) code.push(lines[i]);
      blocks.push(el('pre', {}, [el('code', { text: code.join('\n') })]));
      continue;
    }
    const title = heading(line);
    const item = title ? null : listItem(line);
    if (title) {
      flush();
      list = null;
      blocks.push(el(`h${Math.min(title.level + 2, 6)}`, {}, inline(title.text, openLink)));
    } else if (item) {
      flush();
      if (!list || list.tagName.toLowerCase() !== item.tag) {
        list = el(item.tag);
        blocks.push(list);
      }
      list.append(el('li', {}, inline(item.text, openLink)));
    } else if (line.startsWith('>')) {
      flush();
      list = null;
      blocks.push(el('blockquote', {}, inline(line.slice(isSpace(line.charCodeAt(1)) ? 2 : 1), openLink)));
    } else if (!line.trim()) {
      flush();
      list = null;
    } else {
      list = null;
      paragraph.push(line.trim());
    }
  }
  flush();
  return blocks;
}
