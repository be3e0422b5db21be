// The frame inspector in the page: frames listed as text (bodies are hostile), filtered by
// direction and content, paused, and exported through the backend.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, XSS, assertInert, CAPABILITIES } from './page.js';

loadPage();
const { setBackend } = await import('../../app/js/ipc.js');
const { startApp } = await import('../../app/js/app.js');
const { filterFrames, mergeFrames } = await import('../../app/js/inspector.js');

const calls = [];
const frames = [
  { seq: 0, at_ms: 1, account: 'mixin-1', direction: 'out', opcode: 'connect', size: 0, body: 'GET ws://127.0.0.1:1/ (subprotocol Mixin-Blaze-1) Authorization: [redacted]' },
  { seq: 1, at_ms: 2, account: 'mixin-1', direction: 'in', opcode: 'binary', size: 120, body: `{"action":"CREATE_MESSAGE","data":{"text":"${XSS}"}}` },
  { seq: 2, at_ms: 3, account: 'mixin-1', direction: 'out', opcode: 'binary', size: 80, body: '{"action":"ACKNOWLEDGE_MESSAGE_RECEIPT"}' },
];
setBackend({
  invoke: async (command, args) => {
    calls.push({ command, args });
    if (command === 'snapshot') return { accounts: [{ id: 'mixin-1', display_name: 'Desk bot', demo: false, service_label: 'Mixin', settings: { service: 'mixin' }, capabilities: CAPABILITIES.mixin, state: { state: 'open' } }], rooms: [], notices: [], alerts: [] };
    if (command === 'inspector_frames') return frames.filter((f) => args.after == null || f.seq > args.after);
    if (command === 'export_inspector') return '/home/u/Downloads/parley-frames-20261123-120000.ndjson';
    return null;
  },
  channel: () => ({ id: 1 }),
});
const app = await startApp();
after(() => {
  app.stop();
  window.close();
});
const $ = (id) => document.getElementById(id);
const settle = () => new Promise((r) => setTimeout(r, 0));

test('filters keep what matches direction and content', () => {
  assert.equal(filterFrames(frames, { direction: 'in' }).length, 1);
  assert.equal(filterFrames(frames, { text: 'acknowledge' }).length, 1);
  assert.equal(filterFrames(frames, {}).length, 3);
});

test('the inspector lists frames as text, filters, pauses and exports', async () => {
  $('open-inspector').click();
  await settle();
  await settle();
  assert.equal($('inspector').hidden, false);
  assert.equal($('inspector-list').children.length, 3);
  assert.match($('inspector-list').textContent, /Authorization: \[redacted\]/);
  const heads = [...$('inspector-list').querySelectorAll('.frame-head')];
  assert.match(heads[0].querySelector('time').textContent, /^\d\d:\d\d:\d\d\.001$/, 'to the millisecond');
  assert.equal(heads[0].querySelector('.frame-where').textContent, 'Desk bot', 'the account\'s name, not its id');
  assert.equal($('inspector-status').textContent, '3 frames', 'the count says what the list shows');
  assertInert($('inspector'), assert);
  $('inspector-direction').value = 'out';
  $('inspector-direction').dispatchEvent(new window.Event('change'));
  assert.equal($('inspector-list').children.length, 2);
  assert.equal($('inspector-status').textContent, '2 frames of 3');
  $('inspector-pause').checked = true;
  $('inspector-pause').dispatchEvent(new window.Event('change'));
  assert.match($('inspector-status').textContent, /paused/);
  $('inspector-export').click();
  await settle();
  assert.match($('inspector-status').textContent, /Saved to .*parley-frames/);
  assert.equal(calls.filter((c) => c.command === 'export_inspector').length, 1);
});

test('each read asks only for the frames recorded since the last one and appends them', async () => {
  $('inspector-pause').checked = false;
  $('inspector-direction').value = '';
  $('inspector-pause').dispatchEvent(new window.Event('change'));
  await settle();
  const reads = calls.filter((c) => c.command === 'inspector_frames');
  assert.equal(reads.at(-1).args.after, 2, 'the page passes the seq of the newest frame it holds');
  frames.push({ seq: 3, at_ms: 4, account: 'mixin-1', direction: 'in', opcode: 'binary', size: 9, body: '{"n":4}' });
  $('inspector-pause').dispatchEvent(new window.Event('change'));
  await settle();
  assert.equal($('inspector-list').children.length, 4, 'the new frame is appended once');
  assert.match($('inspector-list').lastChild.textContent, /"n":4/);
});

test('the page holds at most the newest thousand frames', () => {
  const many = Array.from({ length: 1500 }, (_, seq) => ({ seq }));
  const held = mergeFrames(many.slice(0, 900), many.slice(900));
  assert.equal(held.length, 1000);
  assert.equal(held[0].seq, 500);
});
