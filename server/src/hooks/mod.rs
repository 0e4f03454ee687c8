//! Outbound webhooks of the merchant console and Slack-compatible alerts, the pure parts:
//! which [`event`]s exist and how their bodies and ids are made, what a webhook
//! [`endpoint`] may be (its URL rule, its events, its `whsec_` secret), the [`retry`]
//! policy of a delivery, [`slack`] messages (escaped for Slack's mrkdwn) and the daily
//! [`digest`]'s figures. Storage is [`crate::store::hooks`], the routes
//! [`crate::routes::hooks`], the background work [`crate::jobs::hooks`] and
//! [`crate::jobs::digest`].

pub mod digest;
pub mod endpoint;
pub mod event;
pub mod retry;
pub mod slack;
