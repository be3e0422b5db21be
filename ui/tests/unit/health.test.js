// The health board (issue 24): every account's last 24 hours drawn from the backend's figures
// (strip of states, reconnect reasons, messages per hour, last error), updated live by
// `health` events, and a one-line summary in the sidebar's tooltip.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, byId as $, settle, CAPABILITIES, XSS, assertInert } from './page.js';

loadPage();
const { stripSegments, healthLine, deliveryLines } = await import('../../app/js/health-view.js');

const HOUR = 3_600_000;
const now = Date.UTC(2026, 11, 5, 12);
const start = now - 24 * HOUR;
const hours = Array.from({ length: 24 }, (_, i) => ({ hour_ms: start + (i + 1) * HOUR, received: i === 23 ? 12 : 0, sent: i === 23 ? 3 : 0 }));
const view = (over = {}) => ({
  account: 'bot', window_start_ms: start, now_ms: now, hours, received_24h: 12, sent_24h: 3,
  strip: [{ at_ms: start, state: 'connected' }, { at_ms: now - 2 * HOUR, state: 'reconnecting' }, { at_ms: now - 2 * HOUR + 60_000, state: 'connected' }],
  reconnects_24h: 1, recent_reconnects: [{ at_ms: now - 2 * HOUR, reason: `the server closed the connection ${XSS}` }],
  last_error: { at_ms: now - 2 * HOUR, reason: `the server closed the connection ${XSS}` }, last_connected_ms: now - 2 * HOUR + 60_000, ...over,
});

test('the strip covers the window in order; the summary line counts', () => {
  const segments = stripSegments(view());
  assert.deepEqual(segments.map((s) => s.state), ['connected', 'reconnecting', 'connected']);
  assert.equal(segments[0].from, start);
  assert.equal(segments.at(-1).to, now);
  const late = stripSegments(view({ strip: [{ at_ms: now - HOUR, state: 'connected' }] }));
  assert.deepEqual(late.map((s) => s.state), ['unknown', 'connected'], 'the time before the first record stays blank');
  assert.match(healthLine(view()), /^last connected .* · 12 in, 3 out in 24 h · 1 reconnect$/);
  assert.equal(healthLine(null), '');
});

test('the backlog at each connect, acknowledgement latency and what still waits are said in words', () => {
  const bot = view({
    backlogs: [{ at_ms: now - HOUR, count: 37 }, { at_ms: now - 5 * HOUR, count: 1 }, { at_ms: now - 6 * HOUR, count: 0 }],
    acknowledged_24h: 120, ack_p50_ms: 12, ack_p99_ms: 340, unacked_since_ms: now - 150_000,
  });
  const lines = deliveryLines(bot, now);
  assert.match(lines[0], /^Waiting on the server when it connected: 37 messages at .+, 1 message at .+, nothing at .+$/);
  assert.equal(lines[1], 'Acknowledged in 24 h: 120 messages; half within 12 ms of being stored, 99 % within 340 ms');
  assert.match(lines[2], /^Oldest not acknowledged yet: stored .+ \(3 min ago\)$/);
  assert.equal(deliveryLines({ ...bot, unacked_since_ms: null }, now)[2], 'Every stored message is acknowledged.');
  assert.deepEqual(deliveryLines(view(), now), [], 'a service that acknowledges nothing has no such lines');
  assert.equal(deliveryLines({ ...bot, ack_p50_ms: 0, ack_p99_ms: 0 }, now)[1], 'Acknowledged in 24 h: 120 messages; half within 1 ms of being stored, 99 % within 1 ms');
});

test('a moment of an earlier day says which day, not only its time', async () => {
  const { stampTime, clockTime } = await import('../../app/js/time.js');
  const noon = new Date(2026, 11, 5, 12, 0).getTime();
  const morning = new Date(2026, 11, 5, 8, 30).getTime();
  const lastNight = new Date(2026, 11, 4, 23, 10).getTime();
  const lastWeek = new Date(2026, 10, 28, 9, 0).getTime();
  assert.equal(stampTime(morning, noon), clockTime(morning));
  assert.equal(stampTime(lastNight, noon), `yesterday ${clockTime(lastNight)}`);
  assert.match(stampTime(lastWeek, noon), new RegExp(`^\\S.*28.* ${clockTime(lastWeek)}$`));
  const lines = deliveryLines(view({ backlogs: [{ at_ms: lastNight, count: 4 }], unacked_since_ms: lastNight }), noon);
  assert.equal(lines[0], `Waiting on the server when it connected: 4 messages yesterday ${clockTime(lastNight)}`);
  assert.match(lines[1], /^Oldest not acknowledged yet: stored yesterday /);
  assert.match(healthLine(view({ last_connected_ms: lastWeek }), noon), /^last connected .*28.* · /);
});

let push = null;
await startOn({
  invoke: async (command) => {
    switch (command) {
      case 'snapshot':
        return {
          accounts: [{ id: 'demo-mockly', display_name: 'Demo room', demo: true, service_label: 'mockly.me chat', settings: { service: 'mockly' }, capabilities: CAPABILITIES.mockly, state: { state: 'open' } },
            { id: 'bot', display_name: 'Support bot', demo: false, service_label: 'Mixin Messenger bot', settings: { service: 'mixin' }, capabilities: CAPABILITIES.mixin, state: { state: 'open' } }],
          rooms: [{ account: 'bot', room: 'c1', title: 'Ava', unread: 0 }],
          notices: [], alerts: [], health: [view()],
        };
      case 'history':
        return [];
      default:
        return null;
    }
  },
  channel: (onMessage) => {
    push = onMessage;
    return { id: 1 };
  },
});

test('the board shows every figure as text, and follows health events', async () => {
  assert.match(document.querySelector('#room-list section[aria-label="Support bot"] .account-header').getAttribute('title'), /12 in, 3 out in 24 h/);
  $('open-health').click();
  const board = $('health-list');
  assert.equal($('health-view').hidden, false);
  assert.equal(board.querySelector('.health-card h3').textContent, 'Support bot · Mixin Messenger bot', 'your own accounts before the Demo');
  assert.equal(board.querySelectorAll('.health-segment').length, 3);
  assert.equal(board.querySelectorAll('.health-hour').length, 24);
  assert.match(board.textContent, /12 in, 3 out in 24 h/);
  assert.match(board.querySelector('.health-reasons').textContent, /the server closed the connection <img/);
  assertInert(board, assert);
  push([{ event: 'health', ...view({ received_24h: 40, last_error: null, strip: [{ at_ms: start, state: 'stopped' }] }) }]);
  await settle();
  assert.match(board.textContent, /40 in/);
  assert.equal(board.querySelectorAll('.health-segment.stopped').length, 1);
  assert.match(board.textContent, /No error/);
  assert.doesNotMatch(board.textContent, /null|undefined/);
  push([{ event: 'health', ...view({ last_error: { at_ms: start - HOUR, reason: 'an old refusal' } }) }]);
  await settle();
  assert.match(board.textContent, /No error in the last 24 hours/, 'an error older than the window is not the last 24 hours\' error');
  push([{ event: 'health', ...view({ strip: [{ at_ms: start, state: 'connected' }, { at_ms: now - 10 * HOUR, state: 'closed' }, { at_ms: now - 2 * HOUR, state: 'connected' }] }) }]);
  await settle();
  assert.equal(board.querySelectorAll('.health-segment.closed').length, 1, 'the time Parley was closed is a gap');
  assert.match(board.querySelector('.health-strip').getAttribute('aria-label'), /, Parley closed from .*, connected from /);
  assert.equal(board.querySelector('.health-scale').textContent, '24 h ago12 h agonow', 'the strip says when');
  push([{ event: 'health', ...view({ clock_skew_ms: 600_000, clock_warning: "this computer's clock is 10 min behind the server's" }) }]);
  await settle();
  assert.match(board.querySelector('.health-warning').textContent, /Clock: this computer's clock is 10 min behind/);
  push([{ event: 'health', ...view({ account: 'someone-else' }) }]);
  await settle();
  assert.equal(board.querySelectorAll('.health-card').length, 2, 'an unknown account is not drawn');
  $('close-health').click();
  await settle();
  assert.equal($('health-view').hidden, true);
  // Opened from the keyboard, closed: the keyboard is back on Health. As in a browser, an inert
  // element takes no focus here, so the window behind must stop being inert before the keyboard
  // goes back to it (it went nowhere in the real window).
  const focus = window.HTMLElement.prototype.focus;
  window.HTMLElement.prototype.focus = function focusUnlessInert(...args) {
    if (this.closest('[inert]')) return;
    focus.apply(this, args);
  };
  try {
    $('open-health').focus();
    $('open-health').click();
    await settle();
    $('close-health').focus();
    $('close-health').click();
    await settle();
    assert.equal(document.activeElement, $('open-health'), 'the keyboard goes back where it was');
  } finally {
    window.HTMLElement.prototype.focus = focus;
  }
  assert.match(board.textContent, /messages in .*messages out, per hour/, 'the chart says which bar is which');
});
