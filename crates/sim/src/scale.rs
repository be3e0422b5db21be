//! The scale scenario of the benchmarks (issue 26): the four simulators on loopback holding what
//! a heavy user's accounts need, and the settings forms that add those accounts. Per service
//! `n` accounts: MEXC desks in API-key mode with 8 order chats each (8 sockets: `n = 5` gives
//! the 40 order-chat sockets of the scenario); Realtime members with 4 public rooms each to join
//! (named `Scale <member>.<room>`; the client joins them from the room directory, as a user
//! does); Mixin bots each written to by 27 users while the app was closed; and mockly clients in
//! the public room. With `n = 5` that is the scenario's 20 accounts and 200 rooms
//! (40 + 20 + 135 + 5). The simulators then stay quiet (pings and heartbeats only), so what the
//! client does meanwhile is its idle cost.

use crate::mexc::{Counterparty, MexcConfig, MexcSim};
use crate::mixin::{MixinConfig, MixinSim};
use crate::mockly::{MocklyConfig, MocklySim};
use crate::realtime::{RealtimeConfig, RealtimeSim};
use serde_json::{json, Value};
use std::time::Duration;

/// Order chats per MEXC desk.
pub const CHATS_PER_DESK: usize = 8;
/// Rooms per Realtime member.
pub const ROOMS_PER_MEMBER: usize = 4;
/// Users who wrote to each Mixin bot (a conversation each).
pub const USERS_PER_BOT: usize = 27;
/// The first MEXC conversation id (the others follow).
const FIRST_CONVERSATION: i64 = 910_000;

pub struct ScaleWorld {
    pub mockly: MocklySim,
    pub mexc: MexcSim,
    pub realtime: RealtimeSim,
    pub mixin: MixinSim,
    /// One settings form (the `add_account` request) per account, credentials included.
    pub forms: Vec<Value>,
}

/// Starts the simulators and seeds `per_service` accounts of each service.
pub async fn start(per_service: usize) -> std::io::Result<ScaleWorld> {
    let mockly = MocklySim::start(MocklyConfig::default()).await?;
    let mexc = MexcSim::start(MexcConfig::default()).await?;
    let realtime = RealtimeSim::start(RealtimeConfig::default()).await?;
    let mixin = MixinSim::start(MixinConfig::default()).await?;
    let mut forms = Vec::new();
    for desk in 0..per_service {
        forms.push(mexc_desk(&mexc, desk));
    }
    for member in 0..per_service {
        forms.push(realtime_member(&realtime, member));
    }
    for bot in 0..per_service {
        forms.push(mixin_bot(&mixin, bot));
    }
    for client in 0..per_service {
        forms.push(json!({
            "service": "mockly",
            "client_id": format!("scale{client}"),
            "display_name": format!("Scale room {client}"),
            "endpoint": mockly.endpoint(),
        }));
    }
    Ok(ScaleWorld {
        mockly,
        mexc,
        realtime,
        mixin,
        forms,
    })
}

fn mexc_desk(sim: &MexcSim, desk: usize) -> Value {
    let (key, secret) = (format!("scale-key-{desk}"), format!("scale-secret-{desk}"));
    sim.add_api_key(&key, &secret);
    let conversations: Vec<i64> = (0..CHATS_PER_DESK)
        .map(|chat| FIRST_CONVERSATION + (desk * CHATS_PER_DESK + chat) as i64)
        .collect();
    for (chat, &id) in conversations.iter().enumerate() {
        sim.add_conversation(
            id,
            Counterparty {
                user_id: format!("buyer_{desk}_{chat}"),
                nick_name: format!("Buyer {desk}.{chat}"),
            },
        );
    }
    json!({
        "service": "mexc",
        "auth": "api_key",
        "api_key": key,
        "api_secret": secret,
        "conversations": conversations,
        "display_name": format!("Scale desk {desk}"),
        "endpoint": sim.ws_endpoint(),
        "rest_base": sim.rest_base(),
        "allow_unencrypted": true,
    })
}

fn realtime_member(sim: &RealtimeSim, member: usize) -> Value {
    let email = format!("member{member}@scale.parley");
    let you = sim.add_user(&email, "x", "Member", &member.to_string());
    let other = sim.add_user(&format!("other{member}@scale.parley"), "x", "Other", "");
    for room in 0..ROOMS_PER_MEMBER {
        let id = sim.create_room(
            &format!("Scale {member}.{room}"),
            "scale scenario",
            "public",
            &other,
        );
        sim.seed_history(
            &id,
            std::slice::from_ref(&other),
            &["Opening range is tight today.", "Watching the 4H close."],
            Duration::from_secs(3600),
        );
    }
    json!({
        "service": "realtime",
        "base_url": sim.base_url(),
        "api_key": sim.api_key(),
        "token": sim.token_for(&you),
        "display_name": format!("Scale community {member}"),
        "allow_unencrypted": true,
    })
}

fn mixin_bot(sim: &MixinSim, bot: usize) -> Value {
    let keystore = sim.add_bot(&format!("Scale bot {bot}"));
    let bot_id = MixinSim::bot_id_of(&keystore);
    for user in 0..USERS_PER_BOT {
        let user = sim.add_user(&format!("Scale user {bot}.{user}"));
        sim.user_says(&bot_id, &user, "Is the desk open?");
    }
    json!({
        "service": "mixin",
        "keystore": keystore,
        "blaze_url": sim.blaze_url(),
        "api_base": sim.api_base(),
        "display_name": format!("Scale bot {bot}"),
        "allow_unencrypted": true,
    })
}
