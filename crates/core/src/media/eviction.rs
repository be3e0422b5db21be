//! The media cache's size cap: when the blobs outgrow it, the least recently used go (a cache
//! hit refreshes a blob's time), down to nine tenths of the cap so eviction does not run on
//! every download. A blob being served stays readable: an open file outlives its name.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// What the media cache may hold on disk unless told otherwise.
pub const DEFAULT_CAP_BYTES: u64 = 512 * 1024 * 1024;

pub(super) struct Eviction {
    blobs: PathBuf,
    cap: u64,
    /// Bytes believed to be in `blobs` (recounted whenever eviction runs).
    used: AtomicU64,
    running: std::sync::Mutex<()>,
}

impl Eviction {
    pub(super) fn new(blobs: &Path, cap: u64) -> Eviction {
        let used = list(blobs).iter().map(|b| b.size).sum();
        Eviction {
            blobs: blobs.to_path_buf(),
            cap,
            used: AtomicU64::new(used),
            running: std::sync::Mutex::new(()),
        }
    }

    /// A blob was used: it becomes the most recent.
    pub(super) fn touch(path: &Path) {
        if let Ok(file) = std::fs::File::options().write(true).open(path) {
            let _ = file.set_modified(SystemTime::now());
        }
    }

    /// A blob of `size` bytes was written; evicts if the cache is now over its cap.
    pub(super) fn added(&self, size: u64) {
        if self.used.fetch_add(size, Ordering::SeqCst) + size > self.cap {
            self.evict();
        }
    }

    /// Deletes the least recently used blobs until the cache holds at most 90% of its cap.
    fn evict(&self) {
        let _one_at_a_time = self.running.lock().unwrap_or_else(|p| p.into_inner());
        let mut blobs = list(&self.blobs);
        let mut used: u64 = blobs.iter().map(|b| b.size).sum();
        let target = self.cap / 10 * 9;
        blobs.sort_by_key(|b| b.used_at);
        let mut evicted = 0;
        for blob in blobs {
            if used <= target {
                break;
            }
            if std::fs::remove_file(&blob.path).is_ok() {
                used -= blob.size;
                evicted += 1;
            }
        }
        self.used.store(used, Ordering::SeqCst);
        tracing::info!(evicted, used, cap = self.cap, "media cache trimmed");
    }
}

struct Blob {
    path: PathBuf,
    size: u64,
    used_at: SystemTime,
}

fn list(dir: &Path) -> Vec<Blob> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            meta.is_file().then(|| Blob {
                path: entry.path(),
                size: meta.len(),
                used_at: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            })
        })
        .collect()
}
