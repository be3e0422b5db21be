//! Names of what a pack writes: the pack's folder and its media files. Names come partly from
//! strangers (a room's title, a file's name in a message), so they are cut down to letters,
//! digits and a few marks; a media file's extension is the one its bytes call for, so a file a
//! peer named `proof.sh` is never saved as something a double-click runs.

/// Longest part of a name taken from a title or a file name.
const PART_CHARS: usize = 60;

/// Letters and digits (any script), `-`, `_` and `.`; anything else becomes `_`, runs of `_`
/// fold into one, and no name starts or ends with `.` or `_`.
fn clean(raw: &str, keep_spaces: bool) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let keep = c.is_alphanumeric() || matches!(c, '-' | '_' | '.') || (keep_spaces && c == ' ');
        let c = if keep { c } else { '_' };
        if c == '_' && out.ends_with('_') {
            continue;
        }
        out.push(c);
        if out.chars().count() >= PART_CHARS {
            break;
        }
    }
    out.trim_matches(|c| c == '.' || c == '_' || c == ' ')
        .to_owned()
}

/// The name a message's media gets in `media/`: its local id (unique in the pack), the name it
/// was sent with (without its own extension) and the extension its bytes call for.
pub(super) fn media_file(local_id: i64, sent_name: &str, extension: &str) -> String {
    let stem = sent_name
        .rsplit('/')
        .next()
        .map(|last| last.rsplit_once('.').map_or(last, |(stem, _)| stem))
        .map(|stem| clean(stem, false))
        .unwrap_or_default();
    let extension = clean(extension, false);
    let extension = if extension.is_empty() {
        "bin".to_owned()
    } else {
        extension
    };
    if stem.is_empty() {
        format!("{local_id}.{extension}")
    } else {
        format!("{local_id}-{stem}.{extension}")
    }
}

/// The pack's folder: "Parley evidence - <room> - <UTC time>".
pub(super) fn pack_folder(room_title: &str, exported_at_ms: i64) -> String {
    let when = chrono::DateTime::from_timestamp_millis(exported_at_ms)
        .map(|t| t.format("%Y-%m-%d %H.%M.%S UTC").to_string())
        .unwrap_or_else(|| exported_at_ms.to_string());
    let room = clean(room_title, true);
    if room.is_empty() {
        format!("Parley evidence - {when}")
    } else {
        format!("Parley evidence - {room} - {when}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_files_are_named_by_id_and_by_their_bytes() {
        assert_eq!(
            media_file(7, "payment-proof.png", "png"),
            "7-payment-proof.png"
        );
        assert_eq!(media_file(7, "run-me.sh", "bin"), "7-run-me.bin");
        assert_eq!(media_file(7, "../../.bashrc", "bin"), "7.bin");
        assert_eq!(media_file(7, "photo.jpeg", "jpg"), "7-photo.jpg");
        assert_eq!(media_file(7, "", "pdf"), "7.pdf");
        assert_eq!(media_file(7, "a b/c d:e*f?.png", "png"), "7-c_d_e_f.png");
        assert_eq!(media_file(7, "отчёт.pdf", "pdf"), "7-отчёт.pdf");
        assert!(media_file(7, &"x".repeat(1000), "png").len() < 80);
    }

    #[test]
    fn the_folder_names_the_room_and_the_time() {
        assert_eq!(
            pack_folder("Sell 1,000 USDT · bob/../x", 1_800_000_000_000),
            "Parley evidence - Sell 1_000 USDT _ bob_.._x - 2027-01-15 08.00.00 UTC"
        );
        assert_eq!(
            pack_folder("///", 0),
            "Parley evidence - 1970-01-01 00.00.00 UTC"
        );
    }
}
