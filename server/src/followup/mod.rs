//! Follow-ups: the merchant's reply to a response, the shopper seeing it, the closed-loop
//! rate, and the holdout experiment that measures whether following up keeps customers.
//!
//! Pure parts live here, one concept per file; the store is [`crate::store::followup`], the
//! handlers [`crate::routes::followups`] (console) and [`crate::routes::shopper_followups`]
//! (the shopper's widget).
//!
//! * [`answer`] — what a response said: whether it is a detractor, and the quote shown back
//!   to the shopper ("You told us …").
//! * [`assign`] — the holdout's keyed-hash assignment of a response to a group.
//! * [`holdout`] — the holdout settings and their validation.
//! * [`outcomes`] — what each assigned customer did in the window, by group.
//! * [`summary`] — the closed-loop rate.
//! * [`words`] — the follow-up card's frame strings in the 9 bundled locales.
//! * [`author`] — the reply author's display name (never the e-mail).
//! * [`error`] — the area's error enum.

pub mod answer;
pub mod assign;
pub mod author;
pub mod error;
pub mod holdout;
pub mod outcomes;
pub mod summary;
pub mod words;

pub use error::FollowupError;

/// Longest follow-up text, in characters (Unicode scalar values).
pub const MAX_TEXT: usize = 2000;
