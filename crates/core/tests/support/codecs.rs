//! One codec per service, built as the engine builds them: shared by the codec conformance
//! test and the cargo-fuzz targets (`fuzz/src/lib.rs` includes this file).

use parley_core::account::{
    MexcChat, MexcSettings, MixinSettings, MocklySettings, RealtimeRoom, RealtimeSettings,
    ServiceSettings,
};
use parley_core::codec::Codec;
use parley_core::secret::Secret;
use parley_core::services::realtime::rest::RealtimeCredentials;

fn codec(settings: ServiceSettings, secret: Option<Secret>) -> Box<dyn Codec> {
    settings
        .service()
        .connections(secret.as_ref())
        .into_iter()
        .next()
        .expect("a connection")
        .codec
}

pub fn mockly() -> Box<dyn Codec> {
    codec(
        ServiceSettings::Mockly(MocklySettings {
            client_id: "me".into(),
            endpoint: "ws://127.0.0.1:9/ws/chat/{client_id}".into(),
        }),
        None,
    )
}

pub fn mexc() -> Box<dyn Codec> {
    codec(
        ServiceSettings::Mexc(MexcSettings {
            conversations: vec![MexcChat::by_id(50012)],
            ..MexcSettings::with_endpoint("ws://127.0.0.1:9/ws".into())
        }),
        Some(Secret::new("listen-key")),
    )
}

pub fn realtime() -> Box<dyn Codec> {
    codec(
        ServiceSettings::Realtime(RealtimeSettings {
            user_id: "user_me".into(),
            rooms: vec![RealtimeRoom {
                id: "room_1".into(),
                name: "Room".into(),
            }],
            ..RealtimeSettings::new("http://127.0.0.1:9")
        }),
        Some(
            RealtimeCredentials {
                api_key: Secret::new("k"),
                token: Secret::new("t"),
            }
            .to_secret(),
        ),
    )
}

pub fn mixin() -> Box<dyn Codec> {
    let keystore = serde_json::json!({"app_id": "82d20bc7-9a97-4a69-bcd0-4da502374f6c",
        "session_id": "c87ff6c9-c33a-4bc3-98d7-3d449f4adfe8", "session_private_key": hex::encode([3u8; 32])});
    codec(
        ServiceSettings::Mixin(MixinSettings {
            bot_id: "82d20bc7-9a97-4a69-bcd0-4da502374f6c".into(),
            bot_name: "bot".into(),
            blaze_url: "ws://127.0.0.1:9/".into(),
            api_base: "http://127.0.0.1:9".into(),
        }),
        Some(Secret::new(keystore.to_string())),
    )
}
