// Memory of the real app (issue 7, benchmark 4): PSS of the app and its WebKit processes (sum
// of /proc/*/smaps_rollup) with the Demo running (4 accounts connected) and 100,000 messages in
// the store, after PARLEY_BENCH_MINUTES (default 10), after scrolling a long room far back
// and down again, PARLEY_BENCH_PASSES times (5), and then left alone (PARLEY_BENCH_REST_S,
// 30 then 60 s more); compared with an empty Tauri window measured in the same run.
// Run by `bash scripts/bench-ui.sh memory`.

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession } from '../tests/e2e/webdriver.js';
import { emptyWindowMemory, settledMemory } from './harness.mjs';

const MINUTES = Number(process.env.PARLEY_BENCH_MINUTES ?? 10);
const MESSAGES = Number(process.env.PARLEY_BENCH_STORED || 100000);
const SCROLL_PAGES = Number(process.env.PARLEY_BENCH_SCROLL_PAGES || 60);
const PASSES = Number(process.env.PARLEY_BENCH_PASSES || 5);
/** Rests after the passes, in seconds, each measured (PARLEY_BENCH_REST_S="30,60"; empty: none). */
const REST_S = (process.env.PARLEY_BENCH_REST_S ?? '30,60').split(',').filter(Boolean).map(Number);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Puts `count` messages into the Demo chat room's history, as if received over months, indexed
 * for search as the store's writer indexes them: a user's history is indexed already. (Until
 * 2026-12-05 the app indexed the 100,000 rows itself at start, which filled its 16 MB page cache
 * before the first figure: about 17 MB more for the app process in the rows measured so.)
 */
function seed(profile, count) {
  execFileSync('python3', ['-c', `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
words = "the usdt price paid ok bank transfer order btc thanks release desk rate".split()
rows = ((f"seed-{i}", f"user_{i % 37}", f"Trader {i % 37}", " ".join(words[(i * 7 + k) % len(words)] for k in range(3 + i % 9)) + f" #{i}",
         1700000000000 + i * 60000) for i in range(int(sys.argv[2])))
db.executemany("""INSERT INTO messages (account_id, room_id, service_id, sender_id, sender_name, own, kind, text, ts_ms, ts_raw, state)
                  VALUES ('demo-mockly', 'public', ?, ?, ?, 0, 'text', ?, ?, '', 'sent')""", rows)
db.execute("INSERT INTO messages_fts (rowid, text, search_room) SELECT local_id, text, search_room FROM messages WHERE local_id > (SELECT up_to FROM fts_indexed)")
db.execute("UPDATE fts_indexed SET up_to = (SELECT MAX(local_id) FROM messages)")
db.commit()
`, join(profile, 'parley.sqlite3'), String(count)]);
}

async function demoConnected(session) {
  await session.waitFor('the Demo\'s four accounts connected', () => session.script(
    'return document.querySelectorAll(".dot.dot-open").length >= 4;'), 60000);
}

/** Scrolls to the top `pages` times (each loads an older page) and back down to the newest. */
async function scrollFarBackAndDown(session) {
  for (let i = 0; i < SCROLL_PAGES; i += 1) {
    await session.script('const t = document.getElementById("timeline"); t.scrollTop = 0; t.dispatchEvent(new Event("scroll")); return true;');
    await sleep(60);
  }
  // Down until the newest message is on screen again (the window re-attached to the live end).
  for (let i = 0; i < SCROLL_PAGES * 3; i += 1) {
    await session.script('const t = document.getElementById("timeline"); t.scrollTop = t.scrollHeight; t.dispatchEvent(new Event("scroll")); return true;');
    await sleep(60);
    if (i > SCROLL_PAGES / 2 && await session.script(`return !/#\\d+$/.test([...document.querySelectorAll('#timeline .text')].at(-1)?.textContent || '');`)) break;
  }
}

async function main() {
  const baseline = await emptyWindowMemory();
  const profile = mkdtempSync(join(tmpdir(), 'parley-bench-memory-'));
  let session = await openSession(process.env.PARLEY_APP_BIN, ['--profile', profile]);
  await demoConnected(session);
  await session.close();
  await sleep(1000);
  seed(profile, MESSAGES);

  session = await openSession(process.env.PARLEY_APP_BIN, ['--profile', profile]);
  const lines = [];
  try {
    await demoConnected(session);
    const [room] = await session.waitFor('the Demo chat room', () => session.findAll('#room-list button[data-room$="public"]').then((b) => b.length && b), 30000);
    await session.click(room);
    await sleep(5000);
    const start = await settledMemory(profile);
    lines.push(['Demo running, 4 accounts, room with ' + MESSAGES.toLocaleString('en') + ' messages open', start]);
    for (let minute = 1; minute <= MINUTES; minute += 1) {
      await sleep(60_000);
      if (minute === MINUTES) lines.push([`after ${MINUTES} minutes`, await settledMemory(profile)]);
    }
    for (let pass = 1; pass <= PASSES; pass += 1) {
      await scrollFarBackAndDown(session);
      lines.push([`after scrolling ${SCROLL_PAGES} pages back and down again (${pass})`, await settledMemory(profile)]);
    }
    // Then left alone, as a user stops scrolling: what the engine frees lazily (garbage of the
    // last pass, pages the allocator returns after a while) is given back or not.
    for (const seconds of REST_S) {
      await sleep(seconds * 1000);
      lines.push([`then left alone ${seconds} s more`, await settledMemory(profile)]);
    }
    const rows = await session.script('return document.querySelectorAll("#timeline > article").length;');
    console.log(`Memory (PSS, app + WebKit processes; ${process.env.PARLEY_APP_BIN}):`);
    console.log(`  empty Tauri window: ${baseline.total.toFixed(1)} MB (app ${baseline.app.toFixed(1)}, WebKit ${baseline.webkit.toFixed(1)}; ${baseline.processes} processes; ${baseline.parts})`);
    for (const [what, m] of lines) {
      const over = m.total - baseline.total;
      console.log(`  ${what}: ${m.total.toFixed(1)} MB (app ${m.app.toFixed(1)}, WebKit ${m.webkit.toFixed(1)}; ${m.processes} processes; ${m.parts}) = empty window + ${over.toFixed(1)} MB (target <= 60 MB: ${(over / 60).toFixed(2)}x)`);
    }
    console.log(`  rows in the DOM at the end: ${rows}`);
  } finally {
    await session.close();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
