//! TODO: summary (being written).
