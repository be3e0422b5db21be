//! Messages: ingesting what a codec decoded (de-duplicated, own echoes reconciled) and reading
//! history back.

use super::StoreError;
use crate::account::AccountId;
use crate::message::{DeliveryState, Draft, IncomingMessage, Media, MessageKind, StoredMessage};
use rusqlite::{params, Connection, OptionalExtension, Row};

/// What happened to an incoming message.
#[derive(Debug, Clone, PartialEq)]
pub enum Ingested {
    /// Stored for the first time.
    New(StoredMessage),
    /// It was the server's confirmation of a message the user wrote; that message is now sent.
    Confirmed(StoredMessage),
    /// Already stored (same service id): nothing changed.
    Duplicate,
}

pub(super) const COLUMNS: &str =
    "local_id, account_id, room_id, service_id, sender_id, sender_name, own, \
                       kind, text, ts_ms, ts_raw, state, error, media, card, sender_avatar, quote_id";

fn media_json(media: &Option<Media>) -> Option<String> {
    media.as_ref().and_then(|m| serde_json::to_string(m).ok())
}

pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<StoredMessage> {
    let kind: String = row.get(7)?;
    let state: String = row.get(11)?;
    Ok(StoredMessage {
        local_id: row.get(0)?,
        account: AccountId(row.get(1)?),
        room: row.get(2)?,
        service_id: row.get(3)?,
        sender_id: row.get(4)?,
        sender_name: row.get(5)?,
        own: row.get(6)?,
        kind: MessageKind::parse(&kind).unwrap_or(MessageKind::Text),
        text: row.get(8)?,
        ts_ms: row.get(9)?,
        ts_raw: row.get(10)?,
        state: DeliveryState::parse(&state).unwrap_or(DeliveryState::Sent),
        error: row.get(12)?,
        media: row
            .get::<_, Option<String>>(13)?
            .and_then(|json| serde_json::from_str(&json).ok()),
        card: row
            .get::<_, Option<String>>(14)?
            .and_then(|json| serde_json::from_str(&json).ok()),
        sender_avatar: row.get(15)?,
        quote_id: row.get(16)?,
    })
}

/// Whether the account already stores a message with this service id.
fn has_service_id(conn: &Connection, account: &AccountId, id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM messages WHERE account_id = ?1 AND service_id = ?2")?
        .exists(params![account.0, id])?)
}

pub fn get(conn: &Connection, local_id: i64) -> Result<Option<StoredMessage>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM messages WHERE local_id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([local_id], from_row)
        .optional()?)
}

/// Stores a decoded message unless it is already there.
///
/// An own message (the server's echo of what we sent) confirms the oldest own message of the
/// same room with the same text that has no service id yet (pending, or accepted by a reply
/// without id as MEXC's), first in first out, because services like mockly and MEXC give the
/// sender no id to correlate with (PROTOCOLS.md §3.3.1, §2.3).
pub fn ingest(
    conn: &Connection,
    account: &AccountId,
    m: &IncomingMessage,
) -> Result<Ingested, StoreError> {
    super::rooms::ensure(conn, account, &m.room, &m.room)?;
    ingest_in_known_room(conn, account, m)
}

/// [`ingest`] once the room exists.
fn ingest_in_known_room(
    conn: &Connection,
    account: &AccountId,
    m: &IncomingMessage,
) -> Result<Ingested, StoreError> {
    if m.own {
        if let Some(service_id) = &m.service_id {
            if has_service_id(conn, account, service_id)? {
                return Ok(Ingested::Duplicate);
            }
        }
        let pending: Option<i64> = conn
            .prepare_cached(
                "SELECT local_id FROM messages
                 WHERE account_id = ?1 AND room_id = ?2 AND own = 1
                   AND state IN ('pending', 'sent') AND service_id IS NULL AND text = ?3
                 ORDER BY local_id LIMIT 1",
            )?
            .query_row(params![account.0, m.room, m.text], |r| r.get(0))
            .optional()?;
        if let Some(local_id) = pending {
            conn.prepare_cached(
                "UPDATE messages SET service_id = ?2, state = 'sent', error = NULL,
                        ts_ms = ?3, ts_raw = ?4 WHERE local_id = ?1",
            )?
            .execute(params![local_id, m.service_id, m.ts_ms, m.ts_raw])?;
            super::outbox::remove(conn, local_id)?;
            let confirmed = get(conn, local_id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
            return Ok(Ingested::Confirmed(confirmed));
        }
    }
    // The unique index on the service id tells a duplicate: nothing is inserted then.
    match insert_received(conn, account, m, None)? {
        Some(local_id) => Ok(Ingested::New(received(account, m, local_id))),
        None => Ok(Ingested::Duplicate),
    }
}

/// What [`get`] would read back for a message [`insert_received`] just wrote (saves a read per
/// message on the ingest path).
fn received(account: &AccountId, m: &IncomingMessage, local_id: i64) -> StoredMessage {
    StoredMessage {
        local_id,
        account: account.clone(),
        room: m.room.clone(),
        service_id: m.service_id.clone(),
        sender_id: m.sender_id.clone(),
        sender_name: m.sender_name.clone(),
        own: m.own,
        kind: m.kind,
        text: m.text.clone(),
        media: m.media.clone(),
        card: m.card.clone(),
        sender_avatar: m.sender_avatar.clone(),
        ts_ms: m.ts_ms,
        ts_raw: m.ts_raw.clone(),
        state: DeliveryState::Sent,
        error: None,
        quote_id: m.quote_id.clone(),
    }
}

/// [`ingest`] for each message, in order, in the caller's transaction.
pub fn ingest_all(
    conn: &Connection,
    account: &AccountId,
    all: &[IncomingMessage],
) -> Result<Vec<Ingested>, StoreError> {
    let mut rooms: Vec<&str> = all.iter().map(|m| m.room.as_str()).collect();
    rooms.sort_unstable();
    rooms.dedup();
    for room in rooms {
        super::rooms::ensure(conn, account, room, room)?;
    }
    all.iter()
        .map(|m| ingest_in_known_room(conn, account, m))
        .collect()
}

/// Inserts a received message as sent, under `local_id` when given (older history) or the
/// next id. Returns its local id, or `None` when its service id is already stored.
fn insert_received(
    conn: &Connection,
    account: &AccountId,
    m: &IncomingMessage,
    local_id_given: Option<i64>,
) -> Result<Option<i64>, StoreError> {
    let inserted = conn.prepare_cached(
        "INSERT INTO messages (local_id, account_id, room_id, service_id, sender_id, sender_name,
                               own, kind, text, ts_ms, ts_raw, state, media, card, sender_avatar, quote_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'sent', ?12, ?13, ?14, ?15)
         ON CONFLICT (account_id, service_id) WHERE service_id IS NOT NULL DO NOTHING",
    )?
    .execute(params![
        local_id_given,
        account.0,
        m.room,
        m.service_id,
        m.sender_id,
        m.sender_name,
        m.own,
        m.kind.as_str(),
        m.text,
        m.ts_ms,
        m.ts_raw,
        media_json(&m.media),
        m.card.as_ref().and_then(|c| serde_json::to_string(c).ok()),
        m.sender_avatar,
        m.quote_id
    ])?;
    if inserted == 0 {
        return Ok(None);
    }
    let local_id = conn.last_insert_rowid();
    if local_id_given.is_some() {
        super::search::queue(conn, local_id)?;
    }
    Ok(Some(local_id))
}

/// Stores a message the user wrote as pending and puts it in the outbox.
pub fn insert_own_pending(
    conn: &Connection,
    account: &AccountId,
    room: &str,
    sender_id: &str,
    text: &str,
    now_ms: i64,
) -> Result<StoredMessage, StoreError> {
    insert_own_draft(
        conn,
        account,
        room,
        sender_id,
        &Draft::text(text),
        None,
        now_ms,
    )
}

/// Stores what the user composed as pending and queues it in the outbox. `client_id` is the
/// service id chosen by the client, for services that take one (Mixin's `message_id`): every
/// retry sends it again, so the server de-duplicates.
pub fn insert_own_draft(
    conn: &Connection,
    account: &AccountId,
    room: &str,
    sender_id: &str,
    draft: &Draft,
    client_id: Option<&str>,
    now_ms: i64,
) -> Result<StoredMessage, StoreError> {
    super::rooms::ensure(conn, account, room, room)?;
    let media = draft
        .media
        .as_ref()
        .map(|m| serde_json::to_string(m).unwrap_or_default());
    conn.prepare_cached(
        "INSERT INTO messages (account_id, room_id, service_id, sender_id, sender_name, own,
                               kind, text, ts_ms, ts_raw, state, media, quote_id)
         VALUES (?1, ?2, ?8, ?3, NULL, 1, ?4, ?5, ?6, '', 'pending', ?7, ?9)",
    )?
    .execute(params![
        account.0,
        room,
        sender_id,
        draft.kind.as_str(),
        draft.text,
        now_ms,
        media,
        client_id,
        draft.quote_id
    ])?;
    let local_id = conn.last_insert_rowid();
    super::outbox::add(conn, account, local_id)?;
    // The user's own message counts as read up to here.
    super::rooms::mark_read_up_to(conn, account, room, local_id)?;
    get(conn, local_id)?.ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

/// Up to `limit` messages of a room, oldest first, all older than `before` when given.
pub fn history(
    conn: &Connection,
    account: &AccountId,
    room: &str,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<StoredMessage>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM messages
         WHERE account_id = ?1 AND room_id = ?2 AND local_id < ?3
         ORDER BY local_id DESC LIMIT ?4"
    );
    let mut rows: Vec<StoredMessage> = conn
        .prepare_cached(&sql)?
        .query_map(
            params![account.0, room, before.unwrap_or(i64::MAX), limit],
            from_row,
        )?
        .collect::<Result<_, _>>()?;
    rows.reverse();
    Ok(rows)
}

/// Up to `limit` messages of a room newer than `after`, oldest first: the page reads them when
/// the reader scrolls back down after older history pushed the newest out of its window.
pub fn newer(
    conn: &Connection,
    account: &AccountId,
    room: &str,
    after: i64,
    limit: u32,
) -> Result<Vec<StoredMessage>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM messages
         WHERE account_id = ?1 AND room_id = ?2 AND local_id > ?3
         ORDER BY local_id LIMIT ?4"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map(params![account.0, room, after, limit], from_row)?
        .collect::<Result<_, _>>()?)
}

/// The server accepted a pending message without giving its id (MEXC's SEND_MESSAGE reply):
/// it is sent and leaves the outbox; a later echo with the id is matched to it by [`ingest`].
pub fn mark_accepted(
    conn: &Connection,
    local_id: i64,
) -> Result<Option<StoredMessage>, StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE messages SET state = 'sent' WHERE local_id = ?1 AND state = 'pending'",
        )?
        .execute([local_id])?;
    super::outbox::remove(conn, local_id)?;
    if changed == 0 {
        return Ok(None);
    }
    get(conn, local_id)
}

/// The server reports a message the user wrote as `state` (sent, delivered, read). States only
/// move forward; a pending or failed message it reports leaves the outbox. `None` when no own
/// message has that id or nothing changed.
pub fn advance_state(
    conn: &Connection,
    account: &AccountId,
    service_id: &str,
    state: DeliveryState,
) -> Result<Option<StoredMessage>, StoreError> {
    let rank = |s: DeliveryState| match s {
        DeliveryState::Pending | DeliveryState::Failed => 0,
        DeliveryState::Sent => 1,
        DeliveryState::Delivered => 2,
        DeliveryState::Read => 3,
    };
    let current: Option<(i64, String)> = conn
        .prepare_cached(
            "SELECT local_id, state FROM messages WHERE account_id = ?1 AND service_id = ?2 AND own = 1",
        )?
        .query_row(params![account.0, service_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((local_id, was)) = current else {
        return Ok(None);
    };
    let was = DeliveryState::parse(&was).unwrap_or(DeliveryState::Sent);
    if rank(state) <= rank(was) {
        return Ok(None);
    }
    conn.prepare_cached("UPDATE messages SET state = ?2, error = NULL WHERE local_id = ?1")?
        .execute(params![local_id, state.as_str()])?;
    super::outbox::remove(conn, local_id)?;
    get(conn, local_id)
}

/// Marks a pending message failed, with the reason; it leaves the outbox.
pub fn mark_failed(
    conn: &Connection,
    local_id: i64,
    reason: &str,
) -> Result<Option<StoredMessage>, StoreError> {
    conn.prepare_cached(
        "UPDATE messages SET state = 'failed', error = ?2 WHERE local_id = ?1 AND state = 'pending'",
    )?
    .execute(params![local_id, reason])?;
    super::outbox::remove(conn, local_id)?;
    get(conn, local_id)
}

/// Puts a failed message back into the outbox. `None` if it is not a failed own message.
pub fn retry(conn: &Connection, local_id: i64) -> Result<Option<StoredMessage>, StoreError> {
    let Some(m) = get(conn, local_id)? else {
        return Ok(None);
    };
    if !m.own || m.state != DeliveryState::Failed {
        return Ok(None);
    }
    conn.prepare_cached("UPDATE messages SET state = 'pending', error = NULL WHERE local_id = ?1")?
        .execute([local_id])?;
    super::outbox::add(conn, &m.account, local_id)?;
    get(conn, local_id)
}

/// Records the media of a message being sent (its file uploaded: the service's id), so a
/// resend names the same upload.
pub fn set_media(conn: &Connection, local_id: i64, media: &Media) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE messages SET media = ?2 WHERE local_id = ?1")?
        .execute(rusqlite::params![
            local_id,
            media_json(&Some(media.clone()))
        ])?;
    Ok(())
}

/// The copies of files kept for an upload that some message still waits to upload
/// ([`Media::awaits_upload`]; only an unsent message of the user's can: pending or failed).
pub fn files_awaiting_upload(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT media FROM messages
         WHERE own = 1 AND state IN ('pending', 'failed') AND media IS NOT NULL",
    )?;
    let media = statement.query_map([], |r| r.get::<_, String>(0))?;
    let mut paths = Vec::new();
    for json in media {
        // A row whose media does not read names no copy (as `from_row` reads it).
        if let Ok(media) = serde_json::from_str::<Media>(&json?) {
            if media.awaits_upload() {
                paths.extend(media.local_path);
            }
        }
    }
    Ok(paths)
}

/// Deletes one of the user's own messages that failed (the context menu's *Delete*): it was
/// never sent, so nothing else refers to it. `None` for any other message, which stays.
pub fn delete_failed(
    conn: &Connection,
    local_id: i64,
) -> Result<Option<StoredMessage>, StoreError> {
    let Some(m) = get(conn, local_id)? else {
        return Ok(None);
    };
    if !m.own || m.state != DeliveryState::Failed {
        return Ok(None);
    }
    conn.prepare_cached("DELETE FROM outbox WHERE local_id = ?1")?
        .execute([local_id])?;
    conn.prepare_cached("DELETE FROM messages WHERE local_id = ?1")?
        .execute([local_id])?;
    Ok(Some(m))
}

/// What [`delete_unsent_file`] did.
#[derive(Debug)]
pub enum UnsentFile {
    /// Deleted: the service never saw it.
    Deleted(Box<StoredMessage>),
    /// Kept: the service has the file already (the message names it and is on its way).
    Uploaded,
    /// Nothing to do: no such message, not the user's, or no longer pending (it failed, was
    /// sent or was deleted meanwhile).
    Gone,
}

/// Deletes a file of the user's whose upload was cancelled: own, still pending, and not
/// uploaded yet (no attachment id, so the service never saw it); anything else is kept.
pub fn delete_unsent_file(conn: &Connection, local_id: i64) -> Result<UnsentFile, StoreError> {
    let Some(m) = get(conn, local_id)? else {
        return Ok(UnsentFile::Gone);
    };
    let Some(media) = m.media.as_ref() else {
        return Ok(UnsentFile::Gone);
    };
    if !m.own || m.state != DeliveryState::Pending {
        return Ok(UnsentFile::Gone);
    }
    // Uploaded (its copy is gone then) and on its way: it stays, and the user is told.
    if media.attachment_id.is_some() {
        return Ok(UnsentFile::Uploaded);
    }
    if !media.awaits_upload() {
        return Ok(UnsentFile::Gone);
    }
    conn.prepare_cached("DELETE FROM outbox WHERE local_id = ?1")?
        .execute([local_id])?;
    conn.prepare_cached("DELETE FROM messages WHERE local_id = ?1")?
        .execute([local_id])?;
    Ok(UnsentFile::Deleted(Box::new(m)))
}

/// Forgets everything stored for an account.
pub fn delete_account(conn: &Connection, account: &AccountId) -> Result<(), StoreError> {
    conn.execute("DELETE FROM outbox WHERE account_id = ?1", [&account.0])?;
    conn.execute("DELETE FROM messages WHERE account_id = ?1", [&account.0])?;
    conn.execute("DELETE FROM rooms WHERE account_id = ?1", [&account.0])?;
    Ok(())
}

/// Forgets one room: its messages, its queued sends and the room itself.
pub fn delete_room(conn: &Connection, account: &AccountId, room: &str) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM outbox WHERE local_id IN
           (SELECT local_id FROM messages WHERE account_id = ?1 AND room_id = ?2)",
        (&account.0, room),
    )?;
    conn.execute(
        "DELETE FROM messages WHERE account_id = ?1 AND room_id = ?2",
        (&account.0, room),
    )?;
    conn.execute(
        "DELETE FROM rooms WHERE account_id = ?1 AND room_id = ?2",
        (&account.0, room),
    )?;
    Ok(())
}

/// A pending own message that was delivered outside the socket (REST) with the server's copy:
/// it takes the server's id and time, unless that id is already stored (the socket's echo got
/// there first and confirmed it), in which case it is only marked sent.
pub fn confirm_delivered(
    conn: &Connection,
    local_id: i64,
    server: &IncomingMessage,
) -> Result<Option<StoredMessage>, StoreError> {
    let Some(current) = get(conn, local_id)? else {
        return Ok(None);
    };
    let taken = match &server.service_id {
        Some(id) => has_service_id(conn, &current.account, id)?,
        None => true,
    };
    if taken {
        return mark_accepted(conn, local_id);
    }
    conn.prepare_cached(
        "UPDATE messages SET service_id = ?2, state = 'sent', error = NULL, ts_ms = ?3, ts_raw = ?4
         WHERE local_id = ?1",
    )?
    .execute(params![
        local_id,
        server.service_id,
        server.ts_ms,
        server.ts_raw
    ])?;
    super::outbox::remove(conn, local_id)?;
    get(conn, local_id)
}

/// Which of `ids` the account already stores.
pub fn known_service_ids(
    conn: &Connection,
    account: &AccountId,
    ids: &[String],
) -> Result<std::collections::HashSet<String>, StoreError> {
    let mut known = std::collections::HashSet::new();
    for id in ids {
        if has_service_id(conn, account, id)? {
            known.insert(id.clone());
        }
    }
    Ok(known)
}

/// How many messages with a service id a room stores, and the time of the oldest.
pub fn room_service_span(
    conn: &Connection,
    account: &AccountId,
    room: &str,
) -> Result<(u64, Option<i64>), StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*), MIN(ts_ms) FROM messages
             WHERE account_id = ?1 AND room_id = ?2 AND service_id IS NOT NULL",
        )?
        .query_row(params![account.0, room], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// Stores history older than everything stored (fetched when the user scrolls up), given
/// newest first. Local ids order the timeline, so these take ids below the lowest one in the
/// store (zero and negative ones), which keeps every room's order and every other id stable.
pub fn ingest_older(
    conn: &Connection,
    account: &AccountId,
    newest_first: &[IncomingMessage],
) -> Result<Vec<StoredMessage>, StoreError> {
    let mut stored = Vec::new();
    for m in newest_first {
        if let Some(id) = &m.service_id {
            if has_service_id(conn, account, id)? {
                continue;
            }
        }
        super::rooms::ensure(conn, account, &m.room, &m.room)?;
        let lowest: i64 = conn
            .prepare_cached("SELECT COALESCE(MIN(local_id), 1) FROM messages")?
            .query_row([], |r| r.get(0))?;
        if let Some(local_id) = insert_received(conn, account, m, Some(lowest.min(1) - 1))? {
            stored.push(received(account, m, local_id));
        }
    }
    stored.reverse();
    Ok(stored)
}
