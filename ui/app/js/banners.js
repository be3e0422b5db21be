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

function demoBanner(actions) {
  const collapsed = demoCollapsed();
  const toggle = () => {
    try {
      window.localStorage.setItem(DEMO_COLLAPSED, collapsed ? '0' : '1');
    } catch { /* the choice lasts this draw only */ }
    if (actions.rerender) actions.rerender();
  };
  return el('div', { class: `banner demo${collapsed ? ' collapsed' : ''}`, attrs: { role: 'status' } }, [
    el('span', { text: collapsed ? 'Demo workspace' : 'Demo workspace: a local simulator plays the other people here. Nothing leaves this computer.' }),
    el('button', { text: collapsed ? 'About' : 'Collapse', attrs: { type: 'button', 'aria-expanded': String(!collapsed), 'data-focus-key': 'demo-toggle' }, on: { click: toggle } }),
    el('button', { text: 'Remove demo', attrs: { type: 'button' }, on: { click: actions.dismissDemo } }),
  ]);
}

export function renderBanners(target, state, actions) {
  const container = document.createDocumentFragment();
  if (state.demo) container.append(demoBanner(actions));
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
