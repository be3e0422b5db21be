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
            keyring_namespace: "default".into(),
        }
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
    std::fs::create_dir_all(dir)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(Claim::Running),
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    let socket = dir.join(SOCKET_FILE);
    // A socket left by a Parley that ended without removing it: the lock says it is gone.
    let _ = std::fs::remove_file(&socket);
    let listener = match std::os::unix::net::UnixListener::bind(&socket) {
        Ok(listener) => Some(listener),
        Err(e) => {
            tracing::warn!(error = %e, "another launch on this profile cannot bring this window up");
            None
        }
    };
    Ok(Claim::First {
        lock: InstanceLock { _file: file },
        listener,
    })
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
