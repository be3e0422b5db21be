//! `MANIFEST.sha256`: the SHA-256 of every file of a pack but itself and `pack.json`, one line
//! each, `<64 hex>  <path>`, sorted by path: the format `sha256sum` writes, so an appeal desk
//! without Parley checks a pack with `sha256sum -c MANIFEST.sha256`.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Manifest {
    /// Relative path (`/`-separated) → lowercase hex SHA-256.
    pub entries: BTreeMap<String, String>,
}

impl Manifest {
    pub(super) fn add(&mut self, path: &str, sha256: String) {
        self.entries.insert(path.to_owned(), sha256);
    }

    pub(super) fn render(&self) -> String {
        self.entries
            .iter()
            .map(|(path, hash)| format!("{hash}  {path}\n"))
            .collect()
    }

    /// Reads a manifest; the first line that is not `<64 hex>  <safe relative path>` is an
    /// error naming it (a path that climbs out of the pack, `../x` or `/etc/x`, is not safe).
    pub(super) fn parse(text: &str) -> Result<Manifest, String> {
        let mut manifest = Manifest::default();
        for (number, line) in text.lines().enumerate() {
            let bad = || {
                format!(
                    "line {} of the manifest is not `<sha256>  <file>`",
                    number + 1
                )
            };
            let (hash, path) = line.split_once("  ").ok_or_else(bad)?;
            let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex || !safe_relative(path) {
                return Err(bad());
            }
            if manifest.entries.contains_key(path) {
                return Err(format!("the manifest lists {path} twice"));
            }
            manifest.add(path, hash.to_ascii_lowercase());
        }
        Ok(manifest)
    }
}

/// A path inside the pack: relative, `/`-separated, no empty, `.` or `..` part, no backslash
/// or control character.
pub(super) fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path.split('/').all(|part| !matches!(part, "" | "." | ".."))
}

/// Lowercase hex SHA-256 of `bytes`.
pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Lowercase hex SHA-256 of a file's bytes, read in chunks (media can be 200 MB).
pub(super) fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_what_it_wrote_in_sha256sum_format() {
        let mut manifest = Manifest::default();
        manifest.add("transcript.txt", sha256_hex(b"hello"));
        manifest.add("media/1-a.png", sha256_hex(b""));
        let text = manifest.render();
        assert_eq!(
            text.lines().next().unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  media/1-a.png"
        );
        assert_eq!(Manifest::parse(&text).unwrap(), manifest);
    }

    #[test]
    fn a_manifest_line_that_climbs_out_of_the_pack_is_refused() {
        let hash = sha256_hex(b"");
        for path in [
            "../outside",
            "/etc/passwd",
            "media/../../x",
            "a\\b",
            "",
            "a//b",
            "x\ny",
        ] {
            let text = format!("{hash}  {path}\n");
            assert!(Manifest::parse(&text).is_err(), "{path:?}");
        }
        assert!(Manifest::parse("nothash  file\n").is_err());
        assert!(Manifest::parse(&format!("{hash}  a\n{hash}  a\n")).is_err());
    }
}
