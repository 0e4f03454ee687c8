//! Spend-model input: repeat buyers' purchase counts and mean order values.

use serde::{Deserialize, Serialize};

use super::InputError;

/// Repeat customers for the Gamma-Gamma model: x ≥ 1 repeat purchases with mean
/// value z̄ > 0 (the mean of the repeat purchases, not the first).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SpendInput {
    /// Repeat purchases (integer ≥ 1).
    pub x: Vec<f64>,
    /// Mean value of those purchases (> 0).
    pub zbar: Vec<f64>,
    /// Customers per row.
    pub weights: Vec<f64>,
}

impl SpendInput {
    /// From `(x, zbar)` rows with unit weights, validated.
    pub fn from_rows<I: IntoIterator<Item = (f64, f64)>>(rows: I) -> Result<Self, InputError> {
        let mut s = Self::default();
        for (x, z) in rows {
            s.x.push(x);
            s.zbar.push(z);
            s.weights.push(1.0);
        }
        s.validate()?;
        Ok(s)
    }

    /// From `(x, zbar)` rows, keeping only repeat buyers (x > 0) — the usual
    /// way to go from a whole customer summary to the spend model's input.
    pub fn repeat_buyers<I: IntoIterator<Item = (f64, f64)>>(rows: I) -> Result<Self, InputError> {
        Self::from_rows(rows.into_iter().filter(|(x, _)| *x > 0.0))
    }

    /// Checks lengths, x a positive integer, z̄ > 0, weights ≥ 0 and not all zero.
    pub fn validate(&self) -> Result<(), InputError> {
        let n = self.x.len();
        if n == 0 {
            return Err(InputError::Empty);
        }
        for (field, len) in [("zbar", self.zbar.len()), ("weights", self.weights.len())] {
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
            let (x, z, w) = (self.x[row], self.zbar[row], self.weights[row]);
            for (field, value) in [("x", x), ("zbar", z), ("weights", w)] {
                if !value.is_finite() {
                    return Err(InputError::NotFinite { row, field, value });
                }
            }
            if x < 1.0 || x != x.floor() {
                return Err(InputError::OutOfRange {
                    row,
                    field: "x",
                    value: x,
                    why: "must be an integer ≥ 1 (repeat buyers only)",
                });
            }
            if z <= 0.0 {
                return Err(InputError::OutOfRange {
                    row,
                    field: "zbar",
                    value: z,
                    why: "must be > 0",
                });
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

    /// Σ weights.
    pub fn total_weight(&self) -> f64 {
        self.weights.iter().sum()
    }
}
