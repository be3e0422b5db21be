// The rules every dialog of the page follows, in one place: the window behind an open dialog is
// inert; Tab and Shift+Tab stay inside the top-most open dialog; Escape closes the top-most one wherever the focus is (even on the body,
// where it lands when the focused button is removed, such as an account's Remove); and when a
// dialog closes and the focus is lost, it goes back where it was before the dialog opened.

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** The nodes of `dialog` Tab can reach, in order. */
function focusables(dialog) {
  return [...dialog.querySelectorAll(FOCUSABLE)].filter((n) => {
    if (n.closest('[hidden]') || n.closest('fieldset[disabled]')) return false;
    // In a closed <details>, only its summary can be reached.
    const closed = n.closest('details:not([open])');
    return !closed || (n.tagName === 'SUMMARY' && n.parentElement === closed);
  });
}

function isOpen(dialog) {
  return dialog.isConnected && !dialog.hidden;
}

/** Installs the rules on `doc`; returns {top(), stop()}. */
export function installDialogFocus(doc = document) {
  /** Open dialogs, the most recently opened last, each with where the focus was before. */
  const stack = [];
  /** The last few elements that had the focus, newest last (a dialog moves the focus into itself as it opens). */
  const recent = [];
  doc.addEventListener('focusin', (event) => {
    recent.push(event.target);
    if (recent.length > 8) recent.shift();
  }, true);

  /** Where the focus was before `dialog` took it. */
  function before(dialog) {
    for (let i = recent.length - 1; i >= 0; i -= 1) {
      const node = recent[i];
      if (node.isConnected && node !== doc.body && !dialog.contains(node)) return node;
    }
    return null;
  }

  function sync() {
    /** Closed dialogs whose focus was lost, with where it was before them. */
    const closed = [];
    for (let i = stack.length - 1; i >= 0; i -= 1) {
      const { dialog, returnTo } = stack[i];
      if (isOpen(dialog)) continue;
      stack.splice(i, 1);
      closed.push({ dialog, returnTo });
    }
    for (const dialog of doc.querySelectorAll('[role="dialog"]')) {
      if (isOpen(dialog) && !stack.some((s) => s.dialog === dialog)) {
        stack.push({ dialog, returnTo: before(dialog) });
      }
    }
    // Behind a modal dialog the window is inert: not reachable, not clickable, not read out.
    // Updated before the focus goes back: an inert element takes no focus.
    for (const part of doc.querySelectorAll('#app > :not([role="dialog"])')) {
      if (stack.length) part.setAttribute('inert', '');
      else part.removeAttribute('inert');
    }
    for (const { dialog, returnTo } of closed) {
      const lost = !doc.activeElement || doc.activeElement === doc.body || !doc.activeElement.isConnected || dialog.contains(doc.activeElement);
      if (!lost) continue;
      const under = stack.at(-1);
      const target = returnTo && returnTo.isConnected && !returnTo.closest('[hidden]') ? returnTo : under && focusables(under.dialog)[0];
      if (target) target.focus();
      // Nothing to go back to, or it takes no focus (out of sight): the message box, not nowhere.
      const stillLost = !doc.activeElement || doc.activeElement === doc.body || dialog.contains(doc.activeElement);
      if (stillLost && !under) doc.getElementById('composer-input')?.focus();
    }
  }

  // A dialog opens or closes by its `hidden` attribute; the image viewer is added to the body.
  const observer = new doc.defaultView.MutationObserver(sync);
  observer.observe(doc.body, { attributes: true, attributeFilter: ['hidden'], subtree: true, childList: true });

  function top() {
    sync();
    return stack.length ? stack.at(-1).dialog : null;
  }

  function onKey(event) {
    if (event.key !== 'Tab' && event.key !== 'Escape') return;
    const dialog = top();
    if (!dialog) return;
    const active = doc.activeElement;
    if (event.key === 'Escape') {
      // Inside, the dialog's own handler closes it; from outside (the body), it is sent there.
      if (!dialog.contains(event.target)) {
        event.preventDefault();
        dialog.dispatchEvent(new doc.defaultView.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      }
      return;
    }
    const nodes = focusables(dialog);
    if (!nodes.length) {
      event.preventDefault();
      return;
    }
    const first = nodes[0];
    const last = nodes.at(-1);
    if (!dialog.contains(active)) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    } else if (event.shiftKey && active === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }
  doc.addEventListener('keydown', onKey, true);

  return {
    top,
    stop() {
      observer.disconnect();
      doc.removeEventListener('keydown', onKey, true);
    },
  };
}
