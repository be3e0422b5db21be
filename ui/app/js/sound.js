// The sound of a new message: a short two-note chime made with WebAudio (no file to ship), in
// the rooms the user chose and in order chats unless silenced (capability order_chats), never
// for muted rooms or accounts, with notifications paused, for the user's own messages, notices,
// or the room the user is looking at. At most one chime a second, however many arrive.

import { isMuted, countsAsUnread } from './state.js';
import { capabilitiesOf } from './capabilities.js';

/** Chimes closer together than this are one chime. */
const QUIET_MS = 1000;
/**
 * The audio context is put to sleep this long after its last chime: a running context keeps
 * WebKit's audio threads and the sound server busy while it plays silence (2.95 % of a core
 * for an idle Parley after one click, against 0.20 % before it), and keeps a laptop's sound
 * device awake.
 */
const SLEEP_AFTER_MS = 1500;

const sameRoom = (account, room) => (r) => r.account === account && r.room === room;

/** Whether a new message in `account`/`room` plays a sound (mute and pauses aside). */
export function soundOn(state, account, room) {
  const prefs = state.notifications || {};
  if ((prefs.sound_rooms || []).some(sameRoom(account, room))) return true;
  if ((prefs.silent_rooms || []).some(sameRoom(account, room))) return false;
  return capabilitiesOf(state.accounts.get(account)).order_chats === true;
}

/** Whether `message` (an event of a batch) chimes, given what is on screen. */
export function chimes(state, message, { looking }) {
  if (message.event !== 'message' || !countsAsUnread(message)) return false;
  const prefs = state.notifications || {};
  if (prefs.paused || isMuted(state, message.account, message.room)) return false;
  if (looking && state.openRoom === `${message.account}\u0000${message.room}`) return false;
  return soundOn(state, message.account, message.room);
}

/**
 * The chime player; `play()` is a no-op where the page has no audio. The audio context runs only
 * while a chime plays (see SLEEP_AFTER_MS); `later` is setTimeout (tests pass their own).
 */
export function createChime({ now = () => Date.now(), later = (f, ms) => setTimeout(f, ms) } = {}) {
  let context = null;
  let last = -Infinity;
  let played = 0;
  /** Each chime (or wake) bumps it; a sleep planned before the latest one does nothing. */
  let awake = 0;
  /**
   * Resumes and suspends, one after the other: a context's `state` changes only when one has
   * finished, so one asked for while the other is on its way would otherwise be decided on a
   * stale state (a slow sound device left running for good, a chime during a suspend unheard).
   */
  let turning = Promise.resolve();
  function turn(ctx, on) {
    turning = turning.then(() => (on ? ctx.resume() : ctx.suspend())).catch(() => {});
  }
  function sleepSoon(ctx) {
    const mine = ++awake;
    later(() => {
      if (mine === awake && ctx.state !== 'closed') turn(ctx, false);
    }, SLEEP_AFTER_MS);
  }
  function audio() {
    if (context) return context;
    const Context = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!Context) return null;
    try {
      context = new Context();
    } catch {
      return null;
    }
    return context;
  }
  // Browsers start audio only after a user gesture: the first key or click wakes it.
  // It is started once, then put to sleep until a chime needs it.
  const wake = () => {
    const ctx = audio();
    if (!ctx) return;
    turn(ctx, true);
    sleepSoon(ctx);
  };
  window.addEventListener('pointerdown', wake, { once: true, capture: true });
  window.addEventListener('keydown', wake, { once: true, capture: true });

  function note(ctx, frequency, start, length) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.15, start + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + length + 0.02);
  }

  return {
    play() {
      const at = now();
      if (at - last < QUIET_MS) return false;
      last = at;
      played += 1;
      const ctx = audio();
      if (!ctx) return true;
      try {
        // Notes scheduled while it sleeps play as soon as it is awake (its clock stands still).
        turn(ctx, true);
        const t = ctx.currentTime;
        note(ctx, 880, t, 0.12);
        note(ctx, 1318.5, t + 0.1, 0.18);
        sleepSoon(ctx);
      } catch {
        // No audio device: the chime is silent, nothing else changes.
      }
      return true;
    },
    /** How many chimes were played. */
    get played() {
      return played;
    },
  };
}
