// Errors the backend pins on one field of the add-account form (a rejection's `field`): the
// message goes right after that field's input, which is marked invalid, described by it and
// focused; editing the field clears both. Each form maps the backend's field names to its
// inputs (`inputFor(field)`); a field it does not show falls back to the form's usual error line.

import { el } from './dom.js';
import { errorNodes } from './error-view.js';

function noteId(input) {
  return `${input.id}-error`;
}

/**
 * A problem the page finds in what was typed, named by the backend's field name so that it is
 * shown exactly where the backend's own refusal of that field would be.
 */
export function fieldProblem(field, message) {
  return { field, message };
}

/** Removes the error shown at `input`, if any. */
export function clearFieldError(input) {
  if (input.getAttribute('aria-invalid') !== 'true') return;
  input.removeAttribute('aria-invalid');
  const id = noteId(input);
  const note = input.ownerDocument.getElementById(id);
  if (note) note.remove();
  const described = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter((t) => t && t !== id);
  if (described.length) input.setAttribute('aria-describedby', described.join(' '));
  else input.removeAttribute('aria-describedby');
}

/** Removes every field error shown inside `container`. */
export function clearFieldErrors(container) {
  for (const input of container.querySelectorAll('[aria-invalid="true"]')) clearFieldError(input);
}

/**
 * Shows `problem` (a message, or an error with its detail) at `input` and focuses it, unless
 * `focus` is false (a check whose answer is read at its button).
 */
export function showFieldError(input, problem, { focus = true } = {}) {
  clearFieldError(input);
  const id = noteId(input);
  const nodes = typeof problem === 'string' ? [problem] : errorNodes(problem);
  input.after(el('div', { class: 'form-error field-error', attrs: { id, role: 'alert' } }, nodes));
  input.setAttribute('aria-invalid', 'true');
  const described = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  input.setAttribute('aria-describedby', [id, ...described].join(' '));
  input.addEventListener('input', () => clearFieldError(input), { once: true });
  if (focus) input.focus();
}

/**
 * Shows a failed call's error at the input its `field` names (`inputFor(field)` → input or null)
 * when that input is on screen; returns whether it did. Otherwise the caller shows it as before.
 */
export function showErrorAtField(error, inputFor, options = {}) {
  const input = error && error.field ? inputFor(error.field) : null;
  if (!input || input.closest('[hidden]')) return false;
  showFieldError(input, error, options);
  return true;
}
