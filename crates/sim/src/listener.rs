//! A loopback TCP listener that can be taken down and brought back on the same port, so tests
//! can play "the server is down for a while, then returns". Every live connection gets a
//! shutdown signal when the server goes down.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Called for each accepted connection with a receiver that flips to `true` on shutdown.
pub type Handler = Arc<
    dyn Fn(TcpStream, watch::Receiver<bool>) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>>
        + Send
        + Sync,
>;

pub struct RestartableListener {
    addr: SocketAddr,
    handler: Handler,
    running: Mutex<Option<(JoinHandle<()>, watch::Sender<bool>)>>,
}

impl RestartableListener {
    /// Binds `addr` (port 0 picks a free port) and starts accepting.
    pub async fn bind(addr: SocketAddr, handler: Handler) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let this = RestartableListener {
            addr,
            handler,
            running: Mutex::new(None),
        };
        this.serve(listener);
        Ok(this)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn serve(&self, listener: TcpListener) {
        let (down_tx, down_rx) = watch::channel(false);
        let handler = self.handler.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(handler(stream, down_rx.clone()));
            }
        });
        *self.running.lock().unwrap_or_else(|p| p.into_inner()) = Some((task, down_tx));
    }

    /// Stops accepting and closes every connection: the server is "down".
    pub fn stop(&self) {
        if let Some((task, down)) = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            let _ = down.send(true);
            task.abort();
        }
    }

    /// Brings the server back on the same port.
    pub async fn start(&self) -> std::io::Result<()> {
        self.stop();
        // The port was ours a moment ago; retry briefly while the old socket finishes closing.
        let mut last = None;
        for _ in 0..50 {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => {
                    self.serve(listener);
                    return Ok(());
                }
                Err(e) => {
                    last = Some(e);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("cannot rebind")))
    }
}

impl Drop for RestartableListener {
    fn drop(&mut self) {
        self.stop();
    }
}
