//! The collector's connection edge: its own accept loop over hyper's HTTP/1 connection
//! builder, because `axum::serve` offers neither timeouts nor a bounded shutdown.
//!
//! - **Idle and slow headers**: hyper's `header_read_timeout` starts when a connection
//!   begins waiting for a request (a fresh connection, or a kept-alive one between
//!   requests) and stops when the headers are complete, so one limit
//!   ([`Timeouts::header_read`]) closes idle sockets and slow-drip headers alike.
//! - **Slow bodies**: the POST handler reads its body under [`Timeouts::body_read`] (408).
//! - **Stalled writes**: the socket is wrapped in a [`TimeoutStream`] whose write timeout
//!   ([`Timeouts::write_stall`]) cuts a client that stopped reading.
//! - **Out of file descriptors**: accept errors pause with backoff and are logged (see
//!   [`accept`]); the loop never spins and never stops serving.
//! - **Shutdown**: stop accepting, let in-flight requests finish (connections close once
//!   their current response is sent) within [`Timeouts::shutdown`], then cut whatever is
//!   left.

pub mod accept;

use std::future::Future;
use std::time::Instant;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt;

use crate::config::Timeouts;
use accept::AcceptBackoff;

/// Serves `app` on `listener` until `shutdown` resolves, then drains connections for at
/// most `timeouts.shutdown` and closes the rest.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut backoff = AcceptBackoff::default();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            // Reap finished connection tasks so the set stays as large as what is open.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    backoff.succeeded();
                    // Small JSON answers: do not wait for Nagle.
                    let _ = tcp.set_nodelay(true);
                    let mut io = TimeoutStream::new(tcp);
                    io.set_write_timeout(Some(timeouts.write_stall));
                    let app = app.clone();
                    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
                        req.extensions_mut().insert(ConnectInfo(peer));
                        app.clone().oneshot(req)
                    });
                    let conn = http.serve_connection(TokioIo::new(Box::pin(io)), service);
                    let conn = graceful.watch(conn);
                    connections.spawn(async move {
                        // Timeouts and resets end connections; nothing to report per peer.
                        let _ = conn.await;
                    });
                }
                Err(err) => {
                    let reaction = backoff.failed(&err, Instant::now());
                    if let Some(line) = reaction.log {
                        eprintln!("{line}");
                    }
                    if !reaction.pause.is_zero() {
                        tokio::select! {
                            () = &mut shutdown => break,
                            () = tokio::time::sleep(reaction.pause) => {}
                        }
                    }
                }
            },
        }
    }
    drop(listener);
    let open = connections.len();
    if open > 0 {
        eprintln!(
            "rapport-server: {open} connection(s) open; finishing in-flight requests (up to {:.1} s)",
            timeouts.shutdown.as_secs_f64()
        );
    }
    if tokio::time::timeout(timeouts.shutdown, graceful.shutdown())
        .await
        .is_err()
    {
        eprintln!(
            "rapport-server: {} connection(s) still open after {:.1} s; closing them",
            connections.len(),
            timeouts.shutdown.as_secs_f64()
        );
    }
    connections.shutdown().await;
    Ok(())
}
