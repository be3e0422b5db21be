// Search over every stored message (Ctrl+F): results come newest first from the backend's
// full-text index as the user types; choosing one opens its room at that message.

import { el, clear, byId } from './dom.js';
import { roomKey } from './state.js';
import { listboxKeys } from './switcher.js';
import { clockTime, dayLabel } from './time.js';

/** `text` as nodes, with each place a searched word starts marked (built as elements, never HTML). */
export function highlight(text, query) {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  const lower = text.toLowerCase();
  const marks = [];
  for (const word of words) {
    for (let at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + word.length)) marks.push([at, at + word.length]);
  }
  marks.sort((a, b) => a[0] - b[0]);
  const nodes = [];
  let from = 0;
  for (const [start, end] of marks) {
    if (start < from) continue;
    if (start > from) nodes.push(text.slice(from, start));
    nodes.push(el('mark', { text: text.slice(start, end) }));
    from = end;
  }
  if (from < text.length) nodes.push(text.slice(from));
  return nodes;
}

/** A result's text around its first match, so long messages show the part that matched. */
export function excerpt(text, query, around = 80) {
  const first = query.toLowerCase().split(/\s+/).filter(Boolean)
    .map((w) => text.toLowerCase().indexOf(w)).filter((i) => i >= 0).sort((a, b) => a - b)[0] ?? 0;
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
      status.textContent = found.length ? `${found.length}${found.length === 50 ? '+' : ''} messages` : 'No message matches.';
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
