//! Everything drawn inside the shadow root.

pub mod control;
pub mod dialog;
pub mod dom;
pub mod focus;
pub mod host;
pub mod icon;
pub mod theme;
