// Start-up as a user launches Parley (issue 7, benchmark 5): the app binary started directly, no
// WebDriver, with a room already cached in the store. Each launch is timed from the process start
// (the kernel's record) to the page's first paint of the rooms, which the app logs as "rooms on
// screen", and the app's own start-up milestones before it. Run by
// `bash scripts/bench-ui.sh startup`; PARLEY_BENCH_STARTS sets the launches.

import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runWithSimulator, profileWithRoom, percentiles, fmt } from './harness.mjs';

const STARTS = Number(process.env.PARLEY_BENCH_STARTS || 10);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The "rooms on screen" figures logged in `profile` so far. */
function loggedStarts(profile) {
  const dir = join(profile, 'logs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => [...readFileSync(join(dir, name), 'utf8')
    .matchAll(/rooms on screen after_start_ms=(-?[\d.]+)/g)].map((m) => Number(m[1])));
}

/** Each launch's start-up milestones, in order: `{ step: after_start_ms }`, one object per launch. */
function loggedMilestones(profile) {
  const dir = join(profile, 'logs');
  if (!existsSync(dir)) return [];
  const launches = [];
  for (const name of readdirSync(dir).sort()) {
    for (const m of readFileSync(join(dir, name), 'utf8').matchAll(/(start-up: ([^\n]*?)|rooms on screen) after_start_ms=(-?[\d.]+)/g)) {
      const step = m[2] || 'rooms on screen';
      if (step === 'logging on' || !launches.length) launches.push({});
      launches[launches.length - 1][step] = Number(m[3]);
    }
  }
  return launches;
}

/** Launches the app, waits for its next "rooms on screen" line, then quits it. */
async function launch(profile, onStarted = () => {}) {
  const before = loggedStarts(profile).length;
  const app = spawn(process.env.PARLEY_APP_BIN, ['--profile', profile], { stdio: 'ignore' });
  const exited = new Promise((resolve) => app.on('exit', resolve));
  onStarted();
  try {
    for (let waited = 0; waited < 30000; waited += 20) {
      const starts = loggedStarts(profile);
      if (starts.length > before) return starts[starts.length - 1];
      await sleep(20);
    }
    throw new Error('the app never logged "rooms on screen"');
  } finally {
    app.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    // Let the previous launch's WebKit processes go before the next one is timed.
    await sleep(500);
  }
}

/** An empty Tauri window's start to its page load starting (it prints it), `count` launches. */
async function emptyWindowStarts(count) {
  const bin = join(dirname(process.env.PARLEY_APP_BIN), 'examples', 'empty_window');
  if (!existsSync(bin)) return [];
  const starts = [];
  for (let i = 0; i < count; i += 1) {
    const child = spawn(bin, [], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let err = '';
    child.stderr.on('data', (chunk) => { err += chunk; });
    for (let waited = 0; waited < 30000 && !/page load started after_start_ms=/.test(err); waited += 20) await sleep(20);
    const found = err.match(/page load started after_start_ms=(-?[\d.]+)/);
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    await sleep(500);
    if (found) starts.push(Number(found[1]));
  }
  return starts;
}

async function main(sim) {
  const profile = profileWithRoom(await sim.endpoint);
  // The first launch connects and caches the room (its first message shows it).
  await launch(profile, () => setTimeout(() => sim.command('burst 1'), 1000));
  const starts = [];
  for (let i = 0; i < STARTS; i += 1) starts.push(await launch(profile));
  const start = percentiles(starts);
  console.log(`Start-up without WebDriver (${process.env.PARLEY_APP_BIN}):`);
  console.log(`  start to first paint of cached rooms (${start.n} launches): p50 ${fmt(start.p50)}, max ${fmt(start.max)} (target < 600 ms: ${(start.p50 / 600).toFixed(2)}x)`);
  console.log(`  each launch: ${starts.map((ms) => fmt(ms)).join(', ')}`);
  // Where the time goes: each milestone the app logged, p50 over the same launches.
  const launches = loggedMilestones(profile).slice(-STARTS);
  const steps = Object.keys(launches[launches.length - 1] || {});
  console.log(`  milestones after the process started, p50: ${steps.map((step) => `${step} ${fmt(percentiles(launches.map((l) => l[step]).filter((v) => v !== undefined)).p50)}`).join('; ')}`);
  // What any Tauri window costs on this machine before its page can start: the floor under
  // Parley's "page load started".
  const empty = await emptyWindowStarts(STARTS);
  if (empty.length) console.log(`  an empty Tauri window, start to page load started (${empty.length} launches): p50 ${fmt(percentiles(empty).p50)}`);
}

runWithSimulator(main);
