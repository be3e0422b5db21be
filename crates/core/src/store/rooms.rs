//! Rooms: what the sidebar lists, with unread counts and the last message.

use super::StoreError;
use crate::account::AccountId;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomSummary {
    pub account: AccountId,
    pub room: String,
    pub title: String,
    /// Messages from others (not notices) after the last one the user saw, counted up to
    /// [`UNREAD_COUNTED_UP_TO`].
    pub unread: u32,
    pub last_text: Option<String>,
    pub last_ts_ms: Option<i64>,
    /// Who wrote the last message (their name, else their id), for the sidebar's preview.
    #[serde(default)]
    pub last_sender: Option<String>,
    /// Whether the last message is the user's own ("You: …").
    #[serde(default)]
    pub last_own: bool,
    /// The last message's kind (`text`, `image`, …), so a preview of media says what it is.
    #[serde(default)]
    pub last_kind: Option<String>,
    /// The newest message the user has seen (0: none), so a room opens at its first unread.
    #[serde(default)]
    pub last_read_local_id: i64,
}

/// Creates the room if it does not exist; an existing room keeps its title.
pub(crate) fn ensure(
    conn: &Connection,
    account: &AccountId,
    room: &str,
    title: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO rooms (account_id, room_id, title) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![account.0, room, title])?;
    Ok(())
}

/// Names a room that still has its id as title (never overrides a name). Whether it changed.
pub fn name_if_untitled(
    conn: &Connection,
    account: &AccountId,
    room: &str,
    title: &str,
) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE rooms SET title = ?3 WHERE account_id = ?1 AND room_id = ?2 AND title = room_id",
        )?
        .execute(params![account.0, room, title])?;
    Ok(changed > 0)
}

/// A room's title; its id when the room is unknown or has none.
pub fn title(conn: &Connection, account: &AccountId, room: &str) -> Result<String, StoreError> {
    use rusqlite::OptionalExtension;
    let title: Option<String> = conn
        .prepare_cached("SELECT title FROM rooms WHERE account_id = ?1 AND room_id = ?2")?
        .query_row(params![account.0, room], |r| r.get(0))
        .optional()?;
    Ok(title.unwrap_or_else(|| room.to_owned()))
}

/// Creates the room or renames it.
pub fn upsert(
    conn: &Connection,
    account: &AccountId,
    room: &str,
    title: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO rooms (account_id, room_id, title) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id, room_id) DO UPDATE SET title = excluded.title",
    )?
    .execute(params![account.0, room, title])?;
    Ok(())
}

/// Unread messages are counted up to this many per room: the sidebar shows "99+" past 99, and
/// counting a room's whole unread history would make listing rooms slow after a long absence.
pub const UNREAD_COUNTED_UP_TO: u32 = 1000;

/// Every room with its unread count and its last message. The count reads the partial index
/// of messages that count (migration 6), so its work stops at the cap however many notices and
/// own messages lie after the read mark (a payment bot's room of "Transfer of …" notices).
pub(super) const LIST: &str = "SELECT r.account_id, r.room_id, r.title,
        (SELECT COUNT(*) FROM (SELECT 1 FROM messages m
          WHERE m.account_id = r.account_id AND m.room_id = r.room_id
            AND m.local_id > r.last_read_local_id AND m.own = 0 AND m.kind <> 'system'
          LIMIT ?1)),
        last.text, last.ts_ms, COALESCE(last.sender_name, last.sender_id),
        COALESCE(last.own, 0), last.kind, r.last_read_local_id
     FROM rooms r
     LEFT JOIN messages last ON last.local_id = (
        SELECT MAX(local_id) FROM messages m
         WHERE m.account_id = r.account_id AND m.room_id = r.room_id)
     ORDER BY r.account_id, r.title";

pub fn list(conn: &Connection) -> Result<Vec<RoomSummary>, StoreError> {
    let rows = conn
        .prepare_cached(LIST)?
        .query_map([UNREAD_COUNTED_UP_TO], |r| {
            Ok(RoomSummary {
                account: AccountId(r.get(0)?),
                room: r.get(1)?,
                title: r.get(2)?,
                unread: r.get(3)?,
                last_text: r.get(4)?,
                last_ts_ms: r.get(5)?,
                last_sender: r.get(6)?,
                last_own: r.get::<_, i64>(7)? != 0,
                last_kind: r.get(8)?,
                last_read_local_id: r.get(9)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Marks everything in the room up to `local_id` as seen.
pub fn mark_read_up_to(
    conn: &Connection,
    account: &AccountId,
    room: &str,
    local_id: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE rooms SET last_read_local_id = MAX(last_read_local_id, ?3)
         WHERE account_id = ?1 AND room_id = ?2",
    )?
    .execute(params![account.0, room, local_id])?;
    Ok(())
}

/// Marks the whole room as seen.
pub fn mark_read(conn: &Connection, account: &AccountId, room: &str) -> Result<(), StoreError> {
    let newest: Option<i64> = conn
        .prepare_cached(
            "SELECT MAX(local_id) FROM messages WHERE account_id = ?1 AND room_id = ?2",
        )?
        .query_row(params![account.0, room], |r| r.get(0))?;
    mark_read_up_to(conn, account, room, newest.unwrap_or(0))
}
