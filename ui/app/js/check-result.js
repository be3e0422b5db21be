// A form's check button ("Test connection", "Check keystore") and the line under it that says
// how the check went, with the technical detail behind Details. A refusal that names a field
// also marks that field (field-errors.js); the line is cleared as soon as anything in the form
// is edited, because it then describes values that are no longer there.

import { showErrorAtField, clearFieldErrors } from './field-errors.js';
import { showErrorIn } from './error-view.js';
import { el } from './dom.js';

const MARKS = { passed: '✓', failed: '✗', not_reached: '–' };
const SPOKEN = { passed: 'passed', failed: 'failed', not_reached: 'not reached' };

/** A check's steps as a list: "✓ Signed in — as Tess", "✗ Live socket authenticated". */
export function stepList(steps) {
  const known = (steps || []).filter((s) => s && typeof s.label === 'string' && Object.hasOwn(MARKS, s.outcome));
  if (!known.length) return null;
  return el('ol', { class: 'check-steps' }, known.map((s) => el('li', { class: `check-step ${s.outcome}` }, [
    el('span', { class: 'check-mark', text: MARKS[s.outcome], attrs: { 'aria-hidden': 'true' } }),
    el('span', { text: s.label }),
    el('span', { class: 'visually-hidden', text: `: ${SPOKEN[s.outcome]}` }),
    typeof s.detail === 'string' && s.detail ? el('span', { class: 'check-detail', text: ` — ${s.detail}` }) : null,
  ])));
}

/**
 * `request()` → {request} or {problem} (a fieldProblem); `run(request)` → the text to show on
 * success; `inputFor(field)` → the input of a backend field name; `busy` is shown while it runs.
 */
export function createCheckResult({ fieldset, button, result, request, run, inputFor, busy, success }) {
  function say(outcome, text, error = null, steps = null) {
    result.dataset.outcome = outcome;
    if (error) showErrorIn(result, error, text);
    else result.textContent = text;
    const list = stepList(steps || (error && error.steps));
    if (list) result.prepend(list);
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
      const answer = await run(payload);
      say('ok', success(answer), null, answer && answer.steps);
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
