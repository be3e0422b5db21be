//! The folder that files the user saves or exports go to: the desktop's Downloads folder, made if
//! it does not exist yet (the dialogs say "Downloads"; a fresh account or a minimal desktop may
//! have none), and the home folder only if it cannot be made.

use crate::error::{CommandError, CommandResult};
use std::path::PathBuf;

/// The Downloads folder, made if needed.
pub fn folder() -> CommandResult<PathBuf> {
    choose(dirs::download_dir(), dirs::home_dir())
        .ok_or_else(|| CommandError::internal("there is no Downloads folder to save into"))
}

/// The desktop's Downloads folder (or `~/Downloads` when it names none), made if missing; the
/// home folder if that fails.
fn choose(download_dir: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    let wanted = download_dir.or_else(|| home.as_ref().map(|h| h.join("Downloads")));
    if let Some(dir) = wanted {
        match std::fs::create_dir_all(&dir) {
            Ok(()) => return Some(dir),
            Err(e) => {
                tracing::warn!(error = %e, folder = %dir.display(), "the Downloads folder cannot be made; saving into the home folder")
            }
        }
    }
    home
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_downloads_folder_is_made_rather_than_saving_into_home() {
        let home = tempfile::tempdir().unwrap();
        let chosen = choose(None, Some(home.path().to_path_buf())).unwrap();
        assert_eq!(chosen, home.path().join("Downloads"));
        assert!(chosen.is_dir());
        let named = home.path().join("Téléchargements");
        assert_eq!(
            choose(Some(named.clone()), Some(home.path().to_path_buf())),
            Some(named.clone())
        );
        assert!(named.is_dir(), "the desktop's own name for it, made too");
        // A file where the folder should be: the home folder, as before.
        let blocked = home.path().join("blocked");
        std::fs::write(&blocked, b"").unwrap();
        assert_eq!(
            choose(Some(blocked), Some(home.path().to_path_buf())),
            Some(home.path().to_path_buf())
        );
    }
}
