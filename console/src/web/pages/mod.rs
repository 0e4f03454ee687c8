//! One file per console page. Each has `render(…) -> Js<String>`: it fills `main` (an
//! `<h1>` first: the app focuses it) and returns the page's title. Pages load their data
//! with [`super::app::App::spawn`] and show results through the live region.

pub mod alerts;
pub mod audit;
pub mod dashboard;
pub mod followup_composer;
pub mod followups;
pub mod inbox;
pub mod not_allowed;
pub mod not_found;
pub mod response;
pub mod segments;
pub mod setup;
pub mod sign_in;
pub mod users;
