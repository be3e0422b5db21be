// The image viewer (issue 21): fit, zoom in and out by buttons and keys, actual size, save and
// copy from its toolbar (never over the picture), Escape closes; its caption never shows an
// internal attachment id. Small previews in the timeline give way to the picture itself.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage } from './page.js';

loadPage();
const { setBackend } = await import('../../app/js/ipc.js');
const { createViewer, imageCaption } = await import('../../app/js/media.js');

const calls = [];
setBackend({
  invoke: async (command, args) => {
    calls.push({ command, args });
    if (command === 'prepare_media') return { src: `media://localhost/${args.localId}/full`, size: 2048, mime: 'image/png' };
    if (command === 'save_media') return '/home/u/Downloads/receipt.png';
    return null;
  },
  channel: () => ({ id: 1 }),
});
const settle = () => new Promise((r) => setTimeout(r, 0));
const key = (target, k) => target.dispatchEvent(new window.KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));

test('the caption names the image, never its internal id', () => {
  assert.equal(imageCaption({ text: '', media: { url: 'mixin-attachment:0b1c-22' } }), 'Image');
  assert.equal(imageCaption({ text: 'receipt', media: { url: 'mixin-attachment:0b1c-22' } }), 'receipt');
  assert.equal(imageCaption({ text: '', media: { url: 'mixin-attachment:x', name: 'pay.png' } }), 'pay.png');
  assert.equal(imageCaption({ text: '', media: { url: 'https://cdn.example/a.png' } }), 'https://cdn.example/a.png');
});

test('zoom, fit, actual size, save and copy from the toolbar; Escape closes', async () => {
  let copied = null;
  const viewer = createViewer({ copyImage: async (img) => { copied = img; return true; } });
  await viewer.open({ local_id: 5, text: '', media: { url: 'mixin-attachment:abc' } });
  await settle();
  const dialog = document.getElementById('viewer');
  assert.equal(dialog.hidden, false);
  assert.doesNotMatch(dialog.textContent, /mixin-attachment/);
  const img = dialog.querySelector('img');
  Object.defineProperty(img, 'naturalWidth', { value: 1000 });
  Object.defineProperty(img, 'naturalHeight', { value: 500 });
  Object.defineProperty(img, 'clientWidth', { value: 400 }); // fitted at 40 %
  const zoom = () => dialog.querySelector('.viewer-zoom').textContent;
  assert.equal(zoom(), 'Fit');
  key(document.activeElement, '+');
  assert.equal(zoom(), '50%', 'the next step up from the fitted 40 %');
  assert.equal(img.style.width, '500px');
  key(document.activeElement, '+');
  assert.equal(zoom(), '75%');
  key(document.activeElement, '1');
  assert.equal(zoom(), '100%');
  assert.equal(img.style.width, '1000px');
  key(document.activeElement, '-');
  assert.equal(zoom(), '75%');
  key(document.activeElement, '0');
  assert.equal(zoom(), 'Fit');
  assert.equal(img.style.width, '');
  const tool = (label) => [...dialog.querySelectorAll('.viewer-toolbar button')].find((b) => b.getAttribute('aria-label') === label);
  tool('Save to Downloads').click();
  await settle();
  assert.equal(calls.at(-1).command, 'save_media');
  assert.match(dialog.querySelector('.viewer-status').textContent, /Saved to \/home\/u\/Downloads\/receipt\.png/);
  tool('Copy the picture').click();
  await settle();
  assert.equal(copied, img);
  assert.equal(dialog.querySelector('.viewer-status').textContent, 'Picture copied.');
  assert.ok(!dialog.querySelector('.viewer-stage').contains(tool('Close the image (Escape)')), 'no button over the picture');
  key(document.activeElement, 'Escape');
  assert.equal(dialog.hidden, true);
});
