//! The history store: one SQLite file (WAL) that is the single source of truth for rooms,
//! messages and the outbox.
//!
//! One writer thread owns the connection. Callers hand it closures; it runs every closure that
//! is waiting in one transaction (each in its own savepoint, so one failure never undoes the
//! others), which batches writes under load without any caller having to think about it.

mod checkpoint;
pub mod messages;
pub mod outbox;
pub mod rooms;
mod schema;
pub mod search;
pub mod stats;

pub use messages::Ingested;
pub use rooms::RoomSummary;

use rusqlite::Connection;
use std::path::Path;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("history database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the history database is closed")]
    Closed,
    #[error("the history database was written by a newer Parley (schema {found}, this build knows {known})")]
    TooNew { found: i64, known: i64 },
    #[error("cannot create the data folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
}

/// A job on the writer thread: returns whether its savepoint should be kept.
type Job = Box<dyn FnOnce(&Connection) -> bool + Send>;

/// Most jobs run in one transaction before it is committed.
const MAX_BATCH: usize = 512;

/// Handle to the writer thread. Cheap to clone; the thread ends when the last handle drops.
#[derive(Clone)]
pub struct Store {
    jobs: mpsc::Sender<Job>,
    stats: Arc<stats::WriterStats>,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // 16 MB of page cache (the default is 2 MB): de-duplication and unread counts read
        // indexes that outgrow 2 MB after some 100,000 messages.
        conn.pragma_update(None, "cache_size", -16_000)?;
        let stats = Arc::new(stats::WriterStats::default());
        if checkpoint::spawn(path, Arc::downgrade(&stats)) {
            // The writer still checkpoints past 16 MB of log: under a steady flood the passive
            // checkpoints never catch up with the end of the log, which then only grows. By then
            // most pages are copied already, so the writer's checkpoint is short.
            conn.pragma_update(None, "wal_autocheckpoint", checkpoint::WRITER_AFTER_PAGES)?;
        }
        // A log that grew past this is cut back to it when it starts over.
        conn.pragma_update(None, "journal_size_limit", 32 * 1024 * 1024)?;
        Self::start(conn, stats)
    }

    /// A store that lives in memory only (parley-cli without a profile, tests).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::start(Connection::open_in_memory()?, Arc::default())
    }

    fn start(conn: Connection, stats: Arc<stats::WriterStats>) -> Result<Store, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Every job runs in a savepoint, whose undo copies of pages would otherwise be written
        // to a temporary file (a write system call per page touched).
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        schema::migrate(&conn)?;
        let (jobs, rx) = mpsc::channel::<Job>();
        let counted = stats.clone();
        std::thread::Builder::new()
            .name("parley-store".into())
            .spawn(move || writer_loop(conn, rx, &counted))
            .map_err(|source| StoreError::Folder {
                path: "store thread".into(),
                source,
            })?;
        Ok(Store { jobs, stats })
    }

    /// Batches and jobs the writer ran, and how long recent batches took.
    pub fn writer_figures(&self) -> stats::WriterFigures {
        self.stats.figures()
    }

    /// Runs `f` on the writer thread inside a savepoint of the current batch.
    pub async fn run<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = f(conn);
            let keep = result.is_ok();
            let _ = tx.send(result);
            keep
        });
        self.jobs.send(job).map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }
}

/// The full-text index is brought up to date when the writer has nothing waiting, or at the
/// latest this long after it last was while jobs keep coming: one FTS5 segment per many batches
/// under a flood (FTS5 pays per segment; with indexing moved out of every batch, a ~250-message
/// transaction in `cargo bench -p parley-core --bench ingest` went from 7.3 to 3.7 ms p50, together
/// with dropping the insert trigger). Searches index what is pending first, so they never miss a
/// message.
const INDEX_AT_LEAST_EVERY: Duration = Duration::from_millis(250);

fn writer_loop(conn: Connection, rx: mpsc::Receiver<Job>, stats: &stats::WriterStats) {
    let mut waiting: Option<Job> = None;
    let mut indexed_at = Instant::now();
    loop {
        let first = match waiting.take() {
            Some(job) => job,
            None => match rx.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (jobs, started) = (batch.len(), Instant::now());
        let in_transaction = begin(&conn);
        run_jobs(&conn, batch);
        waiting = rx.try_recv().ok();
        if waiting.is_none() || indexed_at.elapsed() >= INDEX_AT_LEAST_EVERY {
            if let Err(e) = search::index_new(&conn) {
                tracing::error!(error = %e, "cannot index new messages for search; they are indexed with the next batch");
            }
            indexed_at = Instant::now();
        }
        if in_transaction {
            commit(&conn);
        }
        stats.record(jobs, started.elapsed());
    }
}

/// Opens the batch's transaction; without one, jobs still run (each in its own savepoint).
fn begin(conn: &Connection) -> bool {
    match conn.execute_batch("BEGIN IMMEDIATE") {
        Ok(()) => true,
        Err(e) => {
            tracing::error!(error = %e, "cannot begin a store transaction; running jobs one by one");
            false
        }
    }
}

fn commit(conn: &Connection) {
    if let Err(e) = conn.execute_batch("COMMIT") {
        tracing::error!(error = %e, "store transaction commit failed");
        let _ = conn.execute_batch("ROLLBACK");
    }
}

/// One savepoint per job, so one failure never undoes the others.
fn run_jobs(conn: &Connection, batch: Vec<Job>) {
    for job in batch {
        if let Err(e) = conn.execute_batch("SAVEPOINT job") {
            tracing::error!(error = %e, "cannot open a store savepoint");
            job(conn);
            continue;
        }
        let end = if job(conn) {
            "RELEASE job"
        } else {
            "ROLLBACK TO job; RELEASE job"
        };
        if let Err(e) = conn.execute_batch(end) {
            tracing::error!(error = %e, "cannot close a store savepoint");
        }
    }
}

#[cfg(test)]
mod tests;
