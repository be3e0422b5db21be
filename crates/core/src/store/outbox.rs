//! The outbox: own messages waiting for the server's confirmation. It lives in the store so a
//! message typed offline, or before a crash, is sent when the connection returns.

use super::StoreError;
use crate::account::AccountId;
use crate::codec::Outgoing;
use crate::message::MessageKind;
use rusqlite::{params, Connection};

pub(crate) fn add(conn: &Connection, account: &AccountId, local_id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR IGNORE INTO outbox (local_id, account_id) VALUES (?1, ?2)")?
        .execute(params![local_id, account.0])?;
    Ok(())
}

pub(crate) fn remove(conn: &Connection, local_id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM outbox WHERE local_id = ?1")?
        .execute([local_id])?;
    Ok(())
}

/// What an account still has to send, oldest first; only one room's when `room` is given.
pub fn pending(
    conn: &Connection,
    account: &AccountId,
    room: Option<&str>,
) -> Result<Vec<Outgoing>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT m.local_id, m.room_id, m.kind, m.text, m.media, m.service_id, m.quote_id FROM outbox o
             JOIN messages m ON m.local_id = o.local_id
             WHERE o.account_id = ?1 AND (?2 IS NULL OR m.room_id = ?2)
             ORDER BY o.local_id",
        )?
        .query_map(rusqlite::params![account.0, room], |r| {
            let kind: String = r.get(2)?;
            let media: Option<String> = r.get(4)?;
            Ok(Outgoing {
                local_id: r.get(0)?,
                room: r.get(1)?,
                kind: MessageKind::parse(&kind).unwrap_or(MessageKind::Unsupported),
                text: r.get(3)?,
                media: media.and_then(|json| serde_json::from_str(&json).ok()),
                client_id: r.get(5)?,
                quote_id: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
