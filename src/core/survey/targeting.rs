//! Which pages a survey may appear on (the model; matching is in [`crate::core::targeting`]).

use crate::prelude::*;

/// How a URL rule compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchKind {
    /// Path + query equal to the value.
    Exact,
    /// Path + query starting with the value.
    Prefix,
    /// Full URL containing the value.
    Contains,
    /// Path + query matching a glob: `*` any run of characters, `?` exactly one.
    Glob,
    /// Path + query matching a regular expression (JavaScript `RegExp` in the browser).
    Regex,
}

/// One URL rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlMatch {
    /// How to compare.
    pub kind: MatchKind,
    /// What to compare with.
    pub value: String,
}

/// Where a survey may appear. No rule means every page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Targeting {
    /// URL rule.
    pub url: Option<UrlMatch>,
}
