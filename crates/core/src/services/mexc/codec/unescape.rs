//! Unescaping the JSON string that holds a MEXC chat message (`data` of RECEIVE_MESSAGE is JSON
//! inside a JSON string) into a buffer the codec reuses from frame to frame. serde_json would
//! unescape it into a fresh buffer grown by doubling and then copy it out: those reallocations
//! and copies cost more than the parse of the message itself.

use crate::codec::CodecError;

fn invalid(why: &str) -> CodecError {
    CodecError::InvalidJson(format!("RECEIVE_MESSAGE data: {why}"))
}

/// Appends the text `raw` stands for to `out`; `raw` is a JSON string token *with* its quotes,
/// as serde_json's `RawValue` hands it over (so it is already known to be well-formed JSON,
/// but every escape is checked again: nothing here may panic on any input). One pass, linear.
pub(super) fn unescape_into(raw: &str, out: &mut String) -> Result<(), CodecError> {
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .ok_or_else(|| invalid("not a string"))?;
    out.reserve(inner.len());
    // A byte loop: the runs between escapes are short (every quote of the inner JSON is
    // escaped), too short for a searcher's set-up to pay. Backslashes are ASCII, so every cut
    // below is on a character boundary.
    let bytes = inner.as_bytes();
    let (mut run, mut at) = (0, 0);
    while at < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        out.push_str(&inner[run..at]);
        let escape = *bytes.get(at + 1).ok_or_else(|| invalid("a cut escape"))?;
        at += 2;
        match escape {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let (c, used) = unicode_escape(&inner[at..])?;
                out.push(c);
                at += used;
            }
            _ => return Err(invalid("an unknown escape")),
        }
        run = at;
    }
    out.push_str(&inner[run..]);
    Ok(())
}

/// The character of `XXXX` (after `\u`), or of a surrogate pair `XXXX\uYYYY`, and how many
/// bytes of `tail` it used. A lone surrogate becomes U+FFFD (the text is shown, not refused).
fn unicode_escape(tail: &str) -> Result<(char, usize), CodecError> {
    let first = hex4(tail)?;
    if !(0xD800..0xDC00).contains(&first) {
        let c = char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER);
        return Ok((c, 4));
    }
    let low = tail
        .get(4..6)
        .filter(|s| *s == "\\u")
        .and_then(|_| hex4(&tail[6..]).ok())
        .filter(|low| (0xDC00..0xE000).contains(low));
    match low {
        Some(low) => {
            let code = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
            let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
            Ok((c, 10))
        }
        None => Ok((char::REPLACEMENT_CHARACTER, 4)),
    }
}

fn hex4(s: &str) -> Result<u32, CodecError> {
    let digits = s.get(..4).ok_or_else(|| invalid("a cut \\u escape"))?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid("a \\u escape that is not hex"));
    }
    u32::from_str_radix(digits, 16).map_err(|_| invalid("a \\u escape that is not hex"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unescaped(raw: &str) -> Result<String, CodecError> {
        let mut out = String::from("kept ");
        unescape_into(raw, &mut out)?;
        Ok(out)
    }

    #[test]
    fn every_escape_reads_as_serde_json_reads_it() {
        for text in [
            "plain",
            "",
            r#"{"content":"a \"quoted\" word","x":"\\"}"#,
            "tab\there\nnew line\r\u{8}\u{c}/",
            "€ 10 · 你好 · 🙂 · \u{1}\u{1f}",
            "\u{7f}\u{ffff}\u{10ffff}",
        ] {
            let raw = serde_json::to_string(text).unwrap();
            assert_eq!(unescaped(&raw).unwrap(), format!("kept {text}"), "{raw}");
        }
        let escaped_everything = r#""\u0041\u00e9\u20ac\ud83d\ude42\/\b""#;
        assert_eq!(
            unescaped(escaped_everything).unwrap(),
            format!(
                "kept {}",
                serde_json::from_str::<String>(escaped_everything).unwrap()
            )
        );
    }

    #[test]
    fn odd_escapes_are_errors_or_replacements_never_panics() {
        for bad in [
            r#""\"#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u12g4""#,
            "no quotes",
            "\"",
            r#""\u""#,
        ] {
            assert!(unescaped(bad).is_err(), "{bad}");
        }
        // Lone surrogates are shown as U+FFFD.
        assert_eq!(unescaped(r#""\ud800""#).unwrap(), "kept \u{fffd}");
        assert_eq!(unescaped(r#""\udc00x""#).unwrap(), "kept \u{fffd}x");
        assert_eq!(unescaped(r#""\ud800\u0041""#).unwrap(), "kept \u{fffd}A");
    }
}
