//! Model input: one row per customer as (x, t_x, T), columns, validation, and
//! compression into weighted unique patterns.
//!
//! x is the number of repeat purchases, t_x the time of the last one (0 when
//! x = 0), T the customer's age at the end of calibration, all in one time unit
//! (weeks for CDNOW). A customer first seen at the very end (T = 0, so x = 0)
//! carries no information about repeat buying: such rows are valid, add
//! nothing to the likelihood and are left out of the patterns (but counted as
//! customers), and predictions treat them as brand-new customers. The likelihoods depend on a customer only through
//! (x, t_x, T), so a million customers whose times are recorded in days collapse
//! into far fewer [`Patterns`], each evaluated once and weighted by its count.

use serde::{Deserialize, Serialize};

/// 2⁵²: for finite x ≥ 0, (x + 2⁵²) − 2⁵² = x exactly when x is an integer
/// (`f64::floor` is a library call on baseline x86-64 and wasm).
const TWO_52: f64 = 4_503_599_627_370_496.0;

/// Errors in model input; each names the row and field at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    /// The input has no rows.
    #[error("input has no customers")]
    Empty,
    /// Columns of different lengths.
    #[error("column {field} has {len} values, expected {expected} (the length of x)")]
    LengthMismatch {
        /// The column.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The length of `x`.
        expected: usize,
    },
    /// A NaN or infinite value.
    #[error("row {row}: {field} = {value} is not finite")]
    NotFinite {
        /// Row index (0-based).
        row: usize,
        /// The field.
        field: &'static str,
        /// The value.
        value: f64,
    },
    /// A value outside the allowed range.
    #[error("row {row}: {field} = {value} {why}")]
    OutOfRange {
        /// Row index (0-based).
        row: usize,
        /// The field.
        field: &'static str,
        /// The value.
        value: f64,
        /// The rule broken, e.g. "must be ≥ 0".
        why: &'static str,
    },
    /// t_x later than T.
    #[error("row {row}: t_x = {t_x} is later than T = {t}")]
    RecencyAfterAge {
        /// Row index (0-based).
        row: usize,
        /// The recency.
        t_x: f64,
        /// The age.
        t: f64,
    },
    /// A customer without repeat purchases has t_x > 0.
    #[error("row {row}: x = {x} but t_x = {t_x} (t_x must be 0 when x = 0)")]
    RecencyWithoutPurchases {
        /// Row index (0-based).
        row: usize,
        /// The frequency.
        x: f64,
        /// The recency.
        t_x: f64,
    },
    /// All weights are zero.
    #[error("the weights sum to zero")]
    ZeroWeight,
    /// A customer observed for no time (T = 0) with repeat purchases.
    #[error("row {row}: x = {x} but T = 0 (a customer first seen at the end of the period has no repeat purchases)")]
    PurchasesWithoutTime {
        /// Row index (0-based).
        row: usize,
        /// The frequency.
        x: f64,
    },
    /// Every customer has T = 0: there is no repeat behaviour to fit.
    #[error("every customer was first seen at the end of the period (T = 0): there is nothing to fit; choose a later end")]
    NoObservedTime,
}

impl InputError {
    /// The 0-based row at fault, if the error is about one row.
    pub fn row(&self) -> Option<usize> {
        match self {
            InputError::NotFinite { row, .. }
            | InputError::OutOfRange { row, .. }
            | InputError::RecencyAfterAge { row, .. }
            | InputError::RecencyWithoutPurchases { row, .. }
            | InputError::PurchasesWithoutTime { row, .. } => Some(*row),
            _ => None,
        }
    }
}

/// Customers in columns: x (repeat purchases), t_x (recency), T (age), weights.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FitInput {
    /// Repeat purchases per customer (a non-negative integer, stored as f64).
    pub x: Vec<f64>,
    /// Time of the last repeat purchase, measured from the first (0 when x = 0).
    pub t_x: Vec<f64>,
    /// Age: time from the first purchase to the end of the calibration period.
    pub t: Vec<f64>,
    /// How many customers each row stands for (1 for raw data).
    pub weights: Vec<f64>,
}

impl FitInput {
    /// Columns with unit weights, validated.
    pub fn new(x: Vec<f64>, t_x: Vec<f64>, t: Vec<f64>) -> Result<Self, InputError> {
        let weights = vec![1.0; x.len()];
        Self::with_weights(x, t_x, t, weights)
    }

    /// Columns with explicit weights, validated.
    pub fn with_weights(
        x: Vec<f64>,
        t_x: Vec<f64>,
        t: Vec<f64>,
        weights: Vec<f64>,
    ) -> Result<Self, InputError> {
        let input = Self { x, t_x, t, weights };
        input.validate()?;
        Ok(input)
    }

    /// From `(x, t_x, T)` rows, unit weights, validated.
    pub fn from_rows<I: IntoIterator<Item = (f64, f64, f64)>>(rows: I) -> Result<Self, InputError> {
        let mut input = Self::default();
        for (x, t_x, t) in rows {
            input.x.push(x);
            input.t_x.push(t_x);
            input.t.push(t);
            input.weights.push(1.0);
        }
        input.validate()?;
        Ok(input)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Σ weights: the number of customers represented.
    pub fn total_weight(&self) -> f64 {
        self.weights.iter().sum()
    }

    /// Checks lengths and every value: x a non-negative integer, 0 ≤ t_x ≤ T,
    /// T ≥ 0, t_x = 0 when x = 0, x = 0 when T = 0, weights ≥ 0 and not all zero.
    pub fn validate(&self) -> Result<(), InputError> {
        let n = self.x.len();
        if n == 0 {
            return Err(InputError::Empty);
        }
        for (field, len) in [
            ("t_x", self.t_x.len()),
            ("T", self.t.len()),
            ("weights", self.weights.len()),
        ] {
            if len != n {
                return Err(InputError::LengthMismatch {
                    field,
                    len,
                    expected: n,
                });
            }
        }
        // Fast pass: one branch-free test per row. Only when it fails does the
        // row-by-row pass below run, to name the first row at fault.
        let mut ok = true;
        let mut total = 0.0;
        for row in 0..n {
            let (x, t_x, t, w) = (self.x[row], self.t_x[row], self.t[row], self.weights[row]);
            // Comparisons with NaN are false, so NaN fails every test here.
            ok &= (0.0..f64::INFINITY).contains(&x)
                & ((x + TWO_52) - TWO_52 == x)
                & (t_x >= 0.0)
                & (t >= 0.0)
                & ((t > 0.0) | (x == 0.0))
                & (t < f64::INFINITY)
                & (t_x <= t)
                & ((x != 0.0) | (t_x == 0.0))
                & (0.0..f64::INFINITY).contains(&w);
            total += w;
        }
        if ok && total > 0.0 {
            return Ok(());
        }
        let mut total = 0.0;
        for row in 0..n {
            let (x, t_x, t, w) = (self.x[row], self.t_x[row], self.t[row], self.weights[row]);
            for (field, value) in [("x", x), ("t_x", t_x), ("T", t), ("weights", w)] {
                if !value.is_finite() {
                    return Err(InputError::NotFinite { row, field, value });
                }
            }
            if x < 0.0 || x != x.floor() {
                return Err(InputError::OutOfRange {
                    row,
                    field: "x",
                    value: x,
                    why: "must be a non-negative integer",
                });
            }
            if t_x < 0.0 {
                return Err(InputError::OutOfRange {
                    row,
                    field: "t_x",
                    value: t_x,
                    why: "must be ≥ 0",
                });
            }
            if t < 0.0 {
                return Err(InputError::OutOfRange {
                    row,
                    field: "T",
                    value: t,
                    why: "must be ≥ 0",
                });
            }
            if t == 0.0 && x != 0.0 {
                return Err(InputError::PurchasesWithoutTime { row, x });
            }
            if t_x > t {
                return Err(InputError::RecencyAfterAge { row, t_x, t });
            }
            if x == 0.0 && t_x != 0.0 {
                return Err(InputError::RecencyWithoutPurchases { row, x, t_x });
            }
            if w < 0.0 {
                return Err(InputError::OutOfRange {
                    row,
                    field: "weights",
                    value: w,
                    why: "must be ≥ 0",
                });
            }
            total += w;
        }
        if total <= 0.0 {
            return Err(InputError::ZeroWeight);
        }
        Ok(())
    }
}

/// Patterns in the warm-up subsample of a large fit ([`Patterns::warm_up_sample`]).
const WARM_UP_PATTERNS: usize = 4_096;

/// Unique (x, t_x, T) patterns with weights, sorted; see [`FitInput::patterns`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Patterns {
    /// x per pattern.
    pub x: Vec<f64>,
    /// t_x per pattern.
    pub t_x: Vec<f64>,
    /// T per pattern.
    pub t: Vec<f64>,
    /// Customers per pattern.
    pub weight: Vec<f64>,
    /// Σ weight.
    pub total_weight: f64,
    /// Σ weight of the customers left out because T = 0 (no time observed).
    pub zero_age_weight: f64,
    /// Half-open index ranges of patterns sharing one x value, in order, so the
    /// x-only terms (ln Γ, ψ) are computed once per distinct x.
    pub x_runs: Vec<(usize, usize)>,
    /// Sorted distinct values among all t_x and T.
    pub times: Vec<f64>,
    /// Per pattern: index of its T in `times`.
    pub t_idx: Vec<u32>,
    /// Per pattern: index of its t_x in `times`.
    pub t_x_idx: Vec<u32>,
}

impl Patterns {
    /// Empty columns with room for `n` patterns.
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            x: Vec::with_capacity(n),
            t_x: Vec::with_capacity(n),
            t: Vec::with_capacity(n),
            weight: Vec::with_capacity(n),
            t_idx: Vec::with_capacity(n),
            t_x_idx: Vec::with_capacity(n),
            ..Self::default()
        }
    }

    /// Total weight and the x-runs, from the sorted columns.
    pub(crate) fn finish(&mut self) {
        self.total_weight = self.weight.iter().sum();
        let mut start = 0;
        while start < self.x.len() {
            let mut end = start + 1;
            while end < self.x.len() && self.x[end] == self.x[start] {
                end += 1;
            }
            self.x_runs.push((start, end));
            start = end;
        }
    }

    /// A deterministic subsample for warming up a fit: every k-th pattern,
    /// weights kept, sharing this set's time table. k = len / 4,096, at most 32:
    /// at least 4,096 patterns and 1/32 of the data, so the warm-up optimum is
    /// close enough for the full fit to finish in a few iterations. None below
    /// 16,384 patterns, where the warm-up would not pay for itself.
    pub(crate) fn warm_up_sample(&self) -> Option<Patterns> {
        let stride = (self.len() / WARM_UP_PATTERNS).min(32);
        if stride < 4 {
            return None;
        }
        let mut p = Patterns {
            times: self.times.clone(),
            ..Patterns::default()
        };
        // The middle of each stride, so neither end of the sorted order is favoured.
        for i in (stride / 2..self.len()).step_by(stride) {
            p.x.push(self.x[i]);
            p.t_x.push(self.t_x[i]);
            p.t.push(self.t[i]);
            p.weight.push(self.weight[i]);
            p.t_idx.push(self.t_idx[i]);
            p.t_x_idx.push(self.t_x_idx[i]);
        }
        p.finish();
        Some(p)
    }

    /// Customers represented: the patterns' weight plus those with T = 0.
    pub fn customers(&self) -> f64 {
        self.total_weight + self.zero_age_weight
    }

    /// Number of unique patterns.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_row_and_field() {
        let e = FitInput::from_rows([(1.0, 2.0, 3.0), (1.5, 1.0, 2.0)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 1: x = 1.5 must be a non-negative integer"
        );
        let e = FitInput::from_rows([(1.0, 4.0, 3.0)]).unwrap_err();
        assert_eq!(
            e,
            InputError::RecencyAfterAge {
                row: 0,
                t_x: 4.0,
                t: 3.0
            }
        );
        let e = FitInput::from_rows([(0.0, 0.0, -1.0)]).unwrap_err();
        assert!(matches!(
            e,
            InputError::OutOfRange {
                row: 0,
                field: "T",
                ..
            }
        ));
        assert!(FitInput::from_rows([(0.0, 0.0, 0.0)]).is_ok());
        let e = FitInput::from_rows([(0.0, 0.0, 1.0), (2.0, 0.0, 0.0)]).unwrap_err();
        assert_eq!(e, InputError::PurchasesWithoutTime { row: 1, x: 2.0 });
        let e = FitInput::from_rows([(0.0, 0.0, f64::NAN)]).unwrap_err();
        assert!(matches!(
            e,
            InputError::NotFinite {
                row: 0,
                field: "T",
                ..
            }
        ));
        let e = FitInput::from_rows([(0.0, 1.0, 2.0)]).unwrap_err();
        assert!(matches!(
            e,
            InputError::RecencyWithoutPurchases { row: 0, .. }
        ));
        assert_eq!(FitInput::from_rows([]).unwrap_err(), InputError::Empty);
        let e =
            FitInput::with_weights(vec![0.0], vec![0.0, 1.0], vec![1.0], vec![1.0]).unwrap_err();
        assert!(matches!(
            e,
            InputError::LengthMismatch {
                field: "t_x",
                len: 2,
                ..
            }
        ));
        let e = FitInput::with_weights(vec![0.0], vec![0.0], vec![1.0], vec![0.0]).unwrap_err();
        assert_eq!(e, InputError::ZeroWeight);
    }

    #[test]
    fn patterns_merge_and_sort() {
        let input = FitInput::from_rows([
            (2.0, 1.0, 5.0),
            (0.0, 0.0, 5.0),
            (2.0, 1.0, 5.0),
            (0.0, -0.0, 4.0),
            (1.0, 3.0, 5.0),
            (0.0, 0.0, 5.0),
        ])
        .unwrap();
        let p = input.patterns();
        assert_eq!(p.x, vec![0.0, 0.0, 1.0, 2.0]);
        assert_eq!(p.t, vec![4.0, 5.0, 5.0, 5.0]);
        assert_eq!(p.weight, vec![1.0, 2.0, 1.0, 2.0]);
        assert_eq!(p.total_weight, 6.0);
        assert_eq!(p.x_runs, vec![(0, 2), (2, 3), (3, 4)]);
        assert_eq!(p.times, vec![0.0, 1.0, 3.0, 4.0, 5.0]);
        for i in 0..p.len() {
            assert_eq!(p.times[p.t_idx[i] as usize], p.t[i]);
            assert_eq!(p.times[p.t_x_idx[i] as usize], p.t_x[i]);
        }
    }
}
