//! The download-and-cache half of the media proxy. Files live under the profile's media dir as
//! `blobs/<sha256 of the bytes>`; `urls/<sha256 of the URL>` names the blob a URL gave. A URL is
//! downloaded once even when several rows ask for it at the same time.

use super::eviction::{Eviction, DEFAULT_CAP_BYTES};
use super::reach::{self, AddressRefused, GuardedResolver, NetworkPolicy};
use super::{sniff, MediaError, MediaPurpose, Sniffed};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// A cached file, ready to serve.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedMedia {
    pub path: PathBuf,
    pub sniffed: Sniffed,
    pub size: u64,
}

pub struct MediaCache {
    dir: PathBuf,
    /// One client per [`NetworkPolicy`] (its resolver and redirect rule enforce it), each built
    /// on its first download: building a client loads the system's certificate store (~50 ms
    /// of CPU), which start-up should not pay for media nobody opened yet.
    public: std::sync::OnceLock<reqwest::Client>,
    loopback: std::sync::OnceLock<reqwest::Client>,
    /// Resolves names instead of the system's resolver (tests); its answers are checked the same.
    resolver: Option<Arc<dyn reqwest::dns::Resolve>>,
    /// One lock per URL being fetched, so concurrent asks share one download.
    fetching: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    eviction: Arc<Eviction>,
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl MediaCache {
    /// A cache in `dir` holding at most [`DEFAULT_CAP_BYTES`].
    pub fn new(dir: &Path) -> Result<MediaCache, MediaError> {
        Self::with_cap(dir, DEFAULT_CAP_BYTES)
    }

    /// A cache in `dir` that evicts the least recently used files beyond `cap` bytes.
    pub fn with_cap(dir: &Path, cap: u64) -> Result<MediaCache, MediaError> {
        for sub in ["blobs", "urls", "partial"] {
            std::fs::create_dir_all(dir.join(sub)).map_err(|e| MediaError::Cache(e.to_string()))?;
        }
        Ok(MediaCache {
            dir: dir.to_path_buf(),
            public: std::sync::OnceLock::new(),
            loopback: std::sync::OnceLock::new(),
            resolver: None,
            fetching: std::sync::Mutex::new(HashMap::new()),
            eviction: Arc::new(Eviction::new(&dir.join("blobs"), cap)),
        })
    }

    /// The same cache, resolving names with `resolver` instead of the system's resolver. Its
    /// answers are checked like the system's: for tests, which give a public-looking name a
    /// local address.
    pub fn with_resolver(mut self, resolver: Arc<dyn reqwest::dns::Resolve>) -> MediaCache {
        self.resolver = Some(resolver);
        self
    }

    /// The file behind `url`, downloaded now (from where `policy` allows) if it is not cached yet.
    pub async fn get(
        &self,
        url: &str,
        purpose: MediaPurpose,
        policy: NetworkPolicy,
    ) -> Result<CachedMedia, MediaError> {
        self.get_as(url, url, purpose, policy).await
    }

    /// The file cached under the stable name `key` (e.g. a Mixin attachment id, whose download
    /// addresses expire), downloaded from `url` (where `policy` allows) if it is not cached yet.
    pub async fn get_as(
        &self,
        key: &str,
        url: &str,
        purpose: MediaPurpose,
        policy: NetworkPolicy,
    ) -> Result<CachedMedia, MediaError> {
        let parsed = url::Url::parse(url.trim()).map_err(|_| MediaError::BadUrl)?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(MediaError::NotWeb);
        }
        if !policy.allows_url(&parsed) {
            return Err(MediaError::AddressRefused(policy));
        }
        let key = if key == url {
            hex_sha256(parsed.as_str().as_bytes())
        } else {
            hex_sha256(key.as_bytes())
        };
        let lock = {
            let mut fetching = self.fetching.lock().unwrap_or_else(|p| p.into_inner());
            fetching.entry(key.clone()).or_default().clone()
        };
        let _guard = lock.lock().await;
        let result = match self.cached(&key).await {
            Some(hit) => Ok(hit),
            None => self.download(&parsed, &key, purpose, policy).await,
        };
        self.fetching
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&key);
        let media = result?;
        if !purpose.accepts(&media.sniffed) {
            return Err(wrong_type(purpose, &media.sniffed));
        }
        Ok(media)
    }

    /// Whether something is cached under the stable name `key` (see [`MediaCache::get_as`]).
    pub async fn cached_as(&self, key: &str, purpose: MediaPurpose) -> Option<CachedMedia> {
        self.cached(&hex_sha256(key.as_bytes()))
            .await
            .filter(|m| purpose.accepts(&m.sniffed))
    }

    /// Caches bytes that came inside a message (a Mixin thumbnail) under `key`, if they are
    /// acceptable for `purpose`.
    pub async fn put(
        &self,
        key: &str,
        bytes: &[u8],
        purpose: MediaPurpose,
    ) -> Result<CachedMedia, MediaError> {
        if bytes.len() as u64 > purpose.max_bytes() {
            return Err(MediaError::TooLarge(purpose.max_bytes()));
        }
        let sniffed = sniff(bytes);
        if !purpose.accepts(&sniffed) {
            return Err(wrong_type(purpose, &sniffed));
        }
        let hash = hex_sha256(bytes);
        let blob = self.dir.join("blobs").join(&hash);
        let cache_err = |e: std::io::Error| MediaError::Cache(e.to_string());
        // Blobs are named by their content: one already there whole is these very bytes. A
        // preview is put again at every ask for it; rewriting it in place would truncate the
        // file while an earlier ask's answer is being read from it. It is touched before it is
        // looked at, so an eviction from then on takes older blobs first; one that took it just
        // before is seen here, and the blob is written again.
        let touched = blob.clone();
        let _ = tokio::task::spawn_blocking(move || Eviction::touch(&touched)).await;
        let present = tokio::fs::metadata(&blob)
            .await
            .is_ok_and(|m| m.len() == bytes.len() as u64);
        if !present {
            self.write_whole(&blob, bytes).await.map_err(cache_err)?;
        }
        self.write_whole(
            &self.dir.join("urls").join(hex_sha256(key.as_bytes())),
            hash.as_bytes(),
        )
        .await
        .map_err(cache_err)?;
        let media = describe(&blob).await.map_err(cache_err)?;
        if !present {
            self.stored(media.size).await;
        }
        Ok(media)
    }

    /// Writes `bytes` beside the cache and renames them to `target`: a reader of `target` sees
    /// the old file or the new one, never one being written.
    async fn write_whole(&self, target: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let name = target.file_name().unwrap_or_default().to_string_lossy();
        let partial = self
            .dir
            .join("partial")
            .join(format!("{name}-{:08x}", fastrand::u32(..)));
        // A write cut short (a full disk) or a failed rename leaves nothing behind.
        let written = match tokio::fs::write(&partial, bytes).await {
            Ok(()) => tokio::fs::rename(&partial, target).await,
            Err(e) => Err(e),
        };
        if written.is_err() {
            let _ = tokio::fs::remove_file(&partial).await;
        }
        written
    }

    /// Counts a blob just written and trims the cache when it is over its cap.
    async fn stored(&self, size: u64) {
        let eviction = self.eviction.clone();
        let _ = tokio::task::spawn_blocking(move || eviction.added(size)).await;
    }

    async fn cached(&self, key: &str) -> Option<CachedMedia> {
        let blob = tokio::fs::read_to_string(self.dir.join("urls").join(key))
            .await
            .ok()?;
        let path = self.dir.join("blobs").join(blob.trim());
        let media = describe(&path).await.ok()?;
        let touched = path.clone();
        let _ = tokio::task::spawn_blocking(move || Eviction::touch(&touched)).await;
        Some(media)
    }

    async fn download(
        &self,
        url: &url::Url,
        key: &str,
        purpose: MediaPurpose,
        policy: NetworkPolicy,
    ) -> Result<CachedMedia, MediaError> {
        let limit = purpose.max_bytes();
        let timeout = match purpose {
            MediaPurpose::Image => Duration::from_secs(30),
            MediaPurpose::Video
            | MediaPurpose::Audio
            | MediaPurpose::File
            | MediaPurpose::Evidence => Duration::from_secs(300),
        };
        let partial = self
            .dir
            .join("partial")
            .join(format!("{key}-{:08x}", fastrand::u32(..)));
        let outcome =
            tokio::time::timeout(timeout, self.stream_to(url, &partial, limit, policy)).await;
        let hash = match outcome {
            Ok(Ok(hash)) => hash,
            Ok(Err(e)) => {
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(e);
            }
            Err(_) => {
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(MediaError::Unreachable(format!(
                    "it took longer than {} s",
                    timeout.as_secs()
                )));
            }
        };
        let blob = self.dir.join("blobs").join(&hash);
        let cache_err = |e: std::io::Error| MediaError::Cache(e.to_string());
        tokio::fs::rename(&partial, &blob)
            .await
            .map_err(cache_err)?;
        self.write_whole(&self.dir.join("urls").join(key), hash.as_bytes())
            .await
            .map_err(cache_err)?;
        let media = describe(&blob).await.map_err(cache_err)?;
        self.stored(media.size).await;
        Ok(media)
    }

    /// The download client for `policy`: names resolve only to the addresses it allows, at
    /// most five redirects, only to http(s) and never to a literal address it refuses. No
    /// proxy: a proxy would resolve the names itself, out of the policy's sight.
    fn client(&self, policy: NetworkPolicy) -> Result<&reqwest::Client, MediaError> {
        let slot = match policy {
            NetworkPolicy::AllowPublicOnly => &self.public,
            NetworkPolicy::LoopbackOnly => &self.loopback,
        };
        if let Some(client) = slot.get() {
            return Ok(client);
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver {
                policy,
                inner: self.resolver.clone(),
            }))
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= 5 {
                    attempt.error("too many redirects")
                } else if !matches!(attempt.url().scheme(), "http" | "https") {
                    attempt.stop()
                } else if !policy.allows_url(attempt.url()) {
                    attempt.error(AddressRefused)
                } else {
                    attempt.follow()
                }
            }))
            .build()
            .map_err(|e| MediaError::Cache(format!("cannot start an HTTP client: {e}")))?;
        Ok(slot.get_or_init(|| client))
    }

    /// Streams the body into `path` within `limit` bytes; returns the hex SHA-256 of the bytes.
    async fn stream_to(
        &self,
        url: &url::Url,
        path: &Path,
        limit: u64,
        policy: NetworkPolicy,
    ) -> Result<String, MediaError> {
        let unreachable = |e: reqwest::Error| {
            if reach::was_refused(&e) {
                MediaError::AddressRefused(policy)
            } else {
                MediaError::Unreachable(e.without_url().to_string())
            }
        };
        let mut response = self
            .client(policy)?
            .get(url.clone())
            .send()
            .await
            .map_err(unreachable)?;
        if !response.status().is_success() {
            return Err(MediaError::Status(response.status().as_u16()));
        }
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(MediaError::TooLarge(limit));
        }
        let cache_err = |e: std::io::Error| MediaError::Cache(e.to_string());
        let mut file = tokio::fs::File::create(path).await.map_err(cache_err)?;
        let mut hasher = Sha256::new();
        let mut written: u64 = 0;
        while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
            written += chunk.len() as u64;
            if written > limit {
                return Err(MediaError::TooLarge(limit));
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(cache_err)?;
        }
        file.flush().await.map_err(cache_err)?;
        Ok(hex::encode(hasher.finalize()))
    }
}

async fn describe(path: &Path) -> std::io::Result<CachedMedia> {
    use tokio::io::AsyncReadExt;
    let mut file = tokio::fs::File::open(path).await?;
    let size = file.metadata().await?.len();
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        let n = file.read(&mut head[read..]).await?;
        if n == 0 {
            break;
        }
        read += n;
    }
    Ok(CachedMedia {
        path: path.to_path_buf(),
        sniffed: sniff(&head[..read]),
        size,
    })
}

fn wrong_type(purpose: MediaPurpose, found: &Sniffed) -> MediaError {
    MediaError::WrongType {
        expected: match purpose {
            MediaPurpose::Image => "picture",
            MediaPurpose::Video => "video",
            MediaPurpose::Audio => "sound",
            MediaPurpose::File | MediaPurpose::Evidence => "file",
        },
        found: found.mime,
    }
}
