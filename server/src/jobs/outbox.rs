//! The outbox deliverer: every queued event is first fanned out to the console's webhook
//! endpoints and alerts ([`super::hooks::fan_out`]); the events of
//! [`crate::hooks::event::CONFIG_TARGET_EVENTS`] (a redeemed reward's code, a follow-up)
//! are then sent to the site's `outboundWebhook` (`https://` or `http://`, through
//! [`super::webhook_client`]), signed per Standard Webhooks ([`crate::loyalty::outbound`]),
//! off the request path; any other event is done once fanned out (a site without an
//! `outboundWebhook` has nowhere else to send a follow-up either). Events are rows
//! of the database, so they survive a restart; a claim moves an event's next attempt
//! [`LEASE`] ahead, so a worker that dies mid-delivery only delays it, and several
//! instances never send one event at once. A 2xx answer is delivery;
//! anything else is retried with doubling delays until
//! [`crate::loyalty::outbound::MAX_ATTEMPTS`] fail.

use std::time::Duration;

use super::webhook_client::WebhookClients;
use crate::app::AppState;
use crate::hooks::event::{CONFIG_TARGET_EVENTS, REWARD_REDEEMED};
use crate::loyalty::outbound::{self, OutboundWebhook};
use crate::store::{OutboxItem, StoreError};

/// How often due events are looked for.
pub const POLL: Duration = Duration::from_millis(200);
/// How long a claimed event is reserved for its worker, ms.
pub const LEASE: i64 = 60_000;
/// Events sent per pass.
pub const BATCH: usize = 50;
/// Limit on one attempt (connect, send, answer).
pub use super::webhook_client::ATTEMPT_TIMEOUT;

/// One pass: claims the due events and attempts each (through `clients`); returns how many
/// were delivered.
pub async fn run_once(app: &AppState, clients: &WebhookClients) -> Result<usize, StoreError> {
    let now = app.clock.now_millis();
    let items = app
        .store
        .loyalty()
        .outbox_claim(now, now.saturating_add(LEASE), BATCH)
        .await?;
    let mut delivered = 0;
    for item in items {
        let kind = super::hooks::kind_of(&item);
        super::hooks::fan_out(app, &item, &kind).await?;
        let target = app
            .config()
            .site(&item.site)
            .and_then(|s| s.loyalty.as_ref())
            .and_then(|l| l.outbound.clone());
        let for_config = CONFIG_TARGET_EVENTS.contains(&kind.as_str());
        let result = match target {
            Some(target) if for_config => {
                attempt(clients, &target, &item, app.clock.now_millis()).await
            }
            None if kind == REWARD_REDEEMED => Err(format!(
                "site {:?} has no loyalty.outboundWebhook",
                item.site
            )),
            _ => Ok(()),
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
    let clients = WebhookClients::default();
    let mut every = tokio::time::interval(POLL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = run_once(&app, &clients).await {
            eprintln!("rapport-server: outbox: {e}");
        }
    }
}

/// One signed POST of `item` to `target`.
async fn attempt(
    clients: &WebhookClients,
    target: &OutboundWebhook,
    item: &OutboxItem,
    now: i64,
) -> Result<(), String> {
    let body = item.payload.clone().into_bytes();
    let headers = outbound::headers(&target.key, &item.event_id, now.div_euclid(1000), &body);
    let status = clients.post(target, &headers, body).await?;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("answered {status}"))
    }
}
