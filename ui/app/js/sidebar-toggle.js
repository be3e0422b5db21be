// Narrow windows (below 900 px, see app.css): the sidebar is out of the way until the header's
// Rooms button shows it over the room; picking a room, Escape or the button again hide it, and
// the focus goes where the user expects (the first room when it opens, the button when it closes).

import { byId } from './dom.js';

export const NARROW_QUERY = '(max-width: 899px)';

export function installSidebarToggle({ app = byId('app'), sidebar = byId('sidebar'), button = byId('toggle-sidebar') } = {}) {
  const narrow = window.matchMedia ? window.matchMedia(NARROW_QUERY) : null;

  function isOpen() {
    return app.classList.contains('sidebar-open');
  }

  function set(open, { focus = true } = {}) {
    app.classList.toggle('sidebar-open', open);
    button.setAttribute('aria-expanded', String(open));
    if (!focus) return;
    if (open) (sidebar.querySelector('.room.open') || sidebar.querySelector('button'))?.focus();
    else if (sidebar.contains(document.activeElement)) button.focus();
  }

  button.addEventListener('click', () => set(!isOpen()));
  sidebar.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && isOpen()) {
      event.preventDefault();
      set(false);
    }
  });
  // A room picked (or a panel opened) from the sliding sidebar hides it.
  sidebar.addEventListener('click', (event) => {
    if (isOpen() && event.target.closest('button')) set(false, { focus: false });
  });
  // Widening the window puts the sidebar back in the grid: no overlay state left behind.
  if (narrow && narrow.addEventListener) narrow.addEventListener('change', () => { if (!narrow.matches) set(false, { focus: false }); });

  return { isOpen, close: () => set(false) };
}
