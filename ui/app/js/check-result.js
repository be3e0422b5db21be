// A form's check button ("Test connection", "Check keystore") and the line under it that says
// how the check went, with the technical detail behind Details. A refusal that names a field
// also marks that field (field-errors.js); the line is cleared as soon as anything in the form
// is edited, because it then describes values that are no longer there.

import { showErrorAtField, clearFieldErrors } from './field-errors.js';
import { showErrorIn } from './error-view.js';

/**
 * `request()` → {request} or {problem} (a fieldProblem); `run(request)` → the text to show on
 * success; `inputFor(field)` → the input of a backend field name; `busy` is shown while it runs.
 */
export function createCheckResult({ fieldset, button, result, request, run, inputFor, busy, success }) {
  function say(outcome, text, error = null) {
    result.dataset.outcome = outcome;
    if (error) showErrorIn(result, error, text);
    else result.textContent = text;
    // The answer is read where the button is: scrolled into the panel's view, never below it.
    if (text && result.scrollIntoView) result.scrollIntoView({ block: 'nearest' });
  }

  function clearResult() {
    if (!result.dataset.outcome) return;
    result.dataset.outcome = '';
    result.textContent = '';
  }
  fieldset.addEventListener('input', clearResult);
  fieldset.addEventListener('change', clearResult);

  button.addEventListener('click', async () => {
    clearFieldErrors(fieldset);
    const { problem, request: payload } = request();
    if (problem) {
      if (showErrorAtField(problem, inputFor)) say('failed', 'Not checked: correct the marked field first.');
      else say('failed', problem.message);
      return;
    }
    button.disabled = true;
    say('busy', busy);
    try {
      say('ok', success(await run(payload)));
    } catch (e) {
      // The field at fault is marked too, but the answer and the focus stay at the button.
      showErrorAtField(e, inputFor, { focus: false });
      say('failed', 'Failed: ', e);
    } finally {
      button.disabled = false;
    }
  });

  return { clear: clearResult };
}
