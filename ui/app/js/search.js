// Search over every stored message (Ctrl+F): results come newest first from the backend's
// full-text index as the user types; choosing one opens its room at that message.

import { el, clear, byId } from './dom.js';
import { roomKey } from './state.js';
import { listboxKeys } from './switcher.js';
import { clockTime, dayLabel } from './time.js';
import { longestWordAt } from './word-starts.js';
import { counted } from './plural.js';

/** The distinct words of a query, lower-cased. */
function queryWords(query) {
  return [...new Set(String(query).toLowerCase().split(/\s+/).filter((w) => w.length > 0))];
}

/**
 * `text` as nodes, with each place a searched word starts marked (built as elements, never HTML):
 * from the left, the longest word starting at a place is marked, and the search goes on after it.
 * Linear in the text and the query (word-starts.js).
 */
export function highlight(text, query) {
  const words = queryWords(query);
  const longest = longestWordAt(text.toLowerCase(), words);
  const nodes = [];
  let from = 0;
  for (let at = 0; at < longest.length;) {
    const length = longest[at];
    if (!length) {
      at += 1;
      continue;
    }
    if (at > from) nodes.push(text.slice(from, at));
    nodes.push(el('mark', { text: text.slice(at, at + length) }));
    from = at += length;
  }
  if (from < text.length) nodes.push(text.slice(from));
  return nodes;
}

/** A result's text around its first match, so long messages show the part that matched. */
export function excerpt(text, query, around = 80) {
  const longest = longestWordAt(text.toLowerCase(), queryWords(query));
  let first = longest.findIndex((length) => length > 0);
  if (first < 0) first = 0;
  const start = Math.max(0, first - around);
  const end = Math.min(text.length, first + around * 2);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

/**
 * The search dialog. `search(query)` asks the backend; `titleOf(key)` names a room;
 * `onJump(message)` opens a result.
 */
export function createSearch({ search, titleOf, onJump }) {
  const dialog = byId('search');
  const input = byId('search-input');
  const list = byId('search-list');
  const status = byId('search-status');
  let results = [];
  let selected = 0;
  let asked = 0;
  let timer = null;
  let returnFocus = null;

  function draw() {
    clear(list);
    results.forEach((m, i) => {
      const key = roomKey(m.account, m.room);
      list.append(el('li', {
        class: i === selected ? 'search-item selected' : 'search-item',
        attrs: { role: 'option', id: `search-${i}`, 'aria-selected': String(i === selected) },
        on: { click: () => choose(i) },
      }, [
        el('span', { class: 'search-where', text: `${titleOf(key)} · ${m.own ? 'You' : m.sender_name || m.sender_id} · ${dayLabel(m.ts_ms)} ${clockTime(m.ts_ms)}` }),
        el('span', { class: 'search-text' }, highlight(excerpt(m.text, input.value), input.value)),
      ]));
    });
    input.setAttribute('aria-activedescendant', results.length ? `search-${selected}` : '');
  }

  async function run() {
    const query = input.value;
    const ticket = ++asked;
    if (!query.trim()) {
      results = [];
      status.textContent = '';
      draw();
      return;
    }
    try {
      const found = await search(query);
      if (ticket !== asked) return; // a newer query is on its way
      results = found;
      selected = 0;
      status.textContent = found.length ? (found.length === 50 ? '50+ messages' : counted(found.length, 'message')) : 'No message matches.';
      draw();
    } catch (e) {
      if (ticket === asked) status.textContent = `Search failed: ${e.message || e}`;
    }
  }

  function close() {
    dialog.hidden = true;
    if (returnFocus) returnFocus.focus();
  }

  function choose(i) {
    const pick = results[i];
    if (!pick) return;
    close();
    onJump(pick);
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  listboxKeys(dialog, {
    count: () => results.length,
    selected: () => selected,
    select: (i) => { selected = i; },
    choose,
    close,
    draw,
  });
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) close();
  });

  return {
    open() {
      returnFocus = document.activeElement;
      dialog.hidden = false;
      input.select();
      input.focus();
      if (input.value) run();
    },
    isOpen: () => !dialog.hidden,
  };
}
