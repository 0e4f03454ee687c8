//! The error type of the JavaScript API and its conversion into a JS `Error`.

use wasm_bindgen::JsValue;

use crate::clv::ClvError;
use crate::data::DataError;
use crate::feedback::FeedbackError;
use crate::funnel::FunnelError;
use crate::models::{FitError, InputError};
use crate::whatif::WhatIfError;

/// Everything an export can fail with. The message is what JavaScript sees.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WasmError {
    /// Reading orders, events or answers failed (line and column named).
    #[error("{0}")]
    Data(#[from] DataError),
    /// Model input columns are invalid (row and field named).
    #[error("{0}")]
    Input(#[from] InputError),
    /// A fit or prediction failed.
    #[error("{0}")]
    Fit(#[from] FitError),
    /// A funnel definition is invalid.
    #[error("{0}")]
    Funnel(#[from] FunnelError),
    /// A feedback option is invalid.
    #[error("{0}")]
    Feedback(#[from] FeedbackError),
    /// A what-if argument is invalid.
    #[error("{0}")]
    WhatIf(#[from] WhatIfError),
    /// A CLV option is invalid.
    #[error("{0}")]
    Clv(#[from] ClvError),
    /// An options object could not be read.
    #[error("{what}: {message}")]
    Options {
        /// Which argument, e.g. `options` of `cohortMatrix`.
        what: &'static str,
        /// What serde reported (names the field).
        message: String,
    },
    /// A column argument is invalid.
    #[error("{field}: {message}")]
    Column {
        /// The argument, e.g. `timestamp`.
        field: &'static str,
        /// What is wrong (names the row when there is one).
        message: String,
    },
    /// A per-customer computation failed.
    #[error("customer row {row}: {source}")]
    Row {
        /// 0-based row of the input columns.
        row: usize,
        /// The underlying error.
        source: FitError,
    },
}

impl From<WasmError> for JsValue {
    fn from(e: WasmError) -> JsValue {
        js_sys::Error::new(&e.to_string()).into()
    }
}

/// Result of the internal helpers; exports map it with `?` into `JsValue`.
pub type WasmResult<T> = Result<T, WasmError>;
