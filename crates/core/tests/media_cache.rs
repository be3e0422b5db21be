//! The media proxy's fetch-and-cache half against files the simulator serves: the type comes
//! from the bytes, caps and schemes are enforced, a URL is downloaded once, and a link (or what
//! its name resolves to, or where it redirects) on the local network is never fetched.

use parley_core::media::{MediaCache, MediaError, MediaPurpose, NetworkPolicy};
use parley_sim::mexc::{MexcConfig, MexcSim};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The simulator runs on this computer: its files are fetched as the Demo fetches.
const LOCAL: NetworkPolicy = NetworkPolicy::LoopbackOnly;
const PUBLIC: NetworkPolicy = NetworkPolicy::AllowPublicOnly;

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
            tokio::spawn(async move { cache.get(&url, MediaPurpose::Image, LOCAL).await })
        })
        .collect();
    for get in gets {
        let media = get.await.unwrap().unwrap();
        assert_eq!(media.sniffed.mime, "image/png");
        assert_eq!(media.size, PNG.len() as u64);
        assert_eq!(std::fs::read(&media.path).unwrap(), PNG);
        assert!(media.path.starts_with(dir.path()));
    }
    cache.get(&url, MediaPurpose::Image, LOCAL).await.unwrap();
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
    let err = cache
        .get(&url, MediaPurpose::Image, LOCAL)
        .await
        .unwrap_err();
    assert!(matches!(err, MediaError::WrongType { .. }), "{err}");
    // As a file to save, the same bytes are acceptable, typed as what they are.
    let file = cache.get(&url, MediaPurpose::File, LOCAL).await.unwrap();
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
        .get(
            &format!("{base}/media/huge.png"),
            MediaPurpose::Image,
            LOCAL,
        )
        .await
        .unwrap_err();
    assert_eq!(err, MediaError::TooLarge(MediaPurpose::Image.max_bytes()));
    let err = cache
        .get(
            &format!("{base}/media/gone.png"),
            MediaPurpose::Image,
            LOCAL,
        )
        .await
        .unwrap_err();
    assert_eq!(err, MediaError::Status(404));
    for bad in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:image/png;base64,AA",
    ] {
        assert_eq!(
            cache
                .get(bad, MediaPurpose::Image, LOCAL)
                .await
                .unwrap_err(),
            MediaError::NotWeb,
            "{bad}"
        );
    }
    assert_eq!(
        cache
            .get("not a url", MediaPurpose::File, LOCAL)
            .await
            .unwrap_err(),
        MediaError::BadUrl
    );
    let err = cache
        .get("http://127.0.0.1:9/x.png", MediaPurpose::Image, LOCAL)
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
        cache
            .get(&url(n), MediaPurpose::Image, LOCAL)
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Picture 0 is looked at again: picture 1 is now the least recently used.
    cache
        .get(&url(0), MediaPurpose::Image, LOCAL)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    cache
        .get(&url(3), MediaPurpose::Image, LOCAL)
        .await
        .unwrap();
    let blobs: u64 = std::fs::read_dir(dir.path().join("blobs"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(blobs <= PNG.len() as u64 * 3 + 100, "{blobs} bytes cached");
    let before = sim.media_requests();
    cache
        .get(&url(0), MediaPurpose::Image, LOCAL)
        .await
        .unwrap();
    cache
        .get(&url(3), MediaPurpose::Image, LOCAL)
        .await
        .unwrap();
    assert_eq!(sim.media_requests(), before, "the recent ones stayed");
    let again = cache
        .get(&url(1), MediaPurpose::Image, LOCAL)
        .await
        .unwrap();
    assert_eq!(
        sim.media_requests(),
        before + 1,
        "the least recent one was fetched again"
    );
    assert_eq!(again.size, PNG.len() as u64 + 1);
}

/// Answers every name with `addresses`, as a hostile or hijacked DNS server might.
struct FixedResolver(Vec<SocketAddr>);

impl reqwest::dns::Resolve for FixedResolver {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let addresses = self.0.clone();
        Box::pin(async move { Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs) })
    }
}

fn addresses(list: &[&str]) -> Vec<SocketAddr> {
    list.iter()
        .map(|ip| SocketAddr::new(ip.parse().unwrap(), 0))
        .collect()
}

fn port_of(sim: &MexcSim) -> String {
    sim.rest_base().rsplit(':').next().unwrap().to_owned()
}

#[tokio::test]
async fn links_to_this_computer_or_the_local_network_are_not_fetched_for_real_accounts() {
    let (sim, cache, dir) = setup().await;
    let port = port_of(&sim);
    let path = "media/payment-proof.png";
    for url in [
        // The simulator itself: reachable, so only the policy keeps it from being fetched.
        format!("http://127.0.0.1:{port}/{path}"),
        format!("http://[::ffff:127.0.0.1]:{port}/{path}"),
        format!("http://[::ffff:7f00:1]:{port}/{path}"),
        format!("http://2130706433:{port}/{path}"),
        format!("http://localhost:{port}/{path}"),
        format!("http://[::1]:{port}/{path}"),
        "http://192.168.1.1/admin.png".into(),
        "http://10.0.0.1/x.png".into(),
        "http://172.16.0.1/x.png".into(),
        "http://100.64.0.1/x.png".into(),
        "http://169.254.169.254/latest/meta-data/".into(),
        "http://0.0.0.0/x.png".into(),
        "http://224.0.0.1/x.png".into(),
        "http://255.255.255.255/x.png".into(),
        "http://192.0.2.1/x.png".into(),
        "http://[fe80::1]/x.png".into(),
        "http://[fc00::1]/x.png".into(),
        "http://[2001:db8::1]/x.png".into(),
    ] {
        let err = cache
            .get(&url, MediaPurpose::Image, PUBLIC)
            .await
            .unwrap_err();
        assert_eq!(err, MediaError::AddressRefused(PUBLIC), "{url}");
        assert_eq!(
            err.to_string(),
            "Parley does not fetch media from addresses on the local network"
        );
    }
    assert_eq!(sim.media_requests(), 0, "nothing reached the simulator");
    assert_eq!(
        std::fs::read_dir(dir.path().join("blobs")).unwrap().count(),
        0
    );
}

#[tokio::test]
async fn a_public_looking_name_that_resolves_to_local_addresses_is_not_fetched() {
    let sim = MexcSim::start(MexcConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let resolver = FixedResolver(addresses(&[
        "127.0.0.1",
        "10.0.0.1",
        "::1",
        "::ffff:192.168.1.1",
        "169.254.169.254",
    ]));
    let cache = MediaCache::new(dir.path())
        .unwrap()
        .with_resolver(Arc::new(resolver));
    let url = format!(
        "http://media.example.com:{}/media/payment-proof.png",
        port_of(&sim)
    );
    let err = cache
        .get(&url, MediaPurpose::Image, PUBLIC)
        .await
        .unwrap_err();
    assert_eq!(err, MediaError::AddressRefused(PUBLIC));
    assert_eq!(sim.media_requests(), 0);
    // The Demo's policy takes the loopback address of the same answer, and the connection
    // goes where the check looked: the simulator.
    let media = cache.get(&url, MediaPurpose::Image, LOCAL).await.unwrap();
    assert_eq!(media.size, PNG.len() as u64);
    assert_eq!(sim.media_requests(), 1);
}

/// An HTTP server on 127.0.0.1 that answers every request with a redirect to `location`.
async fn redirecting_to(location: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let location = location.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tcp.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = format!(
                    "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = tcp.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}/start.png")
}

#[tokio::test]
async fn a_redirect_from_an_allowed_host_to_a_local_one_is_not_followed() {
    // Loopback is the allowed host here (the Demo's policy): a test cannot serve from a public
    // address. Real accounts' redirects are checked by the same rule (`NetworkPolicy::allows_url`).
    let sim = MexcSim::start(MexcConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = MediaCache::new(dir.path())
        .unwrap()
        .with_resolver(Arc::new(FixedResolver(addresses(&["10.0.0.1"]))));
    for target in [
        "http://10.0.0.1/x.png",
        "http://192.168.1.1/x.png",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        // A name whose every address is on the local network.
        "http://internal.example/x.png",
    ] {
        let start = redirecting_to(target.into()).await;
        let err = cache
            .get(&start, MediaPurpose::Image, LOCAL)
            .await
            .unwrap_err();
        assert_eq!(err, MediaError::AddressRefused(LOCAL), "{target}");
    }
    // Redirects that stay within the policy are still followed.
    let start = redirecting_to(format!("{}/media/payment-proof.png", sim.rest_base())).await;
    let media = cache.get(&start, MediaPurpose::Image, LOCAL).await.unwrap();
    assert_eq!(media.size, PNG.len() as u64);
}

/// A preview carried in a message is put again at every ask for it (the page asks once to
/// prepare it and once per `media://` request). An answer being read from the file must never
/// see it truncated by the next ask: the picture showed "could not be decoded".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_put_again_is_never_read_half_written() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    const SIZE: usize = 1024 * 1024;
    const PUTS: usize = 30;
    let dir = tempfile::tempdir().unwrap();
    let cache = Arc::new(MediaCache::new(dir.path()).unwrap());
    let mut bytes = PNG.to_vec();
    bytes.resize(SIZE, 7);
    let first = cache
        .put("thumb:a:1", &bytes, MediaPurpose::Image)
        .await
        .unwrap();
    let puts = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (cache, puts) = (cache.clone(), puts.clone());
        tokio::spawn(async move {
            while puts.load(Ordering::Relaxed) < PUTS {
                cache
                    .put("thumb:a:1", &bytes, MediaPurpose::Image)
                    .await
                    .unwrap();
                puts.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    // Read the file as the scheme's answer does, for as long as the puts go on.
    let path = first.path.clone();
    let (reads, torn) = tokio::task::spawn_blocking(move || {
        let (mut reads, mut torn) = (0, 0);
        while puts.load(Ordering::Relaxed) < PUTS {
            reads += 1;
            if std::fs::read(&path).map(|read| read.len()).unwrap_or(0) != SIZE {
                torn += 1;
            }
        }
        (reads, torn)
    })
    .await
    .unwrap();
    writer.await.unwrap();
    assert_eq!(
        torn, 0,
        "{torn} of {reads} reads found the preview half-written"
    );
    let leftovers = std::fs::read_dir(dir.path().join("partial"))
        .unwrap()
        .count();
    assert_eq!(leftovers, 0, "nothing left beside the cache");
}

/// A preview put again (it is, at every ask for it) counts as used: the cache forgets pictures
/// not asked for since, not the one on screen.
#[tokio::test]
async fn a_preview_put_again_is_kept_over_older_ones() {
    let dir = tempfile::tempdir().unwrap();
    // Room for about three of the four pictures.
    let cache = Arc::new(MediaCache::with_cap(dir.path(), PNG.len() as u64 * 3 + 100).unwrap());
    let picture = |n: u8| {
        let mut bytes = PNG.to_vec();
        bytes.push(n);
        bytes
    };
    let put = |n: u8| {
        let cache = cache.clone();
        async move {
            cache
                .put(&format!("preview:{n}"), &picture(n), MediaPurpose::Image)
                .await
                .unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    for n in 0..3 {
        put(n).await;
    }
    put(0).await;
    put(3).await;
    let kept: Vec<u8> = std::fs::read_dir(dir.path().join("blobs"))
        .unwrap()
        .map(|e| *std::fs::read(e.unwrap().path()).unwrap().last().unwrap())
        .collect();
    assert!(kept.contains(&0), "the preview put again stays: {kept:?}");
    assert!(!kept.contains(&1), "the least recently used goes: {kept:?}");
}
