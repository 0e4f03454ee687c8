//! TODO: cohort (being written).
