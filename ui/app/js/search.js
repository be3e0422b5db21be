// Search (Ctrl+F): results come newest first from the backend's full-text index as the user
// types; choosing one opens its room at that message. With a room open, Ctrl+F searches that
// room first (the sidebar's "Search messages" searches every room); Ctrl+F again (or the scope
// button) switches between the two. After choosing a match in the room, F3 / Shift+F3 go to the
// next (older) / previous (newer) match without the dialog.

import { el, clear, byId } from './dom.js';
import { roomKey } from './state.js';
import { listboxKeys } from './switcher.js';
import { clockTime, dayLabel } from './time.js';
import { longestWordAt } from './word-starts.js';
import { counted } from './plural.js';
import { queryWords, markedPieces } from './match-marks.js';
import { announce } from './announce.js';

/**
 * `text` as nodes, with each place a searched word starts marked (built as elements, never HTML):
 * from the left, the longest word starting at a place is marked, and the search goes on after it.
 * Linear in the text and the query (word-starts.js).
 */
export function highlight(text, query) {
  return markedPieces(text, queryWords(query)).filter((piece) => piece !== '');
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
 * The search dialog. `search(query, room)` asks the backend (in `room` {key, account, room} or,
 * null, everywhere); `titleOf(key)` names a room; `openRoom()` is the open room ({key, account,
 * room} or null); `onJump(message, query)` opens a result and marks the words.
 */
export function createSearch({ search, titleOf, onJump, openRoom = () => null }) {
  const dialog = byId('search');
  const input = byId('search-input');
  const list = byId('search-list');
  const status = byId('search-status');
  const label = dialog.querySelector('label[for="search-input"]');
  const scopeButton = el('button', { class: 'search-scope', attrs: { type: 'button', id: 'search-scope', 'aria-keyshortcuts': 'Control+F' } });
  input.after(scopeButton);
  let results = [];
  let selected = 0;
  let asked = 0;
  /** A search is on its way, and the text changed since it was asked (see `ask`). */
  let running = false;
  let changedMeanwhile = false;
  let returnFocus = null;
  /** The room searched, or null for every room. */
  let room = null;
  /** The matches stepped through with F3 after the dialog closed: {results, at, query}. */
  let matches = null;

  function drawScope() {
    const where = room ? titleOf(room.key) : 'every room';
    label.textContent = room ? `Words to find in ${where}` : 'Words to find in every room';
    input.placeholder = room ? `Search in ${where}… (Ctrl+F: all rooms)` : 'Search messages in every room…';
    dialog.setAttribute('aria-label', room ? `Search in ${where}` : 'Search messages');
    scopeButton.hidden = !openRoom();
    scopeButton.textContent = room ? 'All rooms (Ctrl+F)' : 'This room only (Ctrl+F)';
  }
  function setScope(next) {
    room = next;
    drawScope();
    run();
  }
  drawScope();
  scopeButton.addEventListener('click', () => {
    setScope(room ? null : openRoom());
    input.focus();
  });

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
      const found = await search(query, room);
      if (ticket !== asked) return; // a newer query is on its way
      results = found;
      selected = 0;
      const where = room ? ` in ${titleOf(room.key)}` : '';
      status.textContent = found.length ? `${found.length === 50 ? '50+ messages' : counted(found.length, 'message')}${where}` : `No message matches${where}.`;
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
    matches = room ? { results, at: i, query: input.value } : null;
    onJump(pick, input.value);
    if (matches) announce(`Match ${i + 1} of ${results.length}. F3: next, Shift+F3: previous.`);
  }

  /** Goes `delta` matches on (+1 older, -1 newer) in the room searched last. */
  function step(delta) {
    const open = openRoom();
    if (!matches || !open || roomKey(matches.results[0].account, matches.results[0].room) !== open.key) return false;
    const at = matches.at + delta;
    if (at < 0 || at >= matches.results.length) {
      announce(delta > 0 ? 'No older match.' : 'No newer match.');
      return true;
    }
    matches.at = at;
    onJump(matches.results[at], matches.query);
    announce(`Match ${at + 1} of ${matches.results.length}`);
    return true;
  }

  /**
   * Searches as the user types: at once when no search is on its way (the index answers in a
   * few ms; a fixed 120 ms wait was most of keystroke → results), and while one is, once more
   * with the latest text when it is back, however many keys were typed meanwhile.
   */
  async function ask() {
    if (running) {
      changedMeanwhile = true;
      return;
    }
    running = true;
    try {
      await run();
    } finally {
      running = false;
    }
    if (changedMeanwhile) {
      changedMeanwhile = false;
      ask();
    }
  }

  input.addEventListener('input', ask);
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
    /**
     * Opens the search in the open room (if any), or in every room with `everywhere` (the
     * sidebar's "Search messages", which stands beside every room, not inside one); while
     * open, switches between the open room and every room.
     */
    open({ everywhere = false } = {}) {
      if (!dialog.hidden) {
        if (everywhere) setScope(null);
        else if (openRoom()) setScope(room ? null : openRoom());
        return;
      }
      returnFocus = document.activeElement;
      room = everywhere ? null : openRoom();
      drawScope();
      dialog.hidden = false;
      input.select();
      input.focus();
      if (input.value) run();
    },
    step,
    isOpen: () => !dialog.hidden,
  };
}
