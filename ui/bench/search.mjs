// Search as you type in the real app (issue 26), over PARLEY_BENCH_STORED (default 1,000,000)
// messages seeded into the Demo's mockly account (indexed as the store's writer indexes them).
// Each query is typed one key at a time into the search dialog; a keystroke is timed inside the
// page from the `input` event to the frame that painted results for exactly that text (the
// first result's marked word is the typed word, or for one character the status line; a task posted from that frame runs once it is
// painted). Run by `bash scripts/bench-ui.sh search`.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { openSession } from '../tests/e2e/webdriver.js';
import { launchedProfile, openSearchEverywhere, summary, timedSearchKey } from './harness.mjs';

const MESSAGES = Number(process.env.PARLEY_BENCH_STORED || 1000000);
const QUERIES = ['usdt', 'release', 'transfer', 'thanks', 'bank', 'price', 'order', 'desk', 'paid', 'rate'];
const ROUNDS = Number(process.env.PARLEY_BENCH_ROUNDS || 3);
/** PARLEY_BENCH_WORDS=chat seeds a chat-like vocabulary; by default, 13 words in every message. */
const VOCABULARY = process.env.PARLEY_BENCH_WORDS === 'chat' ? 'chat' : 'common';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));


/** MESSAGES messages over 20 rooms of the Demo's mockly account, indexed for search. */
function seed(profile) {
  execFileSync('python3', ['-c', `
import random, sqlite3, string, sys
db = sqlite3.connect(sys.argv[1])
count = int(sys.argv[2])
common = "the usdt price paid ok bank transfer order btc thanks release desk rate".split()
if sys.argv[3] == 'chat':
    # Like chat: the 13 common words and a long tail of 20,000 made-up ones, picked roughly by
    # Zipf's law (as the store bench: cargo bench -p parley-core --bench store).
    rng = random.Random(7)
    vocabulary = common + ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randrange(3, 10))) for _ in range(20000)]
    def text(i):
        return " ".join(vocabulary[int(rng.random() ** 3 * len(vocabulary))] for _ in range(rng.randrange(3, 16)))
else:
    # Every message made of the 13 common words only: each is in about half the messages, the
    # worst case for a prefix (its postings are merged in full).
    def text(i):
        return " ".join(common[(i * 7 + k) % len(common)] for k in range(3 + i % 9))
for r in range(20):
    db.execute("INSERT OR IGNORE INTO rooms (account_id, room_id, title, last_read_local_id) VALUES ('demo-mockly', ?, ?, 1000000000)", (f"bench-{r}", f"Bench {r}"))
rows = ((f"bench-{i % 20}", f"bench-{i}", f"user_{i % 37}", f"Trader {i % 37}",
         text(i) + f" #{i}",
         1700000000000 + i * 600) for i in range(count))
db.executemany("""INSERT INTO messages (account_id, room_id, service_id, sender_id, sender_name, own, kind, text, ts_ms, ts_raw, state)
                  VALUES ('demo-mockly', ?, ?, ?, ?, 0, 'text', ?, ?, '', 'sent')""", rows)
db.execute("INSERT INTO messages_fts (rowid, text, search_room) SELECT local_id, text, search_room FROM messages WHERE local_id > (SELECT up_to FROM fts_indexed)")
db.execute("UPDATE fts_indexed SET up_to = (SELECT MAX(local_id) FROM messages)")
db.commit()
`, join(profile, 'parley.sqlite3'), String(MESSAGES), VOCABULARY]);
}

async function main() {
  const profile = await launchedProfile(openSession, 'parley-bench-search-');
  const seeding = Date.now();
  seed(profile);
  const seeded = Date.now() - seeding;

  const session = await openSession(process.env.PARLEY_APP_BIN, ['--profile', profile]);
  try {
    await session.waitFor('the seeded rooms', () => session.findAll('#room-list button[data-room$="bench-19"]').then((b) => b.length && b), 60000);
    await sleep(3000);
    const times = [];
    const answered = [];
    const byLength = new Map();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const query of QUERIES) {
        // Every room (with a room open, the dialog searches that room first).
        await openSearchEverywhere(session);
        for (let n = 1; n <= query.length; n += 1) {
          const [ms, answer] = await timedSearchKey(session, query.slice(0, n));
          times.push(ms);
          if (answer >= 0) answered.push([answer, ms - answer]);
          byLength.set(Math.min(n, 4), [...(byLength.get(Math.min(n, 4)) || []), ms]);
          await sleep(60);
        }
      }
    }
    // The backend's share: the same texts asked straight through the IPC (store + encoding +
    // the page's JSON parse), without the dialog, the drawing or the wait for a frame.
    const ipc = [];
    const ipcByLength = new Map();
    for (const query of QUERIES) {
      for (let n = 1; n <= query.length; n += 1) {
        const ms = await session.scriptAsync(`
          const done = arguments[arguments.length - 1];
          const t0 = performance.now();
          window.__TAURI__.core.invoke('search_messages', { query: ${JSON.stringify(query.slice(0, n))} })
            .then(() => done(performance.now() - t0), () => done(-1));`);
        ipc.push(ms);
        ipcByLength.set(Math.min(n, 4), [...(ipcByLength.get(Math.min(n, 4)) || []), ms]);
      }
    }
    console.log(`Search as you type, ${MESSAGES.toLocaleString('en')} messages (${VOCABULARY === 'chat' ? 'chat-like vocabulary' : '13 words in every message'}; seeded in ${(seeded / 1000).toFixed(0)} s), keystroke → results painted (${process.env.PARLEY_APP_BIN}):`);
    console.log(`  ${summary(times, 'keystrokes')}`);
    for (const [n, ms] of [...byLength].sort((a, b) => a[0] - b[0])) console.log(`  ${n}${n === 4 ? '+' : ''} characters typed: ${summary(ms, 'keystrokes')}`);
    if (answered.length) console.log(`  keystroke → results in the DOM: ${summary(answered.map((a) => a[0]), 'keystrokes')}; DOM → painted: ${summary(answered.map((a) => a[1]), 'keystrokes')}`);
    console.log(`  the search command alone (IPC round trip, no drawing): ${summary(ipc, 'searches')}`);
    for (const [n, ms] of [...ipcByLength].sort((a, b) => a[0] - b[0])) console.log(`    ${n}${n === 4 ? '+' : ''} characters: ${summary(ms, 'searches')}`);
  } finally {
    await session.close();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
