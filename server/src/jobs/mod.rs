//! Background work of the collector, off the request path: the loyalty [`expiry_sweep`]
//! and the [`outbox`] deliverer of outbound webhooks (over [`webhook_client`]).
//! Each job is a `run_once` over the state (tests call it directly, with a fake clock) and
//! a loop the server spawns at start.

pub mod digest;
pub mod expiry_sweep;
pub mod hooks;
pub mod outbox;
pub mod webhook_client;
