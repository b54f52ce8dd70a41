//! The accept loop: HTTP/1.1 only, one small task per connection, every connection bounded.
//!
//! `axum::serve` speaks HTTP/1 and HTTP/2 on every connection, and each connection then carries the
//! larger HTTP/2 state: about 28 KiB of server memory per open connection, measured with 10,000 idle
//! event streams (`.ci/bench sse`). Browsers speak HTTP/2 only over TLS, which a reverse proxy in front
//! of Pantau ends, so plain HTTP/1.1 loses nothing and keeps a wall of open streams cheap.
//!
//! What one client can hold, and for how long ([`Limits`]):
//! - a connection that sends no request, or its headers slowly, or sits idle between two requests, is
//!   closed after `header_timeout` (hyper's header read timeout, which runs from the moment hyper waits
//!   for a request's first byte, so it is the keep-alive idle timeout too);
//! - a response the client does not read (an event stream nobody reads) is cut after `write_stall`
//!   without progress (`tokio-io-timeout`), and hyper buffers at most [`MAX_BUF`] of it meanwhile;
//! - at most `max_per_address` from one address (a trusted proxy excepted), so one client cannot
//!   take every slot;
//! - at most `max_connections` at once. Past that, a few more are let in on a short lane
//!   ([`OVERFLOW`]) that answers `/healthz` as usual and everything else with 503 and `Retry-After`,
//!   one request each; beyond those a new connection is closed at once.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::response::IntoResponse;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulConnection, GracefulShutdown};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt;

use crate::error::ApiError;
use crate::limits::Limits;

/// How much of a connection's request or response hyper buffers at most (its default is ~400 KiB).
/// A request's headers must fit in it.
pub const MAX_BUF: usize = 64 * 1024;
/// Connections let in past the cap, on the short lane.
pub const OVERFLOW: usize = 32;
/// The short lane's header timeout.
const OVERFLOW_HEADER_TIMEOUT: Duration = Duration::from_secs(2);
/// File descriptors kept for everything that is not a client connection (database, files, probes).
const SPARE_FILES: u64 = 256;

impl Limits {
    /// Raises this process's open-file limit as far as the system lets it, and lowers the cap when
    /// even that leaves too few descriptors for it: the cap must bite before the file limit does.
    pub fn fit_to_file_limit(mut self) -> Limits {
        let wanted = (self.max_connections + OVERFLOW) as u64 + SPARE_FILES;
        let limit = rlimit::increase_nofile_limit(wanted).unwrap_or(1024);
        if limit < wanted {
            let fits = limit.saturating_sub(SPARE_FILES + OVERFLOW as u64).max(16) as usize;
            tracing::warn!(
                file_limit = limit,
                max_connections = fits,
                "the open-file limit is too low for max_connections; using fewer (raise LimitNOFILE)"
            );
            self.max_connections = fits;
        }
        self
    }
}

/// Serves `app` until `shutdown` completes, then waits for the open connections to finish.
/// Connections from `proxies` are not counted per address (every client behind them shares it).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    proxies: crate::client::TrustedProxies,
    shutdown: impl Future<Output = ()>,
) {
    let limits = limits.fit_to_file_limit();
    let graceful = GracefulShutdown::new();
    let per_address: Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>> =
        Arc::default();
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let overflow = Arc::new(Semaphore::new(OVERFLOW));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let address = peer.ip();
        let counted = !proxies.is_trusted(address);
        if counted {
            let mut held = per_address.lock().expect("connections per address");
            let n = held.entry(address).or_default();
            if *n >= limits.max_per_address {
                tracing::debug!(%peer, "connection refused: this address holds its share");
                continue;
            }
            *n += 1;
        }
        let release = {
            let per_address = per_address.clone();
            move || {
                if counted {
                    let mut held = per_address.lock().expect("connections per address");
                    if let Some(n) = held.get_mut(&address) {
                        *n -= 1;
                        if *n == 0 {
                            held.remove(&address);
                        }
                    }
                }
            }
        };
        let (permit, lane) = match open.clone().try_acquire_owned() {
            Ok(permit) => (permit, Lane::Normal),
            Err(_) => match overflow.clone().try_acquire_owned() {
                Ok(permit) => (permit, Lane::Busy),
                Err(_) => {
                    tracing::debug!(%peer, "connection refused: every slot is taken");
                    release();
                    continue;
                }
            },
        };
        let connection = connection(stream, peer, app.clone(), limits, lane);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop::<OwnedSemaphorePermit>(permit);
            release();
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lane {
    Normal,
    /// Past the cap: one request, `/healthz` answered, the rest told to come back.
    Busy,
}

fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: Limits,
    lane: Lane,
) -> impl GracefulConnection + Send + 'static {
    let _ = stream.set_nodelay(true);
    let mut stream = TimeoutStream::new(stream);
    stream.set_write_timeout(Some(limits.write_stall));
    let io = TokioIo::new(Box::pin(stream));
    let service = tower::service_fn(move |mut req: Request<Incoming>| {
        let app = app.clone();
        async move {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            if lane == Lane::Busy && req.uri().path() != "/healthz" {
                return Ok(ApiError::Busy.into_response());
            }
            app.oneshot(req).await
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .max_buf_size(MAX_BUF)
        .header_read_timeout(match lane {
            Lane::Normal => limits.header_timeout,
            Lane::Busy => limits.header_timeout.min(OVERFLOW_HEADER_TIMEOUT),
        })
        .keep_alive(lane == Lane::Normal);
    builder.serve_connection(io, TowerToHyperService::new(service))
}
