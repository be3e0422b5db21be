// Room switches in the real app (issues 21 and 26), timed inside the page from the click on a
// room in the sidebar to the frame that painted what the room opens at:
//  - a room of 100,000 messages, all read: its newest messages;
//  - a room of 100,000 messages whose read mark is in the middle (about 50,000 unread): the
//    "New messages" line with the messages around it (the read tracker moves the mark on as
//    rows are seen, so each open lands at the then-first unread, still among ~50,000);
//  - a room of 30 messages, for comparison.
// The rooms are seeded into the Demo's mockly account after a first launch made the profile. A
// switch is timed with `performance.now()` around `click()`, and ends when, in an animation
// frame, the room's title is shown and its target rows are in the DOM; a task posted from that
// frame runs once it is painted (the "after frame" idiom of bench/load.mjs).
// Run by `bash scripts/bench-ui.sh switch`; PARLEY_BENCH_SWITCHES (default 30) per room.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { openSession } from '../tests/e2e/webdriver.js';
import { launchedProfile, summary, timedSwitch } from './harness.mjs';

const MESSAGES = Number(process.env.PARLEY_BENCH_STORED || 100000);
const SWITCHES = Number(process.env.PARLEY_BENCH_SWITCHES || 30);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each room: its sidebar key, its title, and when its target rows are shown (over `t`, each timeline text). */
const ROOMS = {
  latest: { room: 'demo-mockly\u0000bench-latest', title: 'Bench latest', done: `/^latest .* #${MESSAGES - 1}$/.test(t)` },
  unread: { room: 'demo-mockly\u0000bench-unread', title: 'Bench unread', done: 'document.querySelector("#timeline .unread-line")' },
  small: { room: 'demo-mockly\u0000bench-small', title: 'Bench small', done: '/^small .* #29$/.test(t)' },
};

/** Three rooms in the Demo's mockly account: two of MESSAGES messages (one read to its middle), one of 30. */
function seed(profile) {
  execFileSync('python3', ['-c', `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
count = int(sys.argv[2])
words = "the usdt price paid ok bank transfer order btc thanks release desk rate".split()
def rows(prefix, room, n):
    return ((room, f"{room}-{i}", f"user_{i % 37}", f"Trader {i % 37}",
             prefix + " " + " ".join(words[(i * 7 + k) % len(words)] for k in range(3 + i % 9)) + f" #{i}",
             1700000000000 + i * 60000) for i in range(n))
for prefix, room, n, title in (("latest", "bench-latest", count, "Bench latest"), ("unread", "bench-unread", count, "Bench unread"), ("small", "bench-small", 30, "Bench small")):
    db.execute("INSERT OR IGNORE INTO rooms (account_id, room_id, title) VALUES ('demo-mockly', ?, ?)", (room, title))
    db.executemany("""INSERT INTO messages (account_id, room_id, service_id, sender_id, sender_name, own, kind, text, ts_ms, ts_raw, state)
                      VALUES ('demo-mockly', ?, ?, ?, ?, 0, 'text', ?, ?, '', 'sent')""", rows(prefix, room, n))
for room, upto in (("bench-latest", count - 1), ("bench-unread", count // 2), ("bench-small", 29)):
    db.execute("""UPDATE rooms SET last_read_local_id = (SELECT local_id FROM messages WHERE account_id = 'demo-mockly' AND service_id = ?)
                  WHERE account_id = 'demo-mockly' AND room_id = ?""", (f"{room}-{upto}", room))
db.commit()
`, join(profile, 'parley.sqlite3'), String(MESSAGES)]);
}

async function main() {
  const profile = await launchedProfile(openSession, 'parley-bench-switch-');
  seed(profile);

  const session = await openSession(process.env.PARLEY_APP_BIN, ['--profile', profile]);
  try {
    await session.waitFor('the seeded rooms', () => session.findAll('#room-list button[data-room$="bench-unread"]').then((b) => b.length && b), 60000);
    await sleep(3000);
    const times = { latest: [], unread: [], small: [] };
    for (let i = 0; i < SWITCHES; i += 1) {
      for (const which of ['latest', 'small', 'unread', 'small']) {
        const ms = await timedSwitch(session, ROOMS[which]);
        if (ms < 0) throw new Error(`no sidebar button for ${which}`);
        times[which].push(ms);
        // Let the read tracker and the bridge settle, as a user's pause between rooms would.
        await sleep(400);
      }
    }
    const unreadLeft = await session.script('return document.querySelector(\'#room-list button[data-room$="bench-unread"] .badge\')?.textContent || "";');
    console.log(`Room switch, click → target rows painted (${process.env.PARLEY_APP_BIN}; ${SWITCHES} switches each):`);
    console.log(`  ${MESSAGES.toLocaleString('en')} messages, opened at the newest: ${summary(times.latest)}`);
    console.log(`  ${MESSAGES.toLocaleString('en')} messages, opened at the first unread (~${(MESSAGES / 2).toLocaleString('en')} unread; badge at the end: ${unreadLeft}): ${summary(times.unread)}`);
    console.log(`  30 messages: ${summary(times.small)}`);
  } finally {
    await session.close();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
