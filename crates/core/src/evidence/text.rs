//! `transcript.txt`: the same transcript as the HTML one, as plain text for any reader (and a
//! terminal: every control character is written out, see [`super::visible`]).

use super::contents::PackContents;
use super::facts::facts;
use super::time::readable;
use super::visible::visible;
use super::writer::PackedMedia;
use crate::message::StoredMessage;
use std::collections::BTreeMap;
use std::fmt::Write;

/// "in" or "out" and the sender, as both transcripts say it.
pub(super) fn who(m: &StoredMessage) -> String {
    let name = m.sender_name.as_deref().unwrap_or(&m.sender_id);
    let direction = if m.own {
        "sent by this account"
    } else {
        "received"
    };
    format!("{} [{}], {direction}", visible(name), visible(&m.sender_id))
}

/// The ids, the server's time as sent and the delivery state, as both transcripts say them.
pub(super) fn provenance(m: &StoredMessage) -> String {
    let mut line = format!(
        "local id {}, service id {}, server time as sent \"{}\", {}",
        m.local_id,
        m.service_id
            .as_deref()
            .map(visible)
            .unwrap_or("none".into()),
        visible(&m.ts_raw),
        m.state.as_str()
    );
    if let Some(error) = &m.error {
        let _ = write!(line, " ({})", visible(error));
    }
    line
}

/// What happened to a message's media, in a sentence.
pub(super) fn media_line(
    m: &StoredMessage,
    packed: Option<&Result<PackedMedia, String>>,
) -> Option<String> {
    let media = m.media.as_ref()?;
    let what = match packed {
        Some(Ok(saved)) => format!(
            "saved as {} ({} bytes, {}, SHA-256 {})",
            saved.file, saved.size, saved.mime, saved.sha256
        ),
        Some(Err(why)) => format!("NOT SAVED: {}", visible(why)),
        None => "not saved".to_owned(),
    };
    Some(format!(
        "{}: {what}; address {}",
        m.kind.as_str(),
        visible(&media.url)
    ))
}

pub(super) fn render(
    contents: &PackContents,
    media: &BTreeMap<i64, Result<PackedMedia, String>>,
) -> String {
    let mut out = String::from("Parley evidence pack: transcript\n\n");
    for (label, value) in facts(contents) {
        let _ = writeln!(out, "{label}: {}", visible(&value));
    }
    out.push_str(
        "\nTimes are the server's as Parley read them, in UTC; each message also shows the time exactly as the server sent it.\n",
    );
    for m in &contents.messages {
        let _ = writeln!(out, "\n[{}] {}", readable(m.ts_ms), who(m));
        let _ = writeln!(out, "    {}", provenance(m));
        for line in visible(&m.text).lines() {
            let _ = writeln!(out, "    | {line}");
        }
        if let Some(card) = &m.card {
            let _ = writeln!(
                out,
                "    card: {} — {}",
                visible(&card.title),
                visible(&card.description)
            );
            for button in &card.buttons {
                let _ = writeln!(
                    out,
                    "    button: {} → {}",
                    visible(&button.label),
                    visible(&button.url)
                );
            }
        }
        if let Some(line) = media_line(m, media.get(&m.local_id)) {
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}
