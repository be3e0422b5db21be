// Emoji in the composer: a picker (the ☺ button: a filterable grid) and `:shortcode:`
// completion (typing `:thu` offers 👍 and friends: ↑/↓ choose, Enter or Tab puts it in, Escape
// leaves the text as typed; a whole `:name:` becomes its emoji as the second colon is typed).

import { el, clear, byId } from './dom.js';
import { EMOJI, findEmoji, typedShortcode, emojiFor } from './emoji.js';

export function createEmojiPicker() {
  const form = byId('composer');
  const input = byId('composer-input');
  const button = byId('open-emoji');
  const picker = byId('emoji-picker');
  const filter = byId('emoji-filter');
  const grid = byId('emoji-grid');
  const suggest = byId('emoji-suggest');

  /** Puts `text` in place of [start, end) of the message, the caret after it. */
  function replace(start, end, text) {
    input.value = input.value.slice(0, start) + text + input.value.slice(end);
    const caret = start + text.length;
    input.focus();
    input.setSelectionRange?.(caret, caret);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }

  // The picker.
  function drawGrid() {
    const q = filter.value.trim().toLowerCase();
    const shown = new Set();
    clear(grid);
    for (const [code, emoji] of q ? findEmoji(q, 200) : EMOJI) {
      if (shown.has(emoji)) continue; // +1 and thumbsup are one emoji
      shown.add(emoji);
      grid.append(el('button', {
        class: 'emoji-cell',
        text: emoji,
        attrs: { type: 'button', 'aria-label': code.replace(/_/g, ' '), title: `:${code}:` },
        on: { click: () => pick(emoji) },
      }));
    }
    if (!grid.firstChild) grid.append(el('p', { class: 'help', text: 'No emoji by that name.' }));
  }
  function openPicker() {
    if (input.disabled) return;
    closeSuggest();
    picker.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    filter.value = '';
    drawGrid();
    filter.focus();
  }
  function closePicker({ focus = true } = {}) {
    if (picker.hidden) return;
    picker.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (focus) input.focus();
  }
  function pick(emoji) {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    closePicker();
    replace(start, end, emoji);
  }
  button.addEventListener('click', () => (picker.hidden ? openPicker() : closePicker()));
  filter.addEventListener('input', drawGrid);
  filter.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      grid.querySelector('button')?.click();
    }
  });
  picker.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      closePicker();
    }
  });
  picker.addEventListener('focusout', (event) => {
    if (event.relatedTarget && !picker.contains(event.relatedTarget) && event.relatedTarget !== button) closePicker({ focus: false });
  });

  // `:shortcode:` completion.
  let offered = [];
  let active = 0;
  let typed = null;
  function closeSuggest() {
    suggest.hidden = true;
    offered = [];
    typed = null;
    input.removeAttribute('aria-activedescendant');
  }
  function drawSuggest() {
    clear(suggest);
    offered.forEach(([code, emoji], i) => {
      suggest.append(el('li', {
        class: i === active ? 'emoji-option active' : 'emoji-option',
        attrs: { role: 'option', id: `emoji-option-${i}`, 'aria-selected': i === active ? 'true' : 'false' },
        on: { mousedown: (event) => { event.preventDefault(); complete(i); } },
      }, [el('span', { class: 'emoji-glyph', text: emoji }), ` :${code}:`]));
    });
    suggest.hidden = !offered.length;
    if (offered.length) input.setAttribute('aria-activedescendant', `emoji-option-${active}`);
  }
  function complete(i) {
    const chosen = offered[i];
    if (!chosen || !typed) return;
    const { start } = typed;
    const end = start + typed.query.length + 1;
    closeSuggest();
    replace(start, end, chosen[1]);
  }
  input.addEventListener('input', () => {
    const caret = input.selectionStart ?? input.value.length;
    const before = input.value.slice(0, caret);
    // A whole ":name:" just closed becomes its emoji.
    const closed = /(^|\s):([a-z0-9_+-]{1,30}):$/i.exec(before);
    if (closed && emojiFor(closed[2])) {
      closeSuggest();
      replace(caret - closed[2].length - 2, caret, emojiFor(closed[2]));
      return;
    }
    typed = typedShortcode(before);
    offered = typed ? findEmoji(typed.query) : [];
    active = 0;
    if (!offered.length) closeSuggest();
    else drawSuggest();
  });
  // Before the composer's own keys (Enter sends): the form hears them first.
  form.addEventListener('keydown', (event) => {
    if (event.target !== input || suggest.hidden || !offered.length) return;
    if (!['ArrowDown', 'ArrowUp', 'Enter', 'Tab', 'Escape'].includes(event.key)) return;
    // Stopped first: whatever happens next, Enter here never sends the message.
    event.preventDefault();
    event.stopPropagation();
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      active = (active + (event.key === 'ArrowDown' ? 1 : offered.length - 1)) % offered.length;
      drawSuggest();
    } else if (event.key === 'Escape') closeSuggest();
    else complete(active);
  }, true);
  input.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== input) closeSuggest(); }, 0));

  return { openPicker, closePicker };
}
