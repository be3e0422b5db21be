// The XSS corpus through every field the page renders, for every service: account and room
// names, senders, message text of every kind, media names and addresses, cards and their
// buttons, posts, alerts, typing names, prices, errors and notices. Nothing may execute or
// create markup: no element from a payload, no event-handler attribute, no link with an href,
// and the text stays visible as text.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, nextFrame, assertInert, CAPABILITIES } from './page.js';

loadPage();
const { setBackend } = await import('../../app/js/ipc.js');
const { startApp } = await import('../../app/js/app.js');

const CORPUS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">click</a>',
  'javascript:alert(1)',
  '<svg onload=alert(1)><script>alert(2)</script></svg>',
  '"><iframe src="javascript:alert(1)"></iframe>',
  'data:text/html,<script>alert(1)</script>',
  '\u202Egnp.exe',
  'https://\u200Bexample.com/\u200Bpay',
  '{{constructor.constructor("alert(1)")()}}',
];
const ONE_MB = 'A'.repeat(1024 * 1024);
const pick = (i) => CORPUS[i % CORPUS.length];

const services = ['mockly', 'mexc', 'realtime', 'mixin'];
const accounts = services.map((service, i) => ({
  id: `${service}-1`, display_name: pick(i), demo: false, service_label: pick(i + 1),
  settings: { service, client_id: pick(i + 2), endpoint: pick(i + 3), base_url: pick(i + 4), bot_id: pick(i + 5), bot_name: pick(i + 6),
    rooms: service === 'realtime' ? [{ id: 'r1', name: pick(i + 7) }] : [], symbols: service === 'realtime' ? ['EUR/USD'] : [] },
  capabilities: CAPABILITIES[service],
  state: { state: 'backoff', attempt: 6, retry_in_ms: 1000, reason: pick(i + 8) },
}));
const rooms = services.map((service, i) => ({ account: `${service}-1`, room: 'r1', title: pick(i + 3), unread: 2, last_text: pick(i + 4) }));

let n = 0;
function message(service, kind, extra = {}) {
  n += 1;
  return {
    local_id: n, account: `${service}-1`, room: 'r1', id: pick(n), sender_id: pick(n + 1), sender_name: pick(n + 2),
    own: n % 5 === 0, kind, text: pick(n + 3), ts_ms: Date.now(), ts_raw: pick(n + 4), state: n % 7 === 0 ? 'failed' : 'sent', error: pick(n + 5),
    media: { url: pick(n + 6), thumb_url: pick(n + 7), name: pick(n + 8), mime: pick(n + 9), size: 12, duration_ms: 3000 },
    card: { title: pick(n), description: pick(n + 1), buttons: [{ label: pick(n + 2), url: 'https://example.com/ok' }, { label: pick(n + 3), url: 'javascript:alert(1)' }] },
    ...extra,
  };
}
const KINDS = ['text', 'system', 'image', 'video', 'file', 'audio', 'sticker', 'contact', 'post', 'location', 'card', 'unsupported'];
const histories = new Map(services.map((s) => [`${s}-1`, [...KINDS.map((k) => message(s, k)), message(s, 'text', { text: ONE_MB })]]));

const opened = [];
let push = null;
setBackend({
  invoke: async (command, args) => {
    if (command === 'open_link') opened.push(args.url);
    switch (command) {
      case 'snapshot':
        return { accounts, rooms, notices: CORPUS, alerts: CORPUS.map((c, i) => ({ account: 'realtime-1', kind: 'notification', title: c, body: pick(i + 1), priority: 'high', ts_ms: Date.now() })) };
      case 'history':
        return args.before ? [] : histories.get(args.account);
      case 'prepare_media':
        throw new Error(pick(3));
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

function assertNoLinks(root) {
  for (const a of root.querySelectorAll('a, [href], [src]:not(img), form[action]')) {
    assert.fail(`a navigable element appeared: <${a.tagName.toLowerCase()}>`);
  }
}

test('every rendered field of every service stays text', async () => {
  for (const room of rooms) {
    [...document.querySelectorAll('#room-list button.room')].find((b) => b.dataset.room === `${room.account}\u0000r1`).click();
    await new Promise((r) => setTimeout(r, 0));
    push([
      { event: 'typing', account: room.account, room: 'r1', user: pick(1), name: pick(2), active: true },
      { event: 'user_status', account: room.account, user: pick(3), online: true },
      { event: 'prices', account: room.account, ticks: [{ symbol: 'EUR/USD', price: pick(4), change: pick(5), change_percent: pick(6) }] },
      { event: 'error', account: room.account, message: pick(7) },
      { event: 'room_title', account: room.account, room: 'r1', title: pick(8) },
      { event: 'presence', account: room.account, room: 'r1', online: 3 },
      { event: 'message', ...message(room.account.split('-')[0], 'card') },
    ]);
    await nextFrame();
    assertInert(document.body, assert);
    assertNoLinks(document.body);
  }
  document.getElementById('open-settings').click();
  document.getElementById('open-alerts').click();
  await nextFrame();
  assertInert(document.body, assert);
  assertNoLinks(document.body);
  const all = document.body.textContent;
  for (const payload of CORPUS.slice(0, 7)) assert.ok(all.includes(payload), `shown as text: ${payload}`);
});

test('a 1 MB single-line message is one text node in a wrapping block', () => {
  const big = [...document.querySelectorAll('#timeline .text')].find((n) => n.textContent.length === ONE_MB.length);
  assert.ok(big, 'rendered whole');
  assert.equal(big.childNodes.length, 1);
});

test('only http(s) addresses become buttons, and a button opens through the backend', async () => {
  const buttons = [...document.querySelectorAll('#timeline button.inline-link, #timeline .card-button')];
  assert.ok(buttons.length > 0);
  for (const b of buttons) b.click();
  await new Promise((r) => setTimeout(r, 0));
  assert.ok(opened.length > 0);
  for (const url of opened) assert.match(url, /^https?:\/\//, `only web links are asked for: ${url}`);
});
