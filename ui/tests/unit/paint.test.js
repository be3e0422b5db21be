import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, nextFrame } from './page.js';

loadPage();
const { afterVisiblePaint } = await import('../../app/js/paint.js');

/** Makes the page hidden or visible, as WebKit does when the window is unmapped or shown. */
function setVisibility(value) {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value });
  document.dispatchEvent(new window.Event('visibilitychange'));
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test('in a visible window, what was drawn counts as on screen after the next frame', async () => {
  setVisibility('visible');
  let painted = 0;
  afterVisiblePaint(() => { painted += 1; });
  assert.equal(painted, 0, 'not before the frame');
  await nextFrame();
  await settle();
  assert.equal(painted, 1);
});

test('a hidden window (Parley starts hidden until the page is ready) paints nothing until shown', async () => {
  setVisibility('hidden');
  let painted = 0;
  afterVisiblePaint(() => { painted += 1; });
  await nextFrame();
  await settle();
  assert.equal(painted, 0, 'nothing is on screen while the window is hidden');
  setVisibility('visible');
  await nextFrame();
  await settle();
  assert.equal(painted, 1, 'on screen once shown and painted');
  setVisibility('hidden');
  setVisibility('visible');
  await nextFrame();
  await settle();
  assert.equal(painted, 1, 'reported once');
});
