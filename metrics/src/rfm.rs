//! TODO: rfm (being written).
