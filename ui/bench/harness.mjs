// What the UI benchmarks share: a parley-sim process to drive, a profile with accounts written
// up front, the app's process ids and memory, and percentiles.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  return { app, webkit: children };
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
