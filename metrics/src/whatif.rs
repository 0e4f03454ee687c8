//! TODO: whatif (being written).
