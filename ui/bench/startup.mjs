// Start-up as a user launches Parley (issue 7, benchmark 5): the app binary started directly, no
// WebDriver, with a room already cached in the store. Each launch is timed from the process start
// (the kernel's record) to the page's first paint of the rooms, which the app logs as "rooms on
// screen". Run by `bash scripts/bench-ui.sh startup`; PARLEY_BENCH_STARTS sets the launches.
// (Under WebDriver, as in bench/load.mjs, about half the launches wait ~500 ms more for the
// automation session before the page loads.)

import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
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
}

runWithSimulator(main);
