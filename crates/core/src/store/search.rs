//! Full-text search over every stored message: the `messages_fts` index holds each message's
//! text and a token for its room (migration 10). New rows are indexed by the writer after its
//! batches (`index_new`); triggers keep deletes and edits in step.

use super::messages::{from_row, COLUMNS};
use super::StoreError;
use crate::account::AccountId;
use crate::message::StoredMessage;
use rusqlite::{params, Connection};

/// Indexes what was written since the last batch (see migrations 5 and 7): the queued rows
/// (older history, edits) and every row above the high-water mark, then raises the mark. Runs
/// on the writer thread after a batch is committed (or inside a search's job), in its own
/// savepoint so a failure leaves the index and the mark as they were (the rows are indexed with
/// the next batch).
pub(super) fn index_new(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch("SAVEPOINT fts")?;
    let indexed = (|| -> Result<(), StoreError> {
        conn.prepare_cached(
            "INSERT INTO messages_fts (rowid, text, search_room)
             SELECT m.local_id, m.text, m.search_room
             FROM fts_queue q JOIN messages m ON m.local_id = q.local_id",
        )?
        .execute([])?;
        conn.prepare_cached("DELETE FROM fts_queue")?.execute([])?;
        conn.prepare_cached(
            "INSERT INTO messages_fts (rowid, text, search_room)
             SELECT local_id, text, search_room FROM messages
             WHERE local_id > (SELECT up_to FROM fts_indexed)",
        )?
        .execute([])?;
        conn.prepare_cached(
            "UPDATE fts_indexed SET up_to = MAX(up_to, (SELECT COALESCE(MAX(local_id), 0) FROM messages))",
        )?
        .execute([])?;
        Ok(())
    })();
    let end = if indexed.is_ok() {
        "RELEASE fts"
    } else {
        "ROLLBACK TO fts; RELEASE fts"
    };
    conn.execute_batch(end)?;
    indexed
}

/// Queues a row written below the high-water mark (older history) for the next [`index_new`].
pub(super) fn queue(conn: &Connection, local_id: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO fts_queue (local_id)
         SELECT ?1 WHERE ?1 <= (SELECT up_to FROM fts_indexed)",
    )?
    .execute([local_id])?;
    Ok(())
}

/// Turns what the user typed into an FTS5 query that cannot be a syntax error: every word is
/// quoted (so `AND`, `-` or `"` are plain text), all words must occur, and the last one matches as
/// a prefix while it is being typed. `None` when there is nothing to look for.
pub fn fts_query(typed: &str) -> Option<String> {
    let words: Vec<String> = typed
        .split_whitespace()
        .map(|w| w.replace('"', ""))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let (last, rest) = words.split_last()?;
    let mut query: Vec<String> = rest.iter().map(|w| format!("\"{w}\"")).collect();
    // A single character is looked for as a word, not as the start of every word beginning
    // with it: that prefix merges the postings of a large part of the vocabulary (20-70 ms of
    // the store's one thread over 1,000,000 messages of a 13-word vocabulary, more with a real
    // one; a word: under 1 ms). Two characters on are prefixes.
    let still_typing = !typed.ends_with(char::is_whitespace) && last.chars().count() > 1;
    query.push(if still_typing {
        format!("\"{last}\" *")
    } else {
        format!("\"{last}\"")
    });
    Some(query.join(" "))
}

/// Messages matching what the user typed, newest first, at most `limit`; everywhere, or in one
/// room of one account. Runs on the writer thread (it indexes what is pending first).
pub fn search(
    conn: &Connection,
    typed: &str,
    room: Option<(&AccountId, &str)>,
    limit: u32,
) -> Result<Vec<StoredMessage>, StoreError> {
    let Some(query) = fts_query(typed) else {
        return Ok(Vec::new());
    };
    // The writer indexes new messages only every so often under load; a search sees them all.
    index_new(conn)?;
    // The words are looked for in the text only (the room's token is in the index too); in one
    // room, the row must also hold the room's token (migration 10), computed as the column is.
    let in_text = "'text : (' || ?1 || ')'";
    let sql = |matching: &str| {
        format!(
            "SELECT {COLUMNS} FROM messages WHERE local_id IN
               (SELECT rowid FROM messages_fts WHERE messages_fts MATCH {matching}
                ORDER BY rowid DESC LIMIT ?2)
             ORDER BY local_id DESC"
        )
    };
    let rows = match room {
        None => conn
            .prepare_cached(&sql(in_text))?
            .query_map(params![query, limit], from_row)?
            .collect::<Result<Vec<_>, _>>()?,
        Some((account, room)) => conn
            .prepare_cached(&sql(&format!(
                "({in_text} || ' AND search_room : \"r' || hex(?3) || 'x' || hex(?4) || '\"')"
            )))?
            .query_map(params![query, limit, account.0, room], from_row)?
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn typed_text_becomes_a_query_that_cannot_fail() {
        assert_eq!(fts_query("usdt pri").as_deref(), Some("\"usdt\" \"pri\" *"));
        assert_eq!(fts_query("usdt ").as_deref(), Some("\"usdt\""));
        assert_eq!(
            fts_query("say \"NOT\" AND -x").as_deref(),
            Some("\"say\" \"NOT\" \"AND\" \"-x\" *")
        );
        assert_eq!(
            fts_query("u").as_deref(),
            Some("\"u\""),
            "one character is a word"
        );
        assert_eq!(fts_query("us").as_deref(), Some("\"us\" *"));
        assert_eq!(fts_query("usdt p").as_deref(), Some("\"usdt\" \"p\""));
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("* - \""), None);
    }
}
