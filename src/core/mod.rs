//! Pure survey core (being written).
