//! Wire helpers every service shares, codecs and REST clients alike: the WebSocket address a
//! user typed, and the guard that refuses JSON nested too deep before anything parses it. No
//! codec types here, so REST code uses them without depending on the codec layer.

/// Why a wire value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("JSON nested deeper than {MAX_JSON_DEPTH} levels")]
    TooDeep,
    #[error("endpoint `{raw}` is not a URL: {reason}")]
    NotAUrl { raw: String, reason: String },
    #[error("endpoint must start with ws:// or wss://, not {0}://")]
    NotWebSocket(String),
}

/// The deepest nesting of arrays and objects a frame may have. No service nests deeper than a
/// handful of levels; refusing deeper frames up front keeps a hostile one from costing stack.
pub(crate) const MAX_JSON_DEPTH: usize = 64;

/// Refuses JSON nested deeper than [`MAX_JSON_DEPTH`] (a quick scan that skips strings).
pub(crate) fn check_json_depth(json: &[u8]) -> Result<(), WireError> {
    // Nesting never exceeds the number of opening brackets. Chat frames have a handful, so most
    // never need the exact scan below (a tenth of decoding a MEXC frame). `[` and `{` differ only
    // in bit 0x20, and counting in bytes, 255 at a time, is what the compiler vectorizes.
    let openings: usize = json
        .chunks(255)
        .map(|chunk| {
            let in_chunk = chunk
                .iter()
                .fold(0u8, |n, &b| n.wrapping_add(u8::from(b | 0x20 == b'{')));
            usize::from(in_chunk)
        })
        .sum();
    if openings <= MAX_JSON_DEPTH {
        return Ok(());
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in json {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(WireError::TooDeep);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Parses a WebSocket endpoint the user typed: it must be a ws:// or wss:// URL.
pub(crate) fn ws_url(raw: &str) -> Result<url::Url, WireError> {
    let url = url::Url::parse(raw.trim()).map_err(|e| WireError::NotAUrl {
        raw: raw.to_owned(),
        reason: e.to_string(),
    })?;
    match url.scheme() {
        "ws" | "wss" => Ok(url),
        other => Err(WireError::NotWebSocket(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::{check_json_depth, MAX_JSON_DEPTH};

    fn nested(depth: usize) -> String {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn nesting_is_refused_only_past_the_limit() {
        assert!(check_json_depth(nested(MAX_JSON_DEPTH).as_bytes()).is_ok());
        assert!(check_json_depth(nested(MAX_JSON_DEPTH + 1).as_bytes()).is_err());
        // Many brackets side by side, or inside strings, are not depth.
        let wide = format!("[{}]", vec!["{}"; 500].join(","));
        assert!(check_json_depth(wide.as_bytes()).is_ok());
        let quoted = format!(r#"{{"text":"{}"}}"#, "[{".repeat(500));
        assert!(check_json_depth(quoted.as_bytes()).is_ok());
        let escaped_quote = format!(r#"["\"{}"]"#, "[".repeat(100));
        assert!(check_json_depth(escaped_quote.as_bytes()).is_ok());
    }
}
