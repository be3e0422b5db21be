//! One `connect` session: an engine with a single account, events to stdout as NDJSON, stdin
//! lines to messages.

use crate::args::Connect;
use anyhow::{anyhow, Context};
use parley_core::account::{Account, AccountId, ServiceSettings};
use parley_core::config::{AppConfig, ConfigFile};
use parley_core::connection_state::ConnectionState;
use parley_core::engine::Engine;
use parley_core::event::Event;
use parley_core::media::outgoing::{FileToSend, SendAs, MAX_SEND_BYTES};
use parley_core::message::DeliveryState;
use parley_core::profile::Profile;
use parley_core::secret::Secret;
use parley_core::secrets::{KeyringStore, SecretStore, SessionOnlyStore};
use parley_core::services::mexc::orders::resolve_orders;
use parley_core::services::mexc::rest::ApiCredentials;
use parley_core::services::realtime::account::{log_in, Login};
use parley_core::store::Store;
use parley_core::supervisor::Tuning;
use serde::Deserialize;
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncBufReadExt;
use tokio::sync::mpsc;

/// How long to wait at end of input for sent messages to be confirmed (files still going up
/// are waited for until their upload ends).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(15);

/// [`DRAIN_TIMEOUT`], or `PARLEY_CLI_DRAIN_MS` (tests make it short).
fn drain_timeout() -> Duration {
    std::env::var("PARLEY_CLI_DRAIN_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(DRAIN_TIMEOUT, Duration::from_millis)
}

#[derive(Deserialize)]
struct JsonLine {
    room: Option<String>,
    #[serde(default)]
    text: String,
    /// A file to send (services that take uploads), with `text` as its caption.
    file: Option<PathBuf>,
    /// `photo` (an image with its preview) or `file`; photos by default for images.
    #[serde(rename = "as")]
    send_as: Option<String>,
}

/// What one stdin line asks for.
#[derive(Debug, PartialEq)]
enum Line {
    Text {
        room: String,
        text: String,
    },
    File {
        room: String,
        path: PathBuf,
        caption: String,
        send_as: SendAs,
    },
}

pub async fn run(c: Connect) -> anyhow::Result<ExitCode> {
    // Listening from the start: a signal during setup is remembered and ends the session as
    // soon as it runs, after which the engine's shutdown closes sockets and deletes keys.
    let stop = stop_signals()?;
    let mut lines = stdin_lines();
    let (account, secrets) = tokio::select! {
        setup = account_and_secrets(&c, &mut lines) => setup?,
        // Nothing is connected or created yet: just go.
        _ = stop.notified() => return Ok(ExitCode::SUCCESS),
    };
    let mut rooms = c.rooms.clone();
    if let ServiceSettings::Mixin(s) = &account.settings {
        // A user id names their one-to-one conversation with the bot.
        rooms.extend(c.to.iter().map(|user| {
            parley_core::services::mixin::ids::contact_conversation_id(&s.bot_id, user.trim())
        }));
    }
    let default_room = rooms
        .first()
        .cloned()
        .or_else(|| {
            account
                .settings
                .service()
                .fixed_rooms()
                .into_iter()
                .next()
                .map(|(room, _)| room)
        })
        .ok_or_else(|| anyhow!("no room to send to: join one with --room"))?;
    let account_id = account.id.clone();
    let engine = Engine::new(
        Store::open_in_memory().context("cannot open the in-memory store")?,
        None,
        AppConfig {
            accounts: vec![account],
            demo_dismissed: true,
            notifications: Default::default(),
            desktop: Default::default(),
            auto_media: Default::default(),
            templates: Vec::new(),
        },
        secrets,
        Tuning::default(),
    );
    let mut events = engine.subscribe();
    engine.start_configured().await?;
    let joins = if c.service == parley_core::account::ServiceKind::Realtime {
        c.rooms.as_slice()
    } else {
        &[]
    };
    for room in joins {
        if let Err(e) = engine.join_room(&account_id, room).await {
            // A refused token also stops the connection with "sign in again": that stop, on
            // the event stream, ends the session with 3 below.
            let token_refused = matches!(
                &e,
                parley_core::engine::EngineError::Rest(r) if r.status() == Some(401)
            );
            if !token_refused {
                return Err(anyhow!(e).context(format!("cannot join room {room}")));
            }
            print_event(&Event::Error {
                account: account_id.clone(),
                message: format!("cannot join room {room}: {e}"),
            });
        }
    }

    // Files wait here for their upload (the session's store is in memory too).
    let outbox = tempfile::tempdir().context("cannot make a folder for files to send")?;
    let mut awaiting: HashSet<i64> = HashSet::new();
    // Files of ours still to upload, among `awaiting`.
    let mut uploading: HashSet<i64> = HashSet::new();
    let mut input_done = false;
    let mut any_failed = false;
    let mut opened = false;
    // Connected now (uploads go up only then).
    let mut connected = false;
    let drain_deadline = tokio::time::sleep(Duration::MAX);
    tokio::pin!(drain_deadline);
    let code = loop {
        if input_done && opened && awaiting.is_empty() {
            break if any_failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
        tokio::select! {
            event = events.recv() => {
                let Ok(event) = event else { continue };
                if event.is_shown() {
                    print_event(&event);
                }
                match &event {
                    Event::Status { state: ConnectionState::Open, .. } => { opened = true; connected = true; }
                    // Everything of ours that goes out is awaited, the text sent after a file
                    // that carries no caption included.
                    Event::Message(m) if m.own && m.state == DeliveryState::Pending => {
                        awaiting.insert(m.local_id);
                        if m.media.as_ref().is_some_and(|media| media.awaits_upload()) {
                            uploading.insert(m.local_id);
                        } else {
                            uploading.remove(&m.local_id);
                        }
                    }
                    Event::Sent(m) => { awaiting.remove(&m.local_id); uploading.remove(&m.local_id); }
                    Event::Failed(m) => { awaiting.remove(&m.local_id); uploading.remove(&m.local_id); any_failed = true; }
                    Event::Deleted { local_id, .. } => { awaiting.remove(local_id); uploading.remove(local_id); }
                    Event::Status { state: ConnectionState::Stopped { reason }, .. } => {
                        eprintln!("parley-cli: the connection stopped: {reason}");
                        break ExitCode::from(3);
                    }
                    Event::Status { .. } => connected = false,
                    _ => {}
                }
            }
            line = lines.recv(), if !input_done => match line {
                Some(line) => {
                    let sent = match parse_line(&line, &default_room) {
                        None => continue,
                        Some(Line::Text { room, text }) => engine.send_text(&account_id, &room, &text).await.map_err(anyhow::Error::from),
                        Some(Line::File { room, path, caption, send_as }) => match read_file(&path, send_as, caption) {
                            Ok(file) => engine.send_file(&account_id, &room, file, outbox.path()).await.map_err(anyhow::Error::from),
                            Err(e) => Err(e),
                        },
                    };
                    match sent {
                        Ok(m) => { awaiting.insert(m.local_id); }
                        Err(e) => {
                            any_failed = true;
                            print_event(&Event::Error { account: account_id.clone(), message: format!("{e:#}") });
                        }
                    }
                }
                None => {
                    input_done = true;
                    drain_deadline.as_mut().reset(tokio::time::Instant::now() + drain_timeout());
                }
            },
            _ = &mut drain_deadline => {
                // A file still going up is work in progress, not a stall (a large file on a slow
                // line outlasts the wait): while connected, its upload has limits of its own (10 min
                // a try) and ends in Sent or Failed. Not connected, nothing goes up: the wait ends.
                if !uploading.is_empty() && connected {
                    drain_deadline.as_mut().reset(tokio::time::Instant::now() + drain_timeout());
                    continue;
                }
                if opened {
                    eprintln!("parley-cli: {} message(s) not confirmed within {} s", awaiting.len(), drain_timeout().as_secs());
                } else {
                    eprintln!("parley-cli: not connected within {} s after end of input", drain_timeout().as_secs());
                }
                break ExitCode::from(1);
            }
            _ = stop.notified() => break ExitCode::SUCCESS,
        }
    };
    engine.shutdown().await;
    Ok(code)
}

/// Plain text goes to the default room; a JSON object with `text` may name a room and a
/// `file` to send (with `text` as its caption); `--attach PATH caption` sends a file too.
fn parse_line(line: &str, default_room: &str) -> Option<Line> {
    if line.trim().is_empty() {
        return None;
    }
    if line.trim_start().starts_with('{') {
        if let Ok(j) = serde_json::from_str::<JsonLine>(line) {
            let room = j.room.unwrap_or_else(|| default_room.to_owned());
            return Some(match j.file {
                Some(path) => Line::File {
                    room,
                    path,
                    caption: j.text,
                    send_as: match j.send_as.as_deref() {
                        Some("file") => SendAs::File,
                        _ => SendAs::Photo,
                    },
                },
                None => Line::Text { room, text: j.text },
            });
        }
    }
    if let Some(rest) = line.strip_prefix("--attach ") {
        let rest = rest.trim_start();
        let (path, caption) = rest.split_once(' ').unwrap_or((rest, ""));
        if !path.is_empty() {
            return Some(Line::File {
                room: default_room.to_owned(),
                path: PathBuf::from(path),
                caption: caption.trim().to_owned(),
                send_as: SendAs::Photo,
            });
        }
    }
    Some(Line::Text {
        room: default_room.to_owned(),
        text: line.to_owned(),
    })
}

/// Reads a file named on a line (its size checked before reading) for `send_file`.
fn read_file(
    path: &std::path::Path,
    send_as: SendAs,
    caption: String,
) -> anyhow::Result<FileToSend> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if size > MAX_SEND_BYTES {
        return Err(anyhow!(
            "{} is {} MB; at most {} MB can be sent",
            path.display(),
            size / (1024 * 1024),
            MAX_SEND_BYTES / (1024 * 1024)
        ));
    }
    // Read with a bound: a device or a pipe (/dev/zero) says it is empty and never ends.
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?,
            MAX_SEND_BYTES + 1,
        ),
        &mut bytes,
    )
    .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > MAX_SEND_BYTES {
        return Err(anyhow!(
            "{} is over {} MB; at most {} MB can be sent",
            path.display(),
            MAX_SEND_BYTES / (1024 * 1024),
            MAX_SEND_BYTES / (1024 * 1024)
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    Ok(FileToSend {
        bytes,
        name,
        send_as,
        caption,
    })
}

fn print_event(event: &Event) {
    let Ok(json) = serde_json::to_string(event) else {
        return;
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{json}");
    let _ = out.flush();
}

/// Notified once on Ctrl-C (SIGINT) or SIGTERM: the session ends as it does at end of input,
/// closing its sockets and deleting the listenKeys it created, without waiting for stdin.
fn stop_signals() -> anyhow::Result<Arc<tokio::sync::Notify>> {
    let stop = Arc::new(tokio::sync::Notify::new());
    // Both registered now, not when the task first runs, so no early signal is missed.
    #[cfg(unix)]
    let (mut interrupt, mut terminate) = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?,
            signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
        )
    };
    let notify = stop.clone();
    tokio::spawn(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        eprintln!("parley-cli: stopping");
        notify.notify_one();
    });
    Ok(stop)
}

/// Lines of stdin, one by one; the channel closes at end of input.
fn stdin_lines() -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel(64);
    tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if tx.send(line).await.is_err() {
                break;
            }
        }
    });
    rx
}

async fn account_and_secrets(
    c: &Connect,
    lines: &mut mpsc::Receiver<String>,
) -> anyhow::Result<(Account, Arc<dyn SecretStore>)> {
    let (mut account, secrets): (Account, Arc<dyn SecretStore>) = match &c.account {
        Some(id) => {
            let profile = Profile::from_arg(c.profile.as_deref());
            let loaded = ConfigFile::new(profile.config_file.clone()).load()?;
            let account = loaded
                .config
                .accounts
                .into_iter()
                .find(|a| a.id.0 == *id)
                .ok_or_else(|| anyhow!("no account `{id}` in {}", profile.config_file.display()))?;
            if account.service() != c.service {
                return Err(anyhow!(
                    "account `{id}` is a {} account",
                    account.settings.service().label()
                ));
            }
            (
                account,
                Arc::new(KeyringStore::new(profile.keyring_namespace)),
            )
        }
        None => {
            let settings = match c.service {
                parley_core::account::ServiceKind::Mockly => ServiceSettings::Mockly(
                    c.mockly_settings()
                        .ok_or_else(|| anyhow!("mockly needs --client-id"))?,
                ),
                parley_core::account::ServiceKind::Mexc => ServiceSettings::Mexc(c.mexc_settings()),
                parley_core::account::ServiceKind::Realtime => ServiceSettings::Realtime(
                    c.realtime_settings()
                        .ok_or_else(|| anyhow!("realtime needs --base-url"))?,
                ),
                parley_core::account::ServiceKind::Mixin => {
                    ServiceSettings::Mixin(c.mixin_settings())
                }
            };
            let account = Account {
                id: AccountId("cli".into()),
                display_name: settings.service().own_sender_id(),
                settings,
                demo: false,
            };
            (account, Arc::new(SessionOnlyStore::default()))
        }
    };
    if let Some(endpoint) = &c.endpoint {
        match &mut account.settings {
            ServiceSettings::Mockly(s) => s.endpoint = endpoint.clone(),
            ServiceSettings::Mexc(s) => s.endpoint = endpoint.clone(),
            ServiceSettings::Realtime(s) => s.ws_url = Some(endpoint.clone()),
            ServiceSettings::Mixin(s) => s.blaze_url = endpoint.clone(),
        }
    }
    if let ServiceSettings::Mixin(s) = &mut account.settings {
        if let Some(base) = &c.api_base {
            s.api_base = base.clone();
        }
        if c.keystore.is_some() || c.secret_stdin {
            let keystore = match &c.keystore {
                Some(path) => Secret::new(
                    std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?,
                ),
                None => secret_line(lines).await?,
            };
            parley_core::services::mixin::account::check_keystore(s, &keystore)
                .await
                .map_err(|e| anyhow!(e))?;
            let session = SessionOnlyStore::default();
            session.put(&account.id, &keystore)?;
            return Ok((account, Arc::new(session)));
        }
    }
    if let ServiceSettings::Realtime(s) = &mut account.settings {
        if let Some(base) = &c.base_url {
            s.base_url = base.clone();
        }
        if c.email.is_some() || c.secret_stdin {
            let api_key = secret_line(lines).await?;
            let login = match &c.email {
                Some(email) => Login::Password {
                    email: email.clone(),
                    password: secret_line(lines).await?,
                },
                None => Login::Token(secret_line(lines).await?),
            };
            let logged = log_in(&s.base_url, api_key, login).await?;
            s.user_id = logged.user_id;
            let session = SessionOnlyStore::default();
            session.put(&account.id, &logged.credentials.to_secret())?;
            return Ok((account, Arc::new(session)));
        }
    }
    if let (ServiceSettings::Mexc(s), Some(base)) = (&mut account.settings, &c.rest_base) {
        s.rest_base = base.clone();
    }
    let secrets: Arc<dyn SecretStore> = if c.secret_stdin {
        let secret = if c.api_key {
            ApiCredentials {
                api_key: secret_line(lines).await?,
                api_secret: secret_line(lines).await?,
            }
            .to_secret()
        } else {
            secret_line(lines).await?
        };
        let session = SessionOnlyStore::default();
        session.put(&account.id, &secret)?;
        Arc::new(session)
    } else {
        secrets
    };
    if let ServiceSettings::Mexc(s) = &mut account.settings {
        if !c.order_numbers.is_empty() {
            let secret = secrets
                .get(&account.id)?
                .ok_or_else(|| anyhow!("no API key for this account"))?;
            for chat in resolve_orders(s, &secret, &c.order_numbers).await? {
                if !s.conversations.contains(&chat) {
                    s.conversations.push(chat);
                }
            }
        }
    }
    Ok((account, secrets))
}

async fn secret_line(lines: &mut mpsc::Receiver<String>) -> anyhow::Result<Secret> {
    lines
        .recv()
        .await
        .map(|l| Secret::new(l.trim()))
        .ok_or_else(|| anyhow!("--secret-stdin: stdin ended before the secret line"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A device that never ends (it says it is empty) is refused after the limit, not read
    /// until memory runs out.
    #[test]
    fn an_endless_file_is_refused_at_the_limit() {
        let refused = read_file(
            std::path::Path::new("/dev/zero"),
            SendAs::File,
            String::new(),
        )
        .err()
        .expect("refused");
        assert!(refused.to_string().contains("at most 100 MB"), "{refused}");
    }

    #[test]
    fn lines_name_texts_and_files() {
        assert_eq!(parse_line("  ", "r"), None);
        assert_eq!(
            parse_line("hello", "r"),
            Some(Line::Text {
                room: "r".into(),
                text: "hello".into()
            })
        );
        assert_eq!(
            parse_line("--attach ./proof.png Payment proof", "r"),
            Some(Line::File {
                room: "r".into(),
                path: "./proof.png".into(),
                caption: "Payment proof".into(),
                send_as: SendAs::Photo
            })
        );
        assert_eq!(
            parse_line(r#"{"room":"c2","file":"/tmp/a b.pdf","as":"file"}"#, "r"),
            Some(Line::File {
                room: "c2".into(),
                path: "/tmp/a b.pdf".into(),
                caption: String::new(),
                send_as: SendAs::File
            })
        );
        assert_eq!(
            parse_line(r#"{"text":"hi"}"#, "r"),
            Some(Line::Text {
                room: "r".into(),
                text: "hi".into()
            })
        );
    }
}
