//! Export positions: a row's place in export order `(received_at, id)`. Clients resume an
//! export after a response by naming its id (`?after=ID`); the collector looks the row up
//! and continues from its position, so the id is the whole cursor.

/// A row's position in export order; a page resumes strictly after it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    /// The row's `received_at` (`2026-11-22T10:00:00.123Z`).
    pub received_at: String,
    /// The row's response id.
    pub id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_like_the_export() {
        let c = |t: &str, id: &str| Cursor {
            received_at: t.into(),
            id: id.into(),
        };
        assert!(c("2026-01-01T00:00:00.000Z", "b") < c("2026-01-01T00:00:00.001Z", "a"));
        assert!(c("2026-01-01T00:00:00.000Z", "a") < c("2026-01-01T00:00:00.000Z", "b"));
    }
}
