//! TODO: special (being written).
