//! The history store: one SQLite file (WAL) that is the single source of truth for rooms,
//! messages and the outbox.
//!
//! One writer thread owns the connection. Callers hand it closures; it runs every closure that
//! is waiting in one transaction (each in its own savepoint, so one failure never undoes the
//! others), which batches writes under load without any caller having to think about it.

mod cache;
mod checkpoint;
mod fts_tokenizer;
pub mod health;
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
    /// The batch this write ran in could not be committed, so it was undone.
    #[error("the history database could not save this change: {0}")]
    NotSaved(String),
    #[error("cannot create the data folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
}

/// A job on the writer thread: runs in a savepoint of the batch's transaction and returns
/// whether to keep that savepoint, and how to answer its caller.
type Job = Box<dyn FnOnce(&Connection) -> (bool, Reply) + Send>;

/// Answers a job's caller once its batch's fate is known: with the job's result after the
/// commit, or with the commit's error. A caller is never told a write is stored (and a message
/// announced or acknowledged to its server) before it is.
type Reply = Box<dyn FnOnce(Option<&rusqlite::Error>) + Send>;

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
        let stats = Arc::new(stats::WriterStats::default());
        if checkpoint::spawn(path, Arc::downgrade(&stats)) {
            // The writer still checkpoints past 16 MB of log: under a steady flood the passive
            // checkpoints never catch up with the end of the log, which then only grows. By then
            // most pages are copied already, so the writer's checkpoint is short.
            conn.pragma_update(None, "wal_autocheckpoint", checkpoint::WRITER_AFTER_PAGES)?;
        }
        // A log that grew past this is cut back to it when it starts over.
        conn.pragma_update(None, "journal_size_limit", 32 * 1024 * 1024)?;
        Self::start(conn, stats, true)
    }

    /// Whether the history file at `path` exists with an older schema than this build's, so
    /// that [`Store::open`] would change it (a migration). False when it cannot tell (no file, or
    /// one that does not open): [`Store::open`] then creates it or reports why not.
    pub fn needs_migration(path: &Path) -> bool {
        if !path.exists() {
            return false;
        }
        let Ok(conn) =
            Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        else {
            return false;
        };
        conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
            .is_ok_and(|version| version < schema::MIGRATIONS.len() as i64)
    }

    /// A store that lives in memory only (parley-cli without a profile, tests). Its pages are
    /// the database itself, so there is no cache to let go when quiet.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::start(Connection::open_in_memory()?, Arc::default(), false)
    }

    fn start(
        conn: Connection,
        stats: Arc<stats::WriterStats>,
        manage_cache: bool,
    ) -> Result<Store, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let cache = if manage_cache {
            Some(cache::CacheSize::at_start(&conn)?)
        } else {
            None
        };
        // Every job runs in a savepoint, whose undo copies of pages would otherwise be written
        // to a temporary file (a write system call per page touched).
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        schema::migrate(&conn)?;
        let (jobs, rx) = mpsc::channel::<Job>();
        let counted = stats.clone();
        std::thread::Builder::new()
            .name("parley-store".into())
            .spawn(move || writer_loop(conn, rx, &counted, cache))
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
            let reply: Reply = Box::new(move |not_committed| {
                let answer = match not_committed {
                    Some(e) if result.is_ok() => Err(StoreError::NotSaved(e.to_string())),
                    _ => result,
                };
                let _ = tx.send(answer);
            });
            (keep, reply)
        });
        self.jobs.send(job).map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }
}

/// New messages are added to the full-text index this long after the first of them was written,
/// in a transaction of its own after their callers were answered: one FTS5 segment per many
/// messages. Indexing after every batch cost a second commit per message at 1,000 messages/s
/// (its pages doubled the log the writer must sync when the log starts over). Searches index
/// what is pending first, so they never miss a message.
const INDEX_AFTER: Duration = Duration::from_millis(250);

fn writer_loop(
    conn: Connection,
    rx: mpsc::Receiver<Job>,
    stats: &stats::WriterStats,
    mut cache: Option<cache::CacheSize>,
) {
    // When the messages written since the last indexing must be indexed by.
    let mut index_due: Option<Instant> = None;
    loop {
        // When a burst's large page cache is let go, whether jobs come meanwhile or not.
        let release_due = cache.as_ref().and_then(cache::CacheSize::release_due);
        let first = match [index_due, release_due].into_iter().flatten().min() {
            None => match rx.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
            Some(due) => match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
                Ok(job) => job,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if index_due.is_some_and(|due| due <= Instant::now()) {
                        index_new(&conn);
                        index_due = None;
                    }
                    if let Some(cache) = cache.as_mut() {
                        cache.release_if_due(&conn);
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    index_new(&conn);
                    return;
                }
            },
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (jobs, started, changes_before) = (batch.len(), Instant::now(), conn.total_changes());
        let in_transaction = begin(&conn);
        let replies = run_jobs(&conn, batch);
        let not_committed = if in_transaction {
            commit(&conn).err()
        } else {
            None
        };
        for reply in replies {
            reply(not_committed.as_ref());
        }
        stats.record(jobs, started.elapsed());
        let rows_written = conn.total_changes().saturating_sub(changes_before);
        if rows_written > 0 {
            index_due.get_or_insert(Instant::now() + INDEX_AFTER);
        }
        if index_due.is_some_and(|due| due <= Instant::now()) {
            index_new(&conn);
            index_due = None;
        }
        if let Some(cache) = cache.as_mut() {
            cache.after_batch(&conn, rows_written);
            cache.release_if_due(&conn);
        }
    }
}

/// Brings the full-text index up to date; on failure the rows wait for the next time.
fn index_new(conn: &Connection) {
    if let Err(e) = search::index_new(conn) {
        tracing::error!(error = %e, "cannot index new messages for search; they are indexed the next time");
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

/// Commits the batch, or undoes all of it when that fails (a full disk, a deferred constraint).
fn commit(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.execute_batch("COMMIT").inspect_err(|e| {
        tracing::error!(error = %e, "store transaction commit failed; the batch is undone");
        let _ = conn.execute_batch("ROLLBACK");
    })
}

/// One savepoint per job, so one failure never undoes the others. Returns the jobs' replies.
fn run_jobs(conn: &Connection, batch: Vec<Job>) -> Vec<Reply> {
    let mut replies = Vec::with_capacity(batch.len());
    for job in batch {
        if let Err(e) = conn.execute_batch("SAVEPOINT job") {
            tracing::error!(error = %e, "cannot open a store savepoint");
            replies.push(job(conn).1);
            continue;
        }
        let (keep, reply) = job(conn);
        let end = if keep {
            "RELEASE job"
        } else {
            "ROLLBACK TO job; RELEASE job"
        };
        if let Err(e) = conn.execute_batch(end) {
            tracing::error!(error = %e, "cannot close a store savepoint");
        }
        replies.push(reply);
    }
    replies
}

#[cfg(test)]
mod tests;
