//! A file the user sends (a Mixin bot's reply with a picture, a video, a voice note or any
//! file): what it is by its bytes, and for a photo its size in pixels and a small thumbnail made
//! here, as the service's message carries them. The file itself goes as it is: a photo is never
//! re-encoded, only its thumbnail is made.

use super::sniff;
use crate::message::{Media, MessageKind};
use crate::store::messages::{self, UnsentFile};
use crate::store::{Store, StoreError};
use base64::Engine as _;

/// Largest file Parley sends (Mixin documents no limit; its apps refuse far smaller videos).
pub const MAX_SEND_BYTES: u64 = 100 * 1024 * 1024;
/// A thumbnail's longest edge, in pixels (Mixin's apps show a blurred preview this small).
const THUMB_EDGE: u32 = 96;
/// Images larger than this are sent as files: decoding them for a thumbnail would take too much
/// memory.
const MAX_DECODED_BYTES: u64 = 512 * 1024 * 1024;

/// How the user chose to send a file: a photo (shown inline, with a thumbnail) or a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendAs {
    Photo,
    File,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OutgoingFileError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {} MB; Parley sends at most {} MB", .0 / (1024 * 1024), MAX_SEND_BYTES / (1024 * 1024))]
    TooBig(u64),
    #[error("the file could not be kept for sending: {0}")]
    Storage(String),
}

/// A file the user chose to send, with the caption typed beside it.
pub struct FileToSend {
    pub bytes: Vec<u8>,
    pub name: String,
    pub send_as: SendAs,
    pub caption: String,
}

impl FileToSend {
    /// Describes the file and copies it into `dir` (created if needed) to wait for its upload:
    /// the message's kind and caption, and its media pointing at the copy.
    pub fn keep(
        self,
        dir: &std::path::Path,
    ) -> Result<((MessageKind, String), Media), OutgoingFileError> {
        let (kind, mut media) = describe(&self.bytes, &self.name, self.send_as)?;
        std::fs::create_dir_all(dir).map_err(|e| OutgoingFileError::Storage(e.to_string()))?;
        let extension = sniff(&self.bytes[..self.bytes.len().min(32)]).extension;
        let path = dir.join(format!("{}.{extension}", uuid::Uuid::new_v4()));
        std::fs::write(&path, &self.bytes)
            .map_err(|e| OutgoingFileError::Storage(e.to_string()))?;
        media.local_path = Some(path.display().to_string());
        Ok(((kind, self.caption), media))
    }
}

/// Takes back a file of the user's whose upload was cancelled: deletes its message while it is
/// still unsent and not uploaded ([`messages::delete_unsent_file`]), then the copy kept for the
/// upload ([`FileToSend::keep`]). Whoever calls it says so to the page.
pub(crate) async fn take_back(store: &Store, local_id: i64) -> Result<UnsentFile, StoreError> {
    let taken = store
        .run(move |c| messages::delete_unsent_file(c, local_id))
        .await?;
    if let UnsentFile::Deleted(message) = &taken {
        if let Some(copy) = message.media.as_ref().and_then(|m| m.local_path.clone()) {
            // Gone already is as good: the copy has no use left.
            let _ = tokio::fs::remove_file(copy).await;
        }
    }
    Ok(taken)
}

/// A copy younger than this is left by the sweep: its message may be on its way to the store.
const SWEEP_SPARES_YOUNGER: std::time::Duration = std::time::Duration::from_secs(600);

/// Deletes the copies in the outbox folder `dir` that no message waits to upload any more (a
/// message deleted with its room or account, a copy left by a crash); returns how many went.
pub async fn sweep_outbox(store: &Store, dir: &std::path::Path) -> Result<usize, StoreError> {
    let listed = dir.to_owned();
    let old_enough: Vec<std::path::PathBuf> =
        tokio::task::spawn_blocking(move || old_copies(&listed))
            .await
            .unwrap_or_default();
    // Nothing old (the usual case: copies go once uploaded): the store is not asked.
    if old_enough.is_empty() {
        return Ok(0);
    }
    // By name: every copy is made in this one folder (`FileToSend::keep`).
    let kept: std::collections::HashSet<std::ffi::OsString> = store
        .run(messages::files_awaiting_upload)
        .await?
        .into_iter()
        .filter_map(|path| {
            std::path::Path::new(&path)
                .file_name()
                .map(ToOwned::to_owned)
        })
        .collect();
    let swept = tokio::task::spawn_blocking(move || {
        old_enough
            .iter()
            .filter(|path| path.file_name().is_some_and(|name| !kept.contains(name)))
            .filter(|path| std::fs::remove_file(path).is_ok())
            .count()
    })
    .await
    .unwrap_or(0);
    Ok(swept)
}

/// The files in `dir` last written at least [`SWEEP_SPARES_YOUNGER`] ago.
fn old_copies(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .filter(|entry| {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age >= SWEEP_SPARES_YOUNGER)
        })
        .map(|entry| entry.path())
        .collect()
}

/// The kind of message `bytes` make and what the message says about them (no address yet: it
/// is uploaded when the message goes).
pub fn describe(
    bytes: &[u8],
    name: &str,
    send_as: SendAs,
) -> Result<(MessageKind, Media), OutgoingFileError> {
    let size = bytes.len() as u64;
    if size == 0 {
        return Err(OutgoingFileError::Empty);
    }
    if size > MAX_SEND_BYTES {
        return Err(OutgoingFileError::TooBig(size));
    }
    let sniffed = sniff(&bytes[..bytes.len().min(32)]);
    let mut media = Media {
        url: String::new(),
        thumb_url: None,
        thumb_inline: None,
        mime: Some(
            if sniffed.mime == "application/octet-stream" {
                declared_type(name).unwrap_or(sniffed.mime)
            } else {
                sniffed.mime
            }
            .to_owned(),
        ),
        name: Some(clean_name(name, sniffed.extension)),
        size: Some(size),
        duration_ms: None,
        width: None,
        height: None,
        attachment_id: None,
        local_path: None,
    };
    if send_as == SendAs::File {
        return Ok((MessageKind::File, media));
    }
    let kind = match sniffed.mime {
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" => match picture(bytes) {
            Some((width, height, thumbnail)) => {
                media.width = Some(width);
                media.height = Some(height);
                media.thumb_inline = Some(thumbnail);
                MessageKind::Image
            }
            // Not decodable (or too large to decode): it still goes, as a file.
            None => MessageKind::File,
        },
        // A video message carries its picture size and length (Mixin's apps draw it by them);
        // a video whose boxes do not say them goes as a file.
        "video/mp4" | "video/quicktime" => match super::mp4::video_facts(bytes) {
            Some(facts) => {
                media.width = Some(facts.width);
                media.height = Some(facts.height);
                media.duration_ms = Some(facts.duration_ms);
                MessageKind::Video
            }
            None => MessageKind::File,
        },
        // Mixin's voice messages are Ogg Opus; any other audio goes as a file.
        "audio/ogg" if is_opus(bytes) => {
            media.duration_ms = ogg_duration_ms(bytes);
            MessageKind::Audio
        }
        _ => MessageKind::File,
    };
    Ok((kind, media))
}

/// The type a file's name declares, for common files whose bytes carry no signature (a text, a
/// table): the receiver's app then opens it with the right program. Bytes that do have a
/// signature are typed by it, whatever the name says.
fn declared_type(name: &str) -> Option<&'static str> {
    let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "txt" | "log" | "md" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "xls" => "application/vnd.ms-excel",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        _ => return None,
    })
}

/// A file name as sent: its last path part, without control characters, bounded; the sniffed
/// extension when there is none.
fn clean_name(name: &str, extension: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let clean = clean.trim();
    if clean.is_empty() {
        format!("file.{extension}")
    } else {
        clean.to_owned()
    }
}

/// Width, height and a base64 JPEG thumbnail, or `None` when the image cannot be decoded.
fn picture(bytes: &[u8]) -> Option<(u32, u32, String)> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().ok()?;
    let (width, height) = (decoded.width(), decoded.height());
    let thumb = decoded.thumbnail(THUMB_EDGE, THUMB_EDGE).into_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 70)
        .encode_image(&thumb)
        .ok()?;
    Some((
        width,
        height,
        base64::engine::general_purpose::STANDARD.encode(jpeg),
    ))
}

/// Whether an Ogg file carries Opus (its first packet is `OpusHead`).
fn is_opus(bytes: &[u8]) -> bool {
    bytes
        .get(..64)
        .is_some_and(|head| head.windows(8).any(|w| w == b"OpusHead"))
}

/// An Ogg Opus file's length: the last page's granule position at Opus's 48 kHz.
fn ogg_duration_ms(bytes: &[u8]) -> Option<u64> {
    // The last page starts within the last 64 KiB of any sane file.
    let tail_from = bytes.len().saturating_sub(64 * 1024);
    let tail = &bytes[tail_from..];
    let last = tail.windows(4).rposition(|w| w == b"OggS")?;
    let granule = tail.get(last + 6..last + 14)?;
    let samples = u64::from_le_bytes(granule.try_into().ok()?);
    (samples != u64::MAX).then(|| samples * 1000 / 48_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_file_without_a_signature_is_typed_by_its_name() {
        let typed =
            |name: &str, bytes: &[u8]| describe(bytes, name, SendAs::File).unwrap().1.mime.unwrap();
        assert_eq!(typed("notes.TXT", b"order 42 paid"), "text/plain");
        assert_eq!(typed("orders.csv", b"id,amount"), "text/csv");
        assert_eq!(typed("blob", b"\x00\x01"), "application/octet-stream");
        // A signature wins over the name.
        assert_eq!(typed("fake.txt", b"%PDF-1.4 x"), "application/pdf");
    }

    #[test]
    fn a_video_says_its_size_and_length_or_goes_as_a_file() {
        let bytes = crate::media::mp4::tests::mp4(12);
        let (kind, media) = describe(&bytes, "clip.mp4", SendAs::Photo).unwrap();
        assert_eq!(kind, MessageKind::Video);
        assert_eq!(
            (media.width, media.height, media.duration_ms),
            (Some(1280), Some(720), Some(12_000))
        );
        assert_eq!(
            describe(&bytes, "clip.mp4", SendAs::File).unwrap().0,
            MessageKind::File
        );
        // An MP4 whose boxes say nothing usable, and a WebM (not read), go as files.
        let odd = [b"\0\0\0\x18ftypmp42\0\0\0\0".as_slice(), &[0u8; 64]].concat();
        assert_eq!(
            describe(&odd, "odd.mp4", SendAs::Photo).unwrap().0,
            MessageKind::File
        );
        let webm = [&[0x1A, 0x45, 0xDF, 0xA3][..], &[0u8; 64]].concat();
        assert_eq!(
            describe(&webm, "clip.webm", SendAs::Photo).unwrap().0,
            MessageKind::File
        );
    }

    #[test]
    fn a_photo_gets_its_size_and_a_small_thumbnail_and_is_not_re_encoded() {
        let bytes = png(640, 480);
        let (kind, media) = describe(&bytes, "/home/me/Pictures/proof.png", SendAs::Photo).unwrap();
        assert_eq!(kind, MessageKind::Image);
        assert_eq!((media.width, media.height), (Some(640), Some(480)));
        assert_eq!(media.size, Some(bytes.len() as u64), "the file as it is");
        assert_eq!(media.mime.as_deref(), Some("image/png"));
        assert_eq!(media.name.as_deref(), Some("proof.png"));
        let thumb = base64::engine::general_purpose::STANDARD
            .decode(media.thumb_inline.unwrap())
            .unwrap();
        let small = image::load_from_memory(&thumb).unwrap();
        assert_eq!((small.width(), small.height()), (96, 72));
    }

    #[test]
    fn sent_as_a_file_or_undecodable_it_goes_as_a_file() {
        let bytes = png(10, 10);
        let (kind, media) = describe(&bytes, "a.png", SendAs::File).unwrap();
        assert_eq!(kind, MessageKind::File);
        assert!(media.thumb_inline.is_none());
        let mut broken = bytes.clone();
        broken.truncate(30);
        assert_eq!(
            describe(&broken, "broken.png", SendAs::Photo).unwrap().0,
            MessageKind::File
        );
        let (kind, media) = describe(b"%PDF-1.7 invoice", "", SendAs::Photo).unwrap();
        assert_eq!(kind, MessageKind::File);
        assert_eq!(media.name.as_deref(), Some("file.pdf"));
    }

    #[test]
    fn limits_are_checked_before_anything_is_sent() {
        assert_eq!(
            describe(b"", "x", SendAs::File),
            Err(OutgoingFileError::Empty)
        );
        let big = vec![0u8; (MAX_SEND_BYTES + 1) as usize];
        assert!(matches!(
            describe(&big, "x", SendAs::File),
            Err(OutgoingFileError::TooBig(_))
        ));
    }

    #[test]
    fn ogg_opus_is_a_voice_message_with_its_length() {
        let mut ogg = b"OggS\0\x02".to_vec();
        ogg.extend_from_slice(&[0u8; 22]);
        ogg.extend_from_slice(b"OpusHead\x01\x01");
        ogg.extend_from_slice(b"OggS\0\x04");
        ogg.extend_from_slice(&(48_000u64 * 3).to_le_bytes());
        ogg.extend_from_slice(&[0u8; 16]);
        let (kind, media) = describe(&ogg, "voice.ogg", SendAs::Photo).unwrap();
        assert_eq!(kind, MessageKind::Audio);
        assert_eq!(media.duration_ms, Some(3000));
    }

    /// Copies no message waits for go; the one still awaited and a brand-new one stay.
    #[tokio::test]
    async fn the_sweep_deletes_only_copies_no_message_waits_for() {
        use crate::account::AccountId;
        use crate::message::Draft;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in_memory().unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let copy = |name: &str, modified| {
            let path = dir.path().join(name);
            std::fs::write(&path, b"bytes").unwrap();
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(modified).unwrap();
            path
        };
        let awaited = copy("awaited.pdf", old);
        let orphan = copy("orphan.pdf", old);
        let fresh = copy("fresh.pdf", std::time::SystemTime::now());
        let uploaded = copy("uploaded.pdf", old);
        let account = AccountId("bot".into());
        let file_of = |path: &std::path::Path, attachment: Option<&str>| Draft {
            media: Some(Media {
                local_path: Some(path.display().to_string()),
                attachment_id: attachment.map(Into::into),
                ..Media::default()
            }),
            ..Draft::text("")
        };
        for draft in [file_of(&awaited, None), file_of(&uploaded, Some("a1"))] {
            let account = account.clone();
            store
                .run(move |c| {
                    messages::insert_own_draft(c, &account, "room", "me", &draft, None, 1)
                })
                .await
                .unwrap();
        }
        // A row whose media does not read (an odd old row) names no copy and stops nothing.
        store
            .run(|c| {
                c.execute(
                    "INSERT INTO messages (account_id, room_id, sender_id, own, kind, text, ts_ms, ts_raw, state, media)
                     VALUES ('bot', 'room', 'me', 1, 'file', '', 1, '', 'pending', '{not json')",
                    [],
                )?;
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!(sweep_outbox(&store, dir.path()).await.unwrap(), 2);
        assert!(awaited.exists() && fresh.exists());
        assert!(!orphan.exists() && !uploaded.exists());
    }
}
