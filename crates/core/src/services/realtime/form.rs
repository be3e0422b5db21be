//! The settings form of a Realtime account: the server, the API key, and a pasted token or an
//! email and password (signed in once; the password is dropped with the form). Also the
//! settings screen's "Test connection".

use super::account::{log_in, rooms_in_directory, rooms_text, socket_accepts, LoggedIn, Login};
use super::{RealtimeSendPath, RealtimeSettings, MAX_SYMBOLS};
use crate::engine::{CheckReport, EngineError, ErrorKind, Field, NewAccount, Steps};
use crate::rest::RestError;
use crate::secret::Secret;
use crate::services::form;
use crate::services::ServiceSettings;
use serde::Deserialize;

const MAX_FIELD: usize = 4096;

/// Where a sign-in or test failure belongs: the server address when it cannot be reached;
/// otherwise the form as a whole. A refusal does not say which secret it was (the server
/// refuses a wrong API key and a wrong password or token alike, with 401), so it names none.
pub(crate) fn at_server_or_form(e: RestError) -> EngineError {
    match e {
        RestError::Unreachable { .. } | RestError::Settings(_) => {
            EngineError::from(e).in_field(Field::BaseUrl)
        }
        e => e.into(),
    }
}

#[derive(Deserialize)]
pub struct RealtimeForm {
    pub base_url: String,
    #[serde(default)]
    pub ws_url: Option<String>,
    pub api_key: String,
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub symbols: Vec<String>,
    #[serde(default)]
    pub send_over: RealtimeSendPath,
    #[serde(default)]
    pub display_name: Option<String>,
    /// The user confirmed that a plain `http://` / `ws://` address may carry the credentials.
    #[serde(default)]
    pub allow_unencrypted: bool,
}

impl RealtimeForm {
    /// Signs in if the user gave a password, and the settings to keep.
    async fn log_in(&self) -> Result<(RealtimeSettings, LoggedIn), EngineError> {
        for (field, what, value) in [
            (Field::BaseUrl, "server address", &self.base_url),
            (Field::ApiKey, "API key", &self.api_key),
            (Field::ApiToken, "token", &self.token),
            (Field::Email, "email", &self.email),
            (Field::Password, "password", &self.password),
        ] {
            form::text(field, what, value, MAX_FIELD)?;
        }
        if let Some(ws) = &self.ws_url {
            form::text(Field::WsUrl, "WebSocket address", ws, MAX_FIELD)?;
        }
        super::rest::base_url(&self.base_url)
            .map_err(|e| EngineError::from(e).in_field(Field::BaseUrl))?;
        form::encrypted_or_confirmed(
            Field::BaseUrl,
            &self.base_url,
            "API key and token",
            self.allow_unencrypted,
        )?;
        if let Some(ws) = &self.ws_url {
            form::encrypted_or_confirmed(Field::WsUrl, ws, "token", self.allow_unencrypted)?;
        }
        if self.api_key.trim().is_empty() {
            return Err(
                EngineError::Invalid("the API key is required".into()).in_field(Field::ApiKey)
            );
        }
        let by_token = !self.token.trim().is_empty();
        if !by_token && (self.email.trim().is_empty() || self.password.is_empty()) {
            let at = if self.email.trim().is_empty() {
                Field::Email
            } else {
                Field::Password
            };
            return Err(
                EngineError::Invalid("enter the email and the password".into()).in_field(at),
            );
        }
        let login = if by_token {
            Login::Token(Secret::new(self.token.trim()))
        } else {
            Login::Password {
                email: self.email.trim().to_owned(),
                password: Secret::new(self.password.clone()),
            }
        };
        let logged = log_in(
            self.base_url.trim(),
            Secret::new(self.api_key.trim()),
            login,
        )
        .await
        .map_err(at_server_or_form)?;
        let settings = RealtimeSettings {
            ws_url: self
                .ws_url
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_owned),
            user_id: logged.user_id.clone(),
            symbols: self
                .symbols
                .iter()
                .map(|s| s.trim().to_uppercase())
                .filter(|s| !s.is_empty())
                .take(MAX_SYMBOLS)
                .collect(),
            send_over: self.send_over,
            ..RealtimeSettings::new(self.base_url.trim())
        };
        Ok((settings, logged))
    }

    pub async fn into_new_account(self) -> Result<NewAccount, EngineError> {
        let (settings, logged) = self.log_in().await?;
        Ok(NewAccount {
            display_name: form::display_name(self.display_name).or(logged.name.clone()),
            settings: ServiceSettings::Realtime(settings),
            secret: Some(logged.credentials.to_secret()),
            order_numbers: Vec::new(),
        })
    }

    /// Settings' "Test connection", step by step: the server reached, signed in, the rooms
    /// listed, the live socket authenticated; a failure says at which step, with the exact cause.
    /// A form that cannot be checked at all (an empty field) fails without steps, at its field.
    pub async fn test(self) -> Result<CheckReport, EngineError> {
        const STEPS: &[&str] = &[
            "Server reached",
            "Signed in",
            "Rooms listed",
            "Live socket authenticated",
        ];
        let mut steps = Steps::new(STEPS);
        let (settings, logged) = match self.log_in().await {
            Ok(done) => done,
            Err(e) => {
                return Err(match e.kind() {
                    ErrorKind::Unreachable => steps.failed(e),
                    ErrorKind::ServiceRefused | ErrorKind::Internal => {
                        steps.passed(None);
                        steps.failed(e)
                    }
                    _ => e,
                })
            }
        };
        steps.passed(None);
        steps.passed(logged.name.clone().map(|name| format!("as {name}")));
        let custom_socket = settings.ws_url.is_some();
        let at_field = |e: RestError| match e {
            RestError::Settings(_) if custom_socket => EngineError::from(e).in_field(Field::WsUrl),
            e => at_server_or_form(e),
        };
        let rooms = match rooms_in_directory(&settings, &logged.credentials).await {
            Ok(rooms) => rooms,
            Err(e) => return Err(steps.failed(at_field(e))),
        };
        steps.passed(rooms_text(rooms));
        if let Err(e) = socket_accepts(&settings, &logged.credentials).await {
            return Err(steps.failed(at_field(e)));
        }
        steps.passed(None);
        Ok(steps.report(format!(
            "Connected: the REST API answered ({}) and the live socket accepted the token.",
            rooms_text(rooms)
        )))
    }
}
