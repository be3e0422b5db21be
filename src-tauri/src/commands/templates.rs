//! Saved replies: the page sends the whole ordered list after an add, edit, reorder, delete
//! or import, and gets back what was kept.

use crate::error::CommandResult;
use crate::startup::AppState;
use parley_core::engine::ReplyTemplate;
use tauri::State;

#[tauri::command]
pub fn set_templates(
    state: State<'_, AppState>,
    templates: Vec<ReplyTemplate>,
) -> CommandResult<Vec<ReplyTemplate>> {
    Ok(state.engine.set_templates(templates)?)
}

/// Writes every template to a new JSON file in Downloads; returns its path.
#[tauri::command]
pub fn export_templates(state: State<'_, AppState>) -> CommandResult<String> {
    let folder = crate::downloads::folder()?;
    Ok(state
        .engine
        .export_templates(&folder)?
        .display()
        .to_string())
}
