// Banners above the timeline: the demo notice, accounts that stopped (with the reason and
// what to do), startup notices, and the latest error.

import { el, replaceIfChanged } from './dom.js';
import { describeState } from './state.js';
import { capabilitiesOf } from './capabilities.js';

/**
 * From this attempt on, a reconnecting account gets a banner with "Retry now", unless its
 * capabilities say otherwise (trouble_after_attempts: Realtime's docs give up after 5 attempts;
 * Parley keeps trying at the 30 s cap and says so once the fifth has failed).
 */
export const PERSISTENT_TROUBLE_ATTEMPT = 3;

export function renderBanners(target, state, actions) {
  const container = document.createDocumentFragment();
  if (state.demo) {
    container.append(el('div', { class: 'banner demo', attrs: { role: 'status' } }, [
      el('span', { text: 'Demo workspace: a local simulator plays the other people here. Nothing leaves this computer.' }),
      el('button', { text: 'Remove demo', attrs: { type: 'button' }, on: { click: actions.dismissDemo } }),
    ]));
  }
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
  for (const account of state.accounts.values()) {
    const threshold = capabilitiesOf(account).trouble_after_attempts || PERSISTENT_TROUBLE_ATTEMPT;
    const troubled = account.state && account.state.state === 'backoff' && account.state.attempt >= threshold;
    if (troubled) {
      container.append(el('div', { class: 'banner warning', attrs: { role: 'status' } }, [
        el('span', { text: `${account.display_name} is offline, retrying. ${describeState(account.state, Date.now(), account.stateSince)}` }),
        el('button', { text: 'Retry now', attrs: { type: 'button', 'aria-label': `Retry ${account.display_name} now` }, on: { click: () => actions.retry(account.id) } }),
      ]));
    }
    if (account.state && account.state.state === 'stopped') {
      container.append(el('div', { class: 'banner error', attrs: { role: 'alert' } }, [
        el('span', { text: `${account.display_name} stopped: ${account.state.reason}` }),
        el('button', { text: 'Retry now', attrs: { type: 'button', 'aria-label': `Retry ${account.display_name} now` }, on: { click: () => actions.retry(account.id) } }),
        el('button', { text: 'Settings', attrs: { type: 'button' }, on: { click: actions.openSettings } }),
      ]));
    }
  }
  const latest = state.errors[state.errors.length - 1];
  if (latest && !latest.dismissed) {
    const account = state.accounts.get(latest.account);
    // `data-at` tells two errors with the same words apart (each has its own Dismiss).
    container.append(el('div', { class: 'banner error', attrs: { role: 'alert', 'data-at': latest.at } }, [
      el('span', { text: `${account ? account.display_name : latest.account}: ${latest.message}` }),
      el('button', {
        text: 'Dismiss',
        attrs: { type: 'button', 'aria-label': 'Dismiss error' },
        on: { click: () => { latest.dismissed = true; actions.rerender(); } },
      }),
    ]));
  }
  replaceIfChanged(target, container);
}
