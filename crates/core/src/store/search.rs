//! Full-text search over every stored message: the `messages_fts` index holds each message's
//! text and a token for its room (migration 10). New rows are indexed by the writer after its
//! batches (`index_new`); triggers keep deletes and edits in step.

use super::fts_tokenizer::{Fts5Tokenizer, TokenizeAs};
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

/// What the user typed: whole words, and the last one, which is a prefix while it is being
/// typed. Every word is quoted in the query (so `AND`, `-` or `"` are plain text).
struct Typed {
    words: Vec<String>,
    last: String,
    prefix: bool,
}

impl Typed {
    fn of(typed: &str) -> Option<Typed> {
        let mut words: Vec<String> = typed
            .split_whitespace()
            .map(|w| w.replace('"', ""))
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .collect();
        let last = words.pop()?;
        // A single character is looked for as a word, not as the start of every word beginning
        // with it: that prefix merges the postings of a large part of the vocabulary (20-70 ms
        // of the store's one thread over 1,000,000 messages of a 13-word vocabulary, more with a
        // real one; a word: under 1 ms). Two characters on are prefixes.
        let prefix = !typed.ends_with(char::is_whitespace) && last.chars().count() > 1;
        Some(Typed {
            words,
            last,
            prefix,
        })
    }

    /// The FTS5 query: all words must occur; the last one as a prefix, or (`last_as`) as any of
    /// these words of the index.
    fn query(&self, last_as: Option<&[String]>) -> String {
        let mut query: Vec<String> = self.words.iter().map(|w| format!("\"{w}\"")).collect();
        query.push(match last_as {
            Some(terms) => {
                let any: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
                format!("({})", any.join(" OR "))
            }
            None if self.prefix => format!("\"{}\" *", self.last),
            None => format!("\"{}\"", self.last),
        });
        // Explicit: FTS5 puts no implicit AND before a parenthesis.
        query.join(" AND ")
    }
}

/// Turns what the user typed into an FTS5 query that cannot be a syntax error: every word is
/// quoted, all words must occur, and the last one matches as a prefix while it is being typed.
/// `None` when there is nothing to look for.
pub fn fts_query(typed: &str) -> Option<String> {
    Typed::of(typed).map(|t| t.query(None))
}

/// Messages matching what the user typed, newest first, at most `limit`; everywhere, or in one
/// room of one account. Runs on the writer thread (it indexes what is pending first).
pub fn search(
    conn: &Connection,
    typed: &str,
    room: Option<(&AccountId, &str)>,
    limit: u32,
) -> Result<Vec<StoredMessage>, StoreError> {
    let Some(typed) = Typed::of(typed) else {
        return Ok(Vec::new());
    };
    // The writer indexes new messages only every so often under load; a search sees them all.
    index_new(conn)?;
    if typed.prefix {
        if let Some(found) = search_recent_words(conn, &typed, room, limit)? {
            return Ok(found);
        }
    }
    matching(conn, &typed.query(None), room, limit)
}

/// How many of the newest messages [`search_recent_words`] reads: searching everywhere, and
/// searching one room (the newest messages of every room are read, those of the room are
/// tokenized: reading a room's own newest messages would visit a page for each).
const RECENT_EVERYWHERE: u32 = 1_000;
const RECENT_FOR_A_ROOM: u32 = 2_000;
/// At most this much text is tokenized (a flood of long messages stops the reading early).
const RECENT_TEXT_BYTES: usize = 256 * 1024;
/// More words than this under a prefix in the newest messages: FTS5's own prefix query.
const MAX_RECENT_WORDS: usize = 256;

/// A prefix query merges the postings of every word under the prefix in full before the newest
/// 50 are taken (23-33 ms over 1,000,000 messages when the word is in half of them). Asking for
/// the words themselves is read lazily, newest first (0.2 ms), so the words under the prefix
/// are listed from the newest messages, tokenized as the index tokenizes them, and asked for
/// instead. That answer is exact when its `limit` matches are all among the messages read: a
/// word missing from them only occurs in older ones, which come after. Otherwise `None`: the
/// prefix query, which is cheap then, since the prefix is rare among the newest messages.
fn search_recent_words(
    conn: &Connection,
    typed: &Typed,
    room: Option<(&AccountId, &str)>,
    limit: u32,
) -> Result<Option<Vec<StoredMessage>>, StoreError> {
    let Some(tokenizer) = Fts5Tokenizer::new(conn) else {
        tracing::debug!("FTS5's tokenizer is not available: prefix searched in full");
        return Ok(None);
    };
    // The prefix as the index folds it; one that is several tokens (a phrase) is left to FTS5.
    let mut folded = Vec::new();
    tokenizer.tokens(&typed.last, TokenizeAs::Query, |t| folded.push(t.to_vec()));
    let [prefix] = folded.as_slice() else {
        return Ok(None);
    };
    let Some(recent) = recent_words(conn, &tokenizer, prefix, room)? else {
        return Ok(None);
    };
    if recent.words.is_empty() {
        return Ok(recent.whole.then(Vec::new));
    }
    let found = matching(conn, &typed.query(Some(&recent.words)), room, limit)?;
    let within =
        found.len() == limit as usize && found.last().is_some_and(|m| m.local_id >= recent.oldest);
    Ok((recent.whole || within).then_some(found))
}

/// The words under a prefix in the newest messages.
struct RecentWords {
    words: Vec<String>,
    /// The oldest message read: every message from it on was read.
    oldest: i64,
    /// Every message there is was read.
    whole: bool,
}

/// The distinct words starting with `prefix` in the newest messages (of one room); `None` when
/// there are more than [`MAX_RECENT_WORDS`].
fn recent_words(
    conn: &Connection,
    tokenizer: &Fts5Tokenizer,
    prefix: &[u8],
    room: Option<(&AccountId, &str)>,
) -> Result<Option<RecentWords>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT local_id, text, ?2 IS NULL OR (account_id = ?2 AND room_id = ?3)
         FROM messages ORDER BY local_id DESC LIMIT ?1",
    )?;
    let window = if room.is_some() {
        RECENT_FOR_A_ROOM
    } else {
        RECENT_EVERYWHERE
    };
    let mut rows = statement.query(params![
        window,
        room.map(|(account, _)| account.0.as_str()),
        room.map(|(_, room)| room)
    ])?;
    let mut words = std::collections::BTreeSet::new();
    let (mut read, mut oldest, mut text_bytes) = (0u32, i64::MAX, 0usize);
    while let Some(row) = rows.next()? {
        if text_bytes >= RECENT_TEXT_BYTES {
            break;
        }
        read += 1;
        oldest = row.get(0)?;
        if !row.get::<_, bool>(2)? {
            continue;
        }
        if let Ok(text) = row.get_ref(1)?.as_str() {
            text_bytes += text.len();
            if !may_hold(text, prefix) {
                continue;
            }
            tokenizer.tokens(text, TokenizeAs::Document, |token| {
                if token.starts_with(prefix) && !words.contains(token) {
                    words.insert(token.to_vec());
                }
            });
        }
        if words.len() > MAX_RECENT_WORDS {
            return Ok(None);
        }
    }
    // Tokens of UTF-8 text are UTF-8; a word that were not could not be asked for.
    let Ok(words) = words.into_iter().map(String::from_utf8).collect() else {
        return Ok(None);
    };
    Ok(Some(RecentWords {
        words,
        oldest,
        whole: read < window && text_bytes < RECENT_TEXT_BYTES,
    }))
}

/// Whether `text` may hold a word starting with the folded `prefix`, cheaper than tokenizing
/// it: in an ASCII text, the tokenizer's words are runs of letters and digits in lower case, so
/// such a word is the prefix's bytes in any case. Any other text may.
fn may_hold(text: &str, prefix: &[u8]) -> bool {
    if !text.is_ascii() || !prefix.is_ascii() {
        return true;
    }
    text.as_bytes()
        .windows(prefix.len())
        .any(|w| w.eq_ignore_ascii_case(prefix))
}

/// Runs an FTS5 query over the text, everywhere or in one room: the newest `limit` matches.
fn matching(
    conn: &Connection,
    query: &str,
    room: Option<(&AccountId, &str)>,
    limit: u32,
) -> Result<Vec<StoredMessage>, StoreError> {
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
    use super::{fts_query, may_hold};

    #[test]
    fn a_text_is_skipped_only_when_it_cannot_hold_a_word_under_the_prefix() {
        assert!(may_hold("Selling USDT at 1.002", b"usd"), "any case");
        assert!(may_hold("x-usdt", b"usd"));
        assert!(!may_hold("bank transfer done", b"usd"));
        assert!(!may_hold("", b"us"));
        // Folding of other scripts and accents is the tokenizer's: such a text is tokenized.
        assert!(may_hold("Ünit créée", b"un"));
        assert!(may_hold("nothing here", "é".as_bytes()));
    }

    #[test]
    fn typed_text_becomes_a_query_that_cannot_fail() {
        assert_eq!(
            fts_query("usdt pri").as_deref(),
            Some("\"usdt\" AND \"pri\" *")
        );
        assert_eq!(fts_query("usdt ").as_deref(), Some("\"usdt\""));
        assert_eq!(
            fts_query("say \"NOT\" AND -x").as_deref(),
            Some("\"say\" AND \"NOT\" AND \"AND\" AND \"-x\" *")
        );
        assert_eq!(
            fts_query("u").as_deref(),
            Some("\"u\""),
            "one character is a word"
        );
        assert_eq!(fts_query("us").as_deref(), Some("\"us\" *"));
        assert_eq!(fts_query("usdt p").as_deref(), Some("\"usdt\" AND \"p\""));
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("* - \""), None);
    }
}
