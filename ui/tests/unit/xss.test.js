// The XSS corpus through every field the page renders, for every service: account and room
// names, senders, message text of every kind, media names and addresses, cards and their
// buttons, posts, alerts, typing names, prices, errors and notices. Nothing may execute or
// create markup: no element from a payload, no event-handler attribute, no link with an href,
// and the text stays visible as text. Each message kind has a room of its own, so the virtual
// timeline renders every one (a megabyte message, in its own room too, would fill the window).

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
const KINDS = ['text', 'system', 'image', 'video', 'file', 'audio', 'sticker', 'contact', 'post', 'location', 'card', 'unsupported'];
/** One room per message kind, and one for the megabyte message. */
const ROOMS = [...KINDS, 'big'];
const rooms = services.flatMap((service, i) => ROOMS.map((room, j) => ({ account: `${service}-1`, room, title: pick(i + j + 3), unread: 2, last_text: pick(i + j + 4) })));

let n = 0;
function message(service, kind, extra = {}) {
  n += 1;
  return {
    local_id: n, account: `${service}-1`, room: kind, id: pick(n), sender_id: pick(n + 1), sender_name: pick(n + 2),
    own: n % 5 === 0, kind, text: pick(n + 3), ts_ms: Date.now(), ts_raw: pick(n + 4), state: n % 7 === 0 ? 'failed' : 'sent', error: pick(n + 5),
    media: { url: pick(n + 6), thumb_url: pick(n + 7), name: pick(n + 8), mime: pick(n + 9), size: 12, duration_ms: 3000 },
    card: { title: pick(n), description: pick(n + 1), buttons: [{ label: pick(n + 2), url: 'https://example.com/ok' }, { label: pick(n + 3), url: 'javascript:alert(1)' }] },
    ...extra,
  };
}
const histories = new Map(services.flatMap((s) => [
  ...KINDS.map((k) => [`${s}-1\u0000${k}`, [message(s, k)]]),
  [`${s}-1\u0000big`, [message(s, 'text', { room: 'big', text: ONE_MB })]],
]));

const opened = [];
let push = null;
setBackend({
  invoke: async (command, args) => {
    if (command === 'open_link') opened.push(args.url);
    switch (command) {
      case 'snapshot':
        return { accounts, rooms, notices: CORPUS, alerts: CORPUS.map((c, i) => ({ account: 'realtime-1', kind: 'notification', title: c, body: pick(i + 1), priority: 'high', ts_ms: Date.now() })) };
      case 'history':
        return args.before ? [] : histories.get(`${args.account}\u0000${args.room}`);
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

/** Opens room `room` of `account` from the sidebar and waits until it is drawn. */
async function open(account, room) {
  [...document.querySelectorAll('#room-list button.room')].find((b) => b.dataset.room === `${account}\u0000${room}`).click();
  await new Promise((r) => setTimeout(r, 0));
  await nextFrame();
  await new Promise((r) => setTimeout(r, 0)); // media that failed show why
}

test('every rendered field of every service stays text', async () => {
  for (const service of services) {
    const account = `${service}-1`;
    await open(account, 'text');
    push([
      { event: 'typing', account, room: 'text', user: pick(1), name: pick(2), active: true },
      { event: 'user_status', account, user: pick(3), online: true },
      { event: 'prices', account, ticks: [{ symbol: 'EUR/USD', price: pick(4), change: pick(5), change_percent: pick(6) }] },
      { event: 'error', account, message: pick(7) },
      { event: 'room_title', account, room: 'text', title: pick(8) },
      { event: 'presence', account, room: 'text', online: 3 },
      { event: 'message', ...message(service, 'card', { room: 'text' }) },
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

/** What the page must show of `m` as text: its payloads, by kind. */
function shownPayloads(m) {
  const shown = [];
  if (m.kind !== 'system' && !m.own) shown.push(m.sender_name);
  if (m.own && m.state === 'failed') shown.push(m.error);
  switch (m.kind) {
    case 'text': case 'system': case 'contact': case 'post': case 'unsupported':
      shown.push(m.text);
      break;
    case 'image': case 'video': case 'file':
      shown.push(m.media.name, m.media.mime, m.media.url);
      if (!(m.kind === 'file' && m.text === m.media.name)) shown.push(m.text);
      if (m.kind !== 'file') shown.push(pick(3)); // why the preview failed
      break;
    case 'audio': case 'sticker':
      shown.push(pick(3)); // why the media failed (their text is no text: a name, an alt)
      break;
    case 'location': case 'card':
      shown.push(m.card.title, m.card.description, m.card.buttons[0].label);
      break;
    default:
      throw new Error(`no expectation for ${m.kind}`);
  }
  return shown;
}

test('every message kind of every service reaches the page, each payload as inert text', async () => {
  const seen = new Set();
  for (const service of services) {
    for (const kind of KINDS) {
      const [m] = histories.get(`${service}-1\u0000${kind}`);
      await open(`${service}-1`, kind);
      const node = document.querySelector(`#timeline [data-local-id="${m.local_id}"]`);
      assert.ok(node, `${service} ${kind} is rendered`);
      assertInert(node, assert);
      assertNoLinks(node);
      // Every piece of text the payloads became, joined: markup in a payload is in it only as text.
      const text = node.textContent;
      for (const payload of shownPayloads(m)) {
        assert.ok(text.includes(payload), `${service} ${kind} shows ${JSON.stringify(payload)} as text`);
        seen.add(payload);
      }
      if (kind === 'card' || kind === 'location') {
        assert.deepEqual([...node.querySelectorAll('.card-button')].map((b) => b.dataset.url), ['https://example.com/ok'], 'the javascript: button is dropped');
      }
    }
  }
  for (const payload of CORPUS) assert.ok(seen.has(payload), `the corpus reached the page: ${payload}`);
});

test('a 1 MB single-line message shows its start, then whole as one text node in a wrapping block', async () => {
  await open('mixin-1', 'big');
  const big = document.querySelector('#timeline .text');
  assert.ok(ONE_MB.startsWith(big.textContent) && big.textContent.length < ONE_MB.length, 'its start');
  assert.equal(big.childNodes.length, 1);
  document.querySelector('#timeline button.show-whole').click();
  assert.equal(big.textContent.length, ONE_MB.length, 'rendered whole');
  assert.equal(big.childNodes.length, 1);
});

test('only http(s) addresses become buttons, and a button opens through the backend', async () => {
  let clicked = 0;
  for (const service of services) {
    for (const kind of ['text', 'post', 'card', 'location']) {
      await open(`${service}-1`, kind);
      const buttons = [...document.querySelectorAll('#timeline .inline-link, #timeline .card-button')];
      for (const b of buttons) b.click();
      clicked += buttons.length;
    }
  }
  assert.ok(clicked > 0);
  await new Promise((r) => setTimeout(r, 0));
  assert.ok(opened.length > 0);
  for (const url of opened) assert.match(url, /^https?:\/\//, `only web links are asked for: ${url}`);
});
