//! Exporting a room as a dispute evidence pack (see `parley_core::evidence`) into the Downloads
//! folder: the page names the room; the pack's folder, what went in, what could not, and the
//! fingerprint come back for the page to show.

use crate::error::CommandResult;
use crate::models::{AccountArg, RoomArg};
use crate::startup::AppState;
use serde::Serialize;
use tauri::State;

#[derive(Serialize)]
pub struct ExportedPack {
    pub dir: String,
    pub files: usize,
    pub messages: usize,
    pub media_saved: usize,
    pub media_failed: Vec<FailedMedia>,
    /// pack.json's seal, which identifies this exact pack.
    pub fingerprint: String,
}

#[derive(Serialize)]
pub struct FailedMedia {
    pub local_id: i64,
    pub reason: String,
}

/// Writes an evidence pack of the room into Downloads; media not yet cached are downloaded.
#[tauri::command]
pub async fn export_evidence(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
) -> CommandResult<ExportedPack> {
    let folder = crate::downloads::folder()?;
    let written = state
        .engine
        .export_evidence(&account, &room, &folder, state.media.as_ref())
        .await?;
    Ok(ExportedPack {
        dir: written.dir.display().to_string(),
        files: written.files,
        messages: written.messages,
        media_saved: written.media_saved,
        media_failed: written
            .media_failed
            .into_iter()
            .map(|(local_id, reason)| FailedMedia { local_id, reason })
            .collect(),
        fingerprint: written.fingerprint,
    })
}
