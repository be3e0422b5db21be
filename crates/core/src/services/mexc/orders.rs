//! Order chats of a MEXC account: adding one (a conversation id in listenKey mode, an order
//! number looked up over signed REST in API-key mode) and removing one.

use super::rest::{ApiCredentials, MexcRest};
use super::{MexcAuth, MexcChat, MexcSettings};
use crate::account_id::AccountId;
use crate::engine::{Engine, EngineError, Field};
use crate::orders::{OrderDetails, OrderEntry, OrderView, Unavailable};
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

impl Engine {
    /// An order chat's order for an evidence pack: fetched now (and recorded in the order
    /// book); failing that, the last details known, with a note saying how old they are and
    /// why they could not be fetched. `(None, None)` for a room that is no order chat.
    pub(crate) async fn order_at_export(
        &self,
        account: &AccountId,
        room: &str,
    ) -> (Option<OrderDetails>, Option<String>) {
        let Ok(running) = self.running_account(account) else {
            return (None, None);
        };
        let Some(settings) = running.settings.mexc() else {
            return (None, None);
        };
        let Some(chat) = settings.conversations.iter().find(|c| c.room() == room) else {
            return (None, None);
        };
        let Some(order_no) = chat.order_no.clone() else {
            return (
                None,
                Some("this chat was opened by conversation id: Parley does not know its order number".into()),
            );
        };
        let fetched = match settings.auth {
            MexcAuth::ListenKey => Err(NEEDS_API_KEY.to_owned()),
            MexcAuth::ApiKey => match self
                .secret_of(&running)
                .and_then(|s| rest_client(settings, &s))
            {
                Ok(rest) => rest
                    .order_detail(&order_no)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
        };
        let known = self.orders.get(account, room);
        match fetched {
            Ok(details) => {
                self.orders.put(OrderEntry {
                    account: account.clone(),
                    room: room.to_owned(),
                    order_no,
                    details: Some(details.clone()),
                    fetched_ms: Some(crate::timestamp::now_ms()),
                    error: None,
                });
                (Some(details), None)
            }
            Err(why) => match known.and_then(|k| Some((k.details?, k.fetched_ms?))) {
                Some((details, at)) => (
                    Some(details),
                    Some(format!(
                        "details as Parley last read them ({}); reading them at export failed: {why}",
                        chrono::DateTime::from_timestamp_millis(at)
                            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                            .unwrap_or_default()
                    )),
                ),
                None => (None, Some(format!("order {order_no}: details unavailable: {why}"))),
            },
        }
    }
}

/// Why a listenKey account has no order details.
pub(crate) const NEEDS_API_KEY: &str =
    "order details need API-key mode and the key's \"P2P Account Read\" permission";

impl Engine {
    /// What is known of every order chat's order, for the page's snapshot.
    pub fn order_views(&self) -> Vec<OrderView> {
        let live = self.running_accounts();
        self.orders
            .entries(&live)
            .into_iter()
            .map(OrderView::from)
            .collect()
    }

    /// The accounts whose orders cannot be read, and why.
    pub fn orders_unavailable(&self) -> Vec<Unavailable> {
        self.orders.unavailable(&self.running_accounts())
    }

    /// Reads an order chat's order now (the order panel's Refresh) and records it.
    pub async fn refresh_order(
        &self,
        id: &AccountId,
        room: &str,
    ) -> Result<OrderView, EngineError> {
        let (rest, order_no) = self.order_reader(id, room)?;
        let cx = super::order_watch::WatchContext {
            account: id.clone(),
            store: self.store.clone(),
            events: self.events_sender(),
            orders: self.orders.clone(),
            every: std::time::Duration::ZERO,
        };
        // A failure is recorded on the order itself, which is what the panel shows.
        let _ = super::order_watch::read_order(&rest, &cx, room, &order_no).await;
        self.orders
            .get(id, room)
            .map(OrderView::from)
            .ok_or_else(|| EngineError::UnknownRoom(room.to_owned()))
    }

    /// The account's orders that are still live, as the exchange lists them (newest first),
    /// to pick chats from.
    pub async fn open_orders(&self, id: &AccountId) -> Result<Vec<OrderDetails>, EngineError> {
        let account = self.running_account(id)?;
        let settings = account
            .settings
            .mexc()
            .filter(|s| s.auth == MexcAuth::ApiKey)
            .ok_or_else(|| EngineError::Invalid(NEEDS_API_KEY.into()))?;
        let rest = rest_client(settings, &self.secret_of(&account)?)?;
        let orders = rest.recent_orders(50).await.map_err(|e| {
            if e.status() == Some(403) || e.refusal().and_then(|r| r.code) == Some(700007) {
                EngineError::Invalid(super::order_watch::NO_PERMISSION.into())
            } else {
                EngineError::from(e)
            }
        })?;
        Ok(orders.into_iter().filter(|o| o.status.is_live()).collect())
    }

    /// The signed client and the order number of an order chat of an API-key account.
    fn order_reader(&self, id: &AccountId, room: &str) -> Result<(MexcRest, String), EngineError> {
        let account = self.running_account(id)?;
        let settings = account
            .settings
            .mexc()
            .ok_or_else(|| EngineError::UnknownRoom(room.to_owned()))?;
        let order_no = settings
            .conversations
            .iter()
            .find(|c| c.room() == room)
            .ok_or_else(|| EngineError::UnknownRoom(room.to_owned()))?
            .order_no
            .clone()
            .ok_or_else(|| {
                EngineError::Invalid(
                    "this chat was opened by conversation id: Parley does not know its order number"
                        .into(),
                )
            })?;
        if settings.auth != MexcAuth::ApiKey {
            return Err(EngineError::Invalid(NEEDS_API_KEY.into()));
        }
        Ok((rest_client(settings, &self.secret_of(&account)?)?, order_no))
    }
}
