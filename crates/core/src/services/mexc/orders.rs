//! Order chats of a MEXC account: adding one (a conversation id in listenKey mode, an order
//! number looked up over signed REST in API-key mode) and removing one.

use super::rest::{ApiCredentials, MexcRest};
use super::{MexcAuth, MexcChat, MexcSettings};
use crate::account_id::AccountId;
use crate::engine::{Engine, EngineError, Field};
use crate::secret::Secret;

/// The signed REST client of an API-key account.
pub(crate) fn rest_client(
    settings: &MexcSettings,
    secret: &Secret,
) -> Result<MexcRest, EngineError> {
    let credentials = ApiCredentials::from_secret(secret)
        .map_err(|e| EngineError::from(e).in_field(Field::ApiKey))?;
    MexcRest::new(settings, credentials).map_err(|e| EngineError::from(e).in_field(Field::RestBase))
}

/// Looks order numbers up over REST (MEXC API-key mode), for callers outside the engine.
pub async fn resolve_orders(
    settings: &MexcSettings,
    secret: &Secret,
    orders: &[String],
) -> Result<Vec<MexcChat>, EngineError> {
    let rest = rest_client(settings, secret)?;
    let mut chats = Vec::new();
    for order in orders {
        chats.push(resolve_order(&rest, order).await?);
    }
    Ok(chats)
}

/// Looks an order number up over REST and names the chat after it.
pub(crate) async fn resolve_order(rest: &MexcRest, order: &str) -> Result<MexcChat, EngineError> {
    let order = order.trim();
    let conversation_id =
        rest.conversation_id(order)
            .await
            .map_err(|source| EngineError::Order {
                order: order.to_owned(),
                source,
            })?;
    Ok(MexcChat {
        conversation_id,
        order_no: Some(order.to_owned()),
    })
}

impl Engine {
    /// Adds an order chat to a MEXC account: a conversation id (listenKey mode) or an order
    /// number looked up over REST (API-key mode). Returns the new room's id.
    pub async fn add_mexc_chat(
        &self,
        id: &AccountId,
        conversation_or_order: &str,
    ) -> Result<String, EngineError> {
        let account = self.running_account(id)?;
        let Some(settings) = account.settings.mexc() else {
            return Err(EngineError::Invalid(
                "only MEXC accounts have order chats".into(),
            ));
        };
        let input = conversation_or_order.trim();
        let chat =
            match settings.auth {
                MexcAuth::ListenKey => {
                    MexcChat::by_id(input.parse::<i64>().ok().filter(|c| *c > 0).ok_or_else(
                        || {
                            EngineError::Invalid(format!(
                                "`{input}` is not a conversation id (a number)"
                            ))
                        },
                    )?)
                }
                MexcAuth::ApiKey => {
                    let secret = self.secret_of(&account)?;
                    let rest = rest_client(settings, &secret)?;
                    resolve_order(&rest, input).await?
                }
            };
        if settings.conversations.contains(&chat) {
            return Err(EngineError::Invalid(format!(
                "{} is already open",
                chat.title()
            )));
        }
        let room = chat.room();
        self.change_account(id, |s| {
            if let Some(m) = s.mexc_mut() {
                m.conversations.push(chat.clone());
            }
        })
        .await?;
        Ok(room)
    }

    /// Forgets one order chat of a MEXC account.
    pub(crate) async fn forget_mexc_chat(
        &self,
        id: &AccountId,
        room: &str,
    ) -> Result<(), EngineError> {
        let account = self.running_account(id)?;
        let known = account
            .settings
            .mexc()
            .is_some_and(|s| s.conversations.iter().any(|c| c.room() == room));
        if !known {
            return Err(EngineError::UnknownRoom(room.to_owned()));
        }
        self.change_account(id, |s| {
            if let Some(m) = s.mexc_mut() {
                m.conversations.retain(|c| c.room() != room);
            }
        })
        .await
    }
}
