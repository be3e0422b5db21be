//! Reading, searching and writing messages: history pages, search, send, retry, mark read.

use crate::error::{CommandError, CommandResult};
use crate::models::{self, AccountArg, Attachment, RoomArg};
use crate::startup::AppState;
use parley_core::media::outgoing::{FileToSend, SendAs};
use parley_core::message::StoredMessage;
use tauri::State;

/// The longest search the page may ask for.
const MAX_SEARCH: usize = 200;

/// A page of a room's history: before a message, or after one (a window scrolled back down).
#[tauri::command]
pub async fn history(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
    before: Option<i64>,
    after: Option<i64>,
    limit: u32,
) -> CommandResult<Vec<StoredMessage>> {
    Ok(match after {
        Some(after) => state.engine.newer(&account, &room, after, limit).await?,
        None => state.engine.history(&account, &room, before, limit).await?,
    })
}

/// Messages matching `query`, newest first; in one room when `account` and `room` are given.
#[tauri::command]
pub async fn search_messages(
    state: State<'_, AppState>,
    query: String,
    account: Option<AccountArg>,
    room: Option<RoomArg>,
) -> CommandResult<Vec<StoredMessage>> {
    if query.len() > MAX_SEARCH || query.chars().any(char::is_control) {
        return Err(CommandError::invalid(format!(
            "a search is at most {MAX_SEARCH} characters of text"
        )));
    }
    let scope = account.zip(room).map(|(a, r)| (a.0, r.0));
    Ok(state.engine.search(&query, scope, 50).await?)
}

#[tauri::command]
pub async fn send_message(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
    text: String,
    attachment: Option<Attachment>,
    reply_to: Option<i64>,
) -> CommandResult<StoredMessage> {
    let draft = models::draft(text, attachment)?;
    Ok(match reply_to {
        // A quote-reply: the local id of the message answered, in the same room.
        Some(quoted) => state.engine.reply(&account, &room, draft, quoted).await?,
        None => state.engine.send(&account, &room, draft).await?,
    })
}

/// Deletes a failed message of the user's.
#[tauri::command]
pub async fn delete_message(state: State<'_, AppState>, local_id: i64) -> CommandResult<()> {
    Ok(state.engine.delete_failed(local_id).await?)
}

/// Stops sending a file of the user's that is still uploading (the message goes with it).
#[tauri::command]
pub async fn cancel_upload(state: State<'_, AppState>, local_id: i64) -> CommandResult<()> {
    Ok(state.engine.cancel_upload(local_id).await?)
}

#[tauri::command]
pub async fn retry_message(state: State<'_, AppState>, local_id: i64) -> CommandResult<()> {
    Ok(state.engine.retry(local_id).await?)
}

#[tauri::command]
pub async fn mark_read(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
) -> CommandResult<()> {
    state.engine.mark_read(&account, &room).await?;
    state.badge_dirty.notify_one();
    Ok(())
}

/// Marks the room seen up to the newest message the page has had on screen.
#[tauri::command]
pub async fn mark_read_up_to(
    state: State<'_, AppState>,
    account: AccountArg,
    room: RoomArg,
    local_id: i64,
) -> CommandResult<()> {
    state
        .engine
        .mark_read_up_to(&account, &room, local_id)
        .await?;
    state.badge_dirty.notify_one();
    Ok(())
}

/// Sends a file from this computer (services that take uploads). The page sends the bytes as
/// the request's body (no JSON, no base64: a photo of megabytes stays one copy) and names the
/// rest in headers, percent-encoded: `x-account`, `x-room`, `x-name`, `x-send-as` (`photo` or
/// `file`) and `x-caption`.
#[tauri::command]
pub async fn send_file(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> CommandResult<StoredMessage> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::invalid("the file's bytes are missing"));
    };
    let header = |name: &str| -> CommandResult<String> {
        let raw = request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| CommandError::invalid(format!("{name} is not UTF-8")))
    };
    let account: AccountArg =
        serde_json::from_value(serde_json::Value::String(header("x-account")?))
            .map_err(|e| CommandError::invalid(e.to_string()))?;
    let room: RoomArg = serde_json::from_value(serde_json::Value::String(header("x-room")?))
        .map_err(|e| CommandError::invalid(e.to_string()))?;
    let send_as = match header("x-send-as")?.as_str() {
        "file" => SendAs::File,
        _ => SendAs::Photo,
    };
    let file = FileToSend {
        bytes: bytes.clone(),
        name: header("x-name")?,
        send_as,
        caption: header("x-caption")?,
    };
    Ok(state
        .engine
        .send_file(&account, &room, file, &state.outbox_dir)
        .await?)
}
