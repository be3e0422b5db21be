//! Reading an HTTP answer's body without trusting its size: REST clients stop reading past a
//! cap instead of buffering whatever a server (or something posing as one) sends.

/// The body of `response`, or `Err(limit)` as soon as it grows past `limit` bytes; other
/// failures are the transport's message without the URL (URLs can carry secrets).
pub(super) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| BodyError::Transport(e.without_url().to_string()))?
    {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > limit {
            return Err(BodyError::TooLarge(limit));
        }
    }
    Ok(bytes)
}

#[derive(Debug)]
pub(super) enum BodyError {
    Transport(String),
    TooLarge(usize),
}
