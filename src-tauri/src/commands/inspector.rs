//! The frame inspector's commands: the last frames (all accounts or one), and an NDJSON export
//! into the Downloads folder for a bug report. Frames are redacted in the core before they are
//! shown, so nothing here can reveal a secret. Both are async and describe frames on a blocking
//! thread: a read may inflate and parse hundreds of frames, which must never run on the main
//! thread that paints the window.

use crate::error::{CommandError, CommandResult};
use crate::models::AccountArg;
use crate::startup::AppState;
use parley_core::inspector::FrameRecord;
use tauri::State;

/// Most frames one call returns (the newest).
const MAX_RETURNED: usize = 1000;

/// The frames recorded after `after` (the `seq` of the last frame the page has; all when
/// absent), the newest [`MAX_RETURNED`]: the page polls every second and gets only what is new.
#[tauri::command]
pub async fn inspector_frames(
    state: State<'_, AppState>,
    account: Option<AccountArg>,
    after: Option<u64>,
) -> CommandResult<Vec<FrameRecord>> {
    let inspector = state.engine.inspector().clone();
    let account = account.map(|a| a.0);
    off_the_main_thread(move || inspector.frames_after(account.as_ref(), after, MAX_RETURNED)).await
}

async fn off_the_main_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| CommandError::internal(format!("the frame inspector stopped: {e}")))
}

/// Writes the frames as NDJSON into Downloads; returns the file's path.
#[tauri::command]
pub async fn export_inspector(
    state: State<'_, AppState>,
    account: Option<AccountArg>,
) -> CommandResult<String> {
    let inspector = state.engine.inspector().clone();
    let account = account.map(|a| a.0);
    let ndjson = off_the_main_thread(move || inspector.export_ndjson(account.as_ref())).await?;
    let folder = crate::downloads::folder()?;
    let name = format!(
        "parley-frames-{}.ndjson",
        chrono::Utc::now().format("%Y%m%d-%H%M%S")
    );
    let path = folder.join(name);
    std::fs::write(&path, ndjson)
        .map_err(|e| CommandError::internal(format!("cannot save to {}: {e}", path.display())))?;
    Ok(path.display().to_string())
}
