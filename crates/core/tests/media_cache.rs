//! The media proxy's fetch-and-cache half against files the simulator serves: the type comes
//! from the bytes, caps and schemes are enforced, and a URL is downloaded once.

use parley_core::media::{MediaCache, MediaError, MediaPurpose};
use parley_sim::mexc::{MexcConfig, MexcSim};
use std::sync::Arc;

const PNG: &[u8] = include_bytes!("../../sim/assets/payment-proof.png");

async fn setup() -> (MexcSim, Arc<MediaCache>, tempfile::TempDir) {
    let sim = MexcSim::start(MexcConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = Arc::new(MediaCache::new(dir.path()).unwrap());
    (sim, cache, dir)
}

#[tokio::test]
async fn an_image_is_downloaded_once_and_served_from_the_cache() {
    let (sim, cache, dir) = setup().await;
    let url = format!("{}/media/payment-proof.png", sim.rest_base());
    let gets: Vec<_> = (0..4)
        .map(|_| {
            let (cache, url) = (cache.clone(), url.clone());
            tokio::spawn(async move { cache.get(&url, MediaPurpose::Image).await })
        })
        .collect();
    for get in gets {
        let media = get.await.unwrap().unwrap();
        assert_eq!(media.sniffed.mime, "image/png");
        assert_eq!(media.size, PNG.len() as u64);
        assert_eq!(std::fs::read(&media.path).unwrap(), PNG);
        assert!(media.path.starts_with(dir.path()));
    }
    cache.get(&url, MediaPurpose::Image).await.unwrap();
    assert_eq!(
        sim.media_requests(),
        1,
        "four concurrent asks and a later one: one download"
    );
}

#[tokio::test]
async fn the_bytes_decide_the_type_not_the_header() {
    let (sim, cache, _dir) = setup().await;
    sim.host_media(
        "proof.png",
        "image/png",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec(),
    );
    let url = format!("{}/media/proof.png", sim.rest_base());
    let err = cache.get(&url, MediaPurpose::Image).await.unwrap_err();
    assert!(matches!(err, MediaError::WrongType { .. }), "{err}");
    // As a file to save, the same bytes are acceptable, typed as what they are.
    let file = cache.get(&url, MediaPurpose::File).await.unwrap();
    assert_eq!(file.sniffed.mime, "application/octet-stream");
}

#[tokio::test]
async fn oversize_missing_and_non_web_links_are_refused_with_a_reason() {
    let (sim, cache, dir) = setup().await;
    let mut huge = PNG.to_vec();
    huge.resize(MediaPurpose::Image.max_bytes() as usize + 1, 0);
    sim.host_media("huge.png", "image/png", huge);
    let base = sim.rest_base();
    let err = cache
        .get(&format!("{base}/media/huge.png"), MediaPurpose::Image)
        .await
        .unwrap_err();
    assert_eq!(err, MediaError::TooLarge(MediaPurpose::Image.max_bytes()));
    let err = cache
        .get(&format!("{base}/media/gone.png"), MediaPurpose::Image)
        .await
        .unwrap_err();
    assert_eq!(err, MediaError::Status(404));
    for bad in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:image/png;base64,AA",
    ] {
        assert_eq!(
            cache.get(bad, MediaPurpose::Image).await.unwrap_err(),
            MediaError::NotWeb,
            "{bad}"
        );
    }
    assert_eq!(
        cache
            .get("not a url", MediaPurpose::File)
            .await
            .unwrap_err(),
        MediaError::BadUrl
    );
    let err = cache
        .get("http://127.0.0.1:9/x.png", MediaPurpose::Image)
        .await
        .unwrap_err();
    assert!(matches!(err, MediaError::Unreachable(_)), "{err}");
    let leftovers = std::fs::read_dir(dir.path().join("partial"))
        .unwrap()
        .count();
    assert_eq!(leftovers, 0, "failed downloads leave nothing behind");
    assert_eq!(
        std::fs::read_dir(dir.path().join("blobs")).unwrap().count(),
        0
    );
}

#[tokio::test]
async fn the_cache_stays_under_its_cap_by_forgetting_what_was_used_least_recently() {
    let sim = MexcSim::start(MexcConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Room for about three of the four pictures.
    let cache = MediaCache::with_cap(dir.path(), PNG.len() as u64 * 3 + 100).unwrap();
    let url = |n: usize| format!("{}/media/p{n}.png", sim.rest_base());
    for n in 0..4 {
        // Each picture differs by a trailing byte, so each is its own file.
        let mut bytes = PNG.to_vec();
        bytes.push(n as u8);
        sim.host_media(&format!("p{n}.png"), "image/png", bytes);
    }
    for n in 0..3 {
        cache.get(&url(n), MediaPurpose::Image).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Picture 0 is looked at again: picture 1 is now the least recently used.
    cache.get(&url(0), MediaPurpose::Image).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    cache.get(&url(3), MediaPurpose::Image).await.unwrap();
    let blobs: u64 = std::fs::read_dir(dir.path().join("blobs"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(blobs <= PNG.len() as u64 * 3 + 100, "{blobs} bytes cached");
    let before = sim.media_requests();
    cache.get(&url(0), MediaPurpose::Image).await.unwrap();
    cache.get(&url(3), MediaPurpose::Image).await.unwrap();
    assert_eq!(sim.media_requests(), before, "the recent ones stayed");
    let again = cache.get(&url(1), MediaPurpose::Image).await.unwrap();
    assert_eq!(
        sim.media_requests(),
        before + 1,
        "the least recent one was fetched again"
    );
    assert_eq!(again.size, PNG.len() as u64 + 1);
}
