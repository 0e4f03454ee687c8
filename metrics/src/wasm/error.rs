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
    /// The dashboard could not be computed (names the input or model at fault).
    #[error("{0}")]
    Dashboard(#[from] crate::dashboard::DashboardError),
    /// A per-customer computation failed.
    #[error("customer row {row}: {source}")]
    Row {
        /// 0-based row of the input columns.
        row: usize,
        /// The underlying error.
        source: FitError,
    },
}

impl WasmError {
    /// A stable code for JavaScript to branch on (`error.code`).
    pub fn code(&self) -> &'static str {
        match self {
            WasmError::Fit(FitError::NotConverged { .. }) => "not_converged",
            WasmError::Data(_) | WasmError::Dashboard(_) => "bad_data",
            WasmError::Input(_) | WasmError::Fit(FitError::Input(_)) => "bad_input",
            WasmError::Fit(_) | WasmError::Row { .. } => "model",
            WasmError::Funnel(_)
            | WasmError::Feedback(_)
            | WasmError::WhatIf(_)
            | WasmError::Clv(_)
            | WasmError::Options { .. }
            | WasmError::Column { .. } => "bad_argument",
        }
    }
}

impl From<WasmError> for JsValue {
    /// An `Error` with `code` set; a fit that did not converge is named
    /// `FitNotConvergedError` and carries `details: {model, reason,
    /// iterations, logLikelihood, params}`.
    fn from(e: WasmError) -> JsValue {
        let error = js_sys::Error::new(&e.to_string());
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&error, &JsValue::from_str(k), &v);
        };
        set("code", JsValue::from_str(e.code()));
        if let WasmError::Fit(FitError::NotConverged {
            model,
            reason,
            iterations,
            log_likelihood,
            params,
        }) = &e
        {
            error.set_name("FitNotConvergedError");
            #[derive(serde::Serialize)]
            #[serde(rename_all = "camelCase")]
            struct Details<'a> {
                model: &'a str,
                reason: crate::models::StopReason,
                iterations: usize,
                log_likelihood: f64,
                params: &'a [f64],
            }
            let details = Details {
                model,
                reason: *reason,
                iterations: *iterations,
                log_likelihood: *log_likelihood,
                params,
            };
            if let Ok(v) = super::convert::to_js(&details) {
                set("details", v);
            }
        }
        error.into()
    }
}

/// Result of the internal helpers; exports map it with `?` into `JsValue`.
pub type WasmResult<T> = Result<T, WasmError>;
