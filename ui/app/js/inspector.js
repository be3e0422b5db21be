// The frame inspector: the last frames of every connection as the backend recorded them
// (already redacted), refreshed every second unless paused, filtered by account, direction
// and text, and exported as NDJSON for a bug report. Bodies are untrusted: text only.

import { el, clear, byId } from './dom.js';
import { call } from './ipc.js';
import { counted } from './plural.js';
import { preciseTime } from './time.js';

/** Rows drawn at most (the newest); the backend keeps more. */
const SHOWN = 300;
/** Frames the page holds at most (the newest), as many as one read returns. */
const HELD = 1000;

/** The frames held after a read: the new ones appended, the oldest beyond `HELD` dropped. */
export function mergeFrames(held, newer) {
  const all = newer.length ? held.concat(newer) : held;
  return all.length > HELD ? all.slice(all.length - HELD) : all;
}

/** Frames that match the filters. */
export function filterFrames(frames, { direction = '', text = '' } = {}) {
  const needle = text.trim().toLowerCase();
  return frames.filter((f) => (!direction || f.direction === direction)
    && (!needle || `${f.opcode} ${f.body} ${f.room || ''}`.toLowerCase().includes(needle)));
}

export function createInspector({ accounts }) {
  const dialog = byId('inspector');
  const list = byId('inspector-list');
  const status = byId('inspector-status');
  const f = { account: byId('inspector-account'), direction: byId('inspector-direction'), text: byId('inspector-filter'), pause: byId('inspector-pause') };
  let timer = null;
  let frames = [];

  function draw() {
    const matching = filterFrames(frames, { direction: f.direction.value, text: f.text.value });
    const shown = matching.slice(-SHOWN);
    // Frames carry the account's id; the user knows it by its name.
    const nameOf = (id) => accounts().get(id)?.display_name || id;
    clear(list);
    for (const frame of shown) {
      list.append(el('li', { class: `frame ${frame.direction}` }, [
        el('div', { class: 'frame-head' }, [
          el('time', { text: preciseTime(frame.at_ms), attrs: { datetime: new Date(frame.at_ms).toISOString() } }),
          el('span', { class: 'frame-direction', text: frame.direction === 'in' ? '↓ received' : '↑ sent' }),
          el('span', { class: 'frame-where', text: frame.room ? `${nameOf(frame.account)} · ${frame.room}` : nameOf(frame.account) }),
          el('span', { class: 'frame-opcode', text: frame.opcode }),
          el('span', { class: 'frame-size', text: `${frame.size} B` }),
        ]),
        frame.body ? el('pre', { class: 'frame-body', text: frame.body }) : null,
      ]));
    }
    const refused = frames.filter((frame) => frame.opcode === 'refused').length;
    const count = shown.length < matching.length ? `The newest ${shown.length} of ${matching.length} matching frames` : `${counted(matching.length, 'frame')}${matching.length < frames.length ? ` of ${frames.length}` : ''}`;
    status.textContent = `${count}${refused ? `, ${refused} refused as malformed` : ''}${f.pause.checked ? ' (paused)' : ''}`;
  }

  /** Reads only the frames recorded since the last read (all of them after `reset`). */
  async function load() {
    if (f.pause.checked) return;
    const account = f.account.value || null;
    const after = frames.length ? frames[frames.length - 1].seq : null;
    try {
      const newer = await call('inspector_frames', { account, after });
      if (account !== (f.account.value || null)) return;
      frames = mergeFrames(frames, newer);
      draw();
    } catch (e) {
      status.textContent = `Frames could not be read: ${e.message}`;
    }
  }

  function close() {
    dialog.hidden = true;
    clearInterval(timer);
    timer = null;
  }

  for (const input of [f.direction, f.text]) input.addEventListener('input', draw);
  f.direction.addEventListener('change', draw);
  function reset() {
    frames = [];
    return load();
  }

  f.account.addEventListener('change', reset);
  f.pause.addEventListener('change', () => (f.pause.checked ? draw() : load()));
  byId('close-inspector').addEventListener('click', close);
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  byId('inspector-export').addEventListener('click', async () => {
    try {
      const path = await call('export_inspector', { account: f.account.value || null });
      status.textContent = `Saved to ${path}`;
    } catch (e) {
      status.textContent = `Not saved: ${e.message}`;
    }
  });

  return {
    /** Opens the inspector; `account` and `text` preset its filters (a message's details do). */
    async open({ account = null, text = null } = {}) {
      const chosen = account ?? f.account.value;
      if (text !== null) f.text.value = text;
      clear(f.account);
      f.account.append(el('option', { text: 'All accounts', attrs: { value: '' } }));
      for (const account of accounts().values()) f.account.append(el('option', { text: account.display_name, attrs: { value: account.id } }));
      f.account.value = chosen;
      dialog.hidden = false;
      byId('close-inspector').focus();
      await reset();
      clearInterval(timer);
      timer = setInterval(load, 1000);
    },
    close,
  };
}
