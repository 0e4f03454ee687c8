//! The outbox deliverer: sends queued events (a redeemed reward's code) to each site's
//! `outboundWebhook`, signed per Standard Webhooks ([`crate::loyalty::outbound`]), off the
//! request path. Events are rows of the database, so they survive a restart; a claim moves
//! an event's next attempt [`LEASE`] ahead, so a worker that dies mid-delivery only delays
//! it, and several instances never send one event at once. A 2xx answer is delivery;
//! anything else is retried with doubling delays until
//! [`crate::loyalty::outbound::MAX_ATTEMPTS`] fail.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, Request, Uri};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::app::AppState;
use crate::loyalty::outbound::{self, OutboundWebhook};
use crate::store::{OutboxItem, StoreError};

/// How often due events are looked for.
pub const POLL: Duration = Duration::from_millis(200);
/// How long a claimed event is reserved for its worker, ms.
pub const LEASE: i64 = 60_000;
/// Events sent per pass.
pub const BATCH: usize = 50;
/// Limit on one attempt (connect, send, answer).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// One pass: claims the due events and attempts each; returns how many were delivered.
pub async fn run_once(app: &AppState) -> Result<usize, StoreError> {
    let now = app.clock.now_millis();
    let items = app
        .store
        .loyalty()
        .outbox_claim(now, now.saturating_add(LEASE), BATCH)
        .await?;
    let mut delivered = 0;
    for item in items {
        let target = app
            .config()
            .site(&item.site)
            .and_then(|s| s.loyalty.as_ref())
            .and_then(|l| l.outbound.clone());
        let result = match target {
            Some(target) => attempt(&target, &item, app.clock.now_millis()).await,
            None => Err(format!(
                "site {:?} has no loyalty.outboundWebhook",
                item.site
            )),
        };
        let now = app.clock.now_millis();
        let (error, retry_at) = match result {
            Ok(()) => {
                delivered += 1;
                (None, None)
            }
            Err(e) => {
                let retry = outbound::retry_after(item.attempts + 1).map(|d| now.saturating_add(d));
                eprintln!(
                    "rapport-server: outbound webhook site={:?} event={} attempt {} failed: {e}{}",
                    item.site,
                    item.event_id,
                    item.attempts + 1,
                    if retry.is_none() { " (given up)" } else { "" }
                );
                (Some(e), retry)
            }
        };
        app.store
            .loyalty()
            .outbox_attempted(item.seq, error, retry_at, now)
            .await?;
    }
    Ok(delivered)
}

/// Runs [`run_once`] every [`POLL`] forever, logging failures.
pub async fn run(app: AppState) {
    let mut every = tokio::time::interval(POLL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = run_once(&app).await {
            eprintln!("rapport-server: outbox: {e}");
        }
    }
}

/// One signed POST of `item` to `target`.
async fn attempt(target: &OutboundWebhook, item: &OutboxItem, now: i64) -> Result<(), String> {
    let uri: Uri = target.url.parse().map_err(|e| format!("url: {e}"))?;
    let host = uri.host().ok_or("url: no host")?.to_owned();
    let port = uri.port_u16().unwrap_or(80);
    let authority = uri
        .authority()
        .map(|a| a.to_string())
        .unwrap_or(host.clone());
    let path = uri
        .path_and_query()
        .map_or("/".to_owned(), |p| p.as_str().to_owned());
    let body = item.payload.clone().into_bytes();
    let mut request = Request::post(path)
        .header(header::HOST, authority)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, "rapport-collector");
    for (name, value) in outbound::headers(&target.key, &item.event_id, now.div_euclid(1000), &body)
    {
        request = request.header(name, value);
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("request: {e}"))?;
    let send = async {
        let stream = TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| format!("connect {host}:{port}: {e}"))?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(connection);
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("send: {e}"))?;
        Ok::<_, String>(response.status())
    };
    let status = tokio::time::timeout(ATTEMPT_TIMEOUT, send)
        .await
        .map_err(|_| format!("no answer within {ATTEMPT_TIMEOUT:?}"))??;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("answered {status}"))
    }
}
