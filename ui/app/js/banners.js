// Banners above the timeline: the demo notice (collapsible), one banner for the accounts that
// cannot connect (offline-banner.js), startup notices, and the latest error.

import { el, replaceIfChanged } from './dom.js';
import { offlineBanner, PERSISTENT_TROUBLE_ATTEMPT } from './offline-banner.js';
import { errorNodes } from './error-view.js';

export { PERSISTENT_TROUBLE_ATTEMPT };

/** Where the Demo banner's collapsed state is remembered (a page preference, like the theme). */
const DEMO_COLLAPSED = 'parley.demo-banner-collapsed';

function demoCollapsed() {
  try {
    return window.localStorage.getItem(DEMO_COLLAPSED) === '1';
  } catch {
    return false;
  }
}

function demoBanner(state, actions) {
  const collapsed = demoCollapsed();
  // Parley starts the Demo only for a profile with no account of its own: say so as soon as
  // there is one, rather than let the Demo vanish at the next start without a word.
  const ownAccount = [...state.accounts.values()].some((account) => !account.demo);
  const about = 'Demo workspace: a local simulator plays the other people here. Nothing leaves this computer.'
    + (ownAccount ? ' Now that you have an account of your own, the Demo is not started again next time (start Parley with --demo to see it).' : '');
  const toggle = () => {
    try {
      window.localStorage.setItem(DEMO_COLLAPSED, collapsed ? '0' : '1');
    } catch { /* the choice lasts this draw only */ }
    if (actions.rerender) actions.rerender();
  };
  return el('div', { class: `banner demo${collapsed ? ' collapsed' : ''}`, attrs: { role: 'status' } }, [
    el('span', { text: collapsed ? 'Demo workspace' : about }),
    el('button', { text: collapsed ? 'About' : 'Collapse', attrs: { type: 'button', 'aria-expanded': String(!collapsed), 'data-focus-key': 'demo-toggle' }, on: { click: toggle } }),
    ...removeDemo(actions),
  ]);
}

/** Whether the banner is asking before removing the Demo (kept here: the banner is redrawn
 * with every batch, so the question lives in its state, not only in its nodes). */
let askingToRemoveDemo = false;

/** Remove demo, or the question it asks first (the focus follows through redraws by key). */
function removeDemo(actions) {
  const ask = (asking, focusKey) => () => {
    askingToRemoveDemo = asking;
    if (actions.rerender) actions.rerender();
    document.querySelector(`#banners [data-focus-key="${focusKey}"]`)?.focus();
  };
  if (!askingToRemoveDemo) {
    return [el('button', { text: 'Remove demo', attrs: { type: 'button', 'data-focus-key': 'demo-remove' }, on: { click: ask(true, 'demo-remove-cancel') } })];
  }
  const cancel = ask(false, 'demo-remove');
  return [el('span', {
    class: 'ask-first',
    attrs: { role: 'group', 'aria-label': REMOVE_DEMO_QUESTION },
    on: { keydown: (event) => { if (event.key === 'Escape') { event.preventDefault(); event.stopPropagation(); cancel(); } } },
  }, [
    el('span', { class: 'ask-first-question', text: REMOVE_DEMO_QUESTION }),
    el('button', {
      class: 'danger', text: 'Remove demo', attrs: { type: 'button', 'data-focus-key': 'demo-remove-confirm' },
      on: { click: () => { askingToRemoveDemo = false; actions.dismissDemo(); } },
    }),
    el('button', { text: 'Cancel', attrs: { type: 'button', 'data-focus-key': 'demo-remove-cancel' }, on: { click: cancel } }),
  ])];
}

const REMOVE_DEMO_QUESTION = 'Remove the Demo for good? Its rooms and messages go with it.';

export function renderBanners(target, state, actions) {
  const container = document.createDocumentFragment();
  if (state.demo) container.append(demoBanner(state, actions));
  if (state.keyring && !state.keyring.session_only) {
    container.append(el('div', { class: 'banner warning', attrs: { role: 'alert' } }, [
      el('span', { text: `No system keyring is available (${state.keyring.missing}). Parley never writes secrets in plain text, so accounts that need one cannot be added or connected. You can keep them in memory for this session only; they are forgotten when Parley quits.` }),
      el('button', { text: 'Keep secrets for this session only', attrs: { type: 'button' }, on: { click: actions.keepSecretsForSession } }),
    ]));
  } else if (state.keyring) {
    container.append(el('div', { class: 'banner warning', attrs: { role: 'status' } }, [
      el('span', { text: 'No system keyring: secrets you enter are kept in memory for this session only.' }),
    ]));
  }
  for (const notice of state.notices) {
    container.append(el('div', { class: 'banner warning', attrs: { role: 'alert' } }, [el('span', { text: notice })]));
  }
  const offline = offlineBanner(state.accounts.values(), actions);
  if (offline) container.append(offline);
  const latest = state.errors[state.errors.length - 1];
  if (latest && !latest.dismissed) {
    const account = state.accounts.get(latest.account);
    // `data-at` tells two errors with the same words apart (each has its own Dismiss).
    // An error of the page itself has no account: no "undefined:" or raw id before it.
    const who = account ? `${account.display_name}: ` : '';
    container.append(el('div', { class: 'banner error', attrs: { role: 'alert', 'data-at': latest.at } }, [
      el('div', { class: 'banner-text' }, errorNodes(latest, who)),
      el('button', {
        text: 'Dismiss',
        attrs: { type: 'button', 'aria-label': 'Dismiss error' },
        on: { click: () => { latest.dismissed = true; actions.rerender(); } },
      }),
    ]));
  }
  replaceIfChanged(target, container);
}
