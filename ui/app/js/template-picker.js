// The reply-template picker over the composer: `/` in an empty message or Ctrl+Shift+R opens
// it, typing filters, ↑/↓ choose, Enter puts the template into the message with its variables
// filled from the room (templates.js); variables the room cannot fill are asked for first.
// Nothing is sent: the text lands in the composer for the user to read and send.

import { el, clear, byId } from './dom.js';
import { templatesFor, filterTemplates, contextValues, fillTemplate, VARIABLES } from './templates.js';

export function createTemplatePicker({ state, orderOf, accountOf, onOpenSettings = () => {} }) {
  const picker = byId('template-picker');
  const filter = byId('template-filter');
  const list = byId('template-list');
  const fillForm = byId('template-fill');
  const fillTitle = byId('template-fill-title');
  const fillFields = byId('template-fill-fields');
  const empty = byId('template-empty');
  const input = byId('composer-input');
  const button = byId('open-templates');

  let shown = [];
  let active = 0;
  /** The template being completed, with its text filled so far. */
  let filling = null;
  /** Opened by typing `/`: Escape puts the slash into the message after all. */
  let bySlash = false;

  function offered() {
    return templatesFor(state.templates, accountOf());
  }

  function drawList() {
    shown = filterTemplates(offered(), filter.value);
    if (active >= shown.length) active = Math.max(0, shown.length - 1);
    clear(list);
    shown.forEach((t, i) => {
      const firstLine = t.text.split('\n')[0];
      list.append(el('li', {
        class: i === active ? 'template-option active' : 'template-option',
        attrs: { role: 'option', id: `template-option-${i}`, 'aria-selected': i === active ? 'true' : 'false' },
        on: {
          mousedown: (event) => event.preventDefault(), // keeps the focus in the filter
          click: () => choose(i),
        },
      }, [el('strong', { text: t.name }), el('span', { class: 'template-preview', text: firstLine })]));
    });
    filter.setAttribute('aria-activedescendant', shown.length ? `template-option-${active}` : '');
    const none = !offered().length;
    empty.hidden = shown.length > 0;
    clear(empty);
    if (none) {
      empty.append('No templates yet. ', el('button', { type: 'button', text: 'Add them in Settings', attrs: { type: 'button' }, on: { click: () => { close(); onOpenSettings(); } } }));
    } else if (!shown.length) {
      empty.textContent = 'No template matches.';
    }
    list.querySelector('.active')?.scrollIntoView?.({ block: 'nearest' });
  }

  function open({ slash = false } = {}) {
    if (input.disabled) return;
    bySlash = slash;
    filling = null;
    fillForm.hidden = true;
    list.hidden = false;
    filter.hidden = false;
    filter.value = '';
    active = 0;
    picker.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    drawList();
    filter.focus();
  }

  function close({ focusComposer = true } = {}) {
    if (picker.hidden) return;
    picker.hidden = true;
    filling = null;
    button.setAttribute('aria-expanded', 'false');
    if (focusComposer) input.focus();
  }

  /** Inserts `text` at the composer's caret (replacing a selection), as typing would. */
  function insert(text) {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    input.value = input.value.slice(0, start) + text + input.value.slice(end);
    const caret = start + text.length;
    close();
    input.setSelectionRange?.(caret, caret);
    // The draft and typing follow an inserted template as they follow typed text.
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function choose(i) {
    const template = shown[i];
    if (!template) return;
    const { text, missing } = fillTemplate(template.text, contextValues(orderOf(), accountOf()));
    if (!missing.length) {
      insert(text);
      return;
    }
    bySlash = false;
    filling = { template, text, missing };
    list.hidden = true;
    filter.hidden = true;
    empty.hidden = true;
    fillTitle.textContent = `"${template.name}" needs ${missing.length === 1 ? 'one value' : `${missing.length} values`} this room does not give:`;
    clear(fillFields);
    missing.forEach((name, n) => {
      const id = `template-var-${n}`;
      fillFields.append(
        el('label', { attrs: { for: id }, text: VARIABLES[name] ? `${name} (${VARIABLES[name]})` : name }),
        el('input', { attrs: { id, autocomplete: 'off', 'data-variable': name, required: true } }),
      );
    });
    fillForm.hidden = false;
    fillFields.querySelector('input')?.focus();
  }

  fillForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!filling) return;
    const values = {};
    for (const field of fillFields.querySelectorAll('input')) {
      if (!field.value.trim()) {
        field.setAttribute('aria-invalid', 'true');
        field.focus();
        return;
      }
      values[field.dataset.variable] = field.value;
    }
    insert(fillTemplate(filling.text, values).text);
  });

  filter.addEventListener('input', () => {
    active = 0;
    drawList();
  });
  filter.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (shown.length) active = (active + (event.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
      drawList();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(active);
    }
  });
  picker.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      if (bySlash && !filling && !filter.value) insert('/');
      else close();
    }
  });
  picker.addEventListener('focusout', (event) => {
    if (!picker.contains(event.relatedTarget) && event.relatedTarget) close({ focusComposer: false });
  });

  // `/` as the first key of an empty message opens the picker instead of typing a slash;
  // Ctrl+Shift+R opens it any time.
  input.addEventListener('keydown', (event) => {
    const slash = event.key === '/' && !input.value && !event.ctrlKey && !event.metaKey && !event.altKey;
    const chord = (event.key === 'R' || event.key === 'r') && event.ctrlKey && event.shiftKey;
    if (slash || chord) {
      event.preventDefault();
      open({ slash });
    }
  });
  button.addEventListener('click', () => (picker.hidden ? open() : close()));

  return { open, close, isOpen: () => !picker.hidden };
}
