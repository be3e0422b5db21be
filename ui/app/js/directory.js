// The room directory of a Realtime account: browse pages of rooms (all, public, private or
// group), join or open one, create one, and edit or delete one (offered on the rooms the
// account created; the server still decides, and its refusal is shown on the room clicked).

import { el, clear, byId } from './dom.js';
import { askFirst } from './ask-first.js';
import { showErrorIn } from './error-view.js';
import { counted } from './plural.js';
import { showFieldError } from './field-errors.js';


/** Whether the directory offers Edit and Delete on `room`: the account created it. */
export function isOwnRoom(room, account) {
  const me = account && account.settings && account.settings.user_id;
  return Boolean(me && room.createdBy && room.createdBy === me);
}

export function createDirectory({ onList, onJoin, onOpen, onCreate, onUpdate, onDelete }) {
  const dialog = byId('directory');
  const list = byId('directory-list');
  const type = byId('directory-type');
  const error = byId('directory-error');
  const pageLabel = byId('directory-page');
  const prev = byId('directory-prev');
  const next = byId('directory-next');
  const createForm = byId('create-room');
  let account = null;
  let page = 1;
  let pages = 1;
  let joined = new Set();

  async function load() {
    error.textContent = '';
    pageLabel.textContent = 'Loading…';
    try {
      const result = await onList(account, page, type.value || null);
      pages = Math.max(1, result.pages || 1);
      render(result.items || []);
      pageLabel.textContent = `Page ${result.page || page} of ${pages} · ${counted(result.total, 'room')}`;
    } catch (e) {
      clear(list);
      showErrorIn(error, e);
      pageLabel.textContent = '';
    }
    prev.disabled = page <= 1;
    next.disabled = page >= pages;
  }

  /** Runs `work`; a refusal is shown in `where` (the room's own line, or the dialog's). */
  async function act(work, where = error) {
    showErrorIn(error, null);
    showErrorIn(where, null);
    try {
      await work();
    } catch (e) {
      showErrorIn(where, e);
    }
  }

  function facts(room) {
    const parts = [room.type || 'room'];
    if (room.memberCount !== null && room.memberCount !== undefined) parts.push(counted(room.memberCount, 'member'));
    if (room.activeNow !== null && room.activeNow !== undefined) parts.push(`${room.activeNow} active now`);
    return parts.join(' · ');
  }

  function editor(room, item) {
    const name = el('input', { attrs: { value: room.name, maxlength: 100, 'aria-label': 'Room name' } });
    const description = el('input', { attrs: { value: room.description || '', maxlength: 1000, 'aria-label': 'Room description' } });
    const kind = el('select', { attrs: { 'aria-label': 'Room type' } }, ['public', 'private', 'group'].map((k) =>
      el('option', { text: k, attrs: { value: k, selected: k === room.type } })));
    const form = el('form', { class: 'room-editor', on: { submit: (event) => {
      event.preventDefault();
      act(async () => {
        await onUpdate(account, room.id, { name: name.value.trim(), description: description.value.trim(), type: kind.value });
        await load();
      });
    } } }, [name, description, kind,
      el('button', { text: 'Save', attrs: { type: 'submit' } }),
      el('button', { text: 'Cancel', attrs: { type: 'button' }, on: { click: () => load() } })]);
    item.replaceWith(el('li', { class: 'directory-room' }, [form]));
    name.focus();
  }

  function render(rooms) {
    clear(list);
    if (rooms.length === 0) {
      list.append(el('li', { class: 'empty', text: 'No rooms here.' }));
      return;
    }
    for (const room of rooms) {
      const isJoined = joined.has(room.id);
      const item = el('li', { class: 'directory-room', attrs: { 'data-room-id': room.id } });
      const refusal = el('p', { class: 'form-error room-error', attrs: { role: 'alert' } });
      const own = isOwnRoom(room, account);
      item.append(
        el('div', { class: 'directory-name', text: room.name }),
        room.description ? el('div', { class: 'help', text: room.description }) : null,
        el('div', { class: 'help', text: facts(room) }),
        el('div', { class: 'directory-actions' }, [
          el('button', {
            text: isJoined ? 'Open' : 'Join',
            attrs: { type: 'button', 'aria-label': `${isJoined ? 'Open' : 'Join'} ${room.name}` },
            on: { click: () => act(async () => {
              if (isJoined) await onOpen(account, room.id);
              else await onJoin(account, room.id);
              close();
            }, refusal) },
          }),
          own ? el('button', { text: 'Edit', attrs: { type: 'button', 'aria-label': `Edit ${room.name}` }, on: { click: () => editor(room, item) } }) : null,
          own ? el('button', {
            text: 'Delete',
            attrs: { type: 'button', 'aria-label': `Delete ${room.name} for everyone` },
            on: {
              click: askFirst({
                question: `Delete ${room.name} for everyone? Its messages are gone for every member.`,
                confirmText: 'Delete for everyone',
                act: () => act(async () => {
                  await onDelete(account, room.id);
                  await load();
                }, refusal),
              }),
            },
          }) : null,
        ]),
        refusal,
      );
      list.append(item);
    }
  }

  function close() {
    dialog.hidden = true;
  }

  byId('close-directory').addEventListener('click', close);
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  type.addEventListener('change', () => { page = 1; load(); });
  prev.addEventListener('click', () => { if (page > 1) { page -= 1; load(); } });
  next.addEventListener('click', () => { if (page < pages) { page += 1; load(); } });
  createForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = byId('new-room-name');
    const description = byId('new-room-description');
    if (!name.value.trim()) {
      showFieldError(name, 'Give the room a name.');
      return;
    }
    act(async () => {
      await onCreate(account, { name: name.value.trim(), description: description.value.trim(), type: byId('new-room-type').value });
      name.value = '';
      description.value = '';
      close();
    });
  });

  return {
    /** Opens the directory of `target` (an account view); `joinedIds` marks rooms already joined. */
    open(target, joinedIds) {
      account = target;
      joined = new Set(joinedIds);
      page = 1;
      byId('directory-title').textContent = `Rooms of ${target.display_name}`;
      dialog.hidden = false;
      type.focus();
      return load();
    },
    isOpen: () => !dialog.hidden,
  };
}
