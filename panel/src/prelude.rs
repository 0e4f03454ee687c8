//! What `std`'s prelude would bring: the crate is `no_std` + `alloc` (text is built with the
//! core's `msg` helpers, not `format!`, so no formatting code reaches the wasm).

pub use alloc::borrow::ToOwned;
pub use alloc::boxed::Box;
pub use alloc::string::String;
pub use alloc::vec;
pub use alloc::vec::Vec;
