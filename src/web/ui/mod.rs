//! Everything drawn inside the shadow root.

pub mod checks;
pub mod control;
pub mod dialog;
pub mod dom;
pub mod focus;
pub mod host;
pub mod model;
pub mod radios;
pub mod text;
pub mod theme;
