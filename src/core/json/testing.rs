//! JSON text in tests: `testing::parse(text)` reads a document with serde_json (see
//! [`super::from_text`]). Only with the `serde_json` feature, which the crate's own tests
//! enable; the core has no JSON text parser of its own.

use super::Json;

/// The document `text` as the core's [`Json`].
pub fn parse(text: &str) -> Result<Json, serde_json::Error> {
    super::from_text(text)
}
