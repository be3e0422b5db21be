// Event batches from the backend: queued until the next animation frame, applied to the state
// and drawn in one DOM pass, then acknowledged (events_drawn) so the backend sends the next batch
// only once the page has taken these (event_batch.rs) and never outruns it. A batch that arrives
// while the next frame has little to draw is acknowledged at once: it will be drawn in that frame
// anyway, and what the backend sends meanwhile can join it (bash scripts/bench-ui.sh load, A/B:
// push -> painted p50 23.0-27.5 -> 19.8-23.2 ms). A backlog is acknowledged only once drawn. Also
// reads out, to screen readers, what arrived in the open room.

import { byId } from './dom.js';
import { call } from './ipc.js';
import { applyBatch, roomKey } from './state.js';
import { chimes } from './sound.js';

/**
 * Returns `onBatch(events)` for subscribe(). `draw` holds the page's painters (timeline, chrome,
 * live, alerts); a resync or an account change reloads everything with `refresh()`.
 */
/** Events a frame may already hold for a new batch to be acknowledged on arrival. */
const TAKEN_AT_ONCE = 64;

export function createBatchDrawer({ state, draw, openRoomByKey, refresh, showError, chime = null }) {
  const announcer = byId('announcer');
  let queued = [];
  let received = 0;
  /** Batches of `received` already acknowledged when they arrived. */
  let taken = 0;
  let frame = false;

  /** Tells screen readers, politely, what arrived in the open room. */
  function announce(arrived) {
    if (!arrived.length) return;
    const last = arrived[arrived.length - 1];
    const who = last.sender_name || last.sender_id;
    const what = String(last.text || last.kind).slice(0, 200);
    announcer.textContent = arrived.length === 1 ? `${who}: ${what}`
      : `${arrived.length} new messages. Last from ${who}: ${what}`;
  }

  function onBatch(events) {
    // The UI benchmark (ui/bench/load.mjs) times each batch's arrival when it listens.
    if (window.parleyBench) window.parleyBench.arrived(events);
    queued.push(...events);
    received += 1;
    // While the next frame has little to draw, this batch is as good as drawn: say so now, so
    // the backend sends what arrives meanwhile for the same frame instead of holding it.
    if (queued.length <= TAKEN_AT_ONCE) {
      taken += 1;
      call('events_drawn', { batches: 1 }).catch(() => {});
    }
    if (frame) return;
    frame = true;
    // A hidden window gets no animation frames: it applies batches at once (nothing is painted).
    if (document.hidden) setTimeout(drawQueued, 0);
    else requestAnimationFrame(drawQueued);
  }

  function drawQueued() {
    frame = false;
    const batch = queued;
    const batches = received - taken;
    queued = [];
    received = 0;
    taken = 0;
    try {
      drawBatch(batch);
    } finally {
      if (batches > 0) call('events_drawn', { batches }).catch(() => {});
    }
  }

  function drawBatch(batch) {
    const bench = window.parleyBench;
    const started = bench ? performance.now() : 0;
    // A clicked desktop notification asks for its room.
    const asked = batch.filter((e) => e.event === 'open_room').pop();
    if (asked) openRoomByKey(roomKey(asked.account, asked.room)).catch(showError);
    const arrived = batch.filter((e) => e.event === 'message' && !e.own && e.kind !== 'system' && roomKey(e.account, e.room) === state.openRoom);
    // A new message in a room that chimes (sound.js), unless the user is looking at it.
    if (chime) {
      const looking = document.hasFocus() && !document.hidden;
      if (batch.some((e) => chimes(state, e, { looking }))) chime.play();
    }
    const changed = applyBatch(state, batch);
    if (changed.resync) {
      refresh().catch(showError);
      return;
    }
    const applied = bench ? performance.now() : 0;
    // The timeline first: it reads the layout, which is still clean before any other change.
    // Drawing it tells the read tracker what is on screen (read-tracker.js).
    // A connection coming or going relabels queued messages ("Waiting for connection").
    if (changed.timeline || changed.accounts) draw.timeline();
    announce(arrived);
    const timelineDrawn = bench ? performance.now() : 0;
    if (changed.accounts || changed.rooms || changed.timeline) draw.chrome();
    else if (changed.live) draw.live();
    // Upload progress changes a few words in place, never a whole row (its picture would flicker).
    if (changed.uploads && draw.uploads) draw.uploads();
    if (changed.alerts) draw.alerts();
    if (bench) bench.handled({ events: batch.length, apply: applied - started, timeline: timelineDrawn - applied, chrome: performance.now() - timelineDrawn });
  }

  return onBatch;
}
