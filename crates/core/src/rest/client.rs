//! The one HTTP client every service's REST API goes through. Building a client loads the
//! system's certificate store (building clients was 13 % of the samples of a short run of the
//! ingest benchmark), and one client shares its connection pool.
//! Redirects are not followed (signed API calls must not be replayed elsewhere); each service
//! sets its own request timeout.

use std::sync::OnceLock;
use std::time::Duration;

static API: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();

/// The shared client for API calls (cheap to clone: clones share it).
pub(crate) fn api() -> Result<reqwest::Client, String> {
    API.get_or_init(|| {
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot start an HTTP client: {e}"))
    })
    .clone()
}
