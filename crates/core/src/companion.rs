//! REST work that a service's socket depends on, run by the supervisor at the moments only it
//! knows: right after the socket opened (catch up on what the socket missed, before any live
//! frame is read, so history lands in order) and when the outbox is drained (a service may
//! take messages over REST instead of the socket). Implemented per service; most have none.

use crate::codec::Outgoing;
use crate::message::IncomingMessage;
use futures_util::future::BoxFuture;

/// Why a REST delivery failed, and whether retrying can help.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryError {
    pub reason: String,
    /// The server refused this message for good (too long, forbidden): it fails with the reason.
    pub permanent: bool,
    /// How long the server asked to wait before trying again (`Retry-After` of a 429).
    pub retry_after: Option<std::time::Duration>,
}

pub trait Companion: Send + Sync {
    /// What the socket missed, oldest first: for every joined room (`room: None`, after each
    /// connect) or for one room just joined.
    fn catch_up<'a>(
        &'a self,
        room: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<IncomingMessage>, String>>;

    /// Sends `message` itself and returns the server's stored copy; `None` means the socket
    /// carries it.
    fn deliver<'a>(
        &'a self,
        message: &'a Outgoing,
    ) -> Option<BoxFuture<'a, Result<IncomingMessage, DeliveryError>>>;

    /// Names what a socket message leaves unnamed (its sender, its room), before it is stored.
    /// Services whose frames carry names need nothing here.
    fn describe<'a>(&'a self, _message: &'a IncomingMessage) -> BoxFuture<'a, Description> {
        Box::pin(async { Description::default() })
    }

    /// Acknowledges stored messages in one call where the service has a batch API (Mixin's
    /// `POST /acknowledgements`); `None` means the codec acknowledges frame by frame. The call
    /// owns what it needs: the connection reads on while it runs.
    fn acknowledge_many(
        &self,
        _service_ids: Vec<String>,
    ) -> Option<BoxFuture<'static, Result<(), String>>> {
        None
    }

    /// Uploads the file of `message` where the service wants files uploaded before the message
    /// names them (Mixin's attachments), and returns its media with the service's id; `None`
    /// when there is nothing to upload (no file, or uploaded already). The upload owns what it
    /// needs (the connection reads on while it runs) and counts its bytes in `progress`.
    fn upload(
        &self,
        _message: &Outgoing,
        _progress: crate::upload_progress::UploadProgress,
    ) -> Option<BoxFuture<'static, Result<crate::message::Media, DeliveryError>>> {
        None
    }

    /// Asks the server whether the credentials are still good after the socket said they are
    /// not: `Err(reason)` only when it confirms the refusal (Mixin checks `GET /me`).
    fn verify_credentials(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async { Ok(()) })
    }
}

/// Names found for a message by [`Companion::describe`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Description {
    pub sender_name: Option<String>,
    /// The room's title, when the service gives one (a group's name, a contact's name).
    pub room_title: Option<String>,
}
