//! The frame inspector's commands: the last frames (all accounts or one), and an NDJSON export
//! into the Downloads folder for a bug report. Frames are redacted in the core before they are
//! kept, so nothing here can reveal a secret.

use crate::error::{CommandError, CommandResult};
use crate::models::AccountArg;
use crate::startup::AppState;
use parley_core::inspector::FrameRecord;
use tauri::State;

/// Most frames one call returns (the newest).
const MAX_RETURNED: usize = 1000;

#[tauri::command]
pub fn inspector_frames(
    state: State<'_, AppState>,
    account: Option<AccountArg>,
) -> CommandResult<Vec<FrameRecord>> {
    let account = account.map(|a| a.0);
    let mut frames = state.engine.inspector().frames(account.as_ref());
    let excess = frames.len().saturating_sub(MAX_RETURNED);
    frames.drain(..excess);
    Ok(frames)
}

/// Writes the frames as NDJSON into Downloads; returns the file's path.
#[tauri::command]
pub fn export_inspector(
    state: State<'_, AppState>,
    account: Option<AccountArg>,
) -> CommandResult<String> {
    let account = account.map(|a| a.0);
    let ndjson = state.engine.inspector().export_ndjson(account.as_ref());
    let folder = dirs::download_dir()
        .or_else(dirs::home_dir)
        .ok_or_else(|| CommandError::internal("there is no Downloads folder to save into"))?;
    let name = format!(
        "parley-frames-{}.ndjson",
        chrono::Utc::now().format("%Y%m%d-%H%M%S")
    );
    let path = folder.join(name);
    std::fs::write(&path, ndjson)
        .map_err(|e| CommandError::internal(format!("cannot save to {}: {e}", path.display())))?;
    Ok(path.display().to_string())
}
