//! How long after the process started each step of start-up happened, and when the page first
//! painted the rooms: written to the log, where a support request finds it and
//! `bash scripts/bench-ui.sh startup` reads it.

/// When this process started, in milliseconds since the Unix epoch, from the kernel's record
/// (so the time before `main`, loading 170 shared libraries, counts too). Linux only.
fn process_started_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after_name = stat.rsplit_once(") ")?.1;
    let start_ticks: f64 = after_name.split(' ').nth(19)?.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split(' ')
        .next()?
        .parse()
        .ok()?;
    // SAFETY: sysconf only reads a system constant.
    let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Some(now_ms() - (uptime - start_ticks / ticks_per_second) * 1000.0)
}

/// Milliseconds since the Unix epoch, now.
fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Milliseconds since this process started.
pub fn since_start_ms() -> Option<f64> {
    process_started_ms().map(|started| (now_ms() - started).round())
}

/// Logs a start-up milestone of the backend with the time since the process started.
pub fn log_milestone(what: &'static str) {
    if let Some(after) = since_start_ms() {
        tracing::info!(after_start_ms = after, "start-up: {what}");
    }
}

/// Logs the moment the page reported (milliseconds since the epoch, by the page's clock), and
/// when the page's document started loading.
pub fn log_rooms_shown(at_ms: f64, page_started_ms: f64) {
    match process_started_ms() {
        Some(started) => {
            tracing::info!(
                after_start_ms = (at_ms - started).round(),
                page_started_after_ms = (page_started_ms - started).round(),
                "rooms on screen"
            )
        }
        None => tracing::info!("rooms on screen"),
    }
}
