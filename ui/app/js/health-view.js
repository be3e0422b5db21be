// The health board: for every account, its connection over the last 24 hours (a strip of
// connected, reconnecting and stopped), reconnects and their reasons, messages in and out per
// hour (a small chart), the last error and when it last connected, the backlog found at the
// latest connects, acknowledgement latency, the oldest message waiting for its acknowledgement
// and a warning when the machine's clock is far from the server's. The figures are the
// backend's (crates/core/src/health), kept fresh by `health` events; the view only draws them.

import { byId, el, clear } from './dom.js';
import { stampTime, sameDay } from './time.js';
import { counted } from './plural.js';

const STATE_WORDS = { connected: 'connected', reconnecting: 'reconnecting', stopped: 'stopped', closed: 'Parley closed', unknown: 'not recorded' };

/** The strip's segments: [{state, from, to}] covering the window, in order. */
export function stripSegments(view) {
  const start = view.window_start_ms;
  const end = view.now_ms;
  const marks = (view.strip || []).filter((m) => m.at_ms < end);
  // Before the first record, nothing is known: a grey stretch keeps the rest in its place.
  const unknown = marks.length && marks[0].at_ms > start ? [{ state: 'unknown', from: start, to: marks[0].at_ms }] : [];
  return [...unknown, ...marks.map((m, i) => ({
    state: m.state,
    from: Math.max(start, m.at_ms),
    to: i + 1 < marks.length ? Math.max(start, marks[i + 1].at_ms) : end,
  }))].filter((s) => s.to > s.from);
}

/** One line for the sidebar's tooltip: last connected and the messages of the last 24 h. */
export function healthLine(view, now = Date.now()) {
  if (!view) return '';
  const connected = view.last_connected_ms ? `last connected ${stampTime(view.last_connected_ms, now)}` : 'not connected yet';
  return `${connected} · ${view.received_24h} in, ${view.sent_24h} out in 24 h${view.reconnects_24h ? ` · ${counted(view.reconnects_24h, 'reconnect')}` : ''}${view.clock_warning ? ' · ⚠ clock off' : ''}`;
}

/** "2 min", "40 s", "3 h": how long ago (or how long) in a few characters. */
function span(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/**
 * What the board says of messages in: the backlog found at the latest connects, how long
 * acknowledgements took after storing (p50/p99), and the oldest message still waiting for one.
 * Services that acknowledge nothing get no acknowledgement line.
 */
export function deliveryLines(view, now = Date.now()) {
  const lines = [];
  const backlogs = view.backlogs || [];
  if (backlogs.length) {
    const at = (ms) => (sameDay(ms, now) ? `at ${stampTime(ms, now)}` : stampTime(ms, now));
    lines.push(`Waiting on the server when it connected: ${backlogs.map((b) => `${b.count ? counted(b.count, 'message') : 'nothing'} ${at(b.at_ms)}`).join(', ')}`);
  }
  if (view.acknowledged_24h > 0) {
    // Whole milliseconds, at least 1: "within 0 ms" read as a fault.
    const ms = (value) => Math.max(1, Math.ceil(value));
    lines.push(`Acknowledged in 24 h: ${counted(view.acknowledged_24h, 'message')}; half within ${ms(view.ack_p50_ms)} ms of being stored, 99 % within ${ms(view.ack_p99_ms)} ms`);
  }
  if (view.unacked_since_ms) {
    lines.push(`Oldest not acknowledged yet: stored ${stampTime(view.unacked_since_ms, now)} (${span(now - view.unacked_since_ms)} ago)`);
  } else if (view.acknowledged_24h > 0) {
    lines.push('Every stored message is acknowledged.');
  }
  return lines;
}

/** Sets a size as a share of the parent through the CSSOM (no style attribute: the CSP). */
function sized(node, property, share) {
  node.style[property] = `${(share * 100).toFixed(2)}%`;
  return node;
}

function strip(view) {
  const span = view.now_ms - view.window_start_ms || 1;
  const segments = stripSegments(view);
  const described = segments.length
    ? segments.map((s) => `${STATE_WORDS[s.state]} from ${stampTime(s.from)}`).join(', ')
    : 'no connection recorded';
  return el('div', {}, [
    el('div', { class: 'health-strip', attrs: { role: 'img', 'aria-label': `Last 24 hours: ${described}` } },
      segments.map((s) => sized(el('span', {
        class: `health-segment ${s.state}`,
        attrs: { title: `${STATE_WORDS[s.state]} ${stampTime(s.from)}–${stampTime(s.to)}` },
      }), 'width', (s.to - s.from) / span))),
    timeScale(),
  ]);
}

/** Where the strip's 24 hours start, their middle, and now. */
function timeScale() {
  return el('div', { class: 'health-scale', attrs: { 'aria-hidden': 'true' } }, [
    el('span', { text: '24 h ago' }), el('span', { text: '12 h ago' }), el('span', { text: 'now' }),
  ]);
}

/** Which bar is which, under the chart. */
function legend() {
  return el('p', { class: 'health-legend' }, [
    el('span', { class: 'health-key in', attrs: { 'aria-hidden': 'true' } }), ' messages in  ',
    el('span', { class: 'health-key out', attrs: { 'aria-hidden': 'true' } }), ' messages out, per hour',
  ]);
}

function chart(view) {
  const most = Math.max(1, ...view.hours.map((h) => Math.max(h.received, h.sent)));
  return el('div', { class: 'health-chart', attrs: { role: 'img', 'aria-label': `Messages per hour, last 24 hours: ${view.received_24h} in, ${view.sent_24h} out` } },
    view.hours.map((h) => el('span', { class: 'health-hour', attrs: { title: `${stampTime(h.hour_ms)}: ${h.received} in, ${h.sent} out` } }, [
      sized(el('span', { class: 'health-bar in' }), 'height', h.received / most),
      sized(el('span', { class: 'health-bar out' }), 'height', h.sent / most),
    ])));
}

export function createHealthView({ state }) {
  const dialog = byId('health-view');
  const list = byId('health-list');
  // The keyboard goes back where it was by the page's dialog rules (dialog-focus.js).
  function close() {
    dialog.hidden = true;
  }
  byId('close-health').addEventListener('click', close);
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  function render() {
    if (dialog.hidden) return;
    clear(list);
    // Your own accounts first, the Demo's after them.
    const accounts = [...state.accounts.values()].sort((a, b) => Number(Boolean(a.demo)) - Number(Boolean(b.demo)));
    for (const account of accounts) {
      const view = state.health.get(account.id);
      const card = el('section', { class: 'health-card', attrs: { 'aria-label': account.display_name } }, [
        el('h3', { text: `${account.display_name} · ${account.service_label}` }),
      ]);
      if (!view) {
        card.append(el('p', { class: 'help', text: 'Nothing recorded yet.' }));
      } else {
        const recent = view.recent_reconnects || [];
        card.append(...[
          strip(view),
          el('p', { class: 'health-figures', text: healthLine(view) }),
          view.clock_warning ? el('p', { class: 'health-warning', text: `⚠ Clock: ${view.clock_warning}.` }) : null,
          chart(view),
          legend(),
          ...deliveryLines(view).map((line) => el('p', { class: 'health-figures', text: line })),
          recent.length ? el('ul', { class: 'health-reasons', attrs: { 'aria-label': 'Latest reconnects' } },
            recent.map((r) => el('li', { text: `${stampTime(r.at_ms)} — ${r.reason}` }))) : null,
          el('p', { class: 'health-error', text: view.last_error && view.last_error.at_ms >= view.window_start_ms ? `Last error at ${stampTime(view.last_error.at_ms)}: ${view.last_error.reason}` : 'No error in the last 24 hours.' }),
        ].filter(Boolean));
      }
      list.append(card);
    }
  }

  byId('open-health').addEventListener('click', () => {
    dialog.hidden = false;
    render();
    byId('close-health').focus();
  });
  return { render, isOpen: () => !dialog.hidden };
}
