//! TODO: funnel (being written).
