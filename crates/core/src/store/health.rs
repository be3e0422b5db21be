//! The health boards (crate::health) kept between runs: one JSON row per account.

use super::StoreError;
use crate::account::AccountId;
use crate::health::AccountHealth;
use rusqlite::{params, Connection};

/// Every account's saved board; a row that no longer reads is skipped (and replaced later).
pub fn load_all(conn: &Connection) -> Result<Vec<(AccountId, AccountHealth)>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT account_id, json FROM health")?;
    let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut all = Vec::new();
    for row in rows {
        let (account, json) = row?;
        match serde_json::from_str(&json) {
            Ok(health) => all.push((AccountId(account), health)),
            Err(e) => {
                tracing::warn!(error = %e, "a saved health board is unreadable; starting it anew")
            }
        }
    }
    Ok(all)
}

pub fn save(conn: &Connection, boards: &[(AccountId, AccountHealth)]) -> Result<(), StoreError> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO health (account_id, json) VALUES (?1, ?2)
         ON CONFLICT (account_id) DO UPDATE SET json = excluded.json",
    )?;
    for (account, health) in boards {
        let json = serde_json::to_string(health).unwrap_or_default();
        statement.execute(params![account.0, json])?;
    }
    Ok(())
}

/// Notes that Parley was running at `at_ms` (saved with the boards, every minute).
pub fn note_alive(conn: &Connection, at_ms: i64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE health_alive SET at_ms = ?1")?
        .execute(params![at_ms])?;
    Ok(())
}

/// When Parley last noted it was running, if ever.
pub fn alive_at(conn: &Connection) -> Result<Option<i64>, StoreError> {
    let at: i64 = conn
        .prepare_cached("SELECT MAX(at_ms) FROM health_alive")?
        .query_row([], |r| r.get::<_, Option<i64>>(0))?
        .unwrap_or(0);
    Ok((at > 0).then_some(at))
}

pub fn forget(conn: &Connection, account: &AccountId) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM health WHERE account_id = ?1")?
        .execute(params![account.0])?;
    Ok(())
}
