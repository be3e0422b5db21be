// Moving between messages with the keyboard: in the timeline, ↑ and ↓ focus the previous or
// next message (from the timeline itself, the last or first one in view), so the Menu key or
// Shift+F10 can then open that message's menu (message-menu.js). Rows are focusable by script
// only (tabindex -1): Tab still goes past the timeline in one step.

const ROW = '[data-local-id]';

/** The rows in the DOM (the virtual window), in order. */
function rows(container) {
  return [...container.querySelectorAll(ROW)];
}

/** Whether `row` is at least partly inside the visible part of `container`. */
function inView(container, row) {
  const height = container.clientHeight;
  if (!height) return true; // no layout (tests): every row counts
  const top = row.offsetTop - container.scrollTop;
  return top + row.offsetHeight > 0 && top < height;
}

/** The row to focus for ↑ (`step` -1) or ↓ (+1) from `from` (a row, or null for the timeline). */
export function nextRow(container, from, step) {
  const all = rows(container);
  if (!all.length) return null;
  if (!from) {
    const visible = all.filter((row) => inView(container, row));
    const pool = visible.length ? visible : all;
    return step < 0 ? pool[pool.length - 1] : pool[0];
  }
  const at = all.indexOf(from);
  return all[at + step] || null;
}

export function installMessageKeys(container) {
  container.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const from = event.target === container ? null : event.target.closest(ROW);
    if (event.target !== container && (!from || from !== event.target)) return; // a control inside a message
    const step = event.key === 'ArrowUp' ? -1 : 1;
    event.preventDefault();
    const target = nextRow(container, from, step);
    if (target) {
      target.focus();
      return;
    }
    // At the edge of the rows in the DOM: scroll on, and the virtual window brings the next ones.
    container.scrollTop += step * Math.max(40, container.clientHeight / 3);
  });
}
