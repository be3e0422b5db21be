//! The attachment storage's upload target: `PUT /uploads/:id` with the headers Mixin's SDKs send
//! (`Content-Type: application/octet-stream`, `x-amz-acl: public-read`). Once it has the bytes the
//! attachment is viewable at `/files/:id` and known to `GET /attachments/:id`. An upload to an id
//! `POST /attachments` never gave, without those headers, or one the knob fails, is refused.

use super::{lock, State};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};

pub(super) fn receive(
    state: &State,
    method: &Method,
    id: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if method != Method::PUT
        || header("content-type") != Some("application/octet-stream")
        || header("x-amz-acl") != Some("public-read")
    {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let mut data = lock(&state.data);
    if !data.uploads.contains(id) {
        return StatusCode::FORBIDDEN.into_response();
    }
    if data.failing_uploads > 0 {
        data.failing_uploads -= 1;
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    data.uploads.remove(id);
    data.files
        .insert(id.to_owned(), ("application/octet-stream", body.to_vec()));
    data.attachments.insert(id.to_owned(), id.to_owned());
    data.uploaded.push((id.to_owned(), body.to_vec()));
    StatusCode::OK.into_response()
}
