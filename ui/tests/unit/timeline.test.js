import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, XSS, assertInert } from './page.js';

loadPage();
const { renderMessage, createTimeline, initials } = await import('../../app/js/timeline.js');
const { setBackend } = await import('../../app/js/ipc.js');
const { validateAttachment } = await import('../../app/js/composer.js');

function message(overrides = {}) {
  return {
    local_id: 1, account: 'a', room: 'public', id: 'msg_1', sender_id: 'user_9', sender_name: null,
    own: false, kind: 'text', text: 'hello', ts_ms: Date.UTC(2026, 10, 23, 9, 30), ts_raw: '2026-11-23T09:30:00.000000',
    state: 'sent', error: null, ...overrides,
  };
}

test('a message whose text is HTML shows as that text and creates no element', () => {
  const node = renderMessage(message({ text: XSS }));
  assert.equal(node.querySelector('.text').textContent, XSS);
  assertInert(node, assert);
});

test('HTML in sender names and notices is text too', () => {
  const named = renderMessage(message({ sender_name: `<b onmouseover=alert(1)>Eve</b>` }));
  assert.equal(named.querySelector('.sender').textContent, '<b onmouseover=alert(1)>Eve</b>');
  assertInert(named, assert);
  const notice = renderMessage(message({ kind: 'system', text: `${XSS} has joined the chat` }));
  assert.equal(notice.querySelector('.notice-text').textContent, `${XSS} has joined the chat`);
  assertInert(notice, assert);
});

test('the sender name falls back to the sender id and the raw server time is kept', () => {
  const node = renderMessage(message());
  assert.equal(node.querySelector('.sender').textContent, 'user_9');
  assert.equal(node.querySelector('time').getAttribute('title'), 'Server time: 2026-11-23T09:30:00.000000');
});

test('own messages show their delivery state, and a failed one offers a retry', () => {
  assert.equal(renderMessage(message({ own: true, state: 'pending' })).querySelector('.delivery').textContent, 'Sending…');
  assert.equal(renderMessage(message({ own: true, state: 'pending', kind: 'file', media: { url: '', name: 'a.pdf', local_path: '/o/1.bin' } })).querySelector('.upload-label').textContent, 'Waiting to upload…', 'a file not going up yet waits its turn');
  const going = renderMessage(message({ own: true, state: 'pending', kind: 'file', media: { url: '', name: 'a.pdf', local_path: '/o/1.bin' } }));
  assert.equal(going.querySelector('.media-missing'), null, 'a file on its way up is no error');
  assert.match(going.querySelector('.media-name').textContent, /a\.pdf/);
  assert.equal(renderMessage(message({ own: true, state: 'pending', kind: 'file', media: { url: 'mixin-attachment:x', name: 'a.pdf', local_path: '/o/1.bin', attachment_id: 'x' } })).querySelector('.delivery').textContent, 'Sending…');
  assert.equal(renderMessage(message({ own: true, state: 'pending' }), { connected: () => false }).querySelector('.delivery').textContent, 'Waiting for connection', 'queued while offline says so');
  assert.equal(renderMessage(message({ own: true, state: 'sent' })).querySelector('.delivery').getAttribute('aria-label'), 'Sent');
  let retried = null;
  const failed = renderMessage(message({ own: true, state: 'failed', error: 'too long', local_id: 7 }), { onRetry: (id) => { retried = id; } });
  assert.match(failed.textContent, /Not sent: too long/);
  failed.querySelector('button').click();
  assert.equal(retried, 7);
  let deleted = null;
  const offered = renderMessage(message({ own: true, state: 'failed', error: 'x', local_id: 8 }), { onDelete: (id) => { deleted = id; } });
  [...offered.querySelectorAll('button')].find((b) => b.textContent === 'Delete').click();
  assert.equal(deleted, 8);
  assert.ok(renderMessage(message({ own: true })).classList.contains('own'));
});

test('consecutive messages from one sender share a sender line; a day change adds a separator', () => {
  const container = document.createElement('section');
  const timeline = createTimeline(container);
  const day1 = Date.UTC(2026, 10, 22, 12, 0);
  const day2 = Date.UTC(2026, 10, 23, 12, 0);
  timeline.render('room', [
    message({ local_id: 1, ts_ms: day1 }),
    message({ local_id: 2, ts_ms: day1 + 60_000 }),
    message({ local_id: 3, ts_ms: day2 }),
  ]);
  const articles = container.querySelectorAll('article');
  assert.equal(articles.length, 3);
  assert.ok(articles[0].querySelector('.sender'));
  assert.equal(articles[1].querySelector('.sender'), null);
  assert.ok(articles[2].querySelector('.sender'), 'a new day starts a new group');
  assert.equal(container.querySelectorAll('.day').length, 2);
});

test('a confirmation updates the bubble in place instead of adding one', () => {
  const container = document.createElement('section');
  const timeline = createTimeline(container);
  const pending = message({ local_id: 5, own: true, state: 'pending' });
  timeline.render('room', [pending]);
  timeline.render('room', [{ ...pending, state: 'sent', id: 'msg_77' }]);
  assert.equal(container.querySelectorAll('article').length, 1);
  assert.equal(container.querySelector('.delivery').getAttribute('aria-label'), 'Sent');
});

test('initials come from the name, whatever it holds', () => {
  assert.equal(initials('Ada Bot'), 'AB');
  assert.equal(initials('user_4821'), 'U4');
  assert.equal(initials('Buyer (demo)'), 'BD');
  assert.equal(initials(''), '?');
});

test('media come only from the backend\'s media scheme, with the full address shown as text', async () => {
  const asked = [];
  setBackend({
    invoke: async (command, args) => {
      asked.push({ command, args });
      if (command === 'prepare_media') return { src: `media://localhost/${args.localId}/${args.thumb ? 'thumb' : 'full'}`, mime: 'image/png', size: 2048 };
      if (command === 'save_media') return '/home/trader/Downloads/proof file.png';
      return null;
    },
  });
  for (const kind of ['image', 'video', 'file']) {
    const evil = `https://cdn.example.com/a/proof%20${kind}.png?x="><img src=x onerror=alert(1)>`;
    const node = renderMessage(message({ local_id: 7, kind, text: 'payment proof', media: { url: evil } }));
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(node.querySelector('.media-name').textContent, `proof ${kind}.png`);
    assert.equal(node.querySelector('.media-url').textContent, evil);
    assert.equal(node.querySelector('.text').textContent, 'payment proof');
    for (const loaded of node.querySelectorAll('[src]')) {
      assert.match(loaded.getAttribute('src'), /^media:\/\/localhost\/7\/(thumb|full)$/, 'nothing remote is loaded');
    }
    assert.equal(node.querySelectorAll('a, iframe, object, embed').length, 0);
    assertInert(node, assert);
  }
  const image = renderMessage(message({ local_id: 8, kind: 'image', media: { url: 'https://x/p.png' } }));
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(image.querySelector('img').getAttribute('src'), 'media://localhost/8/thumb', 'the thumbnail first');
  const video = renderMessage(message({ local_id: 9, kind: 'video', media: { url: 'https://x/v.mp4' } }));
  await new Promise((r) => setTimeout(r, 0));
  assert.ok(video.querySelector('video').hasAttribute('controls'), 'video plays inline with controls');
  const file = renderMessage(message({ local_id: 10, kind: 'file', media: { url: 'https://x/r.pdf' } }));
  assert.equal(file.querySelectorAll('[src]').length, 0, 'a file is not fetched until saved');
  file.querySelector('.file-save').click();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(asked.at(-1).command, 'save_media');
  assert.match(file.querySelector('.file-status').textContent, /Saved to \/home\/trader\/Downloads/);
});

test('media that cannot be loaded shows the reason and a retry', async () => {
  let attempts = 0;
  setBackend({
    invoke: async () => {
      attempts += 1;
      if (attempts === 1) throw 'it is not a picture (the file is application/octet-stream)';
      return { src: 'media://localhost/3/thumb', mime: 'image/png', size: 10 };
    },
  });
  const node = renderMessage(message({ local_id: 3, kind: 'image', media: { url: 'https://x/p.png' } }));
  await new Promise((r) => setTimeout(r, 0));
  assert.match(node.querySelector('.media-error').textContent, /not a picture/);
  node.querySelector('.media-slot button').click();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(node.querySelector('.media-error'), null);
  assert.equal(node.querySelector('img').getAttribute('src'), 'media://localhost/3/thumb');
});

test('an attachment needs its address before it is sent', () => {
  assert.equal(validateAttachment('text', ''), null);
  assert.match(validateAttachment('image', '  '), /address of the image: it is required/);
  assert.match(validateAttachment('file', 'javascript:alert(1)'), /http:\/\/ or https:\/\//);
  assert.match(validateAttachment('video', 'https://x/a b.mp4'), /no spaces/);
  assert.equal(validateAttachment('video', 'https://cdn.example/v.mp4'), null);
});

test('an unsupported message is a visible placeholder', () => {
  const node = renderMessage(message({ kind: 'unsupported', text: 'Unsupported message (type 9): sticker?' }));
  assert.equal(node.querySelector('.unsupported').textContent, 'Unsupported message (type 9): sticker?');
});

test('messages that leave the in-memory window leave the DOM too', () => {
  const container = document.createElement('section');
  const timeline = createTimeline(container);
  const all = [1, 2, 3, 4].map((id) => message({ local_id: id, id: `msg_${id}`, text: `m${id}` }));
  timeline.render('room', all.slice(0, 3));
  timeline.render('room', all.slice(1, 4)); // the oldest was dropped, a new one arrived
  const texts = [...container.querySelectorAll('.text')].map((n) => n.textContent);
  assert.deepEqual(texts, ['m2', 'm3', 'm4']);
  assert.equal(container.querySelectorAll('.day').length, 1);
  assert.ok(container.querySelector('article').querySelector('.sender'), 'the new first message shows its sender');
});

test('a room of 10,000 messages puts a screenful in the DOM, not its history', () => {
  const container = document.createElement('section');
  const timeline = createTimeline(container);
  const start = Date.UTC(2026, 10, 23, 8, 0);
  const all = Array.from({ length: 10_000 }, (_, i) => message({ local_id: i + 1, id: `msg_${i}`, text: `line ${i}`, ts_ms: start + i * 1000 }));
  timeline.render('room', all);
  const articles = container.querySelectorAll('article');
  assert.ok(articles.length > 5 && articles.length < 60, `${articles.length} rows in the DOM`);
  assert.equal(articles[articles.length - 1].querySelector('.text').textContent, 'line 9999', 'the newest is shown');
  assert.equal(container.querySelector('[data-local-id="1"]'), null, 'the oldest is not built');
  // New messages keep the DOM bounded too.
  timeline.render('room', [...all, message({ local_id: 10_001, text: 'newest', ts_ms: start + 10_001_000 })]);
  assert.ok(container.querySelectorAll('article').length < 60);
  assert.equal([...container.querySelectorAll('.text')].at(-1).textContent, 'newest');
});

test('join and leave notices in a row collapse into one line that opens to show each', async () => {
  const container = document.createElement('section');
  document.body.append(container);
  const timeline = createTimeline(container);
  const at = Date.UTC(2026, 11, 5, 9);
  const notice = (id, text) => message({ local_id: id, id: null, kind: 'system', sender_id: 'system', text, ts_ms: at + id });
  const messages = [
    message({ local_id: 1, text: 'hello', ts_ms: at }),
    notice(2, 'user_1 has joined the chat'),
    notice(3, `${XSS} has joined the chat`),
    notice(4, 'user_3 has left the chat'),
    notice(5, 'user_4 has joined the chat'),
    message({ local_id: 6, text: 'welcome', ts_ms: at + 6 }),
    notice(7, 'user_9 has joined the chat'), // alone: stays as it is
  ];
  timeline.render('room', messages);
  const line = container.querySelector('.presence-line');
  assert.ok(line);
  assert.match(line.textContent, /^3 joined, 1 left: user_1, <img src=x onerror=alert\(1\)>, user_3 and 1 more/);
  assertInert(container, assert);
  assert.equal(container.querySelectorAll('.presence-line').length, 1, 'a single notice is not collapsed');
  assert.equal(container.querySelector('[data-local-id="3"]'), null, 'the collapsed notices are not shown one by one');
  assert.ok(container.querySelector('[data-local-id="7"]'));
  line.querySelector('button').click();
  assert.ok(container.querySelector('[data-local-id="3"]'), 'opened: each notice shows');
  assert.equal(container.querySelector('.presence-line button').getAttribute('aria-expanded'), 'true');
  // A new notice right after another one of a kept group grows the line (and it stays open).
  timeline.render('room', [...messages, notice(8, 'user_10 has left the chat')]);
  assert.match(container.querySelectorAll('.presence-line')[1].textContent, /^1 joined, 1 left/);
  container.querySelector('.presence-line button').click();
  assert.equal(container.querySelector('[data-local-id="3"]'), null, 'closed again');
});

test('a reply shows what it answers and shows that message on a click; an unknown one says so', () => {
  const container = document.createElement('section');
  document.body.append(container);
  const timeline = createTimeline(container);
  const at = Date.UTC(2026, 11, 5, 9);
  const messages = [
    message({ local_id: 1, id: 'm-1', sender_name: XSS, text: 'Did you pay?\nSecond line', ts_ms: at }),
    message({ local_id: 2, id: 'm-2', sender_id: 'me', own: true, text: 'Yes', quote_id: 'm-1', ts_ms: at + 1 }),
    message({ local_id: 3, id: 'm-3', sender_id: 'me', own: true, text: 'And this', quote_id: 'm-gone', ts_ms: at + 2 }),
  ];
  timeline.render('room', messages);
  const quote = container.querySelector('[data-local-id="2"] .reply-quote');
  assert.equal(quote.querySelector('.reply-quote-who').textContent, `↩ ${XSS}`);
  assert.equal(quote.querySelector('.reply-quote-text').textContent, 'Did you pay?', 'the first line only');
  assertInert(container, assert);
  quote.click();
  assert.ok(container.querySelector('[data-local-id="1"]').classList.contains('found'), 'the answered message is shown');
  assert.equal(container.querySelector('[data-local-id="3"] .reply-quote').textContent, '↩ Reply to an earlier message');
});

test('a file going up shows how far it got, updates in place without rebuilding its row, and can be cancelled', async () => {
  const { applyBatch, createState } = await import('../../app/js/state.js');
  const state = createState();
  const container = document.createElement('section');
  let cancelled = null;
  const timeline = createTimeline(container, {
    uploadOf: (id) => state.uploads.get(id) || null,
    onCancelUpload: (id) => { cancelled = id; },
  });
  const file = message({ local_id: 9, own: true, state: 'pending', kind: 'file', media: { url: '', name: 'ledger.pdf', local_path: '/o/9.bin', size: 3 * 1024 * 1024 } });
  timeline.render('room', [file]);
  const row = container.querySelector('article');
  assert.equal(row.querySelector('.upload-label').textContent, 'Waiting to upload…', 'nothing told yet: behind another file');
  applyBatch(state, [{ event: 'upload_progress', account: 'a', room: 'public', local_id: 9, sent_bytes: 1572864, total_bytes: 3145728 }]);
  timeline.showUploads();
  assert.equal(container.querySelector('article'), row, 'the row is the same node (its picture does not flicker)');
  assert.equal(row.querySelector('.upload-label').textContent, 'Uploading 50 % of 3.0 MB');
  assert.equal(row.querySelector('progress').value, 50);
  applyBatch(state, [{ event: 'upload_progress', account: 'a', room: 'public', local_id: 9, sent_bytes: 3145727, total_bytes: 3145728 }]);
  timeline.showUploads();
  assert.equal(row.querySelector('.upload-label').textContent, 'Uploading 99 % of 3.0 MB', 'not 100 % before the last byte');
  applyBatch(state, [{ event: 'upload_progress', account: 'a', room: 'public', local_id: 9, sent_bytes: 3145728, total_bytes: 3145728 }]);
  timeline.showUploads();
  assert.equal(row.querySelector('.upload-label').textContent, '3.0 MB handed over, waiting for the service…', 'all handed over: waiting for the service');
  row.querySelector('[aria-label="Cancel this upload"]').click();
  assert.equal(cancelled, 9);
  cancelled = null;
  row.querySelector('[aria-label="Cancel this upload"]').click();
  assert.equal(cancelled, null, 'asked once, however many clicks');
  // Waiting for a connection, it can be taken back too.
  cancelled = null;
  const offline = renderMessage(file, { connected: () => false, onCancelUpload: (id) => { cancelled = id; } });
  assert.match(offline.querySelector('.delivery').textContent, /^Waiting for connection/);
  offline.querySelector('[aria-label="Cancel this upload"]').click();
  assert.equal(cancelled, 9);
  // Sent, failed or deleted: the progress is forgotten.
  applyBatch(state, [{ ...file, event: 'sent', state: 'sent' }]);
  assert.equal(state.uploads.size, 0);
  applyBatch(state, [{ event: 'upload_progress', account: 'a', room: 'public', local_id: 'x', sent_bytes: 1, total_bytes: 2 }]);
  assert.equal(state.uploads.size, 0, 'a malformed id is ignored');
});

test('a receipt rebuilds a picture\'s row but keeps its picture (no "Loading image…" again)', () => {
  const container = document.createElement('section');
  const timeline = createTimeline(container);
  const photo = message({ local_id: 4, own: true, state: 'sent', kind: 'image', media: { url: 'mixin-attachment:att-4', name: 'proof.png' } });
  timeline.render('room', [photo]);
  const picture = container.querySelector('.media');
  assert.ok(picture, 'the picture is drawn');
  timeline.render('room', [{ ...photo, state: 'read' }]);
  assert.match(container.querySelector('.delivery').className, /read/, 'the receipt is shown');
  assert.equal(container.querySelector('.media'), picture, 'the same picture element');
  // Another picture in its place is drawn anew.
  timeline.render('room', [{ ...photo, state: 'read', media: { url: 'mixin-attachment:att-5', name: 'other.png' } }]);
  assert.notEqual(container.querySelector('.media'), picture);
});

test('the scroll the timeline makes itself lays nothing out again; a reader\'s scroll does', async () => {
  const container = document.createElement('div');
  document.body.append(container);
  const views = [];
  const timeline = createTimeline(container, { onView: (view) => views.push(view) });
  const frame = () => new Promise((resolve) => window.requestAnimationFrame(() => setTimeout(resolve, 0)));
  timeline.render('room', [1, 2, 3].map((id) => message({ local_id: id, id: `msg_${id}` })));
  // New messages stick the view to the bottom: the timeline scrolls, and its scroll event
  // comes in the next frame. The rows were laid out for that position already.
  timeline.render('room', [1, 2, 3, 4].map((id) => message({ local_id: id, id: `msg_${id}` })));
  const laidOut = views.length;
  container.dispatchEvent(new window.Event('scroll'));
  await frame();
  assert.equal(views.length, laidOut, 'no second layout for the timeline\'s own scroll');
  // The reader scrolls: the rows are laid out for where they went.
  container.dispatchEvent(new window.Event('scroll'));
  await frame();
  assert.equal(views.length, laidOut + 1, 'a reader\'s scroll lays the rows out');
  container.remove();
});
