//! Adding and removing accounts, reconnecting one, and dismissing the Demo.

use crate::error::CommandResult;
use crate::models::AccountArg;
use crate::startup::AppState;
use parley_core::account::Account;
use parley_core::services::AccountForm;
use tauri::State;

/// Adds the account the settings form describes (checked with the service first).
#[tauri::command]
pub async fn add_account(
    state: State<'_, AppState>,
    request: AccountForm,
) -> CommandResult<Account> {
    let new = request.into_new_account().await?;
    Ok(state.engine.add_account(new).await?)
}

#[tauri::command]
pub async fn remove_account(state: State<'_, AppState>, account: AccountArg) -> CommandResult<()> {
    Ok(state.engine.remove_account(&account).await?)
}

/// Settings' check before adding a mockly.me account: the endpoint answers the handshake.
#[tauri::command]
pub async fn test_mockly(
    request: parley_core::services::mockly::MocklyForm,
) -> CommandResult<String> {
    Ok(request.test().await?)
}

/// Settings' "Edit": a new name and addresses for an account, which keeps its id and history.
#[tauri::command]
pub async fn update_account(
    state: State<'_, AppState>,
    account: AccountArg,
    edit: parley_core::engine::AccountEdit,
) -> CommandResult<()> {
    state.engine.update_account(&account, edit).await?;
    Ok(())
}

#[tauri::command]
pub fn reconnect_now(state: State<'_, AppState>, account: AccountArg) -> CommandResult<()> {
    Ok(state.engine.reconnect_now(&account)?)
}

#[tauri::command]
pub async fn dismiss_demo(state: State<'_, AppState>) -> CommandResult<()> {
    state.engine.dismiss_demo().await?;
    state.demo.lock().unwrap_or_else(|p| p.into_inner()).take();
    Ok(())
}
