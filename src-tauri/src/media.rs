//! The page's only way to media: `media://localhost/<message local id>/<full|thumb|avatar>`, served
//! from the backend's cache (see `parley_core::media`). The page names a message, never a URL,
//! so a hostile page cannot make the backend fetch arbitrary addresses. Video is served in
//! ranges so it seeks without loading whole. The scheme's answer is one buffer (Tauri has no
//! streamed body), so no answer holds more than [`MAX_WHOLE`] bytes in memory: a larger file
//! is answered in ranges of [`MAX_RANGE`] even when the request named none.

use crate::error::{CommandError, CommandResult};
use crate::startup::AppState;
use parley_core::engine::MediaSource;
use parley_core::media::{CachedMedia, MediaPurpose};
use parley_core::message::MessageKind;
use serde::Serialize;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Manager, State};

/// The scheme the CSP allows for images and video.
pub const SCHEME: &str = "media";
/// A range is answered with at most this much (a client asks again for the rest).
const MAX_RANGE: u64 = 4 * 1024 * 1024;
/// A request without a range gets the whole file up to this size (every image and voice
/// message); a larger file (a 200 MB video) gets its first range, as a 206.
const MAX_WHOLE: u64 = 20 * 1024 * 1024;

/// What the page learns about prepared media.
#[derive(Serialize)]
pub struct MediaInfo {
    pub mime: &'static str,
    pub size: u64,
    /// Where the page loads it from.
    pub src: String,
}

/// Which of a message's media the page asks for.
#[derive(Clone, Copy, PartialEq)]
enum Variant {
    Full,
    Thumb,
    Avatar,
}

/// The cached file behind one of a message's media (downloaded now if needed), and the name a
/// saved copy takes (the message's own file name, else the link's last segment).
async fn resolve(
    state: &AppState,
    local_id: i64,
    variant: Variant,
) -> Result<(CachedMedia, String), CommandError> {
    let cache = state.media.as_ref().ok_or_else(|| {
        CommandError::internal("media cannot be shown: the media cache is unavailable")
    })?;
    let message = state
        .engine
        .message(local_id)
        .await?
        .ok_or_else(|| CommandError::invalid("no such message"))?;
    let thumb = variant == Variant::Thumb;
    let has_preview = message
        .media
        .as_ref()
        .is_some_and(|m| m.thumb_inline.is_some() || m.thumb_url.is_some());
    let purpose = match message.kind {
        _ if variant == Variant::Avatar => MediaPurpose::Image,
        MessageKind::Image | MessageKind::Sticker => MediaPurpose::Image,
        _ if thumb && has_preview => MediaPurpose::Image,
        MessageKind::Video => MediaPurpose::Video,
        MessageKind::Audio => MediaPurpose::Audio,
        MessageKind::File => MediaPurpose::File,
        _ => return Err(CommandError::invalid("this message has no media")),
    };
    let source = match variant {
        Variant::Avatar => state.engine.avatar_source(&message)?,
        _ => state.engine.media_source(&message, thumb).await?,
    };
    let failed = |e: parley_core::media::MediaError| {
        tracing::info!(error = %e, "media not loaded");
        CommandError::of(parley_core::engine::ErrorKind::Unreachable, e.to_string())
    };
    let named = message.media.as_ref().and_then(|m| m.name.clone());
    match source {
        MediaSource::Inline { key, bytes } => Ok((
            cache.put(&key, &bytes, purpose).await.map_err(failed)?,
            named.unwrap_or_default(),
        )),
        MediaSource::Web { key, url, policy } => {
            let name = named.unwrap_or_else(|| link_name(&url));
            // A cached attachment needs no new download address.
            if key != url {
                if let Some(hit) = cache.cached_as(&key, purpose).await {
                    return Ok((hit, name));
                }
            }
            Ok((
                cache
                    .get_as(&key, &url, purpose, policy)
                    .await
                    .map_err(failed)?,
                name,
            ))
        }
    }
}

/// Downloads (or finds in the cache) a message's media, so the page can show it or a reason.
#[tauri::command]
pub async fn prepare_media(
    state: State<'_, AppState>,
    local_id: i64,
    thumb: bool,
) -> CommandResult<MediaInfo> {
    let variant = if thumb { Variant::Thumb } else { Variant::Full };
    let (media, _) = resolve(&state, local_id, variant).await?;
    Ok(MediaInfo {
        mime: media.sniffed.mime,
        size: media.size,
        src: format!(
            "{SCHEME}://localhost/{local_id}/{}",
            if thumb { "thumb" } else { "full" }
        ),
    })
}

/// Saves a message's file into the Downloads folder; returns where.
#[tauri::command]
pub async fn save_media(state: State<'_, AppState>, local_id: i64) -> CommandResult<String> {
    let (media, name) = resolve(&state, local_id, Variant::Full).await?;
    let folder = crate::downloads::folder()?;
    let name = safe_file_name(&name, media.sniffed.extension);
    let target = save_copy(&media.path, &folder, &name).map_err(|e| {
        CommandError::internal(format!("cannot save into {}: {e}", folder.display()))
    })?;
    tracing::info!(path = %target.display(), "file saved");
    Ok(target.display().to_string())
}

/// A link's last path segment, decoded ("" when it has none).
fn link_name(url: &str) -> String {
    let last = url::Url::parse(url)
        .ok()
        .and_then(|u| u.path_segments()?.next_back().map(str::to_owned))
        .unwrap_or_default();
    percent_encoding::percent_decode_str(&last)
        .decode_utf8_lossy()
        .into_owned()
}

/// A safe file name from the link's last path segment, or a generic one.
#[cfg(test)]
fn file_name(url: &str, extension: &str) -> String {
    safe_file_name(&link_name(url), extension)
}

/// Extensions a desktop runs or installs on a double-click: a file a peer names so is saved
/// with `.download` after its name, so opening it shows it instead of running it.
const LAUNCHERS: &[&str] = &[
    "desktop",
    "sh",
    "bash",
    "zsh",
    "csh",
    "ksh",
    "fish",
    "command",
    "run",
    "appimage",
    "deb",
    "rpm",
    "flatpakref",
    "py",
    "pl",
    "rb",
    "php",
    "jar",
    "exe",
    "msi",
    "bat",
    "cmd",
    "com",
    "scr",
    "ps1",
    "vbs",
    "js",
    "jse",
    "wsf",
    "lnk",
    "url",
    "app",
    "pkg",
    "dmg",
];

/// `name` made safe to save under (no path, no hidden file, no launcher extension), or a
/// generic name.
fn safe_file_name(name: &str, extension: &str) -> String {
    let safe: String = name
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(100)
        .collect();
    let safe = safe.trim().trim_start_matches('.').to_owned();
    let named = if safe.is_empty() {
        format!("parley-file.{extension}")
    } else if !safe.contains('.') {
        format!("{safe}.{extension}")
    } else {
        safe
    };
    let launcher = named
        .rsplit_once('.')
        .is_some_and(|(_, ext)| LAUNCHERS.contains(&ext.trim().to_ascii_lowercase().as_str()));
    if launcher {
        format!("{named}.download")
    } else {
        named
    }
}

/// Copies `source` into `folder` under `name` (or `name (2)`…) as a new file
/// ([`parley_core::new_file`]: never over a file, never through a link).
fn save_copy(source: &Path, folder: &Path, name: &str) -> std::io::Result<PathBuf> {
    let mut from = std::fs::File::open(source)?;
    let (mut to, target) = parley_core::new_file::create_new_file(folder, name)?;
    std::io::copy(&mut from, &mut to)?;
    Ok(target)
}

/// Serves `media://localhost/<local id>/<full|thumb>`.
pub fn handle(
    app: &tauri::AppHandle,
    request: Request<Vec<u8>>,
    responder: tauri::UriSchemeResponder,
) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        responder.respond(serve(&app, &request).await);
    });
}

async fn serve(app: &tauri::AppHandle, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let mut parts = request.uri().path().trim_matches('/').split('/');
    let (Some(id), Some(variant), None) = (parts.next(), parts.next(), parts.next()) else {
        return plain(StatusCode::NOT_FOUND, "no such media");
    };
    let (Ok(local_id), true) = (
        id.parse::<i64>(),
        matches!(variant, "full" | "thumb" | "avatar"),
    ) else {
        return plain(StatusCode::NOT_FOUND, "no such media");
    };
    let Some(state) = app.try_state::<AppState>() else {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "starting");
    };
    let variant = match variant {
        "avatar" => Variant::Avatar,
        "thumb" => Variant::Thumb,
        _ => Variant::Full,
    };
    let resolved = resolve(&state, local_id, variant).await;
    let media = match resolved {
        Ok((media, _)) => media,
        Err(e) => return plain(StatusCode::BAD_GATEWAY, &e.message),
    };
    let asked = request
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok());
    let range = answered_range(asked, media.size);
    let path = media.path.clone();
    let whole = (0, media.size.saturating_sub(1));
    let read = tauri::async_runtime::spawn_blocking(move || read(&path, range.unwrap_or(whole)))
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
    match read {
        Ok(bytes) => {
            let mut response = Response::builder()
                .header(header::CONTENT_TYPE, served_type(&media))
                .header(header::ACCEPT_RANGES, "bytes")
                .header("X-Content-Type-Options", "nosniff")
                .header(header::CACHE_CONTROL, "private, max-age=86400");
            if let Some((start, end)) = range {
                response = response.status(StatusCode::PARTIAL_CONTENT).header(
                    header::CONTENT_RANGE,
                    format!("bytes {start}-{end}/{}", media.size),
                );
            }
            response
                .body(bytes)
                .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "bad response"))
        }
        Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// Files are served as opaque bytes: the page saves them, it never renders them.
fn served_type(media: &CachedMedia) -> &'static str {
    let mime = media.sniffed.mime;
    if mime.starts_with("image/") || mime.starts_with("video/") || mime.starts_with("audio/") {
        mime
    } else {
        "application/octet-stream"
    }
}

/// The part of a file of `size` bytes a request is answered with: the range it asked for
/// (`None` = the whole file), or the first range of a file too large to answer whole.
fn answered_range(asked: Option<&str>, size: u64) -> Option<(u64, u64)> {
    match asked.and_then(|r| parse_range(r, size)) {
        Some(range) => Some(range),
        None if size > MAX_WHOLE => Some((0, MAX_RANGE - 1)),
        None => None,
    }
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` within a file of `size` bytes, at most
/// [`MAX_RANGE`] of it (a server may answer less than was asked; the client asks again).
fn parse_range(header: &str, size: u64) -> Option<(u64, u64)> {
    let spec = header.strip_prefix("bytes=")?.split(',').next()?.trim();
    let (start, end) = spec.split_once('-')?;
    let last = size.checked_sub(1)?;
    let (start, end) = match (start.parse::<u64>().ok(), end.parse::<u64>().ok()) {
        (Some(s), Some(e)) => (s, e.min(last)),
        // A start past the end is answered as no range; it must not overflow on the way.
        (Some(s), None) => (s, s.saturating_add(MAX_RANGE - 1).min(last)),
        (None, Some(n)) => (size.saturating_sub(n), last),
        (None, None) => return None,
    };
    let end = end.min(start.saturating_add(MAX_RANGE - 1));
    (start <= end).then_some((start, end))
}

fn read(path: &Path, (start, end): (u64, u64)) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    file.take(end.saturating_sub(start) + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn plain(status: StatusCode, text: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(text.as_bytes().to_vec())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_browsers_send_them() {
        assert_eq!(parse_range("bytes=0-99", 1000), Some((0, 99)));
        assert_eq!(parse_range("bytes=900-", 1000), Some((900, 999)));
        assert_eq!(parse_range("bytes=-100", 1000), Some((900, 999)));
        assert_eq!(parse_range("bytes=0-5000", 1000), Some((0, 999)));
        assert_eq!(
            parse_range("bytes=0-", 100_000_000),
            Some((0, MAX_RANGE - 1))
        );
        assert_eq!(parse_range("bytes=500-100", 1000), None);
        assert_eq!(parse_range("bytes=0-1", 0), None);
        assert_eq!(parse_range("items=0-1", 1000), None);
        assert_eq!(parse_range("bytes=18446744073709551615-", 1000), None);
        assert_eq!(
            parse_range("bytes=-18446744073709551615", 1000),
            Some((0, 999))
        );
        assert_eq!(
            parse_range("bytes=0-199999999", 200_000_000),
            Some((0, MAX_RANGE - 1)),
            "an explicit range is answered at most MAX_RANGE at a time"
        );
    }

    #[test]
    fn no_answer_holds_a_large_file_whole() {
        let video = 200 * 1024 * 1024;
        assert_eq!(
            answered_range(None, video),
            Some((0, MAX_RANGE - 1)),
            "a 200 MB video asked for without a range gets its first range"
        );
        assert_eq!(
            answered_range(Some("items=0-"), video),
            Some((0, MAX_RANGE - 1))
        );
        assert_eq!(
            answered_range(None, 1_000_000),
            None,
            "an image is answered whole"
        );
        assert_eq!(
            answered_range(Some("bytes=10-19"), 1_000_000),
            Some((10, 19))
        );
    }

    #[test]
    fn a_saved_file_never_writes_through_a_planted_link_or_over_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("source");
        std::fs::write(&source, b"receipt").unwrap();
        let folder = dir.path().join("Downloads");
        std::fs::create_dir(&folder).unwrap();
        // A link to where a file would do harm (an autostart entry), not there yet.
        let victim = dir.path().join("autostart.desktop");
        std::os::unix::fs::symlink(&victim, folder.join("receipt.pdf")).unwrap();
        std::fs::write(folder.join("receipt (2).pdf"), b"older").unwrap();
        let saved = save_copy(&source, &folder, "receipt.pdf").unwrap();
        assert_eq!(saved, folder.join("receipt (3).pdf"));
        assert_eq!(std::fs::read(&saved).unwrap(), b"receipt");
        assert!(!victim.exists(), "nothing was written through the link");
        assert_eq!(
            std::fs::read(folder.join("receipt (2).pdf")).unwrap(),
            b"older"
        );
    }

    #[test]
    fn a_launcher_a_peer_names_is_saved_so_it_cannot_run() {
        assert_eq!(
            file_name("https://x/Open me.desktop", "bin"),
            "Open me.desktop.download"
        );
        assert_eq!(file_name("https://x/setup.SH", "bin"), "setup.SH.download");
        assert_eq!(file_name("https://x/run", "bin"), "run.bin");
        assert_eq!(file_name("https://x/receipt.pdf", "pdf"), "receipt.pdf");
    }

    #[test]
    fn saved_files_get_safe_names() {
        assert_eq!(
            file_name("https://cdn.example/x/receipt%20May.pdf?sig=1", "pdf"),
            "receipt May.pdf"
        );
        assert_eq!(
            file_name("https://cdn.example/../../.bashrc", "bin"),
            "bashrc.bin"
        );
        assert_eq!(file_name("https://cdn.example/", "png"), "parley-file.png");
        assert_eq!(file_name("https://cdn.example/a%2F..%2Fb", "bin"), "a..b");
        assert_eq!(
            file_name("https://cdn.example/pay=1+2.pdf", "pdf"),
            "pay12.pdf"
        );
    }
}
