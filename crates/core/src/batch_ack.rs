//! A batch acknowledgement (Mixin's `POST /acknowledgements`) running while the connection
//! reads on: the HTTP round trip used to stall the next burst. One call at a time, started only
//! after the store has the messages; the ids of a call that failed come back so the connection
//! acknowledges them over the socket instead. A connection that is stopped waits a little for its
//! last call; one that is lost leaves the call to finish on its own: what that does not
//! acknowledge, the server sends again on the next connection (and the store keeps it once).

use futures_util::future::BoxFuture;
use tokio::task::JoinHandle;

/// Ids whose batch call failed, and why.
pub(crate) struct Failed {
    pub service_ids: Vec<String>,
    pub reason: String,
}

#[derive(Default)]
pub(crate) struct BatchAcks {
    in_flight: Option<JoinHandle<Result<(), Failed>>>,
}

impl BatchAcks {
    /// Starts `call` for `service_ids` once the call before it has ended; returns that call's
    /// failure, if it failed.
    pub(crate) async fn start(
        &mut self,
        call: BoxFuture<'static, Result<(), String>>,
        service_ids: Vec<String>,
    ) -> Option<Failed> {
        let previous = self.finished().await;
        self.in_flight = Some(tokio::spawn(async move {
            call.await.map_err(|reason| Failed {
                service_ids,
                reason,
            })
        }));
        previous
    }

    pub(crate) fn busy(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Waits for the call in flight (none: at once) and returns its failure, if it failed.
    pub(crate) async fn finished(&mut self) -> Option<Failed> {
        let call = self.in_flight.as_mut()?;
        let result = call.await;
        self.in_flight = None;
        match result {
            Ok(Ok(())) => None,
            Ok(Err(failed)) => Some(failed),
            Err(panicked) => Some(Failed {
                service_ids: Vec::new(),
                reason: format!("the acknowledgement task ended: {panicked}"),
            }),
        }
    }
}
