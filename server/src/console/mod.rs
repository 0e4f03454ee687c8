//! The merchant console's collector side (`/admin/api/*`): users with roles, passwords,
//! the first owner's setup link, sessions, CSRF and cross-site refusal, the sign-in
//! throttle and the audit log. The console UI is served on top of these endpoints.
//!
//! Users belong to the collector, not to a site: one console serves every site of the
//! configuration, as one merchant runs one collector. The per-site `adminToken` stays the
//! machine credential (CLI, scripts, tests) of the `/v1` admin endpoints; console sessions
//! never open `/v1`, and admin tokens never open `/admin/api`.

pub mod audit;
pub mod context;
pub mod error;
pub mod origin;
pub mod password;
pub mod secret;
pub mod session;
pub mod setup;
pub mod throttle;

pub use error::ConsoleError;
