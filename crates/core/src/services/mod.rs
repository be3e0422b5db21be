//! The chat services Parley speaks, one folder each: its settings, codec, REST client,
//! credentials and the extra tasks its connections need. This file holds the one dispatch on
//! the service ([`ServiceSettings::service`]); everything else asks the [`Service`] it returns.
//!
//! Adding a service: a folder `services/<name>/` with its settings, codec and a type that
//! implements [`Service`], a variant in [`ServiceSettings`] and [`ServiceKind`], and its arms in
//! [`ServiceSettings::service`], [`ServiceSettings::service_mut`] and [`ServiceSettings::kind`].

pub mod form;
pub mod mexc;
pub mod mixin;
pub mod mockly;
pub mod realtime;

use crate::account_id::AccountId;
use crate::codec::Codec;
use crate::engine::EngineError;
use crate::secret::Secret;
use crate::store::Store;
use crate::supervisor::{Connection, SupervisorHandle, Tuning};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};

pub use form::AccountForm;
pub use mexc::{MexcAuth, MexcChat, MexcRestPaths, MexcSettings};
pub use mixin::MixinSettings;
pub use mockly::MocklySettings;
pub use realtime::{RealtimeRoom, RealtimeSendPath, RealtimeSettings};

/// The chat services Parley speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Mockly,
    Mexc,
    Realtime,
    Mixin,
}

/// Per-service settings, tagged by service so the config file reads naturally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "service", rename_all = "snake_case")]
pub enum ServiceSettings {
    Mockly(MocklySettings),
    Mexc(MexcSettings),
    Realtime(RealtimeSettings),
    Mixin(MixinSettings),
}

impl ServiceSettings {
    /// The service these settings belong to: the one place that matches on the service.
    pub fn service(&self) -> &dyn Service {
        match self {
            ServiceSettings::Mockly(s) => s,
            ServiceSettings::Mexc(s) => s,
            ServiceSettings::Realtime(s) => s,
            ServiceSettings::Mixin(s) => s,
        }
    }

    /// As [`Self::service`], for setting a new account up (which may complete its settings).
    pub fn service_mut(&mut self) -> &mut dyn Service {
        match self {
            ServiceSettings::Mockly(s) => s,
            ServiceSettings::Mexc(s) => s,
            ServiceSettings::Realtime(s) => s,
            ServiceSettings::Mixin(s) => s,
        }
    }

    pub fn kind(&self) -> ServiceKind {
        match self {
            ServiceSettings::Mockly(_) => ServiceKind::Mockly,
            ServiceSettings::Mexc(_) => ServiceKind::Mexc,
            ServiceSettings::Realtime(_) => ServiceKind::Realtime,
            ServiceSettings::Mixin(_) => ServiceKind::Mixin,
        }
    }

    /// The MEXC settings, for MEXC's own operations (order chats).
    pub fn mexc(&self) -> Option<&MexcSettings> {
        match self {
            ServiceSettings::Mexc(s) => Some(s),
            _ => None,
        }
    }

    pub fn mexc_mut(&mut self) -> Option<&mut MexcSettings> {
        match self {
            ServiceSettings::Mexc(s) => Some(s),
            _ => None,
        }
    }

    /// The Realtime settings, for Realtime's own operations (directory, symbols).
    pub fn realtime(&self) -> Option<&RealtimeSettings> {
        match self {
            ServiceSettings::Realtime(s) => Some(s),
            _ => None,
        }
    }

    pub fn realtime_mut(&mut self) -> Option<&mut RealtimeSettings> {
        match self {
            ServiceSettings::Realtime(s) => Some(s),
            _ => None,
        }
    }
}

/// What an account of a service can do, sent to the page with every account so that the page
/// branches on abilities, never on service names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// Browse, create, edit and delete rooms on the server.
    pub directory: bool,
    /// A members panel from presence events.
    pub members: bool,
    /// Market prices for a ticker.
    pub ticker: bool,
    /// The composer tells the room when the user types.
    pub typing: bool,
    /// Images, videos and files can be sent by their address.
    pub media_by_url: bool,
    /// Files can be sent from this computer (uploaded to the service: Mixin's attachments).
    pub file_upload: bool,
    /// Older history than what is stored can be read from the server.
    pub server_history: bool,
    /// Its rooms are trade conversations (P2P order chats), where a new message plays a sound
    /// unless the user silenced the room.
    pub order_chats: bool,
    /// The longest text the service takes, checked by the composer before sending.
    pub max_message_bytes: Option<usize>,
    /// The documented sending rate, enforced before a message is stored.
    pub messages_per_minute: Option<usize>,
    /// Reconnect attempts before the page calls it persistent trouble (`None`: the page's).
    pub trouble_after_attempts: Option<u32>,
}

/// What removing one of an account's rooms means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomRemoval {
    /// The room is the service's and stays (mockly's public room, a bot's conversations).
    Never,
    /// The room is the user's to forget (a MEXC order chat).
    Forget,
    /// The user leaves the room on the server (Realtime).
    Leave,
}

/// What a running account holds besides its sockets (MEXC's listenKey keeper).
pub trait Background: Send {
    /// Stops the task; called after the account's sockets closed.
    fn stop(self: Box<Self>) -> BoxFuture<'static, ()>;
}

/// What starting an account's connections needs from the engine.
pub struct StartContext<'a> {
    pub account: &'a AccountId,
    /// The account's secret (`None` for services that need none).
    pub secret: Option<Secret>,
    pub store: &'a Store,
    pub tuning: &'a Tuning,
    /// Spawns one connection's supervisor.
    pub spawn: &'a dyn Fn(Connection) -> SupervisorHandle,
    /// The engine's events, for what runs beside the connections (MEXC's order watcher).
    pub events: &'a tokio::sync::broadcast::Sender<crate::event::Event>,
    /// The latest details of every order chat's order.
    pub orders: &'a crate::orders::OrderBook,
}

/// An account's running connections and whatever runs beside them.
pub struct Started {
    pub connections: Vec<SupervisorHandle>,
    pub background: Option<Box<dyn Background>>,
}

/// What setting up a new account learned for it.
#[derive(Debug, Default)]
pub struct Prepared {
    /// A name for the account when the user gave none (a bot's own name).
    pub display_name: Option<String>,
}

/// Everything the engine asks of a service. One implementation per service folder.
pub trait Service: Send + Sync {
    /// What the settings screen and the sidebar call the service.
    fn label(&self) -> &'static str;

    /// Changes one of the account's addresses (Settings' "Edit"), `field` named as the add form
    /// names it; checked as the add form checks it. By default the service has no such address.
    fn set_address(
        &mut self,
        field: crate::engine::Field,
        _value: &str,
    ) -> Result<(), crate::engine::EngineError> {
        Err(
            crate::engine::EngineError::Invalid(format!("{} has no such address", self.label()))
                .in_field(field),
        )
    }

    /// The service's short name, for sentences ("Realtime takes at most 100 messages a minute").
    fn name(&self) -> &'static str;

    /// The start of new account ids (`mexc-1a2b3c4d`).
    fn id_prefix(&self) -> &'static str;

    fn capabilities(&self) -> Capabilities;

    /// Whether the account has a keyring secret.
    fn needs_secret(&self) -> bool {
        true
    }

    /// What kind of credential the keyring secret is, as the settings screen names it; a
    /// replacement must be of the same kind.
    fn credential_kind(&self) -> &'static str {
        "key"
    }

    /// Rooms the account has from the start, as `(room id, title)`.
    fn fixed_rooms(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    /// Whether a message may be written to `room`.
    fn knows_room(&self, room: &str) -> bool {
        self.fixed_rooms().iter().any(|(id, _)| id == room)
    }

    /// What removing one of this account's rooms means.
    fn room_removal(&self) -> RoomRemoval {
        RoomRemoval::Never
    }

    /// The sender id the service will show for this account's own messages.
    fn own_sender_id(&self) -> String;

    /// Who this account is at its service, as proving its secret tells (a Mixin keystore: its
    /// bot, from `/me`). No second account may be it (two connections of one bot take each
    /// other's pending messages, the second without the first's history), and a replacement
    /// secret need not name it: the proof does. `None` where the form names the user (a Realtime
    /// token's) or two accounts look alike (every MEXC account is "me").
    fn proven_identity(&self) -> Option<String> {
        None
    }

    /// A fresh id for a message the user writes, for services where the client names its
    /// messages (Mixin's `message_id`); kept with the message so every resend carries it.
    fn client_message_id(&self) -> Option<String> {
        None
    }

    /// Whether a reply names the message it answers in a field of the service's own (Mixin's
    /// `quote_message_id`); otherwise it quotes that message's first line (see [`crate::quote`]).
    fn quote_field(&self) -> bool {
        false
    }

    /// The connections of an account. Without a secret, a codec that needs one is still built
    /// (for checking outgoing messages) but cannot connect.
    fn connections(&self, secret: Option<&Secret>) -> Vec<Connection>;

    /// Spawns the account's connections (and what runs beside them), or says why it cannot
    /// connect at all.
    fn start(&self, cx: StartContext<'_>) -> Result<Started, String> {
        Ok(Started {
            connections: self
                .connections(cx.secret.as_ref())
                .into_iter()
                .map(cx.spawn)
                .collect(),
            background: None,
        })
    }

    /// Checks a new account's settings and secret with the service before anything is saved,
    /// completing the settings where the service tells more (order chats, the bot's name).
    fn prepare<'a>(
        &'a mut self,
        secret: Option<&'a Secret>,
        order_numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Prepared, EngineError>>;

    /// Whether a stored media address is an id of this service's (`mixin-attachment:…`), to
    /// be resolved with [`Self::resolve_media`] each time it is shown, rather than a link.
    fn stores_media_by_id(&self, _address: &str) -> bool {
        false
    }

    /// A fresh download address for a media id (see [`Self::stores_media_by_id`]).
    fn resolve_media<'a>(
        &'a self,
        _secret: Secret,
        _address: &'a str,
    ) -> BoxFuture<'a, Result<String, EngineError>> {
        Box::pin(async { Err(EngineError::Invalid("this message has no media".into())) })
    }
}

/// The codec that would carry a message to `room`; `None` when the account has no such room.
pub fn codec_for_room(settings: &ServiceSettings, room: &str) -> Option<Box<dyn Codec>> {
    let service = settings.service();
    if !service.knows_room(room) {
        return None;
    }
    service
        .connections(None)
        .into_iter()
        .find(|c| c.room.as_deref().is_none_or(|r| r == room))
        .map(|c| c.codec)
}

/// Checks that every connection of a new account could be dialed (its addresses parse, its
/// secret has the right shape), for [`Service::prepare`].
pub fn check_dialable(
    service: &dyn Service,
    secret: Option<&Secret>,
) -> Result<(), crate::codec::CodecError> {
    let mut env = crate::codec::Env::fixed(0);
    for mut connection in service.connections(secret) {
        let credential = match &connection.credentials {
            Some(source) => Some(source.current()?),
            None => None,
        };
        env.set_credential(credential);
        connection.codec.connect_request(&mut env)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the page reads (`ui/app/js/capabilities.js`); a capability added on one side
    /// only would be ignored or always false.
    const READ_BY_THE_PAGE: [&str; 11] = [
        "directory",
        "members",
        "ticker",
        "typing",
        "media_by_url",
        "file_upload",
        "order_chats",
        "server_history",
        "max_message_bytes",
        "messages_per_minute",
        "trouble_after_attempts",
    ];

    #[test]
    fn every_service_sends_the_capabilities_the_page_reads() {
        let services: [ServiceSettings; 4] = [
            ServiceSettings::Mockly(MocklySettings {
                client_id: "me".into(),
                endpoint: MocklySettings::default_endpoint(),
            }),
            ServiceSettings::Mexc(MexcSettings::with_endpoint("ws://127.0.0.1:9/ws".into())),
            ServiceSettings::Realtime(RealtimeSettings::new("http://127.0.0.1:9")),
            ServiceSettings::Mixin(MixinSettings {
                bot_id: "bot".into(),
                bot_name: String::new(),
                blaze_url: MixinSettings::default_blaze_url(),
                api_base: MixinSettings::default_api_base(),
            }),
        ];
        for settings in services {
            let json = serde_json::to_value(settings.service().capabilities()).unwrap();
            let mut keys: Vec<&str> = json
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort_unstable();
            let mut expected = READ_BY_THE_PAGE;
            expected.sort_unstable();
            assert_eq!(keys, expected, "{:?}", settings.kind());
        }
        let realtime = RealtimeSettings::new("http://127.0.0.1:9").capabilities();
        assert!(realtime.directory && realtime.ticker && realtime.server_history);
        assert_eq!(realtime.messages_per_minute, Some(100));
        let mexc = MexcSettings::with_endpoint(String::new()).capabilities();
        assert!(mexc.media_by_url && !mexc.directory);
    }
}
