//! Logs: `tracing` to a daily-rotating file in the profile (7 files kept), filtered by the
//! `PARLEY_LOG` variable (`EnvFilter` syntax, default `info`). Secrets never reach a log: they
//! are [`crate::secret::Secret`]s, which print as `[redacted]`.

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// The variable that sets the log filter, e.g. `PARLEY_LOG=debug,parley_core=trace`.
pub const FILTER_VAR: &str = "PARLEY_LOG";

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
    let (writer, guard) = tracing_appender::non_blocking(appender);
    tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok(guard)
}

/// Logs to stderr (parley-cli, whose stdout is the NDJSON stream).
pub fn init_stderr() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(std::io::stderr)
        .try_init();
}

/// Libraries that print raw requests and frames (URLs with listenKeys, auth frames with tokens)
/// at debug or trace. They are capped at info whatever `PARLEY_LOG` says: Parley's own logs
/// describe connections without their secrets, and the secrets audit test holds it to that.
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

fn filter() -> EnvFilter {
    let mut filter = EnvFilter::try_from_env(FILTER_VAR).unwrap_or_else(|_| EnvFilter::new("info"));
    for target in CAPPED {
        if let Ok(cap) = format!("{target}=info").parse() {
            filter = filter.add_directive(cap);
        }
    }
    filter
}
