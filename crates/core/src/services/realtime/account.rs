//! Setting up a Realtime account: turning what the user typed (a pasted JWT, or email and
//! password) into credentials, and the settings screen's "test connection", which tries the
//! REST API and the socket's `auth` and reports exactly what failed.

use super::RealtimeSettings;
use crate::codec::{Codec, Env, InFrame, Inbound};
use crate::secret::Secret;
use crate::services::realtime::codec::{RealtimeCodec, Shared};
use crate::services::realtime::rest::{jwt_user_id, RealtimeCredentials, RealtimeRest, RestError};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// How the user proves who they are.
pub enum Login {
    /// A JWT pasted from elsewhere.
    Token(Secret),
    /// Signed in by Parley (`POST /v1/auth/signin`); the password is used once and dropped.
    Password { email: String, password: Secret },
}

/// Credentials ready for the keyring, and who they belong to.
pub struct LoggedIn {
    pub credentials: RealtimeCredentials,
    pub user_id: String,
    pub name: Option<String>,
}

/// Signs in if needed and works out the user id (from the sign-in answer or the JWT).
pub async fn log_in(base_url: &str, api_key: Secret, login: Login) -> Result<LoggedIn, RestError> {
    if api_key.expose().trim().is_empty() {
        return Err(RestError::Settings("the API key is required".into()));
    }
    match login {
        Login::Token(token) => {
            if token.expose().trim().is_empty() {
                return Err(RestError::Settings(
                    "paste a token, or sign in with email and password".into(),
                ));
            }
            let user_id = jwt_user_id(token.expose()).unwrap_or_default();
            Ok(LoggedIn {
                credentials: RealtimeCredentials { api_key, token },
                user_id,
                name: None,
            })
        }
        Login::Password { email, password } => {
            if email.trim().is_empty() || password.expose().is_empty() {
                return Err(RestError::Settings(
                    "enter the email and the password".into(),
                ));
            }
            let rest = RealtimeRest::new(base_url, api_key.clone(), None)?;
            let signed = rest.sign_in(&email, &password).await?;
            Ok(LoggedIn {
                credentials: RealtimeCredentials {
                    api_key,
                    token: signed.token,
                },
                user_id: signed.user_id,
                name: signed.name,
            })
        }
    }
}

/// How long the socket must stay open after `auth` to count as accepted (no ack is documented).
const AUTH_GRACE: Duration = Duration::from_millis(1500);

/// Tries the REST API (one page of the directory) and the socket (`auth`, then silence or an
/// ack for a moment). Returns a line for the user, or the precise failure.
pub async fn test_connection(
    settings: &RealtimeSettings,
    credentials: &RealtimeCredentials,
) -> Result<String, RestError> {
    let rooms = rooms_in_directory(settings, credentials).await?;
    socket_accepts(settings, credentials).await?;
    Ok(format!(
        "Connected: the REST API answered ({}) and the live socket accepted the token.",
        rooms_text(rooms)
    ))
}

/// "12 rooms in the directory".
pub(super) fn rooms_text(rooms: u64) -> String {
    format!(
        "{rooms} room{} in the directory",
        if rooms == 1 { "" } else { "s" }
    )
}

/// How many rooms the directory lists: proves the REST API takes the key and the token.
pub(super) async fn rooms_in_directory(
    settings: &RealtimeSettings,
    credentials: &RealtimeCredentials,
) -> Result<u64, RestError> {
    let rest = RealtimeRest::with_credentials(&settings.base_url, credentials)?;
    Ok(rest.list_rooms(1, 1, None).await?.total)
}

/// Dials the live socket, authenticates and waits a moment for a refusal.
pub(super) async fn socket_accepts(
    settings: &RealtimeSettings,
    credentials: &RealtimeCredentials,
) -> Result<(), RestError> {
    let mut codec = RealtimeCodec::new(
        settings.clone(),
        credentials.api_key.clone(),
        credentials.token.clone(),
        Shared::new(Vec::new()),
    );
    // This check talks to the server itself, so it hands the codec the real time and fresh ids.
    let mut env = Env::new(|| uuid::Uuid::new_v4().to_string());
    env.at(crate::timestamp::now_ms());
    let request = codec
        .connect_request(&mut env)
        .map_err(|e| RestError::Settings(e.to_string()))?;
    let mut socket =
        crate::socket::dial(&request, Duration::from_secs(10), codec.max_frame_bytes())
            .await
            .map_err(|e| unreachable(e.message))?
            .socket;
    let refused = |why: String| {
        RestError::Refused(Box::new(crate::rest::Refusal {
            refuser: super::rest::API.refuser,
            status: Some(401),
            message: why,
            auth: true,
            ..Default::default()
        }))
    };
    let auth = codec.on_open(&mut env).into_iter().next();
    if let Some(crate::codec::OutFrame::Text(auth)) = auth {
        socket
            .send(WsMessage::Text(auth.into()))
            .await
            .map_err(|e| unreachable(e.to_string()))?;
    }
    let deadline = tokio::time::Instant::now() + AUTH_GRACE;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Err(_) => break,
            Ok(None) => {
                return Err(refused(
                    "the live socket closed right after sign-in: the token was refused".into(),
                ))
            }
            Ok(Some(Err(e))) => return Err(unreachable(e.to_string())),
            Ok(Some(Ok(WsMessage::Close(close)))) => {
                let why = close
                    .map(|c| c.reason.to_string())
                    .filter(|r| !r.is_empty());
                return Err(refused(format!(
                    "the live socket refused the token{}",
                    why.map(|w| format!(": {w}")).unwrap_or_default()
                )));
            }
            Ok(Some(Ok(WsMessage::Text(text)))) => {
                if let Ok(items) = codec.decode(
                    InFrame::Text(text.as_str()),
                    env.at(crate::timestamp::now_ms()),
                ) {
                    if let Some(Inbound::ServerError(message)) = items.into_iter().next() {
                        return Err(refused(format!("the live socket says: {message}")));
                    }
                }
            }
            Ok(Some(Ok(_))) => {}
        }
    }
    let _ = socket.close(None).await;
    Ok(())
}

/// The live socket could not be reached or failed.
fn unreachable(reason: String) -> RestError {
    RestError::Unreachable {
        api: super::rest::API.api,
        reason: format!("the live socket: {reason}"),
    }
}
