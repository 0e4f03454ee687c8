//! Why scores could not be computed.

/// Errors of [`super::compute`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoringError {
    /// The orders could not be turned into the engine's input.
    #[error("orders: {0}")]
    Orders(String),
    /// A model evaluation failed for one customer.
    #[error("customer {customer:?}: {message}")]
    Customer {
        /// Customer id.
        customer: String,
        /// What failed.
        message: String,
    },
}
