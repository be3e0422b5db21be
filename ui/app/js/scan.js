// Character tests shared by the page's scanners of message text (links.js, markdown.js,
// rich.js): each looks at one UTF-16 code unit or a fixed prefix, so the scanners built on them
// are plain loops whose time is linear in the text. No regex runs over untrusted text: a
// backtracking pattern on a hostile message can freeze the window (issue 20).

/** Whether `code` is whitespace as a regex's `\s` sees it (so behaviour matches the old patterns). */
export function isSpace(code) {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028
    || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** `0`–`9`. */
export function isDigit(code) {
  return code >= 48 && code <= 57;
}

/** A regex's `\w`: ASCII letters, digits and `_`. */
export function isWordChar(code) {
  return isDigit(code) || code === 95 || ((code | 0x20) >= 97 && (code | 0x20) <= 122);
}

/** Whether `text` holds the lower-case ASCII `word` at `at`, in any case. */
export function hasAsciiAt(text, at, word) {
  if (at + word.length > text.length) return false;
  for (let i = 0; i < word.length; i += 1) {
    const code = text.charCodeAt(at + i);
    const lower = code >= 65 && code <= 90 ? code | 0x20 : code;
    if (lower !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** The length of `http://` or `https://` (any case) at `at` in `text`, or 0. */
export function webSchemeAt(text, at = 0) {
  if (!hasAsciiAt(text, at, 'http')) return 0;
  const s = hasAsciiAt(text, at + 4, 's') ? 1 : 0;
  return text.startsWith('://', at + 4 + s) ? 7 + s : 0;
}

/** Whether `url` is an http(s) address (starts with `http://` or `https://`, any case). */
export function isWebAddress(url) {
  return webSchemeAt(String(url)) > 0;
}
