//! Versioned migrations, tracked in `PRAGMA user_version`. Append a step; never edit one.

use super::StoreError;
use rusqlite::Connection;

pub(super) const MIGRATIONS: &[&str] = &[
    // 1: rooms, messages (unique per account and service id), outbox.
    "CREATE TABLE rooms (
        account_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        title TEXT NOT NULL,
        last_read_local_id INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, room_id)
    );
    CREATE TABLE messages (
        local_id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        service_id TEXT,
        sender_id TEXT NOT NULL,
        sender_name TEXT,
        own INTEGER NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        ts_ms INTEGER NOT NULL,
        ts_raw TEXT NOT NULL,
        state TEXT NOT NULL,
        error TEXT
    );
    CREATE UNIQUE INDEX messages_by_service_id ON messages (account_id, service_id)
        WHERE service_id IS NOT NULL;
    CREATE INDEX messages_by_room ON messages (account_id, room_id, local_id);
    CREATE TABLE outbox (
        local_id INTEGER PRIMARY KEY REFERENCES messages (local_id) ON DELETE CASCADE,
        account_id TEXT NOT NULL
    );
    CREATE INDEX outbox_by_account ON outbox (account_id, local_id);",
    // 2: image, video and file messages keep their media as JSON ({url, thumb_url}).
    "ALTER TABLE messages ADD COLUMN media TEXT;",
    // 3: app cards, button groups and locations keep their card as JSON ({title, description, buttons}).
    "ALTER TABLE messages ADD COLUMN card TEXT;",
    // 4: the sender's avatar address, as the service gave it.
    "ALTER TABLE messages ADD COLUMN sender_avatar TEXT;",
    // 5: full-text search over message text. Triggers queue new messages in `fts_queue`; the
    // writer indexes the queue once per batch (indexing inside every job's savepoint would make
    // FTS5 flush a tiny segment per message). Deletes and edits update the index directly.
    "CREATE VIRTUAL TABLE messages_fts USING fts5(
        text, content = 'messages', content_rowid = 'local_id',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE fts_queue (local_id INTEGER PRIMARY KEY);
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT OR IGNORE INTO fts_queue (local_id) VALUES (new.local_id);
    END;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text)
            SELECT 'delete', old.local_id, old.text
            WHERE NOT EXISTS (SELECT 1 FROM fts_queue WHERE local_id = old.local_id);
        DELETE FROM fts_queue WHERE local_id = old.local_id;
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text)
            SELECT 'delete', old.local_id, old.text
            WHERE NOT EXISTS (SELECT 1 FROM fts_queue WHERE local_id = old.local_id);
        INSERT OR IGNORE INTO fts_queue (local_id) VALUES (new.local_id);
    END;
    INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');",
    // 6: unread counts read an index only (messages from others that are not notices).
    "CREATE INDEX messages_unread ON messages (account_id, room_id, local_id)
        WHERE own = 0 AND kind <> 'system';",
    // 7: new messages are indexed by a high-water mark instead of an insert trigger. A trigger
    // made every insert a multi-table statement, which SQLite journals on its own (a statement
    // savepoint per message, the top of the ingest benchmark's profile). Rows above
    // `fts_indexed.up_to` are not indexed yet; older history inserted below it is queued in
    // `fts_queue` by the code.
    "INSERT INTO messages_fts (rowid, text)
         SELECT m.local_id, m.text FROM fts_queue q JOIN messages m ON m.local_id = q.local_id;
    DELETE FROM fts_queue;
    CREATE TABLE fts_indexed (up_to INTEGER NOT NULL);
    INSERT INTO fts_indexed (up_to) SELECT COALESCE(MAX(local_id), 0) FROM messages;
    DROP TRIGGER messages_fts_insert;
    DROP TRIGGER messages_fts_delete;
    DROP TRIGGER messages_fts_update;
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text)
            SELECT 'delete', old.local_id, old.text
            WHERE old.local_id <= (SELECT up_to FROM fts_indexed)
              AND NOT EXISTS (SELECT 1 FROM fts_queue WHERE local_id = old.local_id);
        DELETE FROM fts_queue WHERE local_id = old.local_id;
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text)
            SELECT 'delete', old.local_id, old.text
            WHERE old.local_id <= (SELECT up_to FROM fts_indexed)
              AND NOT EXISTS (SELECT 1 FROM fts_queue WHERE local_id = old.local_id);
        INSERT OR IGNORE INTO fts_queue (local_id)
            SELECT new.local_id WHERE new.local_id <= (SELECT up_to FROM fts_indexed);
    END;",
    // 8: a reply's quoted message, by the service's id (Mixin's quote_message_id).
    "ALTER TABLE messages ADD COLUMN quote_id TEXT;",
    // 9: each account's health board (health/book.rs), as JSON, bounded by the book.
    "CREATE TABLE health (account_id TEXT PRIMARY KEY, json TEXT NOT NULL);",
    // 10: the search index knows each message's room, as one more column holding one token, so a
    // search in one room is answered by the index itself. It used to walk the newest matches
    // anywhere until 50 were in the room: most of the matches of a big store for a quiet room
    // (p95 134 ms over 1,000,000 messages, on the writer thread). The token is computed from the
    // row (a virtual column, nothing stored), so the triggers and the queries cannot disagree on
    // it. Rebuilt from the messages: everything stored is indexed and nothing waits in the queue.
    "ALTER TABLE messages ADD COLUMN search_room TEXT
        GENERATED ALWAYS AS ('r' || hex(account_id) || 'x' || hex(room_id)) VIRTUAL;
    DROP TRIGGER messages_fts_delete;
    DROP TRIGGER messages_fts_update;
    DROP TABLE messages_fts;
    CREATE VIRTUAL TABLE messages_fts USING fts5(
        text, search_room, content = 'messages', content_rowid = 'local_id',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
    DELETE FROM fts_queue;
    UPDATE fts_indexed SET up_to = (SELECT COALESCE(MAX(local_id), 0) FROM messages);
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text, search_room)
            SELECT 'delete', old.local_id, old.text, old.search_room
            WHERE old.local_id <= (SELECT up_to FROM fts_indexed)
              AND NOT EXISTS (SELECT 1 FROM fts_queue WHERE local_id = old.local_id);
        DELETE FROM fts_queue WHERE local_id = old.local_id;
    END;
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text, search_room)
            SELECT 'delete', old.local_id, old.text, old.search_room
            WHERE old.local_id <= (SELECT up_to FROM fts_indexed)
              AND NOT EXISTS (SELECT 1 FROM fts_queue WHERE local_id = old.local_id);
        INSERT OR IGNORE INTO fts_queue (local_id)
            SELECT new.local_id WHERE new.local_id <= (SELECT up_to FROM fts_indexed);
    END;",
    // 11: when Parley last saved the health boards (every minute while it runs), so a run that
    // ended without quitting (a crash, a kill) shows as closed from then on, not as its last state.
    "CREATE TABLE health_alive (at_ms INTEGER NOT NULL);
    INSERT INTO health_alive (at_ms) VALUES (0);",
];

pub(super) fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
