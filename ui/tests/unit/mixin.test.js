// Mixin bot messages in the page: every rich kind renders from data only (no HTML parsed, only
// http(s) buttons), delivery ticks, room titles from the backend, and the keystore form.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, XSS, assertInert } from './page.js';

loadPage();
const { setBackend } = await import('../../app/js/ipc.js');
const { renderMessage } = await import('../../app/js/timeline.js');
const { renderMarkdown } = await import('../../app/js/markdown.js');
const { formatDuration } = await import('../../app/js/rich.js');
const { validateMixin } = await import('../../app/js/settings-mixin.js');
const { createState, applyBatch, roomKey } = await import('../../app/js/state.js');

const calls = [];
setBackend({
  invoke: async (command, args) => {
    calls.push({ command, args });
    if (command === 'prepare_media') return { mime: 'image/png', size: 10, src: `media://localhost/${args.localId}/full` };
    return null;
  },
  channel: () => ({}),
});

const base = { local_id: 1, account: 'mixin-1', room: 'c-1', id: 'm-1', sender_id: 'u-1', sender_name: 'Ava Trader', own: false, ts_ms: Date.now(), ts_raw: '', state: 'sent', error: null };

test('an app card shows title, description and only the buttons the backend kept, opening through open_link', async () => {
  const node = renderMessage({ ...base, kind: 'card', text: XSS, card: { title: XSS, description: `${XSS}\nline two`, buttons: [{ label: XSS, url: 'https://example.com/deposit', color: '#0A84FF' }] } });
  document.body.append(node);
  assert.equal(node.querySelector('.card-title').textContent, XSS);
  const buttons = node.querySelectorAll('.card-button');
  assert.equal(buttons.length, 1);
  assert.equal(buttons[0].textContent, XSS);
  buttons[0].click();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(calls.find((c) => c.command === 'open_link').args, { url: 'https://example.com/deposit' });
  assertInert(node, assert);
});

test('a post renders Markdown as elements and never parses HTML', () => {
  const blocks = renderMarkdown(`# Rates\n**BTC** is *up* with \`code\`\n- one\n- <script>alert(1)</script>\n\n[site](https://example.com) [bad](javascript:alert(1))\n\`\`\`\n${XSS}\n\`\`\``);
  const holder = document.createElement('div');
  holder.append(...blocks);
  assert.equal(holder.querySelector('h3').textContent, 'Rates');
  assert.equal(holder.querySelector('strong').textContent, 'BTC');
  assert.equal(holder.querySelector('em').textContent, 'up');
  assert.equal(holder.querySelectorAll('li').length, 2);
  assert.equal(holder.querySelectorAll('li')[1].textContent, '<script>alert(1)</script>');
  assert.equal(holder.querySelector('script'), null);
  const links = holder.querySelectorAll('.inline-link');
  assert.equal(links.length, 1, 'only the https link is a link');
  assert.equal(links[0].textContent, 'site (https://example.com)');
  assert.match(holder.textContent, /bad \(javascript:alert\(1\)\)/);
  assert.equal(holder.querySelector('pre code').textContent, XSS);
  assertInert(holder, assert);
});

test('stickers, voice messages, contacts and locations render their kind', () => {
  const sticker = renderMessage({ ...base, kind: 'sticker', text: 'Sticker', media: { url: 'mixin-sticker:s-1' } });
  assert.ok(sticker.querySelector('.media-slot.sticker'));
  const voice = renderMessage({ ...base, local_id: 2, kind: 'audio', text: '', media: { url: 'mixin-attachment:a', duration_ms: 65000 } });
  assert.match(voice.textContent, /Voice message 1:05/);
  const contact = renderMessage({ ...base, kind: 'contact', text: 'e8e5b807-fa8b-455a-8dfa-b189d28310ff' });
  assert.match(contact.querySelector('.contact-card').textContent, /Contacte8e5b807/);
  const place = renderMessage({ ...base, kind: 'location', text: 'Marina', card: { title: 'Marina', description: '1 Bay Ave', buttons: [{ label: 'Open map', url: 'https://www.openstreetmap.org/?mlat=1&mlon=2' }] } });
  assert.equal(place.querySelector('.card-button').textContent, 'Open map');
  const file = renderMessage({ ...base, kind: 'file', text: 'statement.pdf', media: { url: 'mixin-attachment:d', name: 'statement.pdf', mime: 'application/pdf', size: 2048 } });
  assert.match(file.querySelector('.media-name').textContent, /statement\.pdf \(application\/pdf · 2\.0 KB\)/);
  const unknown = renderMessage({ ...base, kind: 'unsupported', text: 'PLAIN_HOLOGRAM (unsupported category)' });
  assert.match(unknown.textContent, /PLAIN_HOLOGRAM/);
  assert.equal(formatDuration(3000), '0:03');
});

test('own messages show sent, delivered and read', () => {
  const tick = (state) => renderMessage({ ...base, own: true, kind: 'text', text: 'hi', state }).querySelector('.delivery');
  assert.equal(tick('sent').getAttribute('aria-label'), 'Sent');
  assert.equal(tick('delivered').getAttribute('aria-label'), 'Delivered');
  assert.equal(tick('read').getAttribute('aria-label'), 'Read');
  assert.ok(tick('read').classList.contains('read'));
});

test('a room the backend names gets its title', () => {
  const state = createState();
  applyBatch(state, [{ event: 'message', ...base, kind: 'text', text: 'hello' }]);
  assert.equal(state.rooms.get(roomKey('mixin-1', 'c-1')).title, 'c-1');
  applyBatch(state, [{ event: 'room_title', account: 'mixin-1', room: 'c-1', title: 'Ava Trader' }]);
  assert.equal(state.rooms.get(roomKey('mixin-1', 'c-1')).title, 'Ava Trader');
});

test('the keystore form explains what is wrong before asking the backend', () => {
  const ok = { keystore: '{"app_id":"x"}', blazeUrl: 'wss://blaze.mixin.one/', apiBase: 'https://api.mixin.one' };
  assert.equal(validateMixin(ok), null);
  assert.match(validateMixin({ ...ok, keystore: '' }).message, /Paste/);
  assert.match(validateMixin({ ...ok, keystore: '{"app_id":' }).message, /not JSON/);
  assert.match(validateMixin({ ...ok, keystore: '[1]' }).message, /JSON object/);
  assert.match(validateMixin({ ...ok, blazeUrl: 'https://x' }).message, /wss:\/\//);
  assert.match(validateMixin({ ...ok, apiBase: 'ftp://x' }).message, /https:\/\//);
});

test('media of an account that does not load them automatically wait for a click', async () => {
  const before = calls.filter((c) => c.command === 'prepare_media').length;
  const node = renderMessage({ ...base, local_id: 77, kind: 'image', text: 'chart', media: { url: 'https://cdn.example.com/a.png' } }, { autoMedia: () => false });
  assert.equal(calls.filter((c) => c.command === 'prepare_media').length, before, 'nothing fetched yet');
  const show = node.querySelector('button.media-load');
  assert.equal(show.textContent, 'Show image');
  show.click();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(calls.filter((c) => c.command === 'prepare_media').length, before + 1);
  const sticker = renderMessage({ ...base, local_id: 78, kind: 'sticker', text: 'Sticker', media: { url: 'mixin-sticker:s' } }, { autoMedia: () => false });
  assert.equal(sticker.querySelector('button.media-load').textContent, 'Show sticker');
});

test('a sender picture comes through the backend by message, or initials stay', () => {
  const withPicture = renderMessage({ ...base, local_id: 90, kind: 'text', text: 'hi', sender_avatar: 'https://cdn.example.com/ava.png' });
  const img = withPicture.querySelector('.avatar img');
  assert.equal(img.getAttribute('src'), 'media://localhost/90/avatar', 'the page never uses the address itself');
  assert.equal(withPicture.querySelector('.avatar').textContent, 'AT', 'initials underneath');
  // The same picture on a later message is asked for by the first message: one copy in the page.
  const again = renderMessage({ ...base, local_id: 95, kind: 'text', text: 'again', sender_avatar: 'https://cdn.example.com/ava.png' });
  assert.equal(again.querySelector('.avatar img').getAttribute('src'), 'media://localhost/90/avatar');
  const waiting = renderMessage({ ...base, local_id: 91, kind: 'text', text: 'hi', sender_avatar: 'https://cdn.example.com/ava.png' }, { autoMedia: () => false });
  assert.equal(waiting.querySelector('.avatar img'), null, 'nothing fetched when media wait for a click');
});
