//! Logs: `tracing` to a daily-rotating file in the profile (7 files kept), filtered by the
//! `PARLEY_LOG` variable (`EnvFilter` syntax, default `info`). Secrets never reach a log: they
//! are [`crate::secret::Secret`]s, which print as `[redacted]`.

use std::path::Path;
use tracing::{Level, Subscriber};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// The variable that sets the log filter, e.g. `PARLEY_LOG=debug,parley_core=trace`.
pub const FILTER_VAR: &str = "PARLEY_LOG";

/// Lines waiting for the log thread. The default (128,000) allocates and touches 4 MB of queue
/// slots up front, for a log that writes a few lines a minute (512 KB here); past this many
/// waiting lines (a storm the disk cannot keep up with) new ones are dropped, never waited for.
const BUFFERED_LINES: usize = 16_384;

/// Starts logging into `dir`. Keep the guard alive for as long as logs should be flushed.
pub fn init_file(dir: &Path) -> Result<WorkerGuard, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("parley")
        .filename_suffix("log")
        .max_log_files(7)
        .build(dir)
        .map_err(|e| format!("cannot open a log file in {}: {e}", dir.display()))?;
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(BUFFERED_LINES)
        .finish(appender);
    subscriber(user_filter().as_deref(), writer, false)
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok(guard)
}

/// Logs to stderr (parley-cli, whose stdout is the NDJSON stream).
pub fn init_stderr() {
    let _ = subscriber(user_filter().as_deref(), std::io::stderr, true).try_init();
}

/// What `PARLEY_LOG` says, if it is set and readable.
fn user_filter() -> Option<String> {
    std::env::var(FILTER_VAR).ok()
}

/// The logger both outputs use: the user's filter (`spec`, `info` when missing or invalid)
/// over lines written to `writer`, and [`cap`] over both. The cap is a filter of its own, not
/// a directive inside the user's: within one `EnvFilter` the most specific directive wins, so
/// `tungstenite::protocol=trace` beat a `tungstenite=info` added beside it. An event is written
/// only when both filters let it through.
fn subscriber<W>(spec: Option<&str>, writer: W, ansi: bool) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter(spec))
        .with_writer(writer)
        .with_ansi(ansi)
        .finish()
        .with(cap())
}

/// [`CAPPED`] at info, every other target left to the user's filter. Targets match by prefix:
/// `tungstenite` covers `tungstenite::protocol` (and any target that starts with those letters).
fn cap() -> Targets {
    Targets::new()
        .with_default(LevelFilter::TRACE)
        .with_targets(CAPPED.iter().map(|target| (*target, Level::INFO)))
}

/// Libraries that print raw requests and frames (URLs with listenKeys, auth frames with tokens)
/// at debug or trace. They are capped at info whatever `PARLEY_LOG` says (see [`subscriber`]):
/// Parley's own logs describe connections without their secrets, and the secrets audit test
/// holds it to that.
const CAPPED: &[&str] = &[
    "tungstenite",
    "tokio_tungstenite",
    "hyper",
    "hyper_util",
    "h2",
    "reqwest",
    "native_tls",
    "zbus",
];

/// The user's filter; `info` when there is none or it cannot be read.
fn filter(spec: Option<&str>) -> EnvFilter {
    spec.and_then(|s| EnvFilter::try_new(s).ok())
        .unwrap_or_else(|| EnvFilter::new("info"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Log lines gathered in memory.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// One event at trace, debug and info from `target` (a literal: tracing's targets are static).
    macro_rules! at_every_level {
        ($target:literal) => {
            tracing::trace!(target: $target, "below the cap (trace)");
            tracing::debug!(target: $target, "below the cap (debug)");
            tracing::info!(target: $target, "at the cap");
        };
    }

    #[test]
    fn capped_libraries_log_nothing_below_info_whatever_the_filter_names() {
        // Each capped library, and a module inside it: a directive for a module is more
        // specific than one for its crate, which is how a plain `tungstenite=info` was beaten.
        let mut spec = String::from("trace,hyper_util::client::legacy=trace");
        for target in CAPPED {
            spec.push_str(&format!(",{target}=trace,{target}::protocol=trace"));
        }
        let lines = Lines::default();
        let writer = lines.clone();
        let logger = subscriber(Some(&spec), move || writer.clone(), false);
        tracing::subscriber::with_default(logger, || {
            at_every_level!("tungstenite::protocol");
            at_every_level!("tungstenite");
            at_every_level!("tokio_tungstenite::protocol");
            at_every_level!("hyper::protocol");
            at_every_level!("hyper_util::client::legacy");
            at_every_level!("h2::protocol");
            at_every_level!("reqwest::protocol");
            at_every_level!("native_tls::protocol");
            at_every_level!("zbus::protocol");
            tracing::trace!(target: "parley_core::supervisor", "parley's own trace");
        });
        let written = String::from_utf8_lossy(&lines.0.lock().unwrap()).into_owned();
        let below: Vec<&str> = written
            .lines()
            .filter(|l| l.contains("below the cap"))
            .collect();
        assert!(
            below.is_empty(),
            "capped libraries wrote:\n{}",
            below.join("\n")
        );
        assert_eq!(
            written.lines().filter(|l| l.contains("at the cap")).count(),
            9,
            "info still gets through:\n{written}"
        );
        assert!(
            written.contains("parley's own trace"),
            "the cap leaves other targets to the user's filter"
        );
    }
}
