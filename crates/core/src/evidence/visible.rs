//! Text from strangers, made visible: control characters (which could rewrite a terminal that
//! shows transcript.txt) and the invisible marks that reorder or hide text (bidirectional
//! overrides and isolates, zero-width characters) are written as `\u{…}`, so what an appeal
//! desk reads is every character that was sent, none hidden or rearranged.

use std::borrow::Cow;

fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}'
            | '\u{061C}' | '\u{FEFF}')
}

/// `raw` with every hidden character written as `\u{hex}`.
pub(super) fn visible(raw: &str) -> Cow<'_, str> {
    if !raw.chars().any(hidden) {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_shown_and_the_rest_kept() {
        assert_eq!(
            visible("plain ünïcode 日本 🙂\n\tok"),
            "plain ünïcode 日本 🙂\n\tok"
        );
        assert_eq!(visible("\u{1b}[2Jx"), "\\u{1b}[2Jx");
        assert_eq!(
            visible("paid \u{202e}005\u{202c}"),
            "paid \\u{202e}005\\u{202c}"
        );
        assert_eq!(visible("a\u{200b}b\r"), "a\\u{200b}b\\u{d}");
    }
}
