//! A batch acknowledgement (Mixin's `POST /acknowledgements`) running while the connection
//! reads on: the HTTP round trip used to stall the next burst. One call at a time, started only
//! after the store has the messages; the ids of a call that failed come back so the connection
//! acknowledges them over the socket instead. A connection that is stopped waits a little for its
//! last call; one that is lost leaves the call to finish on its own: what that does not
//! acknowledge, the server sends again on the next connection (and the store keeps it once).

use futures_util::future::BoxFuture;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Ids whose batch call failed, and why.
pub(crate) struct Failed {
    pub service_ids: Vec<String>,
    pub reason: String,
}

/// How a batch call ended.
pub(crate) enum Finished {
    /// `count` messages acknowledged, stored at `stored_at` (the health board's latency).
    Acknowledged {
        count: usize,
        stored_at: Instant,
    },
    Failed {
        failed: Failed,
        stored_at: Instant,
    },
}

struct Call {
    task: JoinHandle<Result<(), Failed>>,
    count: usize,
    stored_at: Instant,
}

#[derive(Default)]
pub(crate) struct BatchAcks {
    in_flight: Option<Call>,
}

impl BatchAcks {
    /// Starts `call` for `service_ids` (stored at `stored_at`) once the call before it has
    /// ended; returns how that one ended.
    pub(crate) async fn start(
        &mut self,
        call: BoxFuture<'static, Result<(), String>>,
        service_ids: Vec<String>,
        stored_at: Instant,
    ) -> Option<Finished> {
        let previous = self.finished().await;
        let count = service_ids.len();
        let task = tokio::spawn(async move {
            call.await.map_err(|reason| Failed {
                service_ids,
                reason,
            })
        });
        self.in_flight = Some(Call {
            task,
            count,
            stored_at,
        });
        previous
    }

    pub(crate) fn busy(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Waits for the call in flight (none: at once, `None`) and says how it ended.
    pub(crate) async fn finished(&mut self) -> Option<Finished> {
        let call = self.in_flight.as_mut()?;
        let result = (&mut call.task).await;
        let (count, stored_at) = (call.count, call.stored_at);
        self.in_flight = None;
        Some(match result {
            Ok(Ok(())) => Finished::Acknowledged { count, stored_at },
            Ok(Err(failed)) => Finished::Failed { failed, stored_at },
            Err(panicked) => Finished::Failed {
                failed: Failed {
                    service_ids: Vec::new(),
                    reason: format!("the acknowledgement task ended: {panicked}"),
                },
                stored_at,
            },
        })
    }
}
