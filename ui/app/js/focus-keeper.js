// Keeps the keyboard focus where it was when a part of the page is redrawn: a new message
// redraws the sidebar, and the room button that had the focus must still have it afterwards
// (not the body, which would send Tab back to the top of the page).

/** What identifies a focusable node across redraws: its id, or its data-room / data-focus-key. */
function identity(node) {
  if (!node || node.nodeType !== 1) return null;
  if (node.dataset.room) return ['room', node.dataset.room];
  if (node.dataset.focusKey) return ['focusKey', node.dataset.focusKey];
  if (node.id) return ['id', node.id];
  return null;
}

/** Runs `redraw()` (which replaces `container`'s children) and puts the focus back on the same item. */
export function keepFocus(container, redraw) {
  const doc = container.ownerDocument;
  const active = doc.activeElement;
  const key = active && active !== container && container.contains(active) ? identity(active) : null;
  const result = redraw();
  if (key && !container.contains(doc.activeElement)) {
    const [kind, value] = key;
    const again = kind === 'id'
      ? doc.getElementById(value)
      : [...container.querySelectorAll(kind === 'room' ? '[data-room]' : '[data-focus-key]')].find((n) => n.dataset[kind] === value);
    if (again && container.contains(again)) again.focus({ preventScroll: true });
  }
  return result;
}
