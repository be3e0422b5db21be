//! A loopback TCP proxy between a client and a simulator that misbehaves on command, for any
//! service (it works below HTTP and WebSocket): drop every connection, delay traffic,
//! black-hole it without closing, cut the next chunk mid-frame, or play a server restart
//! (connections refused for a while). The soak test drives it with random faults.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// Every open connection is closed at once.
    Drop,
    /// Every chunk waits this long before it is passed on, for the given time.
    Delay { by: Duration, during: Duration },
    /// Nothing passes (and nothing is closed) for the given time; then those connections close.
    BlackHole(Duration),
    /// The next chunk in either direction is cut in half and its connection closed.
    CutMidFrame,
    /// New connections are refused for the given time and open ones closed (a restart).
    Restart(Duration),
}

#[derive(Default)]
struct Faults {
    delay: Option<(Duration, Instant)>,
    black_hole_until: Option<Instant>,
    refuse_until: Option<Instant>,
}

struct State {
    upstream: SocketAddr,
    faults: Mutex<Faults>,
    cut_next: AtomicBool,
    /// Bumped to close every open connection.
    kill: watch::Sender<u64>,
}

pub struct FaultProxy {
    addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
        self.state.kill.send_modify(|n| *n += 1);
    }
}

fn lock(m: &Mutex<Faults>) -> std::sync::MutexGuard<'_, Faults> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl FaultProxy {
    /// A proxy on a free loopback port in front of `upstream`.
    pub async fn start(upstream: SocketAddr) -> std::io::Result<FaultProxy> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (kill, _) = watch::channel(0);
        let state = Arc::new(State {
            upstream,
            faults: Mutex::new(Faults::default()),
            cut_next: AtomicBool::new(false),
            kill,
        });
        let accepting = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let refused = lock(&accepting.faults)
                    .refuse_until
                    .is_some_and(|t| Instant::now() < t);
                if refused {
                    drop(client);
                    continue;
                }
                tokio::spawn(serve(accepting.clone(), client));
            }
        });
        Ok(FaultProxy { addr, state, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn inject(&self, fault: Fault) {
        let now = Instant::now();
        match fault {
            Fault::Drop => self.state.kill.send_modify(|n| *n += 1),
            Fault::Delay { by, during } => {
                lock(&self.state.faults).delay = Some((by, now + during))
            }
            Fault::BlackHole(during) => {
                lock(&self.state.faults).black_hole_until = Some(now + during)
            }
            Fault::CutMidFrame => self.state.cut_next.store(true, Ordering::SeqCst),
            Fault::Restart(during) => {
                lock(&self.state.faults).refuse_until = Some(now + during);
                self.state.kill.send_modify(|n| *n += 1);
            }
        }
    }

    /// Ends every lasting fault (traffic flows normally from now on).
    pub fn heal(&self) {
        *lock(&self.state.faults) = Faults::default();
        self.state.cut_next.store(false, Ordering::SeqCst);
    }
}

async fn serve(state: Arc<State>, client: TcpStream) {
    let Ok(server) = TcpStream::connect(state.upstream).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let mut kill = state.kill.subscribe();
    tokio::select! {
        _ = pump(state.clone(), client_read, server_write) => {}
        _ = pump(state.clone(), server_read, client_write) => {}
        _ = kill.changed() => {}
    }
}

/// Passes bytes one way, applying the faults in force; returns when the connection should end.
async fn pump(
    state: Arc<State>,
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut swallowed = false;
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let (delay, black_hole) = {
            let faults = lock(&state.faults);
            let now = Instant::now();
            (
                faults
                    .delay
                    .filter(|(_, until)| now < *until)
                    .map(|(by, _)| by),
                faults.black_hole_until.is_some_and(|t| now < t),
            )
        };
        if black_hole {
            // Read and lose it, keep the socket open: a half-open connection.
            swallowed = true;
            continue;
        }
        if swallowed {
            // What was lost broke the stream; a black-holed connection never comes back.
            return;
        }
        if let Some(by) = delay {
            tokio::time::sleep(by).await;
        }
        if state.cut_next.swap(false, Ordering::SeqCst) {
            let _ = to.write_all(&buf[..n / 2]).await;
            return;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}
