//! TODO: clv (being written).
