//! WAL checkpoints on a thread of their own. By default the writer copies the log back into the
//! database itself, in the commit that crosses 1,000 pages, and every job waiting behind that
//! commit waits for the copy (the ingest benchmark's p99 transaction time was mostly that).
//! Here a second connection checkpoints passively (it never blocks the writer) every 200 ms.

use rusqlite::Connection;
use std::path::Path;
use std::sync::Weak;
use std::time::Duration;

const EVERY: Duration = Duration::from_millis(200);

/// The writer's own checkpoint threshold (pages of 4 KB) while this thread runs (the default is
/// 1,000).
pub(super) const WRITER_AFTER_PAGES: i64 = 4_000;

/// Starts checkpointing `path` until `alive` is gone (the store closed). False when it could
/// not start: the writer then keeps checkpointing itself.
pub(super) fn spawn<T: Send + Sync + 'static>(path: &Path, alive: Weak<T>) -> bool {
    let conn = match Connection::open(path) {
        Ok(conn) => conn,
        Err(e) => {
            tracing::warn!(error = %e, "no checkpoint connection; the writer checkpoints itself");
            return false;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("parley-checkpoint".into())
        .spawn(move || {
            while alive.strong_count() > 0 {
                std::thread::sleep(EVERY);
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "WAL checkpoint failed; trying again");
                }
            }
        });
    match spawned {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(error = %e, "no checkpoint thread; the writer checkpoints itself");
            false
        }
    }
}
