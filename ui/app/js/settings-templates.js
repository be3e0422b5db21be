// Settings' reply templates: the list in the user's order (move up and down, edit, delete),
// the form to add or edit one, and import and export as JSON. Every change sends the whole
// list to the backend, which checks it and keeps it in the profile's config.

import { el, clear, byId } from './dom.js';
import { newTemplateId, parseImport } from './templates.js';
import { askFirst } from './ask-first.js';

export function createTemplateSettings({ state, onSave, onExport }) {
  const list = byId('template-settings-list');
  const form = byId('template-edit');
  const name = byId('template-name');
  const service = byId('template-service');
  const text = byId('template-text');
  const save = byId('template-save');
  const cancel = byId('template-cancel');
  const error = byId('template-error');
  const status = byId('template-status');
  const importFile = byId('template-import');

  /** The services a template can be offered in: those of the add-account form. */
  function fillServices() {
    const chosen = service.value;
    clear(service);
    service.append(el('option', { attrs: { value: '' }, text: 'Every service' }));
    for (const option of byId('new-service').options) {
      service.append(el('option', { attrs: { value: option.value }, text: `Only ${option.textContent}` }));
    }
    service.value = chosen;
  }
  fillServices();

  /** The id of the template being edited, or null when the form adds one. */
  let editing = null;

  function resetForm() {
    editing = null;
    form.reset();
    form.setAttribute('aria-label', 'Add a template');
    save.textContent = 'Add template';
    cancel.hidden = true;
    error.textContent = '';
    name.removeAttribute('aria-invalid');
    text.removeAttribute('aria-invalid');
  }

  async function store(templates, done) {
    try {
      state.templates = await onSave(templates);
      status.textContent = done;
      render();
      return true;
    } catch (e) {
      error.textContent = e.message || String(e);
      return false;
    }
  }

  function move(i, by) {
    const templates = [...state.templates];
    const [t] = templates.splice(i, 1);
    templates.splice(i + by, 0, t);
    store(templates, `"${t.name}" moved ${by < 0 ? 'up' : 'down'}.`).then(() => {
      // The focus stays on the moved template's button.
      const button = list.querySelector(`[data-focus-key="${by < 0 ? 'up' : 'down'}-${t.id}"]`)
        || list.querySelector(`[data-focus-key="edit-${t.id}"]`);
      button?.focus();
    });
  }

  function edit(t) {
    editing = t.id;
    name.value = t.name;
    service.value = t.service || '';
    text.value = t.text;
    form.setAttribute('aria-label', `Edit the template ${t.name}`);
    save.textContent = 'Save changes';
    cancel.hidden = false;
    name.focus();
  }

  function render() {
    clear(list);
    const labels = new Map([...service.options].map((o) => [o.value, o.textContent]));
    state.templates.forEach((t, i) => {
      list.append(el('li', { class: 'template-row' }, [
        el('div', { class: 'template-summary' }, [
          el('strong', { text: t.name }),
          el('span', { class: 'help', text: ` · ${labels.get(t.service || '') || t.service}` }),
          el('p', { class: 'template-preview', text: t.text.split('\n')[0] }),
        ]),
        el('div', { class: 'template-actions' }, [
          el('button', { text: '↑', attrs: { type: 'button', 'aria-label': `Move ${t.name} up`, 'data-focus-key': `up-${t.id}`, disabled: i === 0 }, on: { click: () => move(i, -1) } }),
          el('button', { text: '↓', attrs: { type: 'button', 'aria-label': `Move ${t.name} down`, 'data-focus-key': `down-${t.id}`, disabled: i === state.templates.length - 1 }, on: { click: () => move(i, 1) } }),
          el('button', { text: 'Edit', attrs: { type: 'button', 'aria-label': `Edit ${t.name}`, 'data-focus-key': `edit-${t.id}` }, on: { click: () => edit(t) } }),
          el('button', { text: 'Delete', attrs: { type: 'button', 'aria-label': `Delete ${t.name}` }, on: { click: askFirst({ question: `Delete "${t.name}"?`, confirmText: 'Delete', act: () => remove(t) }) } }),
        ]),
      ]));
    });
    if (!state.templates.length) list.append(el('li', { class: 'help', text: 'No templates yet: add your first below, or import a file.' }));
  }

  async function remove(t) {
    if (editing === t.id) resetForm();
    await store(state.templates.filter((x) => x.id !== t.id), `"${t.name}" deleted.`);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    for (const [field, message] of [[name, 'Give the template a name.'], [text, 'Write the template’s text.']]) {
      if (!field.value.trim()) {
        field.setAttribute('aria-invalid', 'true');
        error.textContent = message;
        field.focus();
        return;
      }
      field.removeAttribute('aria-invalid');
    }
    const template = { id: editing || newTemplateId(state.templates), name: name.value.trim(), text: text.value, service: service.value || null };
    const templates = editing
      ? state.templates.map((t) => (t.id === editing ? template : t))
      : [...state.templates, template];
    if (await store(templates, editing ? `"${template.name}" saved.` : `"${template.name}" added.`)) resetForm();
  });
  cancel.addEventListener('click', () => {
    resetForm();
    name.focus();
  });

  byId('template-import-button').addEventListener('click', () => importFile.click());
  importFile.addEventListener('change', async () => {
    const file = importFile.files && importFile.files[0];
    importFile.value = '';
    if (!file) return;
    error.textContent = '';
    try {
      const imported = parseImport(await file.text(), state.templates);
      await store([...state.templates, ...imported], `${imported.length} ${imported.length === 1 ? 'template' : 'templates'} imported from ${file.name}.`);
    } catch (e) {
      error.textContent = e.message;
    }
  });
  byId('template-export').addEventListener('click', async () => {
    error.textContent = '';
    try {
      status.textContent = `Exported to ${await onExport()}.`;
    } catch (e) {
      error.textContent = e.message || String(e);
    }
  });

  return { render };
}
