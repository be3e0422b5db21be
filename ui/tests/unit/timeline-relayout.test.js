// When the timeline lays its rows out again: a row that changes size after the timeline laid it
// out (a picture arrived), and rows that turn out shorter than estimated and leave a spacer in
// view. A row whose size did not change, and the timeline's own scroll, cost no second layout.
// The resize observer is a fake here: its first report of a row comes when the test says, as in
// WebKit a frame later.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, nextFrame, fakeLayout } from './page.js';

loadPage();
const { createTimeline } = await import('../../app/js/timeline.js');

/** Collects what the timeline observes; `report()` delivers one report of every observed row. */
class FakeResizeObserver {
  static last = null;
  constructor(callback) {
    this.callback = callback;
    this.targets = new Set();
    FakeResizeObserver.last = this;
  }
  observe(node) { this.targets.add(node); }
  unobserve(node) { this.targets.delete(node); }
  disconnect() { this.targets.clear(); }
  report() {
    const entries = [...this.targets].map((target) => ({ target, contentRect: { height: target.offsetHeight } }));
    if (entries.length) this.callback(entries, this);
  }
}

function message(id, text = `message ${id}`) {
  return {
    local_id: id, account: 'a', room: 'r', id: `m${id}`, sender_id: 'u', sender_name: 'Eve', own: false,
    kind: 'text', text, ts_ms: Date.UTC(2026, 0, 5, 9, 0, id), ts_raw: '', state: 'sent', error: null,
  };
}

function setUp() {
  globalThis.ResizeObserver = FakeResizeObserver;
  const container = document.createElement('div');
  container.id = 'timeline';
  document.body.append(container);
  fakeLayout(container);
  const views = [];
  const timeline = createTimeline(container, { onView: (view) => views.push(view) });
  delete globalThis.ResizeObserver;
  timeline.render('r', Array.from({ length: 40 }, (_, i) => message(i + 1)));
  return { container, views, observer: FakeResizeObserver.last };
}

test('a row that grew before the observer first reported it is laid out again', async () => {
  const { container, views, observer } = setUp();
  await nextFrame();
  const laidOut = views.length;
  // The picture arrives after the layout measured the row, before the observer's first report.
  const last = [...container.querySelectorAll('article.message')].pop();
  last.append(document.createTextNode('x'.repeat(600)));
  observer.report();
  await nextFrame();
  assert.equal(views.length, laidOut + 1, 'the grown row was measured and the rows laid out again');
  container.remove();
});

test('the observer\'s first report of rows that kept their size lays nothing out again', async () => {
  const { container, views, observer } = setUp();
  await nextFrame();
  const laidOut = views.length;
  observer.report();
  await nextFrame();
  assert.equal(views.length, laidOut, 'no second layout per batch');
  // A later change is still seen.
  [...container.querySelectorAll('article.message')][5].append(document.createTextNode('y'.repeat(300)));
  observer.report();
  await nextFrame();
  assert.equal(views.length, laidOut + 1);
  container.remove();
});

test('pictures shorter than estimated leave no blank space at the top once the room is shown', async () => {
  const container = document.createElement('div');
  document.body.append(container);
  fakeLayout(container);
  // Pictures of an account whose media load on a click: a button, far shorter than a picture.
  const timeline = createTimeline(container, { autoMedia: () => false });
  const pictures = Array.from({ length: 60 }, (_, i) => ({ ...message(i + 1, ''), kind: 'image', media: { url: `https://x/${i}.png` } }));
  timeline.render('r', pictures);
  // The browser's scroll event for the timeline's own scroll to the bottom.
  container.dispatchEvent(new window.Event('scroll'));
  for (let i = 0; i < 4; i += 1) await nextFrame();
  const firstRow = container.querySelector('article.message');
  assert.ok(firstRow.offsetTop <= container.scrollTop, `rows fill the view from its top (first row at ${firstRow.offsetTop}, view at ${container.scrollTop})`);
  container.remove();
});

test('a reader at the newest message stays there when a row above grows (a picture loaded)', async () => {
  const { container, observer } = setUp();
  await nextFrame();
  const atBottom = () => container.scrollTop + container.clientHeight >= container.scrollHeight - 1;
  assert.ok(atBottom(), 'the room opens at its newest message');
  // The payment screenshot, a few rows up, arrives and is much taller than its slot was.
  const rowsShown = [...container.querySelectorAll('article.message')];
  rowsShown[rowsShown.length - 4].append(document.createTextNode('x'.repeat(1200)));
  observer.report();
  await nextFrame();
  assert.ok(atBottom(), `still at the newest message (${container.scrollTop} + ${container.clientHeight} of ${container.scrollHeight})`);
  container.remove();
});
