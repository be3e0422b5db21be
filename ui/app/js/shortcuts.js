// The page-wide keyboard shortcuts (switcher.js lists them and tells the keys apart): what each
// one does — the quick switcher, search, the shortcut list, settings, the composer, and the next
// or previous room with unread messages.

import { byId } from './dom.js';
import { createSwitcher, createShortcutList, matchShortcut, nextUnread } from './switcher.js';

/** Puts the focus in the open room: its message box, or its timeline when it takes none. */
export function focusRoom() {
  const composer = byId('composer-input');
  if (!composer.disabled) composer.focus();
  if (document.activeElement !== composer) byId('timeline').focus();
}

/** Listens for the shortcuts on the whole page; `search` and `settings` are their dialogs. */
export function installShortcuts({ state, search, settings, openRoomByKey, showError }) {
  const switcher = createSwitcher({
    rooms: () => ({ rooms: [...state.rooms.values()], accounts: state.accounts }),
    // A room picked by keyboard is one to write in: the focus goes to its message box (or its
    // timeline, where the account cannot write), not back to where Ctrl+K was pressed.
    onOpen: (key, back) => openRoomByKey(key).then(focusRoom, (e) => {
      // Not opened: the keyboard goes back where Ctrl+K was pressed.
      if (back) back.focus();
      showError(e);
    }),
  });
  const shortcutList = createShortcutList();
  document.addEventListener('keydown', (event) => {
    const action = matchShortcut(event);
    if (!action) return;
    event.preventDefault();
    // The switcher is a quick pick: any other dialog a shortcut opens replaces it.
    if (action !== 'switcher' && switcher.isOpen()) switcher.close();
    if (action === 'switcher') switcher.open();
    else if (action === 'search') search.open();
    else if (action === 'shortcuts') shortcutList.open();
    else if (action === 'settings') settings.open();
    else if (action === 'focusComposer') byId('composer-input').focus();
    else if (action === 'nextMatch' || action === 'previousMatch') {
      if (!search.step(action === 'nextMatch' ? 1 : -1)) search.open();
    }
    else {
      const keys = [...state.rooms.keys()];
      const next = nextUnread(keys, (k) => state.rooms.get(k).unread || 0, state.openRoom, action === 'nextUnread' ? 1 : -1);
      if (next) openRoomByKey(next).catch(showError);
    }
  });
  return { switcher, shortcutList };
}
