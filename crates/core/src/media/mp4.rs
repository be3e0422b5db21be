//! What a video message says about an MP4 or QuickTime file (Mixin's PLAIN_VIDEO: width,
//! height, duration), read from its boxes (ISO/IEC 14496-12): the movie header (`moov/mvhd`)
//! for the length and the first track header with a picture size (`moov/trak/tkhd`). Nothing is
//! decoded; only the box headers on the way are read, so the work is linear in the file's size
//! and bounded in depth.

/// A video's picture size in pixels and length in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoFacts {
    pub width: u32,
    pub height: u32,
    pub duration_ms: u64,
}

/// The facts of an MP4/QuickTime file, or `None` when its boxes do not say them (another
/// format, a truncated or odd file, no track with a picture).
pub fn video_facts(bytes: &[u8]) -> Option<VideoFacts> {
    let moov = boxes(bytes).find(|(kind, _)| kind == b"moov")?.1;
    let duration_ms = boxes(moov)
        .find(|(kind, _)| kind == b"mvhd")
        .and_then(|(_, mvhd)| movie_duration_ms(mvhd))?;
    let (width, height) = boxes(moov)
        .filter(|(kind, _)| kind == b"trak")
        .filter_map(|(_, trak)| boxes(trak).find(|(kind, _)| kind == b"tkhd"))
        .filter_map(|(_, tkhd)| track_size(tkhd))
        .find(|&(w, h)| w > 0 && h > 0)?;
    Some(VideoFacts {
        width,
        height,
        duration_ms,
    })
}

/// The boxes laid one after the other in `bytes`: (type, content). Stops at the first box whose
/// size does not fit.
fn boxes(bytes: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        let size = u32::from_be_bytes(rest.get(0..4)?.try_into().ok()?) as u64;
        let kind: [u8; 4] = rest.get(4..8)?.try_into().ok()?;
        let (header, size) = match size {
            // The size is in the 64 bits after the type.
            1 => (16, u64::from_be_bytes(rest.get(8..16)?.try_into().ok()?)),
            // The box runs to the end.
            0 => (8, rest.len() as u64),
            n => (8, n),
        };
        let size = usize::try_from(size).ok()?;
        if size < header || size > rest.len() {
            return None;
        }
        let content = &rest[header..size];
        rest = &rest[size..];
        Some((kind, content))
    })
}

/// `mvhd`: version and flags, then the times (32 or 64 bits by version), the timescale and the
/// duration in its units.
fn movie_duration_ms(mvhd: &[u8]) -> Option<u64> {
    let (timescale, duration) = match *mvhd.first()? {
        0 => (be32(mvhd, 12)?, u64::from(be32(mvhd, 16)?)),
        1 => (be32(mvhd, 20)?, be64(mvhd, 24)?),
        _ => return None,
    };
    (timescale > 0).then(|| duration.saturating_mul(1000) / u64::from(timescale))
}

/// `tkhd`: after the version's fields, the width and height as 16.16 fixed point, last.
fn track_size(tkhd: &[u8]) -> Option<(u32, u32)> {
    let at = match *tkhd.first()? {
        0 => 76,
        1 => 88,
        _ => return None,
    };
    Some((be32(tkhd, at)? >> 16, be32(tkhd, at + 4)? >> 16))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn be64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn boxed(kind: &[u8; 4], content: &[u8]) -> Vec<u8> {
        let mut out = ((content.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(content);
        out
    }

    /// A minimal MP4: `ftyp`, then `moov` with a movie header and two tracks (sound first, with
    /// no picture, then a 1280×720 picture), lasting `seconds`.
    pub(crate) fn mp4(seconds: u32) -> Vec<u8> {
        let mut mvhd = vec![0u8; 100];
        mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
        mvhd[16..20].copy_from_slice(&(seconds * 1000).to_be_bytes());
        let tkhd = |w: u32, h: u32| {
            let mut t = vec![0u8; 84];
            t[76..80].copy_from_slice(&(w << 16).to_be_bytes());
            t[80..84].copy_from_slice(&(h << 16).to_be_bytes());
            boxed(b"trak", &boxed(b"tkhd", &t))
        };
        let moov = [boxed(b"mvhd", &mvhd), tkhd(0, 0), tkhd(1280, 720)].concat();
        [
            boxed(b"ftyp", b"isom\0\0\x02\0isommp41"),
            boxed(b"mdat", &[0u8; 64]),
            boxed(b"moov", &moov),
        ]
        .concat()
    }

    #[test]
    fn an_mp4_tells_its_picture_size_and_length() {
        assert_eq!(
            video_facts(&mp4(12)),
            Some(VideoFacts {
                width: 1280,
                height: 720,
                duration_ms: 12_000
            })
        );
    }

    #[test]
    fn odd_files_tell_nothing_and_never_panic() {
        let good = mp4(3);
        // Every truncation, a box claiming more than there is, and noise.
        for end in 0..good.len() {
            let _ = video_facts(&good[..end]);
        }
        let mut lying = good.clone();
        lying[0..4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(video_facts(&lying), None);
        let mut huge = boxed(b"moov", &[]);
        huge[0..4].copy_from_slice(&1u32.to_be_bytes());
        huge.extend_from_slice(&u64::MAX.to_be_bytes());
        assert_eq!(video_facts(&huge), None);
        assert_eq!(video_facts(&[0xFF; 4096]), None);
        assert_eq!(video_facts(b""), None);
        // A movie without a picture (sound only) is not a video.
        let sound_only: Vec<u8> = {
            let mut mvhd = vec![0u8; 100];
            mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
            boxed(b"moov", &boxed(b"mvhd", &mvhd))
        };
        assert_eq!(video_facts(&sound_only), None);
    }
}
