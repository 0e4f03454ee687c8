//! Model input: one row per customer as (x, t_x, T), columns, validation, and
//! compression into weighted unique patterns.
//!
//! x is the number of repeat purchases, t_x the time of the last one (0 when
//! x = 0), T the customer's age at the end of calibration, all in one time unit
//! (weeks for CDNOW). The likelihoods depend on a customer only through
//! (x, t_x, T), so a million customers whose times are recorded in days collapse
//! into far fewer [`Patterns`], each evaluated once and weighted by its count.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

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
    /// T > 0, t_x = 0 when x = 0, weights ≥ 0 and not all zero.
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
            if t <= 0.0 {
                return Err(InputError::OutOfRange {
                    row,
                    field: "T",
                    value: t,
                    why: "must be > 0",
                });
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

    /// Unique (x, t_x, T) patterns with summed weights, sorted by x, then t_x,
    /// then T (so equal-x patterns are contiguous). Deterministic: the same input
    /// gives bitwise the same patterns. Zero-weight rows are dropped.
    pub fn patterns(&self) -> Patterns {
        // -0.0 + 0.0 = +0.0, so the bit keys of equal values are equal and order
        // like the values (all fields are ≥ 0 after validation).
        let key = |i: usize| {
            (
                (self.x[i] + 0.0).to_bits(),
                (self.t_x[i] + 0.0).to_bits(),
                (self.t[i] + 0.0).to_bits(),
            )
        };
        // Group with a hash map (rows visited in order, so each pattern's weight
        // is summed in row order), then sort only the unique keys: far cheaper
        // than sorting every row when customers share patterns.
        let mut slot: FxHashMap<(u64, u64, u64), usize> = FxHashMap::default();
        let mut unique: Vec<((u64, u64, u64), f64)> = Vec::new();
        for i in 0..self.x.len() {
            let w = self.weights[i];
            if w <= 0.0 {
                continue;
            }
            let k = key(i);
            match slot.get(&k) {
                Some(&j) => unique[j].1 += w,
                None => {
                    slot.insert(k, unique.len());
                    unique.push((k, w));
                }
            }
        }
        drop(slot);
        // Keys are distinct, so an unstable sort is still deterministic.
        unique.sort_unstable_by_key(|u| u.0);
        let mut p = Patterns::default();
        p.x.reserve(unique.len());
        p.t_x.reserve(unique.len());
        p.t.reserve(unique.len());
        p.weight.reserve(unique.len());
        for ((x, t_x, t), w) in unique {
            p.x.push(f64::from_bits(x));
            p.t_x.push(f64::from_bits(t_x));
            p.t.push(f64::from_bits(t));
            p.weight.push(w);
        }
        p.total_weight = p.weight.iter().sum();
        // Distinct time values (t_x ∪ T), so functions of α + t are evaluated
        // once per distinct time rather than once per pattern.
        let mut times: Vec<u64> = p.t_x.iter().chain(&p.t).map(|v| v.to_bits()).collect();
        times.sort_unstable();
        times.dedup();
        let index = |v: f64| times.binary_search(&v.to_bits()).map_or(0, |i| i as u32);
        p.t_idx = p.t.iter().map(|&v| index(v)).collect();
        p.t_x_idx = p.t_x.iter().map(|&v| index(v)).collect();
        p.times = times.into_iter().map(f64::from_bits).collect();
        let mut start = 0;
        while start < p.x.len() {
            let mut end = start + 1;
            while end < p.x.len() && p.x[end] == p.x[start] {
                end += 1;
            }
            p.x_runs.push((start, end));
            start = end;
        }
        p
    }
}

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
        let e = FitInput::from_rows([(0.0, 0.0, 0.0)]).unwrap_err();
        assert!(matches!(
            e,
            InputError::OutOfRange {
                row: 0,
                field: "T",
                ..
            }
        ));
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
