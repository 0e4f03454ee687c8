//! TODO: models (being written).
