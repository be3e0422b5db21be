// Credentials sent to a plain http:// or ws:// address on another machine cross the network
// readable by anyone on the way. The add-account form warns as soon as such an address is in a
// shown field that carries credentials (`data-carries-credentials`) and sends the form only
// with an explicit tick; the backend refuses it without the tick too (kind
// `needs_confirmation`). Loopback never leaves the machine, so it needs no tick.

import { byId } from './dom.js';

/** Whether `address` is plain http:// or ws:// to another machine. */
export function isUnencryptedRemote(address) {
  let url;
  try {
    url = new URL(String(address).trim());
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'ws:') return false;
  const host = url.hostname.toLowerCase();
  // 127.0.0.0/8 as an address only: a name such as 127.example.com is another machine.
  return !(host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host));
}

/** The host of the first shown credential field holding an unencrypted remote address. */
function unencryptedHost(form) {
  for (const input of form.querySelectorAll('input[data-carries-credentials]')) {
    if (input.matches(':disabled') || input.closest('[hidden]')) continue;
    if (isUnencryptedRemote(input.value)) return new URL(input.value.trim()).host;
  }
  return null;
}

/**
 * Watches the form's credential addresses. `apply(payload)` adds the user's consent to a
 * request; `reveal()` shows the warning after the backend asked for it.
 */
export function createUnencryptedConsent(form) {
  const row = byId('unencrypted-consent');
  const warning = byId('unencrypted-warning');
  const box = byId('allow-unencrypted');
  let shownFor = null;

  function update() {
    const host = unencryptedHost(form);
    if (host !== shownFor) box.checked = false;
    shownFor = host;
    row.hidden = host === null;
    warning.textContent = host === null ? ''
      : `${host} is not encrypted (http:// or ws://): your key, token or password would cross the network readable by anyone on the way. Use https:// or wss:// if the server offers it.`;
  }

  form.addEventListener('input', (event) => {
    if (event.target !== box) update();
  });
  form.addEventListener('change', (event) => {
    if (event.target !== box) update();
  });

  return {
    update,
    apply(payload) {
      return box.checked && !row.hidden ? { ...payload, allow_unencrypted: true } : payload;
    },
    /** Whether an unencrypted address is shown and not yet ticked (then the box is focused). */
    missing() {
      update();
      if (row.hidden || box.checked) return false;
      box.focus();
      return true;
    },
    reveal() {
      update();
      if (!row.hidden) box.focus();
    },
  };
}
