//! Memory given back when the store goes quiet. SQLite keeps up to 16 MB of pages cached for
//! bursts (de-duplication and unread counts read big indexes), and a burst — a catch-up after
//! a night offline, indexing history for search, a search over a big store — fills it. Parley
//! stays open all day, so once nothing was written or read for a while the cache is emptied and
//! the freed heap returned to the system. The next job reads its pages from the operating
//! system's file cache again (microseconds a page).

use rusqlite::Connection;
use std::time::Duration;

/// How long the writer waits with no job before it lets its cache go.
#[cfg(not(test))]
pub(super) const RELEASE_AFTER: Duration = Duration::from_secs(5);
#[cfg(test)]
pub(super) const RELEASE_AFTER: Duration = Duration::from_millis(300);

/// A cache this small is kept: emptying it would give back little for the work of trimming.
const KEEP_BYTES: i64 = 2 * 1024 * 1024;

/// Bytes of page cache the connection holds now.
pub(super) fn cache_bytes(conn: &Connection) -> i64 {
    let (mut now, mut peak) = (0, 0);
    // SAFETY: the handle is the live connection's, used on its own thread.
    unsafe {
        rusqlite::ffi::sqlite3_db_status(
            conn.handle(),
            rusqlite::ffi::SQLITE_DBSTATUS_CACHE_USED,
            &mut now,
            &mut peak,
            0,
        );
    }
    i64::from(now)
}

/// Empties the connection's page cache and returns free heap pages to the system.
pub(super) fn release_memory(conn: &Connection) {
    let before = cache_bytes(conn);
    if before < KEEP_BYTES {
        return;
    }
    // Unpinned pages only: nothing is in a transaction between batches.
    if let Err(e) = conn.execute_batch("PRAGMA shrink_memory") {
        tracing::debug!(error = %e, "the store's cache could not be emptied");
    }
    trim_heap();
    tracing::debug!(
        before,
        after = cache_bytes(conn),
        "the store's page cache was let go"
    );
}

/// The freed pages stay in the allocator's arenas (one per thread that allocated) until it is
/// asked to give them back; glibc's `malloc_trim` does so for every arena.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim_heap() {
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes their locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim_heap() {}
