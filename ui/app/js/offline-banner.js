// The one banner for accounts that cannot connect. One account: its name, what Parley is doing
// ("retrying in 8 s", "stopped") and its buttons, with the connection's own reason behind
// Details. Several: one compact line ("2 accounts offline") whose Details list each, so a bad
// network day does not stack a two-line banner per account over every room.

import { el } from './dom.js';
import { describeState } from './state.js';
import { capabilitiesOf } from './capabilities.js';
import { errorNodes } from './error-view.js';

/**
 * From this attempt on, a reconnecting account counts as offline, unless its capabilities say
 * otherwise (trouble_after_attempts: Realtime's docs give up after 5 attempts; Parley keeps
 * trying at the 30 s cap and says so once the fifth has failed).
 */
export const PERSISTENT_TROUBLE_ATTEMPT = 3;

/** Whether `account` is offline enough to be told: stopped, or failing to reconnect for a while. */
export function isOffline(account) {
  const s = account.state;
  if (!s) return false;
  if (s.state === 'stopped') return true;
  const threshold = capabilitiesOf(account).trouble_after_attempts || PERSISTENT_TROUBLE_ATTEMPT;
  return s.state === 'backoff' && s.attempt >= threshold;
}

/** "retrying in 8 s" or "stopped", in the user's words; the reason goes to Details. */
function doing(account, now) {
  const s = account.state;
  if (s.state === 'stopped') return 'stopped';
  const left = Math.max(0, Math.ceil((s.retry_in_ms - (now - (account.stateSince || now))) / 1000));
  return `retrying in ${left} s`;
}

function buttons(account, actions) {
  return [
    el('button', { text: 'Retry now', attrs: { type: 'button', 'aria-label': `Retry ${account.display_name} now` }, on: { click: () => actions.retry(account.id) } }),
    account.state.state === 'stopped' && actions.openSettings
      ? el('button', { text: 'Settings', attrs: { type: 'button', 'aria-label': `Settings: ${account.display_name}` }, on: { click: () => actions.openSettings(account.id) } })
      : null,
  ];
}

/** The banner for the offline accounts among `accounts`, or null when none is. */
export function offlineBanner(accounts, actions, now = Date.now()) {
  const offline = [...accounts].filter(isOffline);
  if (offline.length === 0) return null;
  const stopped = offline.some((a) => a.state.state === 'stopped');
  const attrs = { role: stopped ? 'alert' : 'status' };
  const kind = `banner ${stopped ? 'error' : 'warning'} offline`;
  if (offline.length === 1) {
    const [account] = offline;
    const reason = { message: `${account.display_name} is offline, ${doing(account, now)}.`, detail: describeState(account.state, now, account.stateSince) };
    return el('div', { class: kind, attrs }, [el('div', { class: 'banner-text' }, errorNodes(reason)), ...buttons(account, actions)]);
  }
  return el('div', { class: kind, attrs }, [
    el('div', { class: 'banner-text' }, [
      el('span', { class: 'error-summary', text: `${offline.length} accounts offline` }),
      el('details', { class: 'error-details' }, [
        el('summary', { text: 'Details' }),
        el('ul', { class: 'offline-list' }, offline.map((account) => el('li', {}, [
          el('span', { text: `${account.display_name}: ${doing(account, now)} — ${describeState(account.state, now, account.stateSince)}` }),
          ...buttons(account, actions),
        ]))),
      ]),
    ]),
    el('button', { text: 'Retry all', attrs: { type: 'button' }, on: { click: () => offline.forEach((a) => actions.retry(a.id)) } }),
  ]);
}
