//! Command-line arguments. Secrets are never taken from flags (they would show in `ps` and
//! shell history): they come from the keyring (`--account`) or stdin (`--secret-stdin`).

use parley_core::account::{
    MexcAuth, MexcChat, MexcSettings, MocklySettings, RealtimeSendPath, RealtimeSettings,
    ServiceKind,
};
use std::path::PathBuf;

pub const USAGE: &str = "\
usage: parley-cli connect <service> [options]
       parley-cli verify-pack DIR [--json]

services:
  mockly      mockly.me public chat
  mexc        MEXC P2P order chat (one socket per conversation; listenKey or API-key mode)
  realtime    Realtime trading community (REST chatrooms + live socket)
  mixin       Mixin Messenger bot (Blaze socket, signed with the bot's keystore)

options:
  --account ID        use a configured account (settings from the profile's config,
                      secret from the OS keyring)
  --profile DIR       the profile --account reads (default: the platform's config dir)
  --endpoint URL      the service endpoint (mockly: default wss://mockly.me/ws/chat/{client_id};
                      mexc: default wss://wbs.p2p.mexc.com/ws; realtime: the live socket,
                      default <base-url>/v1/live as ws:// or wss://; mixin: Blaze,
                      default wss://blaze.mixin.one/)
  --client-id ID      mockly: the id shown to others in the room
  --conversation-id N mexc: an order chat to open (repeat for several; the first is the default
                      room for plain stdin lines)
  --api-key           mexc: API-key mode: Parley creates and renews listenKeys itself
  --order-no N        mexc API-key mode: an order whose chat to open (looked up over REST;
                      repeat for several)
  --rest-base URL     mexc API-key mode: the REST API (default https://api.mexc.com)
  --base-url URL      realtime: the server (REST base), e.g. https://api.example.com
  --room ID           realtime: a chatroom to join; mixin: a conversation id to write to
                      (repeat; the first is the default room)
  --symbol S          realtime: a market symbol for price updates (repeat), e.g. EUR/USD
  --send-over WAY     realtime: socket (chat:send, default) or rest (POST …/messages)
  --api-key-in-query  realtime: also put the API key in the socket URL
  --api-base URL      mixin: the REST API (default https://api.mixin.one)
  --keystore FILE     mixin: the bot's keystore file (any of the three formats); checked with
                      GET /me before connecting
  --to USER_ID        mixin: talk to this user (their one-to-one conversation; repeat)
  --email E           realtime: sign in with this email; stdin's first line is the platform
                      API key, the second the password (used once, never stored)
  --secret-stdin      read the account's secret from stdin: mexc listenKey mode, the first
                      line is the listenKey; API-key mode, the first line is the API key and
                      the second its secret; realtime, the platform API key then the JWT;
                      mixin, the keystore JSON on one line (mockly has none)

stdin:  each line is sent as a text message to the account's first room;
        a JSON line {\"room\": \"…\", \"text\": \"…\"} picks the room.
        Mixin: --attach PATH caption sends a file (an image as a photo);
        {\"file\": \"PATH\", \"text\": \"caption\", \"as\": \"photo\"|\"file\"} too.
        At end of input, waits until the connection has opened and the sent messages
        are confirmed, then exits (so </dev/null is a connectivity check).
stdout: one JSON object per event: {\"event\":\"status\"|\"message\"|\"sent\"|\"failed\"|
        \"presence\"|\"user_status\"|\"typing\"|\"prices\"|\"alert\"|\"error\", …}
exit:   0 done, 1 error, 2 usage, 3 the connection stopped for good (the reason is printed);
        Ctrl-C or SIGTERM ends the session at once (sockets closed, created listenKeys deleted)";

#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Help,
    Connect(Box<Connect>),
    /// `verify-pack DIR [--json]`.
    VerifyPack {
        dir: PathBuf,
        json: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Connect {
    pub service: ServiceKind,
    pub account: Option<String>,
    pub profile: Option<PathBuf>,
    pub endpoint: Option<String>,
    pub client_id: Option<String>,
    pub conversations: Vec<i64>,
    pub api_key: bool,
    pub order_numbers: Vec<String>,
    pub rest_base: Option<String>,
    pub secret_stdin: bool,
    pub base_url: Option<String>,
    pub rooms: Vec<String>,
    pub symbols: Vec<String>,
    pub send_over: RealtimeSendPath,
    pub api_key_in_query: bool,
    pub email: Option<String>,
    pub api_base: Option<String>,
    pub keystore: Option<PathBuf>,
    pub to: Vec<String>,
}

pub fn parse(args: &[String]) -> Result<Parsed, String> {
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => return Ok(Parsed::Help),
        Some("verify-pack") => return parse_verify_pack(it),
        Some("connect") => {}
        Some(other) => return Err(format!("unknown command `{other}`")),
    }
    let service = match it.next().map(String::as_str) {
        Some("mockly") => ServiceKind::Mockly,
        Some("mexc") => ServiceKind::Mexc,
        Some("realtime") => ServiceKind::Realtime,
        Some("mixin") => ServiceKind::Mixin,
        Some(other) => return Err(format!("unknown service `{other}`")),
        None => return Err("connect needs a service".into()),
    };
    let mut c = Connect {
        service,
        account: None,
        profile: None,
        endpoint: None,
        client_id: None,
        conversations: Vec::new(),
        api_key: false,
        order_numbers: Vec::new(),
        rest_base: None,
        secret_stdin: false,
        base_url: None,
        rooms: Vec::new(),
        symbols: Vec::new(),
        send_over: RealtimeSendPath::WebSocket,
        api_key_in_query: false,
        email: None,
        api_base: None,
        keystore: None,
        to: Vec::new(),
    };
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--account" => c.account = Some(value()?),
            "--profile" => c.profile = Some(PathBuf::from(value()?)),
            "--endpoint" => c.endpoint = Some(value()?),
            "--client-id" => c.client_id = Some(value()?),
            "--conversation-id" => {
                let raw = value()?;
                let id = raw
                    .parse()
                    .map_err(|_| format!("--conversation-id takes a number, not `{raw}`"))?;
                c.conversations.push(id);
            }
            "--api-key" => c.api_key = true,
            "--order-no" => c.order_numbers.push(value()?),
            "--rest-base" => c.rest_base = Some(value()?),
            "--secret-stdin" => c.secret_stdin = true,
            "--base-url" => c.base_url = Some(value()?),
            "--room" => c.rooms.push(value()?),
            "--symbol" => c.symbols.push(value()?),
            "--send-over" => {
                c.send_over = match value()?.as_str() {
                    "socket" => RealtimeSendPath::WebSocket,
                    "rest" => RealtimeSendPath::Rest,
                    other => {
                        return Err(format!("--send-over takes socket or rest, not `{other}`"))
                    }
                }
            }
            "--api-key-in-query" => c.api_key_in_query = true,
            "--email" => c.email = Some(value()?),
            "--api-base" => c.api_base = Some(value()?),
            "--keystore" => c.keystore = Some(PathBuf::from(value()?)),
            "--to" => c.to.push(value()?),
            "-h" | "--help" => return Ok(Parsed::Help),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if c.account.is_none() && c.service == ServiceKind::Mockly && c.client_id.is_none() {
        return Err("mockly needs --client-id (or --account)".into());
    }
    if c.secret_stdin && c.service == ServiceKind::Mockly {
        return Err("mockly accounts have no secret; drop --secret-stdin".into());
    }
    if c.service != ServiceKind::Mexc
        && (c.api_key || !c.order_numbers.is_empty() || c.rest_base.is_some())
    {
        return Err("--api-key, --order-no and --rest-base are for mexc".into());
    }
    if c.service != ServiceKind::Mixin
        && (c.api_base.is_some() || c.keystore.is_some() || !c.to.is_empty())
    {
        return Err("--api-base, --keystore and --to are for mixin".into());
    }
    if c.service == ServiceKind::Mixin
        && c.account.is_none()
        && c.keystore.is_some() == c.secret_stdin
    {
        return Err(
            "mixin needs either --keystore FILE or --secret-stdin (the keystore JSON on one line)"
                .into(),
        );
    }
    if !c.rooms.is_empty() && !matches!(c.service, ServiceKind::Realtime | ServiceKind::Mixin) {
        return Err("--room is for realtime and mixin".into());
    }
    let realtime_only = c.base_url.is_some()
        || !c.symbols.is_empty()
        || c.email.is_some()
        || c.api_key_in_query
        || c.send_over != RealtimeSendPath::WebSocket;
    if c.service != ServiceKind::Realtime && realtime_only {
        return Err(
            "--base-url, --symbol, --send-over, --api-key-in-query and --email are for realtime"
                .into(),
        );
    }
    if c.account.is_none() && c.service == ServiceKind::Realtime {
        if c.base_url.is_none() {
            return Err("realtime needs --base-url (or --account)".into());
        }
        if c.email.is_some() == c.secret_stdin {
            return Err("realtime needs either --email (API key and password on stdin) or --secret-stdin (API key and token on stdin)".into());
        }
    }
    if !c.order_numbers.is_empty() && !c.api_key {
        return Err("--order-no needs --api-key (order numbers are looked up over REST)".into());
    }
    if c.account.is_none() && c.service == ServiceKind::Mexc {
        if c.conversations.is_empty() && c.order_numbers.is_empty() {
            return Err(
                "mexc needs at least one --conversation-id or --order-no (or --account)".into(),
            );
        }
        if !c.secret_stdin {
            return Err(if c.api_key {
                "mexc API-key mode needs the API key and secret on stdin: add --secret-stdin".into()
            } else {
                "mexc needs the listenKey on stdin: add --secret-stdin".into()
            });
        }
    }
    Ok(Parsed::Connect(Box::new(c)))
}

/// `verify-pack DIR [--json]`, in either order.
fn parse_verify_pack<'a>(args: impl Iterator<Item = &'a String>) -> Result<Parsed, String> {
    let (mut dir, mut json) = (None, false);
    for arg in args {
        match arg.as_str() {
            "--json" => json = true,
            "-h" | "--help" => return Ok(Parsed::Help),
            flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`")),
            path if dir.is_none() => dir = Some(PathBuf::from(path)),
            extra => return Err(format!("verify-pack takes one folder, not also `{extra}`")),
        }
    }
    let dir = dir.ok_or("verify-pack needs the pack's folder")?;
    Ok(Parsed::VerifyPack { dir, json })
}

impl Connect {
    pub fn mexc_settings(&self) -> MexcSettings {
        MexcSettings {
            auth: if self.api_key {
                MexcAuth::ApiKey
            } else {
                MexcAuth::ListenKey
            },
            rest_base: self
                .rest_base
                .clone()
                .unwrap_or_else(MexcSettings::default_rest_base),
            conversations: self
                .conversations
                .iter()
                .copied()
                .map(MexcChat::by_id)
                .collect(),
            ..MexcSettings::with_endpoint(
                self.endpoint
                    .clone()
                    .unwrap_or_else(MexcSettings::default_endpoint),
            )
        }
    }

    pub fn realtime_settings(&self) -> Option<RealtimeSettings> {
        Some(RealtimeSettings {
            ws_url: self.endpoint.clone(),
            symbols: self.symbols.clone(),
            send_over: self.send_over,
            api_key_in_query: self.api_key_in_query,
            ..RealtimeSettings::new(self.base_url.clone()?)
        })
    }

    pub fn mixin_settings(&self) -> parley_core::account::MixinSettings {
        use parley_core::account::MixinSettings;
        MixinSettings {
            bot_id: String::new(),
            bot_name: String::new(),
            blaze_url: self
                .endpoint
                .clone()
                .unwrap_or_else(MixinSettings::default_blaze_url),
            api_base: self
                .api_base
                .clone()
                .unwrap_or_else(MixinSettings::default_api_base),
        }
    }

    pub fn mockly_settings(&self) -> Option<MocklySettings> {
        Some(MocklySettings {
            client_id: self.client_id.clone()?,
            endpoint: self
                .endpoint
                .clone()
                .unwrap_or_else(MocklySettings::default_endpoint),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Parsed, String> {
        parse(&s.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
    }

    #[test]
    fn mockly_flags_are_read() {
        let Parsed::Connect(c) = parse_str(
            "connect mockly --client-id me --endpoint ws://127.0.0.1:1/ws/chat/{client_id}",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(c.client_id.as_deref(), Some("me"));
        assert_eq!(
            c.mockly_settings().unwrap().endpoint,
            "ws://127.0.0.1:1/ws/chat/{client_id}"
        );
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(parse_str("connect")
            .unwrap_err()
            .contains("needs a service"));
        assert!(parse_str("connect irc")
            .unwrap_err()
            .contains("unknown service"));
        assert!(parse_str("connect mockly")
            .unwrap_err()
            .contains("--client-id"));
        assert!(parse_str("connect mockly --client-id")
            .unwrap_err()
            .contains("needs a value"));
        assert!(parse_str("connect mockly --client-id a --secret-stdin")
            .unwrap_err()
            .contains("no secret"));
        assert!(parse_str("connect mexc --secret-stdin")
            .unwrap_err()
            .contains("--conversation-id"));
        assert!(parse_str("connect mexc --conversation-id 5")
            .unwrap_err()
            .contains("--secret-stdin"));
        assert!(parse_str("connect mexc --conversation-id x")
            .unwrap_err()
            .contains("a number"));
        assert!(parse_str("connect realtime --room r1 --secret-stdin")
            .unwrap_err()
            .contains("--base-url"));
        assert!(parse_str("connect realtime --base-url http://x --room r1")
            .unwrap_err()
            .contains("--email"));
        assert!(parse_str("connect mockly --client-id a --room r1")
            .unwrap_err()
            .contains("for realtime and mixin"));
        assert!(parse_str("connect mockly --client-id a --symbol X")
            .unwrap_err()
            .contains("are for realtime"));
        assert!(parse_str("connect mixin --to u1")
            .unwrap_err()
            .contains("--keystore FILE or --secret-stdin"));
        assert!(
            parse_str("connect mexc --to u1 --conversation-id 1 --secret-stdin")
                .unwrap_err()
                .contains("are for mixin")
        );
        assert!(
            parse_str("connect realtime --base-url http://x --email a --send-over pigeon")
                .unwrap_err()
                .contains("socket or rest")
        );
        assert_eq!(parse_str("--help").unwrap(), Parsed::Help);
    }

    #[test]
    fn verify_pack_takes_one_folder() {
        assert_eq!(
            parse_str("verify-pack /tmp/p --json").unwrap(),
            Parsed::VerifyPack {
                dir: PathBuf::from("/tmp/p"),
                json: true
            }
        );
        assert!(parse_str("verify-pack")
            .unwrap_err()
            .contains("needs the pack"));
        assert!(parse_str("verify-pack a b")
            .unwrap_err()
            .contains("one folder"));
        assert!(parse_str("verify-pack a --fast")
            .unwrap_err()
            .contains("unknown option"));
    }
}
