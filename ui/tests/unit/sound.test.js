// The new-message sound (issue 21): order chats chime by default, other rooms when chosen;
// muted rooms, paused notifications, own messages, notices and the room being looked at stay
// quiet; bursts make one chime; the header's Sound button saves the choice.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPage, startOn, byId as $, settle, CAPABILITIES } from './page.js';

loadPage();
const { chimes, createChime, soundOn } = await import('../../app/js/sound.js');
const { createState, applySnapshot } = await import('../../app/js/state.js');

const accounts = [
  { id: 'mexc-1', display_name: 'P2P', demo: false, service_label: 'MEXC', settings: { service: 'mexc', conversations: [] }, capabilities: CAPABILITIES.mexc, state: { state: 'open' } },
  { id: 'bot-1', display_name: 'Bot', demo: false, service_label: 'Mixin', settings: { service: 'mixin' }, capabilities: CAPABILITIES.mixin, state: { state: 'open' } },
];
const rooms = [
  { account: 'mexc-1', room: '1001', title: 'Order 1001', unread: 0 },
  { account: 'mexc-1', room: '1002', title: 'Order 1002', unread: 0 },
  { account: 'bot-1', room: 'c1', title: 'Ava', unread: 0 },
];
const msg = (account, room, over = {}) => ({ event: 'message', local_id: 1, account, room, own: false, kind: 'text', text: 'hi', ts_ms: 1, ...over });

test('who chimes: order chats by default, chosen rooms, never muted, paused, own, notices or the room in view', () => {
  const state = createState();
  applySnapshot(state, { accounts, rooms, notices: [], notifications: { muted_accounts: [], muted_rooms: [], hide_text: false, paused: false, sound_rooms: [], silent_rooms: [] } });
  const away = { looking: false };
  assert.equal(chimes(state, msg('mexc-1', '1001'), away), true, 'an order chat chimes by default');
  assert.equal(chimes(state, msg('bot-1', 'c1'), away), false, 'a bot conversation does not by default');
  state.notifications.sound_rooms = [{ account: 'bot-1', room: 'c1' }];
  assert.equal(chimes(state, msg('bot-1', 'c1'), away), true, 'unless chosen');
  state.notifications.silent_rooms = [{ account: 'mexc-1', room: '1002' }];
  assert.equal(chimes(state, msg('mexc-1', '1002'), away), false, 'an order chat silenced');
  assert.equal(chimes(state, msg('mexc-1', '1001', { own: true }), away), false);
  assert.equal(chimes(state, msg('mexc-1', '1001', { kind: 'system' }), away), false);
  state.openRoom = 'mexc-1\u00001001';
  assert.equal(chimes(state, msg('mexc-1', '1001'), { looking: true }), false, 'the room in view');
  assert.equal(chimes(state, msg('mexc-1', '1001'), away), true, 'open but the window is elsewhere');
  state.notifications.muted_rooms = [{ account: 'mexc-1', room: '1001' }];
  assert.equal(chimes(state, msg('mexc-1', '1001'), away), false, 'mute wins');
  state.notifications.muted_rooms = [];
  state.notifications.paused = true;
  assert.equal(chimes(state, msg('mexc-1', '1001'), away), false, 'paused notifications are quiet');
});

test('a burst of messages makes one chime a second', () => {
  let now = 0;
  const chime = createChime({ now: () => now });
  assert.equal(chime.play(), true);
  now = 300;
  assert.equal(chime.play(), false);
  now = 1300;
  assert.equal(chime.play(), true);
  assert.equal(chime.played, 2);
});

/**
 * A stand-in for WebAudio's context: like a browser's, its `state` changes only when a resume or
 * a suspend has finished, a moment after the call (`delay` ms).
 */
class FakeAudioContext {
  constructor() {
    this.state = 'suspended';
    this.currentTime = 0;
    this.destination = {};
    this.delay = 5;
    this.notes = 0;
    FakeAudioContext.made.push(this);
  }
  resume() { return new Promise((r) => setTimeout(() => { this.state = 'running'; r(); }, this.delay)); }
  suspend() { return new Promise((r) => setTimeout(() => { this.state = 'suspended'; r(); }, this.delay)); }
  createOscillator() {
    return { frequency: {}, connect: (next) => next, start: () => { this.notes += 1; }, stop: () => {} };
  }
  createGain() {
    return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (next) => next };
  }
}
FakeAudioContext.made = [];
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

test('the audio context sleeps between chimes: a running one keeps the sound threads busy', async () => {
  const had = globalThis.AudioContext;
  globalThis.AudioContext = FakeAudioContext;
  try {
    let now = 0;
    const planned = [];
    const chime = createChime({ now: () => now, later: (f) => planned.push(f) });
    // The first click starts the context, which then goes to sleep.
    window.dispatchEvent(new window.Event('pointerdown'));
    const ctx = FakeAudioContext.made.at(-1);
    const made = FakeAudioContext.made.length;
    await pause(20);
    assert.equal(ctx.state, 'running', 'started by the click');
    planned.shift()();
    await pause(20);
    assert.equal(ctx.state, 'suspended', 'asleep until a chime needs it');
    // A chime wakes it and plays; a second one before the first's sleep keeps it awake.
    assert.equal(chime.play(), true);
    assert.equal(ctx.notes, 2);
    await pause(20);
    assert.equal(ctx.state, 'running');
    now = 1200;
    chime.play();
    planned.shift()(); // the first chime's sleep: not the latest, nothing
    await pause(20);
    assert.equal(ctx.state, 'running');
    planned.shift()();
    await pause(20);
    assert.equal(ctx.state, 'suspended');
    // A sound device slow to wake: the sleep asked for meanwhile still ends asleep.
    ctx.delay = 40;
    now = 3000;
    chime.play();
    planned.shift()();
    await pause(120);
    assert.equal(ctx.state, 'suspended', 'not left running for good');
    // A chime while it is going to sleep wakes it again.
    ctx.delay = 5;
    now = 5000;
    chime.play();
    await pause(20);
    planned.shift()();
    now = 7000;
    chime.play();
    await pause(40);
    assert.equal(ctx.state, 'running', 'heard');
    assert.equal(FakeAudioContext.made.length, made, 'one context, kept');
  } finally {
    globalThis.AudioContext = had;
  }
});

test('the header says whether the open room chimes and saves a change', async () => {
  const calls = [];
  let prefs = { muted_accounts: [], muted_rooms: [], hide_text: false, paused: false, sound_rooms: [], silent_rooms: [] };
  await startOn({
    invoke: async (command, args) => {
      calls.push({ command, args });
      switch (command) {
        case 'snapshot':
          return { accounts, rooms, notices: [], alerts: [], notifications: prefs };
        case 'history':
          return [];
        case 'set_room_sound':
          prefs = { ...prefs, silent_rooms: args.on ? [] : [{ account: args.account, room: args.room }] };
          return prefs;
        default:
          return null;
      }
    },
    channel: () => ({ id: 1 }),
  });
  [...document.querySelectorAll('#room-list button.room')].find((b) => b.dataset.room === 'mexc-1\u00001001').click();
  await settle();
  const button = $('toggle-sound');
  assert.equal(button.hidden, false);
  assert.equal(button.getAttribute('aria-pressed'), 'true', 'an order chat chimes by default');
  button.click();
  await settle();
  assert.deepEqual(calls.filter((c) => c.command === 'set_room_sound').at(-1).args, { account: 'mexc-1', room: '1001', on: false });
  assert.equal(button.getAttribute('aria-pressed'), 'false');
  assert.equal(button.textContent, 'Sound off');
});
