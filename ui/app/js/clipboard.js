// Copying text to the system clipboard from a click or a key: the asynchronous Clipboard API
// where the webview grants it, else the older copy command on a hidden text field (WebKitGTK
// allows it inside a user gesture). The page never reads the clipboard.

/** Puts `text` on the clipboard; resolves true when it got there. */
export async function copyText(text) {
  const value = String(text);
  try {
    const { clipboard } = window.navigator;
    if (clipboard && clipboard.writeText) {
      await clipboard.writeText(value);
      return true;
    }
  } catch {
    // Refused (no permission here): try the copy command below.
  }
  const field = document.createElement('textarea');
  field.value = value;
  field.setAttribute('readonly', '');
  field.setAttribute('aria-hidden', 'true');
  field.style.position = 'fixed';
  field.style.opacity = '0';
  const focused = document.activeElement;
  document.body.append(field);
  field.select();
  let copied = false;
  try {
    copied = typeof document.execCommand === 'function' && document.execCommand('copy');
  } catch {
    copied = false;
  }
  field.remove();
  if (focused && typeof focused.focus === 'function') focused.focus();
  return copied;
}
