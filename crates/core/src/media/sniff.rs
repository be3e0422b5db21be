//! The type of a file read from its first bytes. A server's Content-Type and a URL's extension
//! are claims by a stranger; the bytes are what the page would actually decode.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    pub mime: &'static str,
    /// A file name extension for saving.
    pub extension: &'static str,
}

const fn s(mime: &'static str, extension: &'static str) -> Sniffed {
    Sniffed { mime, extension }
}

/// Reads the type from the first bytes (16 are enough for every signature here).
pub fn sniff(head: &[u8]) -> Sniffed {
    let starts = |magic: &[u8]| head.starts_with(magic);
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        s("image/png", "png")
    } else if starts(b"\xff\xd8\xff") {
        s("image/jpeg", "jpg")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        s("image/gif", "gif")
    } else if starts(b"RIFF") && at(8, b"WEBP") {
        s("image/webp", "webp")
    } else if starts(b"RIFF") && at(8, b"WAVE") {
        s("audio/wav", "wav")
    } else if at(4, b"ftypqt") {
        s("video/quicktime", "mov")
    } else if at(4, b"ftypM4A") {
        s("audio/mp4", "m4a")
    } else if at(4, b"ftyp") {
        s("video/mp4", "mp4")
    } else if starts(b"\x1a\x45\xdf\xa3") {
        s("video/webm", "webm")
    } else if starts(b"OggS") {
        s("audio/ogg", "ogg")
    } else if starts(b"ID3") || starts(b"\xff\xfb") || starts(b"\xff\xf3") {
        s("audio/mpeg", "mp3")
    } else if starts(b"%PDF-") {
        s("application/pdf", "pdf")
    } else if starts(b"PK\x03\x04") {
        s("application/zip", "zip")
    } else {
        s("application/octet-stream", "bin")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_decide_not_names() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").mime, "image/png");
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF").mime, "image/jpeg");
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42\0\0\0\0").mime, "video/mp4");
        assert_eq!(
            sniff(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81").mime,
            "video/webm"
        );
        assert_eq!(sniff(b"%PDF-1.7\n").extension, "pdf");
        // An SVG (it can carry script) is not an image to us.
        assert_eq!(
            sniff(b"<svg xmlns='http://www.w3.org/2000/svg' onload='x'>").mime,
            "application/octet-stream"
        );
        assert_eq!(sniff(b"").mime, "application/octet-stream");
    }
}
