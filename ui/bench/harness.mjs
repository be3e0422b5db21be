// What the UI benchmarks share: a parley-sim process to drive, a profile with accounts written
// up front, the app's process ids and memory, and percentiles.

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A mockly simulator process; `command` sends a load command, `until` waits for a line. */
export function startSimulator(args = []) {
  const child = spawn(process.env.PARLEY_SIM_BIN, ['mockly', '--port', '0', '--seed', '7', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const waiters = [];
  child.stdout.on('data', (chunk) => {
    out += chunk;
    for (const w of [...waiters]) {
      const found = out.match(w.pattern);
      if (found) {
        out = out.slice(found.index + found[0].length);
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(found);
      }
    }
  });
  const until = (pattern) => new Promise((resolve) => {
    const found = out.match(pattern);
    if (found) {
      out = out.slice(found.index + found[0].length);
      resolve(found);
    } else waiters.push({ pattern, resolve });
  });
  return {
    endpoint: until(/endpoint (\S+)/).then((m) => m[1]),
    command: (line) => child.stdin.write(`${line}\n`),
    until,
    stop: () => child.kill(),
  };
}

/** Runs `main(sim)` with a simulator, stops it afterwards, and exits 0, or 1 with the error. */
export function runWithSimulator(main) {
  const sim = startSimulator();
  main(sim).then(() => {
    sim.stop();
    process.exit(0);
  }, (e) => {
    sim.stop();
    console.error(e);
    process.exit(1);
  });
}

/** A profile folder whose config already holds a mockly account at `endpoint`. */
export function profileWithRoom(endpoint) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    accounts: [{ id: 'mockly-load', display_name: 'Load room', settings: { service: 'mockly', client_id: 'loadbench', endpoint } }],
    demo_dismissed: true,
  }));
  return dir;
}

/** Pids of the app started with `marker` in its command line, and of its WebKit processes. */
export function appProcesses(marker) {
  const all = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const cmd = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      return '';
    }
  };
  const parent = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1];
    } catch {
      return '';
    }
  };
  const app = all.filter((p) => cmd(p).includes(marker) && !cmd(p).includes('WebKitWebDriver') && !cmd(p).includes('node '));
  const children = all.filter((p) => app.includes(parent(p)) && /WebKit(Web|Network)Process/.test(cmd(p)));
  return { app, webkit: children, page: children.filter((p) => /WebKitWebProcess/.test(cmd(p))) };
}

/** Proportional set size of the processes, in MB (from /proc/PID/smaps_rollup); `field` picks
 * one part (Pss_Anon: heaps, Pss_File: code and mapped files, Pss_Shmem: shared buffers). */
export function pssMb(pids, field = 'Pss') {
  let kb = 0;
  for (const pid of pids) {
    try {
      const found = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
      if (found) kb += Number(found[1]);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/**
 * When a process started, in ms since the epoch (10 ms resolution): its age by the kernel's
 * clock since boot, taken from now (/proc/stat's btime drifts from the wall clock in a VM).
 */
export function processStartMs(pid) {
  const now = Date.now();
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const ticks = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[19]);
  const hz = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  return now - (uptime - ticks / hz) * 1000;
}

export function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/** "p50 …, p95 …, max … (n what)" for times in ms. */
export function summary(values, what = '') {
  const p = percentiles(values);
  return `p50 ${fmt(p.p50)}, p95 ${fmt(p.p95)}, max ${fmt(p.max)} (${p.n}${what ? ` ${what}` : ''})`;
}

/** A profile made by a first launch of the app (the Demo set up), closed again. */
export async function launchedProfile(openSession, prefix) {
  const profile = mkdtempSync(join(tmpdir(), prefix));
  const session = await openSession(process.env.PARLEY_APP_BIN, ['--profile', profile]);
  await session.waitFor('the Demo\'s mockly room', () => session.findAll('#room-list button[data-room$="public"]').then((b) => b.length && b), 60000);
  await session.close();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return profile;
}

export const fmt = (ms) => `${ms.toFixed(1)} ms`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** PSS of the app with `marker` in its command line and its WebKit processes, settled. */
export async function settledMemory(marker) {
  await sleep(3000);
  const { app, webkit, page } = appProcesses(marker);
  const all = [...app, ...webkit];
  return {
    total: pssMb(all), app: pssMb(app), webkit: pssMb(webkit), processes: all.length,
    parts: `heap ${pssMb(all, 'Pss_Anon').toFixed(1)} (the page's ${pssMb(page, 'Pss_Anon').toFixed(1)}), files ${pssMb(all, 'Pss_File').toFixed(1)}, shared ${pssMb(all, 'Pss_Shmem').toFixed(1)}`,
  };
}

/** The memory of an empty Tauri window (the `empty_window` example beside the app), or null. */
export async function emptyWindowMemory() {
  const bin = join(dirname(process.env.PARLEY_APP_BIN), 'examples', 'empty_window');
  if (!existsSync(bin)) return null;
  const child = spawn(bin, [], { stdio: 'ignore' });
  await sleep(5000);
  const figures = await settledMemory(bin);
  child.kill();
  await sleep(500);
  return figures;
}

/** CPU time (user + system) the processes used so far, in ms. */
export function cpuMs(pids) {
  const hz = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return (ticks / hz) * 1000;
}

/**
 * Clicks the sidebar button of the room whose `data-room` is `room` and returns the ms until,
 * in an animation frame, the title reads `title` (when given) and `done` (a JS expression over `t`, each
 * timeline text) holds, and that frame was painted (a task posted from the frame runs once it
 * is painted); -1 without such a button.
 */
export function timedSwitch(session, { room, title, done }) {
  const titled = title === undefined ? '' : `if (document.getElementById('room-title').textContent !== ${JSON.stringify(title)}) return false;`;
  return session.scriptAsync(`
    const done = arguments[arguments.length - 1];
    const button = [...document.querySelectorAll('#room-list button')].find((b) => b.dataset.room === ${JSON.stringify(room)});
    if (!button) return done(-1);
    const painted = new MessageChannel();
    const t0 = performance.now();
    painted.port1.onmessage = () => done(performance.now() - t0);
    const shown = () => {
      ${titled}
      for (const node of document.querySelectorAll('#timeline .text')) {
        const t = node.textContent;
        if (${done}) return true;
      }
      return false;
    };
    const check = () => (shown() ? painted.port2.postMessage(0) : requestAnimationFrame(check));
    button.click();
    requestAnimationFrame(check);`);
}

/** Opens the search dialog on every room, its field emptied first (so opening and changing the
 * scope search nothing: a search still on its way would hold the first keystroke back). */
export async function openSearchEverywhere(session) {
  await session.script('document.getElementById("search").hidden || document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true })); return true;');
  await session.script(`const i = document.getElementById("search-input"); i.value = ""; i.dispatchEvent(new Event("input"));
    document.getElementById("open-search").click();
    if (!/every room/.test(document.querySelector('label[for="search-input"]').textContent)) document.getElementById("search-scope").click();
    return true;`);
  await sleep(300);
}

/** Types one more key of `text` into the open search dialog and returns [ms until results for
 * it were painted, ms until they were in the DOM (-1 if not seen)]: results are "for it" when
 * the first result's marked word is the text, or for one character when the status line shows. */
export function timedSearchKey(session, text) {
  return session.scriptAsync(`
    const done = arguments[arguments.length - 1];
    const text = ${JSON.stringify(text)};
    const input = document.getElementById('search-input');
    const painted = new MessageChannel();
    let t0 = 0;
    // When the results for this text were in the DOM (the answer arrived and the list was
    // drawn; a mutation observer runs right after the drawing task).
    let drawn = 0;
    const observer = new MutationObserver(() => { if (!drawn && shown()) drawn = performance.now(); });
    observer.observe(document.getElementById('search'), { childList: true, subtree: true, characterData: true });
    painted.port1.onmessage = () => { observer.disconnect(); done([performance.now() - t0, drawn ? drawn - t0 : -1]); };
    const shown = () => {
      const mark = document.querySelector('#search-list mark');
      if (mark && mark.textContent.toLowerCase() === text) return true;
      // One character is a word, found in no seeded message: its answer is the status line
      // (cleared before each query).
      return text.length === 1 && document.getElementById('search-status').textContent !== '';
    };
    const check = () => (shown() ? painted.port2.postMessage(0) : requestAnimationFrame(check));
    input.value = text;
    t0 = performance.now();
    input.dispatchEvent(new Event('input'));
    requestAnimationFrame(check);`);
}
