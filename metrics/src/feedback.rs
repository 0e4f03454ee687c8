//! TODO: feedback (being written).
