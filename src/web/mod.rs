//! DOM shell (being written).
