//! What `std`'s prelude would bring into scope, taken from `alloc` (the crate is `no_std`).
#![allow(unused_imports)]

pub use alloc::borrow::ToOwned;
pub use alloc::boxed::Box;
pub use alloc::rc::{Rc, Weak};
pub use alloc::string::{String, ToString};
pub use alloc::vec::Vec;
pub use alloc::{format, vec};
