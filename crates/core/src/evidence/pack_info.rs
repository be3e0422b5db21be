//! `pack.json`: what the pack is (app version, account, room, export time, counts), the
//! SHA-256 of `MANIFEST.sha256`, and a seal over pack.json itself: the SHA-256 of the file as
//! written with the seal's own value set to 64 zeros. So every byte of every file is covered:
//! a file by the manifest, the manifest by pack.json, pack.json by its seal. The seal is the
//! pack's fingerprint; given to the other party at export time (in the chat itself), it proves
//! later that this exact pack is the one exported.

use super::manifest::sha256_hex;
use serde::{Deserialize, Serialize};

pub(super) const FORMAT: &str = "parley-evidence-pack/1";
const SEAL_FIELD: &str = "\"pack_sha256\": \"";
const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct PackInfo {
    pub format: String,
    pub app: String,
    pub app_version: String,
    pub exported_at: String,
    pub exported_at_ms: i64,
    pub account: Named,
    pub service: String,
    pub room: Named,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_no: Option<String>,
    pub messages: usize,
    pub media_saved: usize,
    pub media_failed: usize,
    /// Files the manifest lists.
    pub files: usize,
    pub manifest: String,
    pub manifest_sha256: String,
    /// The seal; see the module's doc. Last, so it is written once the rest is known.
    pub pack_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Named {
    pub id: String,
    pub name: String,
}

impl PackInfo {
    /// The file's bytes, sealed; and the seal.
    pub(super) fn sealed(mut self) -> (String, String) {
        self.pack_sha256 = ZEROS.to_owned();
        let unsealed = self.render();
        let seal = sha256_hex(unsealed.as_bytes());
        let sealed = unsealed.replacen(
            &format!("{SEAL_FIELD}{ZEROS}\""),
            &format!("{SEAL_FIELD}{seal}\""),
            1,
        );
        (sealed, seal)
    }

    fn render(&self) -> String {
        let mut text = serde_json::to_string_pretty(self)
            .unwrap_or_else(|_| unreachable!("plain strings and numbers always serialize"));
        text.push('\n');
        text
    }
}

/// Checks a pack.json's seal; the info it holds, or why it cannot be trusted.
pub(super) fn unseal(bytes: &[u8]) -> Result<PackInfo, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "pack.json is not text".to_owned())?;
    let info: PackInfo = serde_json::from_str(text)
        .map_err(|e| format!("pack.json is not a pack description: {e}"))?;
    let at = match text
        .match_indices(SEAL_FIELD)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [(at, _)] => at + SEAL_FIELD.len(),
        _ => return Err("pack.json has no single seal".to_owned()),
    };
    let seal = text.get(at..at + 64).unwrap_or("");
    if seal != info.pack_sha256 || text.get(at + 64..at + 65) != Some("\"") {
        return Err("pack.json's seal is not where it was written".to_owned());
    }
    let unsealed = format!("{}{ZEROS}{}", &text[..at], &text[at + 64..]);
    if sha256_hex(unsealed.as_bytes()) != seal {
        return Err("pack.json changed after export (its seal does not match)".to_owned());
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn info() -> PackInfo {
        PackInfo {
            format: FORMAT.into(),
            app: "Parley".into(),
            app_version: "0.1.0".into(),
            exported_at: "2026-12-05T03:20:01.000Z".into(),
            exported_at_ms: 1,
            account: Named {
                id: "a".into(),
                name: "Acc".into(),
            },
            service: "MEXC P2P order chat".into(),
            room: Named {
                id: "1001".into(),
                name: "Sell 1,000 USDT · bob".into(),
            },
            order_no: Some("1138745987".into()),
            messages: 3,
            media_saved: 1,
            media_failed: 0,
            files: 4,
            manifest: "MANIFEST.sha256".into(),
            manifest_sha256: sha256_hex(b"x"),
            pack_sha256: String::new(),
        }
    }

    #[test]
    fn a_sealed_pack_info_unseals_and_any_changed_byte_breaks_it() {
        let (text, seal) = info().sealed();
        let read = unseal(text.as_bytes()).unwrap();
        assert_eq!(read.pack_sha256, seal);
        assert_eq!(read.room.name, "Sell 1,000 USDT · bob");
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            let mut tampered = bytes.to_vec();
            tampered[i] ^= 0x01;
            assert!(
                unseal(&tampered).is_err(),
                "byte {i} ({:?}) changed unnoticed",
                bytes[i] as char
            );
        }
    }
}
