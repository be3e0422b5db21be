//! What the writer thread has done: batches, jobs and how long recent batches took. Counted by
//! the writer, read by the ingest benchmark (and anyone who wants to see the store keep up).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

/// Durations of this many recent batches are kept for percentiles.
const RECENT: usize = 8192;

#[derive(Default)]
pub struct WriterStats {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    batches: u64,
    jobs: u64,
    recent: VecDeque<Duration>,
}

/// A snapshot of [`WriterStats`].
#[derive(Debug, Clone, Default)]
pub struct WriterFigures {
    pub batches: u64,
    pub jobs: u64,
    /// Of the recent batches: time from BEGIN to COMMIT.
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl WriterStats {
    pub(super) fn record(&self, jobs: usize, took: Duration) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.batches += 1;
        inner.jobs += jobs as u64;
        if inner.recent.len() == RECENT {
            inner.recent.pop_front();
        }
        inner.recent.push_back(took);
    }

    pub fn figures(&self) -> WriterFigures {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut recent: Vec<Duration> = inner.recent.iter().copied().collect();
        recent.sort();
        let at = |p: f64| {
            recent
                .get(((recent.len().saturating_sub(1)) as f64 * p) as usize)
                .copied()
                .unwrap_or_default()
        };
        WriterFigures {
            batches: inner.batches,
            jobs: inner.jobs,
            p50: at(0.5),
            p99: at(0.99),
            max: at(1.0),
        }
    }
}
