//! TODO: data (being written).
