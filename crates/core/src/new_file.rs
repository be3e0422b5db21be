//! Files Parley writes into the user's folders (Downloads: saved media, exported templates):
//! always a new file, `name`, else `name (2)`, `name (3)`…, created exclusively, so an existing
//! file, or a link someone planted under that name, is never written through.

use std::fs::File;
use std::path::{Path, PathBuf};

/// `name`, `name (2)`, `name (3)`… in `folder`.
fn candidate(folder: &Path, name: &str, n: u32) -> PathBuf {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    match (n, ext) {
        (1, _) => folder.join(name),
        (n, "") => folder.join(format!("{stem} ({n})")),
        (n, ext) => folder.join(format!("{stem} ({n}).{ext}")),
    }
}

/// Creates a new file in `folder` named `name` or the first free `name (n)`; the open file
/// and its path.
pub fn create_new_file(folder: &Path, name: &str) -> std::io::Result<(File, PathBuf)> {
    for n in 1..=1000 {
        let target = candidate(folder, name, n);
        // create_new is O_CREAT|O_EXCL: it fails on any existing path, a symlink included.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
        {
            Ok(file) => return Ok((file, target)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "a thousand files already have that name",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_never_writes_through_a_planted_link_or_over_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("autostart.desktop");
        let folder = dir.path().join("Downloads");
        std::fs::create_dir(&folder).unwrap();
        std::os::unix::fs::symlink(&victim, folder.join("receipt.pdf")).unwrap();
        std::fs::write(folder.join("receipt (2).pdf"), b"older").unwrap();
        let (_, path) = create_new_file(&folder, "receipt.pdf").unwrap();
        assert_eq!(path, folder.join("receipt (3).pdf"));
        assert!(!victim.exists(), "nothing was written through the link");
        assert_eq!(
            std::fs::read(folder.join("receipt (2).pdf")).unwrap(),
            b"older"
        );
        let (_, bare) = create_new_file(&folder, "README").unwrap();
        let (_, again) = create_new_file(&folder, "README").unwrap();
        assert_eq!(
            (bare, again),
            (folder.join("README"), folder.join("README (2)"))
        );
    }
}
