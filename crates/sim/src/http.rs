//! Small HTTP pieces the simulated REST APIs share.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// A JSON answer with its content type.
pub fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// The raw value of `name` in a query string (`a=1&b=2`), as sent.
pub fn query_value(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// Serves one HTTP/1 connection with `router` until it ends or the server goes down.
pub async fn serve_router(
    router: axum::Router,
    stream: tokio::net::TcpStream,
    mut down: tokio::sync::watch::Receiver<bool>,
) {
    let service = hyper_util::service::TowerToHyperService::new(router);
    let connection = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        _ = down.changed() => {}
    }
}
