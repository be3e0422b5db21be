//! Quote-reply. A reply names the message it answers in the service's own field where there is
//! one (Mixin's `quote_message_id`: the other side's app shows the quote itself); elsewhere, or
//! when the answered message has no service id yet, the reply starts with the answered
//! message's first line quoted, so whoever reads it, in any client, sees what is answered.

use crate::message::{Draft, MessageKind, StoredMessage};

/// Characters of the answered message kept in a quoted line (the rest becomes "…").
pub const QUOTED_CHARS: usize = 100;

/// The line that stands for `quoted` at the top of a reply: `> Sender: first line`.
pub fn quoted_line(quoted: &StoredMessage) -> String {
    let who = if quoted.own {
        "You".to_owned()
    } else {
        one_line(quoted.sender_name.as_deref().unwrap_or(&quoted.sender_id))
    };
    let first = quoted
        .text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or_default();
    let what = if first.is_empty() {
        placeholder(quoted.kind).to_owned()
    } else {
        shortened(&one_line(first))
    };
    format!("> {who}: {what}")
}

/// `draft` as a reply to `quoted`: through the service's quote field when it has one
/// (`has_field`) and the message has a service id; otherwise with [`quoted_line`] first.
pub fn reply(mut draft: Draft, quoted: &StoredMessage, has_field: bool) -> Draft {
    match (&quoted.service_id, has_field) {
        (Some(id), true) if !id.is_empty() => draft.quote_id = Some(id.clone()),
        _ => {
            draft.quote_id = None;
            draft.text = format!("{}\n{}", quoted_line(quoted), draft.text);
        }
    }
    draft
}

/// A name or line with its control characters (line breaks, tabs) turned into spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn shortened(line: &str) -> String {
    match line.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", line[..cut].trim_end()),
        None => line.to_owned(),
    }
}

/// What a message without text is called in a quote.
fn placeholder(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Image => "[image]",
        MessageKind::Video => "[video]",
        MessageKind::File => "[file]",
        MessageKind::Sticker => "[sticker]",
        MessageKind::Audio => "[voice message]",
        _ => "[message]",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Media;

    fn stored(text: &str) -> StoredMessage {
        StoredMessage {
            local_id: 4,
            room: "r".into(),
            service_id: Some("svc-4".into()),
            sender_id: "u_7".into(),
            sender_name: Some("Ada Bot".into()),
            text: text.into(),
            ..StoredMessage::received_for_test("a")
        }
    }

    #[test]
    fn a_service_with_a_quote_field_gets_the_id_and_the_text_unchanged() {
        let reply = reply(Draft::text("paid"), &stored("send 50 USDT"), true);
        assert_eq!(reply.quote_id.as_deref(), Some("svc-4"));
        assert_eq!(reply.text, "paid");
    }

    #[test]
    fn a_service_without_one_gets_the_first_line_quoted_above_the_reply() {
        let reply = reply(
            Draft::text("paid"),
            &stored("\n  send 50 USDT to\nthis account"),
            false,
        );
        assert_eq!(reply.quote_id, None);
        assert_eq!(reply.text, "> Ada Bot: send 50 USDT to\npaid");
    }

    #[test]
    fn a_message_without_a_service_id_is_quoted_even_where_the_field_exists() {
        let mut pending = stored("my own pending one");
        pending.service_id = None;
        pending.own = true;
        let reply = reply(Draft::text("and this"), &pending, true);
        assert_eq!(reply.quote_id, None);
        assert_eq!(reply.text, "> You: my own pending one\nand this");
    }

    #[test]
    fn long_lines_are_cut_on_a_character_and_names_cannot_break_the_quote() {
        let mut long = stored(&"é".repeat(300));
        long.sender_name = Some("Eve\n> You: fake".into());
        let line = quoted_line(&long);
        assert_eq!(
            line,
            format!("> Eve > You: fake: {}…", "é".repeat(QUOTED_CHARS))
        );
        assert_eq!(line.lines().count(), 1);
    }

    #[test]
    fn media_without_text_is_named_by_kind() {
        let mut image = stored("");
        image.kind = MessageKind::Image;
        image.media = Some(Media::at("https://x.example/a.png"));
        assert_eq!(quoted_line(&image), "> Ada Bot: [image]");
    }
}
