// The page branches on what an account can do (its `capabilities`), not on its service's name:
// made-up services get the ticker, members, typing, media by address, server history and limits
// by saying so, a Realtime account without `members` gets no members panel, and an account that
// says nothing gets none of them.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, nextFrame, CAPABILITIES } from './page.js';

loadPage();
const { setBackend } = await import('../../app/js/ipc.js');
const { startApp } = await import('../../app/js/app.js');
const { capabilitiesOf, NO_CAPABILITIES } = await import('../../app/js/capabilities.js');
const { renderBanners, PERSISTENT_TROUBLE_ATTEMPT } = await import('../../app/js/banners.js');
const { renderTicker } = await import('../../app/js/ticker.js');
const { createState } = await import('../../app/js/state.js');

const NOTHING = CAPABILITIES.mockly;
const accounts = [
  // A service the page has never heard of, with a ticker and nothing else.
  { id: 'other-1', display_name: 'Other desk', demo: false, service_label: 'Other', settings: { service: 'other', symbols: ['BTC/USD'] },
    capabilities: { ...NOTHING, ticker: true }, state: { state: 'open' } },
  // Realtime, but without a members panel.
  { id: 'rt-1', display_name: 'Community', demo: false, service_label: 'Realtime', settings: { service: 'realtime', symbols: [], rooms: [] },
    capabilities: { ...CAPABILITIES.realtime, members: false }, state: { state: 'open' } },
  // Another made-up service that can do everything, with its own limits.
  { id: 'all-1', display_name: 'Everything', demo: false, service_label: 'All', settings: { service: 'other', symbols: [] },
    capabilities: { directory: true, members: true, ticker: true, typing: true, media_by_url: true, server_history: true, max_message_bytes: 1024, messages_per_minute: 30, trouble_after_attempts: 2 },
    state: { state: 'open' } },
  // An account without capabilities (should not happen): it can do nothing special.
  { id: 'bare-1', display_name: 'Bare', demo: false, service_label: 'Realtime', settings: { service: 'realtime', symbols: ['EUR/USD'] }, state: { state: 'open' } },
];
const rooms = accounts.map((a) => ({ account: a.id, room: 'r', title: `${a.display_name} room`, unread: 0 }));
const calls = [];
let push = null;
let sendError = null;
setBackend({
  invoke: async (command, args) => {
    calls.push({ command, args });
    switch (command) {
      case 'snapshot':
        return { accounts, rooms, notices: [], alerts: [] };
      case 'history':
        return args.before || args.after ? [] : [{ local_id: 1, account: args.account, room: 'r', id: 'm1', sender_id: 'u', sender_name: 'U', own: false, kind: 'text', text: 'hi', ts_ms: Date.now(), ts_raw: '', state: 'sent', error: null }];
      case 'load_older':
        return { messages: [], exhausted: true };
      case 'send_message':
        if (sendError) throw sendError;
        return {};
      default:
        return null;
    }
  },
  channel: (onMessage) => {
    push = onMessage;
    return { id: 1 };
  },
});
const app = await startApp();
after(() => {
  app.stop();
  window.close();
});
const $ = (id) => document.getElementById(id);
const settle = () => new Promise((r) => setTimeout(r, 0));
async function open(account) {
  [...document.querySelectorAll('#room-list button.room')].find((b) => b.dataset.room === `${account}\u0000r`).click();
  await settle();
  await nextFrame();
}
const count = (command) => calls.filter((c) => c.command === command).length;
async function scrollToTop() {
  $('timeline').scrollTop = 0;
  $('timeline').dispatchEvent(new window.Event('scroll'));
  await nextFrame();
  await settle();
}

test('capabilitiesOf: nothing said is nothing allowed; flags are true only when true, limits positive numbers', () => {
  assert.deepEqual(capabilitiesOf(null), NO_CAPABILITIES);
  assert.deepEqual(capabilitiesOf({ id: 'x' }), NO_CAPABILITIES);
  assert.deepEqual(capabilitiesOf({ capabilities: 'all' }), NO_CAPABILITIES);
  const odd = capabilitiesOf({ capabilities: { ticker: 'yes', members: 1, typing: true, max_message_bytes: '65536', messages_per_minute: -1, trouble_after_attempts: 5 } });
  assert.equal(odd.ticker, false);
  assert.equal(odd.members, false);
  assert.equal(odd.typing, true);
  assert.equal(odd.max_message_bytes, null);
  assert.equal(odd.messages_per_minute, null);
  assert.equal(odd.trouble_after_attempts, 5);
  assert.deepEqual(capabilitiesOf({ capabilities: CAPABILITIES.realtime }), CAPABILITIES.realtime);
});

test('a made-up service with ticker: true gets the ticker, and no members, directory, typing or media', async () => {
  await open('other-1');
  assert.equal($('room-title').textContent, 'Other desk room');
  assert.equal($('ticker').hidden, false);
  assert.ok($('ticker').querySelector('[data-symbol="BTC/USD"]'));
  push([{ event: 'prices', account: 'other-1', ticks: [{ symbol: 'BTC/USD', price: '97000', change: '12', change_percent: '0.01' }] }]);
  await nextFrame();
  assert.equal($('ticker').querySelector('[data-symbol="BTC/USD"] .tick-price').textContent, '97000');
  assert.equal($('toggle-members').hidden, true);
  assert.equal($('browse-rooms').hidden, true);
  assert.equal($('composer-attach').hidden, true);
  const typing = count('set_typing');
  $('composer-input').value = 'hm';
  $('composer-input').dispatchEvent(new window.Event('input'));
  assert.equal(count('set_typing'), typing, 'no typing signals');
  $('composer-input').value = '';
  const older = count('load_older');
  await scrollToTop();
  assert.equal(count('load_older'), older, 'no server history');
});

test('a Realtime account with members: false gets no members button, and presence counts come from presence events', async () => {
  await open('rt-1');
  assert.equal($('toggle-members').hidden, true);
  assert.equal($('members').hidden, true);
  assert.equal($('browse-rooms').hidden, false, 'it still has the directory');
  push([
    { event: 'presence', account: 'rt-1', room: 'r', online: 12 },
    { event: 'user_status', account: 'rt-1', user: 'u9', online: true },
  ]);
  await nextFrame();
  assert.equal($('room-online').textContent, '12 online', 'not counted from members');
  $('composer-input').value = 'typing';
  $('composer-input').dispatchEvent(new window.Event('input'));
  assert.deepEqual(calls.filter((c) => c.command === 'set_typing').at(-1).args, { account: 'rt-1', room: 'r', active: true });
  $('composer-input').value = '';
});

test('a made-up service that can do everything gets members, directory, media, typing and server history', async () => {
  await open('all-1');
  assert.equal($('toggle-members').hidden, false);
  assert.equal($('browse-rooms').hidden, false);
  assert.equal($('composer-attach').hidden, false, 'media by address');
  push([{ event: 'user_status', account: 'all-1', user: 'u1', online: true }, { event: 'message', local_id: 2, account: 'all-1', room: 'r', id: 'm2', sender_id: 'u1', sender_name: 'Kim', own: false, kind: 'text', text: 'yo', ts_ms: Date.now(), ts_raw: '', state: 'sent', error: null }]);
  await nextFrame();
  assert.equal($('room-online').textContent, '1 online', 'counted from members');
  $('toggle-members').click();
  assert.match($('members').textContent, /Kim/);
  $('toggle-members').click();
  const before = count('load_older');
  await scrollToTop();
  assert.equal(count('load_older'), before + 1);
  assert.deepEqual(calls.filter((c) => c.command === 'load_older').at(-1).args, { account: 'all-1', room: 'r' });
});

test('the composer takes its size limit from the capabilities and shows a refusal as it is', async () => {
  await open('all-1');
  const sent = count('send_message');
  $('composer-input').value = 'x'.repeat(2000);
  $('send').click();
  await settle();
  assert.match($('composer-error').textContent, /2 KB; the service takes at most 1 KB/);
  assert.equal(count('send_message'), sent, 'refused before the backend');

  // A refusal is shown as said, and never pauses the composer (sends over the service's rate
  // wait in the backend's outbox).
  sendError = 'Realtime takes at most 100 messages a minute: you can send again in 2 s';
  $('composer-input').value = 'short';
  $('send').click();
  await settle();
  await settle();
  assert.equal($('composer-error').textContent, sendError);
  assert.equal($('send').disabled, false);
  sendError = null;
});

test('an account without capabilities gets nothing special: no ticker, no limits, no typing, no server history', async () => {
  await open('bare-1');
  assert.equal($('ticker').hidden, true, 'its symbols are not shown');
  assert.equal($('toggle-members').hidden, true);
  assert.equal($('browse-rooms').hidden, true);
  assert.equal($('composer-attach').hidden, true);
  const typing = count('set_typing');
  $('composer-input').value = 'x';
  $('composer-input').dispatchEvent(new window.Event('input'));
  assert.equal(count('set_typing'), typing);
  const older = count('load_older');
  await scrollToTop();
  assert.equal(count('load_older'), older);
});

test('two accounts\' rooms of the same title: the header and the composer name the account too', async () => {
  push([{ event: 'room_title', account: 'bare-1', room: 'r', title: 'Other desk room' }]);
  await nextFrame();
  await open('other-1');
  assert.equal($('room-title').textContent, 'Other desk room (Other desk)');
  assert.equal($('composer-input').getAttribute('aria-label'), 'Message to Other desk room (Other desk)');
  await open('bare-1');
  assert.equal($('room-title').textContent, 'Other desk room (Bare)');
  await open('rt-1');
  assert.equal($('room-title').textContent, 'Community room', 'a title of its own stays as it is');
  push([{ event: 'room_title', account: 'bare-1', room: 'r', title: 'Bare room' }]);
  await nextFrame();
  await open('other-1');
  assert.equal($('room-title').textContent, 'Other desk room', 'no longer shared');
});

test('the offline banner comes after trouble_after_attempts, or the page default', () => {
  const state = createState();
  const backoff = (attempt) => ({ state: 'backoff', attempt, retry_in_ms: 1000, reason: 'x' });
  state.accounts = new Map([
    ['a', { id: 'a', display_name: 'Early', capabilities: { ...NOTHING, trouble_after_attempts: 2 }, state: backoff(2) }],
    ['b', { id: 'b', display_name: 'Patient', settings: { service: 'other' }, capabilities: { ...NOTHING, trouble_after_attempts: 5 }, state: backoff(4) }],
    ['c', { id: 'c', display_name: 'Default', settings: { service: 'realtime' }, state: backoff(PERSISTENT_TROUBLE_ATTEMPT) }],
  ]);
  const holder = document.createElement('div');
  const retried = [];
  renderBanners(holder, state, { retry: (id) => retried.push(id) });
  const banners = holder.querySelectorAll('.banner.offline');
  assert.equal(banners.length, 1, 'one compact banner for several accounts, not one each');
  assert.equal(banners[0].querySelector('.error-summary').textContent, '2 accounts offline');
  const listed = [...banners[0].querySelectorAll('.offline-list li')].map((li) => li.textContent);
  assert.equal(listed.length, 2);
  assert.match(listed[0], /^Early: retrying in 1 s/);
  assert.match(listed[1], /^Default: retrying/, 'without capabilities the default threshold');
  assert.ok(!listed.some((t) => t.includes('Patient')), 'not before its fifth attempt');
  [...banners[0].querySelectorAll('button')].find((b) => b.textContent === 'Retry all').click();
  assert.deepEqual(retried, ['a', 'c']);

  state.accounts.delete('c');
  renderBanners(holder, state, { retry: () => {} });
  assert.equal(holder.querySelector('.banner.offline .error-summary').textContent, 'Early is offline, retrying in 1 s.');
  assert.match(holder.querySelector('.banner.offline details').textContent, /Reconnecting in 1 s — x/, 'the reason behind Details');
});

test('the Demo banner collapses to one short line and stays so', () => {
  const state = createState();
  state.demo = true;
  const holder = document.createElement('div');
  let redraws = 0;
  const actions = { rerender: () => { redraws += 1; renderBanners(holder, state, actions); }, dismissDemo: () => {} };
  window.localStorage.removeItem('parley.demo-banner-collapsed');
  renderBanners(holder, state, actions);
  assert.match(holder.textContent, /Nothing leaves this computer/);
  const collapse = [...holder.querySelectorAll('button')].find((b) => b.textContent === 'Collapse');
  assert.equal(collapse.getAttribute('aria-expanded'), 'true');
  collapse.click();
  assert.equal(redraws, 1);
  assert.equal(holder.querySelector('.banner.demo > span').textContent, 'Demo workspace');
  renderBanners(holder, state, actions);
  assert.equal(holder.querySelector('.banner.demo > span').textContent, 'Demo workspace', 'remembered');
  [...holder.querySelectorAll('button')].find((b) => b.textContent === 'About').click();
  assert.match(holder.textContent, /Nothing leaves this computer/);
});

test('the Demo banner says the Demo is not started again once the profile has an account of its own', () => {
  const state = createState();
  state.demo = true;
  state.accounts.set('demo-mockly', { id: 'demo-mockly', demo: true });
  const holder = document.createElement('div');
  window.localStorage.removeItem('parley.demo-banner-collapsed');
  renderBanners(holder, state, { rerender: () => {}, dismissDemo: () => {} });
  assert.doesNotMatch(holder.textContent, /not started again/);
  state.accounts.set('mockly-1', { id: 'mockly-1', demo: false });
  renderBanners(holder, state, { rerender: () => {}, dismissDemo: () => {} });
  assert.match(holder.textContent, /not started again next time \(start Parley with --demo to see it\)/);
});

test('renderTicker shows an account\'s symbols only with the ticker capability', () => {
  const state = createState();
  const holder = document.createElement('div');
  renderTicker(holder, state, { id: 'x', settings: { service: 'realtime', symbols: ['EUR/USD'] }, capabilities: { ...CAPABILITIES.realtime, ticker: false } });
  assert.equal(holder.hidden, true);
  renderTicker(holder, state, { id: 'x', settings: { service: 'mockly', symbols: ['EUR/USD'] }, capabilities: { ...NOTHING, ticker: true } });
  assert.equal(holder.hidden, false);
  renderTicker(holder, state, null);
  assert.equal(holder.hidden, true);
});

test('no page module branches on a service name outside the settings forms', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const dir = fileURLToPath(new URL('../../app/js/', import.meta.url));
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js') && !n.startsWith('settings'))) {
    const source = readFileSync(dir + name, 'utf8');
    assert.doesNotMatch(source, /service\s*[!=]==|===?\s*'(mockly|mexc|realtime|mixin)'|serviceOf|TROUBLE_ATTEMPT_BY_SERVICE|MAX_MESSAGE_BYTES/, name);
  }
});
