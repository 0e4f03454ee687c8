//! Background work of the collector, off the request path: the loyalty [`expiry_sweep`],
//! the [`outbox`] deliverer of outbound webhooks (over [`webhook_client`]) and the customer
//! [`scores`] job.
//! Each job is a `run_once` over the state (tests call it directly, with a fake clock) and
//! a loop the server spawns at start.

pub mod digest;
pub mod expiry_sweep;
pub mod hooks;
pub mod outbox;
pub mod scores;
pub mod webhook_client;
