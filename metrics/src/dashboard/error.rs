//! Why the dashboard could not be computed; each message names the input or model at fault.

use crate::data::DataError;
use crate::models::{FitError, InputError};

/// A dashboard failure.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DashboardError {
    /// The data does not have the documented shape.
    #[error("data.{field}: {message}")]
    Data {
        /// The field at fault (`orders.at`, …).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// There are no orders to model.
    #[error("orders: none (the customer charts need at least one order)")]
    NoOrders,
    /// The orders could not be read.
    #[error("orders: {0}")]
    Orders(#[from] DataError),
    /// The customer summary could not feed a model.
    #[error("models: {0}")]
    Input(#[from] InputError),
    /// A model fit or prediction failed.
    #[error("models: {0}")]
    Fit(#[from] FitError),
    /// The feedback scores failed.
    #[error("feedback: {0}")]
    Feedback(#[from] crate::feedback::FeedbackError),
    /// The funnel failed.
    #[error("funnel: {0}")]
    Funnel(#[from] crate::funnel::FunnelError),
    /// The what-if failed.
    #[error("what-if: {0}")]
    WhatIf(#[from] crate::whatif::WhatIfError),
}

impl DashboardError {
    /// A field of the data at fault.
    pub fn data(field: impl Into<String>, message: impl Into<String>) -> Self {
        DashboardError::Data {
            field: field.into(),
            message: message.into(),
        }
    }
}
