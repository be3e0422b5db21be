//! Checking a pack: every file re-hashed against `MANIFEST.sha256`, the manifest against the
//! SHA-256 `pack.json` recorded, pack.json against its seal; every file the manifest lists
//! but the folder lacks, and every file the folder holds but the manifest does not list, is
//! named. Links are never followed (a pack holds only plain files).

use super::error::PackError;
use super::manifest::{sha256_file, sha256_hex, Manifest};
use super::pack_info::unseal;
use super::{MANIFEST, PACK_INFO};
use serde::Serialize;
use std::path::Path;

/// One way a pack differs from what was exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", content = "detail", rename_all = "snake_case")]
pub enum Problem {
    /// The file's bytes are not the ones exported.
    Changed(String),
    /// The manifest lists the file; the folder does not have it.
    Missing(String),
    /// The folder has the file; the manifest does not list it.
    Added(String),
    /// Something other than a plain file (a link, a folder) where the manifest lists a file.
    NotAFile(String),
    /// `MANIFEST.sha256` is not the one pack.json recorded.
    ManifestChanged,
    /// `MANIFEST.sha256` cannot be read as a manifest: why.
    ManifestUnreadable(String),
    /// `pack.json` cannot be trusted: why.
    PackInfoBroken(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Changed(p) => write!(f, "changed: {p}"),
            Problem::Missing(p) => write!(f, "missing: {p}"),
            Problem::Added(p) => write!(f, "added: {p}"),
            Problem::NotAFile(p) => write!(f, "not a plain file: {p}"),
            Problem::ManifestChanged => write!(
                f,
                "changed: {MANIFEST} (it is not the manifest pack.json recorded)"
            ),
            Problem::ManifestUnreadable(why) => write!(f, "unreadable: {MANIFEST}: {why}"),
            Problem::PackInfoBroken(why) => write!(f, "changed: {PACK_INFO}: {why}"),
        }
    }
}

/// What checking a pack found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Empty when the pack is exactly as exported.
    pub problems: Vec<Problem>,
    /// Files of the manifest that were checked.
    pub files_checked: usize,
    /// pack.json's seal, when pack.json is intact.
    pub fingerprint: Option<String>,
    /// The room and the export time pack.json names, when it is intact.
    pub room: Option<String>,
    pub exported_at: Option<String>,
}

impl Verdict {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the pack in `dir`. An error only when the folder itself cannot be read; everything
/// wrong inside it is a [`Problem`].
pub fn verify_pack(dir: &Path) -> Result<Verdict, PackError> {
    if !dir.is_dir() {
        return Err(PackError::NotAFolder(dir.to_path_buf()));
    }
    let mut found = Vec::new();
    walk(dir, "", &mut found)?;
    let mut problems = Vec::new();
    let read = |name: &str| std::fs::read(dir.join(name)).ok();

    let info = match read(PACK_INFO) {
        None => {
            problems.push(Problem::Missing(PACK_INFO.into()));
            None
        }
        Some(bytes) => unseal(&bytes)
            .map_err(|why| problems.push(Problem::PackInfoBroken(why)))
            .ok(),
    };
    let manifest = match read(MANIFEST) {
        None => {
            problems.push(Problem::Missing(MANIFEST.into()));
            Manifest::default()
        }
        Some(bytes) => {
            if info
                .as_ref()
                .is_some_and(|info| info.manifest_sha256 != sha256_hex(&bytes))
            {
                problems.push(Problem::ManifestChanged);
            }
            std::str::from_utf8(&bytes)
                .map_err(|_| "it is not text".to_owned())
                .and_then(Manifest::parse)
                .unwrap_or_else(|why| {
                    problems.push(Problem::ManifestUnreadable(why));
                    Manifest::default()
                })
        }
    };

    for (path, expected) in &manifest.entries {
        let file = dir.join(path);
        match std::fs::symlink_metadata(&file) {
            Err(_) => problems.push(Problem::Missing(path.clone())),
            Ok(meta) if !meta.is_file() => problems.push(Problem::NotAFile(path.clone())),
            Ok(_) => match sha256_file(&file) {
                Ok(actual) if &actual == expected => {}
                _ => problems.push(Problem::Changed(path.clone())),
            },
        }
    }
    for path in &found {
        let own = path == MANIFEST || path == PACK_INFO;
        if !own && !manifest.entries.contains_key(path) {
            problems.push(Problem::Added(path.clone()));
        }
    }
    Ok(Verdict {
        problems,
        files_checked: manifest.entries.len(),
        fingerprint: info.as_ref().map(|i| i.pack_sha256.clone()),
        room: info.as_ref().map(|i| i.room.name.clone()),
        exported_at: info.as_ref().map(|i| i.exported_at.clone()),
    })
}

/// Every entry under `dir` that is not a folder (plain files, links, anything else), as paths
/// relative to the pack with `/`; folders are walked, links are not followed.
fn walk(dir: &Path, prefix: &str, found: &mut Vec<String>) -> Result<(), PackError> {
    let entries = std::fs::read_dir(dir).map_err(|source| PackError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| PackError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = format!("{prefix}{name}");
        let kind = entry.file_type().map_err(|source| PackError::Read {
            path: entry.path(),
            source,
        })?;
        if kind.is_dir() {
            walk(&entry.path(), &format!("{relative}/"), found)?;
        } else {
            found.push(relative);
        }
    }
    Ok(())
}
