//! Where a profile keeps its files. `--profile DIR` puts everything in DIR, so several
//! profiles (and tests) run side by side without touching the user's own.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub config_file: PathBuf,
    pub store_file: PathBuf,
    pub logs_dir: PathBuf,
    /// Media fetched for the page, content-addressed (see [`crate::media`]).
    pub media_dir: PathBuf,
    /// Files the user sends, kept until they are uploaded (see [`crate::media::outgoing`]).
    pub outbox_dir: PathBuf,
    /// Keeps this profile's keyring entries apart from other profiles'.
    pub keyring_namespace: String,
}

/// The default profile's keyring namespace (an explicit profile's names its folder).
const DEFAULT_NAMESPACE: &str = "default";

impl Profile {
    /// Everything under one folder.
    pub fn in_dir(dir: &Path) -> Profile {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        Profile {
            config_file: dir.join("config.json"),
            store_file: dir.join("parley.sqlite3"),
            logs_dir: dir.join("logs"),
            media_dir: dir.join("media"),
            outbox_dir: dir.join("outbox"),
            keyring_namespace: format!("profile:{}", dir.display()),
        }
    }

    /// The platform's config dir for the config, its data dir for the store and logs
    /// (on Linux `~/.config/parley` and `~/.local/share/parley`).
    pub fn platform_default() -> Profile {
        let home = dirs::home_dir().unwrap_or_else(|| PathBuf::from("."));
        let config = dirs::config_dir()
            .unwrap_or_else(|| home.join(".config"))
            .join("parley");
        let data = dirs::data_dir()
            .unwrap_or_else(|| home.join(".local/share"))
            .join("parley");
        Profile {
            config_file: config.join("config.json"),
            store_file: data.join("parley.sqlite3"),
            logs_dir: data.join("logs"),
            media_dir: dirs::cache_dir()
                .unwrap_or_else(|| home.join(".cache"))
                .join("parley/media"),
            outbox_dir: data.join("outbox"),
            keyring_namespace: DEFAULT_NAMESPACE.into(),
        }
    }

    /// Names this profile's part of the page's own storage (drafts, the last room open), which
    /// WebKit keeps in one place for every profile: empty for the default profile (the names it
    /// always used), a digest of the folder for `--profile DIR`, so that what was typed in one
    /// profile never shows in another.
    pub fn page_storage_key(&self) -> String {
        use sha2::Digest;
        if self.keyring_namespace == DEFAULT_NAMESPACE {
            return String::new();
        }
        hex::encode(&sha2::Sha256::digest(self.keyring_namespace.as_bytes())[..8])
    }

    pub fn from_arg(dir: Option<&Path>) -> Profile {
        dir.map(Profile::in_dir)
            .unwrap_or_else(Profile::platform_default)
    }
}

/// What claiming a profile folder found.
pub enum Claim {
    /// This process is the profile's one Parley: keep the lock for as long as it runs, and
    /// show the window when a line arrives on the listener (another launch asking).
    First {
        lock: InstanceLock,
        listener: Option<std::os::unix::net::UnixListener>,
    },
    /// Another Parley runs on this folder (one store, one set of connections): ask it to come
    /// to the front with [`ask_to_show`] and stop.
    Running,
}

/// Held by the profile's one running Parley (an advisory lock on `parley.lock`, released when
/// the process ends, however it ends).
pub struct InstanceLock {
    _file: std::fs::File,
}

const LOCK_FILE: &str = "parley.lock";
const SOCKET_FILE: &str = "parley.sock";

/// Claims `dir` for this process (see [`Claim`]). The socket is a convenience: where it cannot
/// be made (a path too long for a socket), the lock still keeps a second Parley out.
pub fn claim(dir: &Path) -> std::io::Result<Claim> {
    Ok(match try_lock(dir)? {
        Some(lock) => Claim::First {
            lock,
            listener: listen(dir),
        },
        None => Claim::Running,
    })
}

/// The profile's lock, or `None` while another Parley holds it.
fn try_lock(dir: &Path) -> std::io::Result<Option<InstanceLock>> {
    std::fs::create_dir_all(dir)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))?;
    match file.try_lock() {
        Ok(()) => {
            // A previous Parley's "closing" mark ([`stop_answering`]) is not this one's.
            file.set_len(0)?;
            Ok(Some(InstanceLock { _file: file }))
        }
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// The socket later launches ask on, for the holder of the lock.
fn listen(dir: &Path) -> Option<std::os::unix::net::UnixListener> {
    let socket = dir.join(SOCKET_FILE);
    // A socket left by a Parley that ended without removing it: the lock says it is gone.
    let _ = std::fs::remove_file(&socket);
    match std::os::unix::net::UnixListener::bind(&socket) {
        Ok(listener) => Some(listener),
        Err(e) => {
            tracing::warn!(error = %e, "another launch on this profile cannot bring this window up");
            None
        }
    }
}

/// How long a launch waits for a Parley that is closing on its profile (its last writes and its
/// goodbyes to the services: a listenKey deleted over a slow network) before it gives up.
pub const CLOSING_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// What the lock file says once its Parley has started to close.
const CLOSING: &[u8] = b"closing\n";

/// Called by the running Parley as it starts to close: later launches can no longer ask it to
/// show a window it is about to take down, so they wait for it to end ([`wait_for_closing`]).
/// The lock file is marked first, so that a launch finding no socket can tell a closing Parley
/// from one that never had a socket (a folder path too long for one, or the file removed),
/// which it need not wait for.
pub fn stop_answering(dir: &Path) {
    let _ = std::fs::write(dir.join(LOCK_FILE), CLOSING);
    let _ = std::fs::remove_file(dir.join(SOCKET_FILE));
}

/// Whether the Parley holding `dir` has started to close ([`stop_answering`]).
pub fn is_closing(dir: &Path) -> bool {
    std::fs::read(dir.join(LOCK_FILE)).is_ok_and(|marked| marked == CLOSING)
}

/// Claims `dir` once the Parley holding it has ended, trying for at most `wait`: a launch right
/// after the window was closed (its Parley still closing, no longer answering) then runs instead
/// of quietly doing nothing. `Running` if it still holds the profile after `wait`.
pub fn wait_for_closing(dir: &Path, wait: std::time::Duration) -> std::io::Result<Claim> {
    Ok(match wait_for_lock(dir, wait)? {
        Some(lock) => Claim::First {
            lock,
            listener: listen(dir),
        },
        None => Claim::Running,
    })
}

/// The profile's lock once the Parley holding it has ended (at most `wait`), without the socket:
/// for the default profile, whose later launches the single-instance plugin answers.
pub fn wait_for_lock(
    dir: &Path,
    wait: std::time::Duration,
) -> std::io::Result<Option<InstanceLock>> {
    let deadline = std::time::Instant::now() + wait;
    loop {
        match try_lock(dir)? {
            None if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            locked => return Ok(locked),
        }
    }
}

/// Asks the Parley running on `dir` to show its window.
pub fn ask_to_show(dir: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let mut stream = std::os::unix::net::UnixStream::connect(dir.join(SOCKET_FILE))?;
    stream.write_all(b"show\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufRead;

    #[test]
    fn a_launch_while_the_running_parley_closes_waits_for_it_and_then_runs() {
        let dir = tempfile::tempdir().unwrap();
        let Claim::First { lock, .. } = claim(dir.path()).unwrap() else {
            panic!("the first claim is the first")
        };
        // Closing: it stops answering first, then takes a while to end.
        stop_answering(dir.path());
        assert!(
            ask_to_show(dir.path()).is_err(),
            "a closing Parley cannot be asked to show"
        );
        let closing = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            drop(lock);
        });
        let started = std::time::Instant::now();
        let Claim::First { listener, .. } =
            wait_for_closing(dir.path(), std::time::Duration::from_secs(10)).unwrap()
        else {
            panic!("the launch runs once the closing Parley ended")
        };
        assert!(started.elapsed() >= std::time::Duration::from_millis(250));
        assert!(listener.is_some(), "the new Parley answers later launches");
        closing.join().unwrap();
        assert!(ask_to_show(dir.path()).is_ok());
    }

    #[test]
    fn each_profile_folder_has_its_own_page_storage_and_the_default_keeps_its_names() {
        assert_eq!(Profile::platform_default().page_storage_key(), "");
        let one = Profile::in_dir(Path::new("/tmp/profile-one")).page_storage_key();
        let two = Profile::in_dir(Path::new("/tmp/profile-two")).page_storage_key();
        assert_eq!(one.len(), 16);
        assert_ne!(one, two);
        assert_eq!(
            one,
            Profile::in_dir(Path::new("/tmp/profile-one")).page_storage_key()
        );
    }

    #[test]
    fn a_running_parley_without_a_socket_is_not_taken_for_a_closing_one() {
        let dir = tempfile::tempdir().unwrap();
        let Claim::First { lock, .. } = claim(dir.path()).unwrap() else {
            panic!("the first claim is the first")
        };
        // No socket to ask on (removed here; a folder path too long for one makes none).
        std::fs::remove_file(dir.path().join(SOCKET_FILE)).unwrap();
        assert!(ask_to_show(dir.path()).is_err());
        assert!(!is_closing(dir.path()), "running: a launch need not wait");
        stop_answering(dir.path());
        assert!(is_closing(dir.path()));
        drop(lock);
        let Claim::First { lock: _next, .. } = claim(dir.path()).unwrap() else {
            panic!("free once it ended")
        };
        assert!(!is_closing(dir.path()), "the next Parley is not closing");
    }

    #[test]
    fn the_default_profile_waits_for_the_lock_alone_and_makes_no_socket() {
        let dir = tempfile::tempdir().unwrap();
        let first = wait_for_lock(dir.path(), std::time::Duration::ZERO).unwrap();
        assert!(first.is_some());
        assert!(!dir.path().join(SOCKET_FILE).exists());
        let second = wait_for_lock(dir.path(), std::time::Duration::from_millis(100)).unwrap();
        assert!(second.is_none(), "held while the first lock lives");
        drop(first);
        assert!(wait_for_lock(dir.path(), std::time::Duration::ZERO)
            .unwrap()
            .is_some());
    }

    #[test]
    fn a_parley_that_does_not_end_is_left_running_after_the_wait() {
        let dir = tempfile::tempdir().unwrap();
        let Claim::First { lock: _lock, .. } = claim(dir.path()).unwrap() else {
            panic!("the first claim is the first")
        };
        let waited = wait_for_closing(dir.path(), std::time::Duration::from_millis(200)).unwrap();
        assert!(matches!(waited, Claim::Running));
    }

    #[test]
    fn a_profile_runs_one_parley_and_a_second_launch_asks_it_to_show() {
        let dir = tempfile::tempdir().unwrap();
        let Claim::First { lock, listener } = claim(dir.path()).unwrap() else {
            panic!("the first claim is the first")
        };
        assert!(matches!(claim(dir.path()).unwrap(), Claim::Running));
        ask_to_show(dir.path()).unwrap();
        let (stream, _) = listener.expect("a socket").accept().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stream)
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line, "show\n");
        drop(lock);
        assert!(
            matches!(claim(dir.path()).unwrap(), Claim::First { .. }),
            "once the first ends, the profile is free"
        );
    }
}
