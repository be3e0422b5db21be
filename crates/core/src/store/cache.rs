//! The memory of SQLite's page cache. Its size follows the work: 16 MB while bursts write
//! (de-duplication reads big indexes: with 2 MB, inserting 1,000,000 messages ran 11 % slower
//! in `cargo bench -p parley-core --bench store`), 2 MB otherwise. Reading history and searching
//! ran as fast with 2 MB in that bench, and scrolling back through a long room used to fill the
//! 16 MB for the rest of the session. Parley stays open all day, so once no burst came for 5 s
//! (whether small jobs go on or none comes at all) the cache is set back to 2 MB, emptied, and
//! the freed heap returned to the system. The next job reads its pages from the operating
//! system's file cache again (microseconds a page).

use rusqlite::Connection;
use std::time::{Duration, Instant};

/// How long after the last burst the writer lets its cache go.
#[cfg(not(test))]
pub(super) const RELEASE_AFTER: Duration = Duration::from_secs(5);
#[cfg(test)]
pub(super) const RELEASE_AFTER: Duration = Duration::from_millis(300);

/// A cache this small is kept: emptying it would give back little for the work of trimming.
const KEEP_BYTES: i64 = 2 * 1024 * 1024;

/// The cache's size (KiB) while the store is read, or written a little at a time.
pub(super) const READING_KIB: i64 = 2_000;

/// The cache's size (KiB) once a batch wrote [`BURST_ROWS`] rows or more, until [`RELEASE_AFTER`]
/// after the last such batch.
const BURST_KIB: i64 = 16_000;

/// Rows written by one batch of jobs that make it a burst: a flood, a catch-up, a backlog. A
/// steady room (a few messages a second) writes one or two rows a batch.
const BURST_ROWS: u64 = 64;

/// The size the cache is set to; the writer thread's alone.
pub(super) struct CacheSize {
    /// When the last burst was written, while the cache is large.
    burst: Option<Instant>,
}

impl CacheSize {
    /// The cache of a store being opened: large, as for a burst, since what comes first is
    /// one (upgrades of the schema, unread counts, the catch-up of every account).
    pub(super) fn at_start(conn: &Connection) -> Result<CacheSize, rusqlite::Error> {
        conn.pragma_update(None, "cache_size", -BURST_KIB)?;
        Ok(CacheSize {
            burst: Some(Instant::now()),
        })
    }

    /// After a batch of jobs that wrote `rows` rows: a burst gets the large cache.
    pub(super) fn after_batch(&mut self, conn: &Connection, rows: u64) {
        if rows >= BURST_ROWS {
            if self.burst.is_none() {
                set_size(conn, BURST_KIB);
            }
            self.burst = Some(Instant::now());
        }
    }

    /// When the large cache goes back to the size for reading: [`RELEASE_AFTER`] after the
    /// last burst, whether small jobs go on meanwhile (a busy room, the reader scrolling back)
    /// or none comes. None while the cache has the size for reading: that one is kept, or a
    /// room with a message every few seconds would have it emptied and read back in each time.
    pub(super) fn release_due(&self) -> Option<Instant> {
        self.burst.map(|last| last + RELEASE_AFTER)
    }

    /// Once [`Self::release_due`] has passed: the size for reading, and the cache let go (a
    /// lower size alone keeps the pages already cached).
    pub(super) fn release_if_due(&mut self, conn: &Connection) {
        if self.release_due().is_some_and(|due| due <= Instant::now()) {
            self.burst = None;
            set_size(conn, READING_KIB);
            release_memory(conn);
        }
    }
}

fn set_size(conn: &Connection, kib: i64) {
    if let Err(e) = conn.pragma_update(None, "cache_size", -kib) {
        tracing::debug!(error = %e, kib, "the store's cache size could not be set");
    }
}

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
fn release_memory(conn: &Connection) {
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
