//! Writing a pack: into a hidden folder beside the destination first, renamed into place only
//! once every file, the manifest and pack.json are written, so a failed export never leaves
//! half a pack that looks whole. Every file is hashed as it is written.

use super::contents::{MediaFile, PackContents};
use super::error::PackError;
use super::manifest::{sha256_hex, Manifest};
use super::pack_info::{Named, PackInfo, FORMAT};
use super::{html, names, records, text, time, MANIFEST, PACK_INFO};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// A message's media as copied into the pack.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PackedMedia {
    /// Relative to the pack: `media/<name>`.
    pub file: String,
    pub sha256: String,
    pub size: u64,
    pub mime: String,
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenPack {
    pub dir: PathBuf,
    /// Files the manifest lists.
    pub files: usize,
    pub messages: usize,
    pub media_saved: usize,
    /// Media not in the pack: the message's local id and why.
    pub media_failed: Vec<(i64, String)>,
    /// pack.json's seal: the pack's fingerprint.
    pub fingerprint: String,
}

/// A file being written and hashed at once.
struct HashedFile {
    out: BufWriter<std::fs::File>,
    hasher: Sha256,
    size: u64,
}

impl HashedFile {
    fn create(path: &Path) -> io::Result<Self> {
        Ok(HashedFile {
            out: BufWriter::new(std::fs::File::create(path)?),
            hasher: Sha256::new(),
            size: 0,
        })
    }

    /// Flushes to disk; the hex SHA-256 and the size of what was written.
    fn finish(mut self) -> io::Result<(String, u64)> {
        self.out.flush()?;
        self.out.get_ref().sync_all()?;
        Ok((hex::encode(self.hasher.finalize()), self.size))
    }
}

impl Write for HashedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The folder being written, and its manifest so far.
struct Draft {
    dir: PathBuf,
    manifest: Manifest,
}

impl Draft {
    fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }

    fn failed(&self, relative: &str) -> impl FnOnce(io::Error) -> PackError {
        let path = self.path(relative);
        move |source| PackError::Write { path, source }
    }

    /// Writes a file with `fill`, hashed into the manifest.
    fn write_with(
        &mut self,
        relative: &str,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(String, u64), PackError> {
        let written = HashedFile::create(&self.path(relative)).and_then(|mut file| {
            fill(&mut file)?;
            file.finish()
        });
        let (hash, size) = written.map_err(self.failed(relative))?;
        self.manifest.add(relative, hash.clone());
        Ok((hash, size))
    }

    fn write_text(&mut self, relative: &str, text: &str) -> Result<(), PackError> {
        self.write_with(relative, |out| out.write_all(text.as_bytes()))
            .map(drop)
    }

    /// Copies a cached media file in; a cached copy that cannot be read is the message's
    /// failure, not the pack's.
    fn copy_media(
        &mut self,
        source: &Path,
        relative: &str,
    ) -> Result<Result<(String, u64), String>, PackError> {
        let mut input = match std::fs::File::open(source) {
            Ok(file) => file,
            Err(e) => return Ok(Err(format!("the downloaded copy cannot be read: {e}"))),
        };
        let mut read_failed = None;
        let written = self.write_with(relative, |out| {
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                let n = match input.read(&mut buffer) {
                    Ok(0) => return Ok(()),
                    Ok(n) => n,
                    Err(e) => {
                        read_failed = Some(e.to_string());
                        return Ok(());
                    }
                };
                out.write_all(&buffer[..n])?;
            }
        })?;
        if let Some(why) = read_failed {
            self.manifest.entries.remove(relative);
            let _ = std::fs::remove_file(self.path(relative));
            return Ok(Err(format!("the downloaded copy cannot be read: {why}")));
        }
        Ok(Ok(written))
    }
}

/// Writes `contents` as a new pack folder inside `parent` (created if needed); returns where
/// and what. Nothing is left behind when it fails.
pub fn write_pack(parent: &Path, contents: &PackContents) -> Result<WrittenPack, PackError> {
    std::fs::create_dir_all(parent).map_err(|source| PackError::Write {
        path: parent.to_path_buf(),
        source,
    })?;
    let hidden = parent.join(format!(".parley-pack-{:08x}.partial", fastrand::u32(..)));
    std::fs::create_dir(&hidden).map_err(|source| PackError::Write {
        path: hidden.clone(),
        source,
    })?;
    let mut draft = Draft {
        dir: hidden.clone(),
        manifest: Manifest::default(),
    };
    let written = fill(&mut draft, contents).and_then(|(info, media_failed)| {
        let target = free_name(
            parent,
            &names::pack_folder(&contents.room.title, contents.exported_at_ms),
        );
        std::fs::rename(&hidden, &target).map_err(|source| PackError::Write {
            path: target.clone(),
            source,
        })?;
        Ok(WrittenPack {
            dir: target,
            files: info.files,
            messages: info.messages,
            media_saved: info.media_saved,
            media_failed,
            fingerprint: info.pack_sha256,
        })
    });
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&hidden);
    }
    written
}

/// Every file of the pack, in the hidden folder.
fn fill(
    draft: &mut Draft,
    contents: &PackContents,
) -> Result<(PackInfo, Vec<(i64, String)>), PackError> {
    let mut packed: BTreeMap<i64, Result<PackedMedia, String>> = BTreeMap::new();
    let by_id: BTreeMap<i64, &crate::message::StoredMessage> =
        contents.messages.iter().map(|m| (m.local_id, m)).collect();
    for (local_id, file) in &contents.media {
        let result = match file {
            MediaFile::Failed(why) => Err(why.clone()),
            MediaFile::Cached {
                path,
                mime,
                extension,
            } => {
                let sent_name = by_id
                    .get(local_id)
                    .and_then(|m| m.media.as_ref())
                    .map(|media| media.name.clone().unwrap_or_else(|| media.url.clone()))
                    .unwrap_or_default();
                let relative = format!(
                    "media/{}",
                    names::media_file(*local_id, &sent_name, extension)
                );
                if !draft.path("media").exists() {
                    std::fs::create_dir(draft.path("media")).map_err(draft.failed("media"))?;
                }
                draft
                    .copy_media(path, &relative)?
                    .map(|(sha256, size)| PackedMedia {
                        file: relative,
                        sha256,
                        size,
                        mime: mime.clone(),
                    })
            }
        };
        packed.insert(*local_id, result);
    }
    draft.write_text("messages.json", &records::render(contents, &packed))?;
    draft.write_text("transcript.txt", &text::render(contents, &packed))?;
    let pack_dir = draft.dir.clone();
    draft.write_with("transcript.html", |out| {
        html::write(out, contents, &packed, &pack_dir)
    })?;

    let manifest = draft.manifest.render();
    let manifest_sha256 = sha256_hex(manifest.as_bytes());
    std::fs::write(draft.path(MANIFEST), &manifest).map_err(draft.failed(MANIFEST))?;
    let media_failed: Vec<(i64, String)> = packed
        .iter()
        .filter_map(|(id, r)| r.as_ref().err().map(|why| (*id, why.clone())))
        .collect();
    let info = PackInfo {
        format: FORMAT.into(),
        app: "Parley".into(),
        app_version: contents.app_version.clone(),
        exported_at: time::utc(contents.exported_at_ms),
        exported_at_ms: contents.exported_at_ms,
        account: Named {
            id: contents.account.id.clone(),
            name: contents.account.name.clone(),
        },
        service: contents.account.service.clone(),
        room: Named {
            id: contents.room.id.clone(),
            name: contents.room.title.clone(),
        },
        order_no: contents.order.as_ref().map(|o| o.order_no.clone()),
        messages: contents.messages.len(),
        media_saved: packed.values().filter(|r| r.is_ok()).count(),
        media_failed: media_failed.len(),
        files: draft.manifest.entries.len(),
        manifest: MANIFEST.into(),
        manifest_sha256,
        pack_sha256: String::new(),
    };
    let (sealed, seal) = info.clone().sealed();
    std::fs::write(draft.path(PACK_INFO), sealed).map_err(draft.failed(PACK_INFO))?;
    Ok((
        PackInfo {
            pack_sha256: seal,
            ..info
        },
        media_failed,
    ))
}

/// `parent/name`, or `parent/name (2)`, `(3)`… if taken.
fn free_name(parent: &Path, name: &str) -> PathBuf {
    let mut candidate = parent.join(name);
    let mut n = 2;
    while candidate.exists() {
        candidate = parent.join(format!("{name} ({n})"));
        n += 1;
    }
    candidate
}
