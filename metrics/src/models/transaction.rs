//! The continuous-time transaction models (BG/NBD, MBG/NBD, Pareto/NBD) behind
//! one type, for the analyses that work with any of them: holdout validation,
//! prediction intervals, the frequency/recency plots.
//!
//! [`TransactionKind`] names a model, [`TransactionParams`] holds its fitted
//! parameters (serialized as `{"model": "...", "params": {...}}`, the shape of a
//! fit), and [`fit`] fits the chosen one.
//!
//! ```
//! use rapport_metrics::models::transaction::{fit, TransactionKind};
//! use rapport_metrics::models::{FitInput, FitOptions};
//!
//! let input = FitInput::from_rows([
//!     (2.0, 30.43, 38.86), (1.0, 1.71, 38.86), (0.0, 0.0, 38.86),
//!     (0.0, 0.0, 38.86), (3.0, 20.0, 30.0), (5.0, 25.0, 31.0),
//! ])?;
//! let kind = TransactionKind::parse("mbgnbd").expect("a model name");
//! let fitted = fit(kind, &input, &FitOptions::default())?;
//! let params = fitted.params();
//! assert_eq!(params.kind(), TransactionKind::Mbgnbd);
//! assert!(params.expected_purchases(52.0)? > 0.0);
//! # Ok::<(), rapport_metrics::models::FitError>(())
//! ```

use serde::{Deserialize, Serialize};

use super::bgnbd::{self, BgNbd};
use super::clv::TransactionModel;
use super::mbgnbd::{self, MbgNbd};
use super::pareto_nbd::{self, ParetoNbd};
use super::{FitError, FitInput, FitOptions, Fitted};

/// Which transaction model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionKind {
    /// BG/NBD.
    Bgnbd,
    /// MBG/NBD.
    Mbgnbd,
    /// Pareto/NBD.
    ParetoNbd,
}

impl TransactionKind {
    /// Every kind, in the order they are documented.
    pub const ALL: [TransactionKind; 3] = [Self::Bgnbd, Self::Mbgnbd, Self::ParetoNbd];

    /// From a name as the CLI (`pareto-nbd`) or a fit (`pareto_nbd`) writes it.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "bgnbd" => Some(Self::Bgnbd),
            "mbgnbd" => Some(Self::Mbgnbd),
            "pareto-nbd" | "pareto_nbd" => Some(Self::ParetoNbd),
            _ => None,
        }
    }

    /// The name a fit carries in its `model` field.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bgnbd => "bgnbd",
            Self::Mbgnbd => "mbgnbd",
            Self::ParetoNbd => "pareto_nbd",
        }
    }

    /// The display name, e.g. "Pareto/NBD".
    pub fn label(self) -> &'static str {
        match self {
            Self::Bgnbd => "BG/NBD",
            Self::Mbgnbd => "MBG/NBD",
            Self::ParetoNbd => "Pareto/NBD",
        }
    }

    /// Parameter names in the order of [`TransactionParams::values`].
    pub fn param_names(self) -> [&'static str; 4] {
        match self {
            Self::Bgnbd | Self::Mbgnbd => ["r", "alpha", "a", "b"],
            Self::ParetoNbd => ["r", "alpha", "s", "beta"],
        }
    }
}

/// Fitted parameters of one of the transaction models.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", content = "params", rename_all = "snake_case")]
pub enum TransactionParams {
    /// BG/NBD.
    Bgnbd(BgNbd),
    /// MBG/NBD.
    Mbgnbd(MbgNbd),
    /// Pareto/NBD.
    ParetoNbd(ParetoNbd),
}

impl TransactionParams {
    /// Validated parameters of `kind` from `values` in the order of
    /// [`TransactionKind::param_names`].
    pub fn from_values(kind: TransactionKind, v: [f64; 4]) -> Result<Self, FitError> {
        Ok(match kind {
            TransactionKind::Bgnbd => Self::Bgnbd(BgNbd::new(v[0], v[1], v[2], v[3])?),
            TransactionKind::Mbgnbd => Self::Mbgnbd(MbgNbd::new(v[0], v[1], v[2], v[3])?),
            TransactionKind::ParetoNbd => Self::ParetoNbd(ParetoNbd::new(v[0], v[1], v[2], v[3])?),
        })
    }

    /// Which model.
    pub fn kind(&self) -> TransactionKind {
        match self {
            Self::Bgnbd(_) => TransactionKind::Bgnbd,
            Self::Mbgnbd(_) => TransactionKind::Mbgnbd,
            Self::ParetoNbd(_) => TransactionKind::ParetoNbd,
        }
    }

    /// The parameters in the order of [`TransactionKind::param_names`].
    pub fn values(&self) -> [f64; 4] {
        match *self {
            Self::Bgnbd(p) => [p.r, p.alpha, p.a, p.b],
            Self::Mbgnbd(p) => [p.r, p.alpha, p.a, p.b],
            Self::ParetoNbd(p) => [p.r, p.alpha, p.s, p.beta],
        }
    }

    /// The model as a [`TransactionModel`] (P(alive), conditional expectations).
    pub fn model(&self) -> &dyn TransactionModel {
        match self {
            Self::Bgnbd(p) => p,
            Self::Mbgnbd(p) => p,
            Self::ParetoNbd(p) => p,
        }
    }

    /// P(alive at T | x, t_x, T).
    pub fn p_alive(&self, x: f64, t_x: f64, t: f64) -> Result<f64, FitError> {
        self.model().p_alive(x, t_x, t)
    }

    /// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t].
    pub fn conditional_expected_purchases(
        &self,
        t: f64,
        x: f64,
        t_x: f64,
        age: f64,
    ) -> Result<f64, FitError> {
        self.model().conditional_expected_purchases(t, x, t_x, age)
    }

    /// E[X(t)]: expected repeat purchases of a new customer in (0, t].
    pub fn expected_purchases(&self, t: f64) -> Result<f64, FitError> {
        match self {
            Self::Bgnbd(p) => p.expected_purchases(t),
            Self::Mbgnbd(p) => p.expected_purchases(t),
            Self::ParetoNbd(p) => p.expected_purchases(t),
        }
    }

    /// Total ln L over `input`.
    pub fn log_likelihood(&self, input: &FitInput) -> Result<f64, FitError> {
        match self {
            Self::Bgnbd(p) => p.log_likelihood(input),
            Self::Mbgnbd(p) => p.log_likelihood(input),
            Self::ParetoNbd(p) => p.log_likelihood(input),
        }
    }
}

/// A fit of one of the transaction models; serializes as that model's
/// [`Fitted`] (`{"model": "...", "params": {...}, "log_likelihood": ...}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TransactionFit {
    /// BG/NBD.
    Bgnbd(Fitted<BgNbd>),
    /// MBG/NBD.
    Mbgnbd(Fitted<MbgNbd>),
    /// Pareto/NBD.
    ParetoNbd(Fitted<ParetoNbd>),
}

impl TransactionFit {
    /// The fitted parameters.
    pub fn params(&self) -> TransactionParams {
        match self {
            Self::Bgnbd(f) => TransactionParams::Bgnbd(f.params),
            Self::Mbgnbd(f) => TransactionParams::Mbgnbd(f.params),
            Self::ParetoNbd(f) => TransactionParams::ParetoNbd(f.params),
        }
    }

    /// Total log-likelihood at the fitted parameters.
    pub fn log_likelihood(&self) -> f64 {
        match self {
            Self::Bgnbd(f) => f.log_likelihood,
            Self::Mbgnbd(f) => f.log_likelihood,
            Self::ParetoNbd(f) => f.log_likelihood,
        }
    }

    /// Whether the optimiser's gradient test was met.
    pub fn converged(&self) -> bool {
        match self {
            Self::Bgnbd(f) => f.converged,
            Self::Mbgnbd(f) => f.converged,
            Self::ParetoNbd(f) => f.converged,
        }
    }
}

/// Fits the model `kind` to `input`.
pub fn fit(
    kind: TransactionKind,
    input: &FitInput,
    opts: &FitOptions,
) -> Result<TransactionFit, FitError> {
    Ok(match kind {
        TransactionKind::Bgnbd => TransactionFit::Bgnbd(bgnbd::fit(input, opts)?),
        TransactionKind::Mbgnbd => TransactionFit::Mbgnbd(mbgnbd::fit(input, opts)?),
        TransactionKind::ParetoNbd => TransactionFit::ParetoNbd(pareto_nbd::fit(input, opts)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_values_keep_their_order() {
        for kind in TransactionKind::ALL {
            assert_eq!(TransactionKind::parse(kind.name()), Some(kind));
            let p = TransactionParams::from_values(kind, [0.5, 6.0, 0.9, 1.6]).unwrap();
            assert_eq!(p.kind(), kind);
            assert_eq!(p.values(), [0.5, 6.0, 0.9, 1.6]);
            let json = serde_json::to_value(p).unwrap();
            assert_eq!(json["model"], kind.name());
            assert_eq!(json["params"][kind.param_names()[2]], 0.9);
            let back: TransactionParams = serde_json::from_value(json).unwrap();
            assert_eq!(back, p);
        }
        assert_eq!(TransactionKind::parse("bgbb"), None);
        assert!(
            TransactionParams::from_values(TransactionKind::Bgnbd, [0.5, -1.0, 1.0, 1.0]).is_err()
        );
    }

    #[test]
    fn dispatch_matches_the_model_methods() {
        let p = BgNbd::new(0.2426, 4.4136, 0.7929, 2.4259).unwrap();
        let t = TransactionParams::Bgnbd(p);
        assert_eq!(
            t.conditional_expected_purchases(39.0, 2.0, 30.43, 38.86)
                .unwrap(),
            p.conditional_expected_purchases(39.0, 2.0, 30.43, 38.86)
                .unwrap()
        );
        assert_eq!(
            t.expected_purchases(10.0).unwrap(),
            p.expected_purchases(10.0).unwrap()
        );
        assert_eq!(
            t.p_alive(2.0, 30.43, 38.86).unwrap(),
            p.p_alive(2.0, 30.43, 38.86).unwrap()
        );
    }
}
