//! Customer lifetime value: a transaction model's expected purchases per
//! period × the Gamma-Gamma expected order value, discounted.
//!
//! As in the `lifetimes` package's `customer_lifetime_value`: for months
//! i = 1..=horizon, the expected purchases in month i are
//! E[Y(i·u) | x, t_x, T] − E[Y((i−1)·u) | x, t_x, T] (u = model time units per
//! month, e.g. 4.345 weeks), valued at E[Z | x, z̄] and discounted by (1+d)^i.

use serde::{Deserialize, Serialize};

use super::bgnbd::BgNbd;
use super::gamma_gamma::GammaGamma;
use super::mbgnbd::MbgNbd;
use super::pareto_nbd::ParetoNbd;
use super::FitError;

/// A model that predicts a customer's future purchase count.
pub trait TransactionModel {
    /// E[Y(t) | x, t_x, T]: expected purchases in (T, T + t].
    fn conditional_expected_purchases(
        &self,
        t: f64,
        x: f64,
        t_x: f64,
        age: f64,
    ) -> Result<f64, FitError>;
    /// P(alive at T | x, t_x, T).
    fn p_alive(&self, x: f64, t_x: f64, age: f64) -> Result<f64, FitError>;
}

macro_rules! transaction_model {
    ($t:ty) => {
        impl TransactionModel for $t {
            fn conditional_expected_purchases(
                &self,
                t: f64,
                x: f64,
                t_x: f64,
                age: f64,
            ) -> Result<f64, FitError> {
                <$t>::conditional_expected_purchases(self, t, x, t_x, age)
            }
            fn p_alive(&self, x: f64, t_x: f64, age: f64) -> Result<f64, FitError> {
                <$t>::p_alive(self, x, t_x, age)
            }
        }
    };
}
transaction_model!(BgNbd);
transaction_model!(MbgNbd);
transaction_model!(ParetoNbd);

/// How the value is summed up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClvOptions {
    /// Number of months to sum over.
    pub months: u32,
    /// Model time units in one month (4.345 for weeks, 30 for days, 1 for months).
    pub units_per_month: f64,
    /// Discount rate per month (0.01 = 1 %).
    pub monthly_discount: f64,
}

impl Default for ClvOptions {
    fn default() -> Self {
        Self {
            months: 12,
            units_per_month: 4.345,
            monthly_discount: 0.01,
        }
    }
}

/// One customer's history: (x, t_x, T) and mean repeat-order value z̄ (0 if x = 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// Repeat purchases.
    pub x: f64,
    /// Recency.
    pub t_x: f64,
    /// Age.
    pub t: f64,
    /// Mean value of the repeat purchases.
    pub zbar: f64,
}

/// Discounted expected value of the customer's purchases over the horizon.
pub fn customer_lifetime_value<M: TransactionModel + ?Sized>(
    model: &M,
    spend: &GammaGamma,
    customer: &Customer,
    opts: &ClvOptions,
) -> Result<f64, FitError> {
    let bad = |name, value, why| {
        Err(FitError::Argument {
            model: "clv",
            name,
            value,
            why,
        })
    };
    if !(opts.units_per_month.is_finite() && opts.units_per_month > 0.0) {
        return bad("units_per_month", opts.units_per_month, "must be > 0");
    }
    if !(opts.monthly_discount.is_finite() && opts.monthly_discount > -1.0) {
        return bad("monthly_discount", opts.monthly_discount, "must be > -1");
    }
    let aov = spend.conditional_expected_spend(customer.x, customer.zbar)?;
    let mut value = 0.0;
    let mut previous = 0.0;
    for i in 1..=opts.months {
        let cumulative = model.conditional_expected_purchases(
            f64::from(i) * opts.units_per_month,
            customer.x,
            customer.t_x,
            customer.t,
        )?;
        value += aov * (cumulative - previous) / (1.0 + opts.monthly_discount).powi(i as i32);
        previous = cumulative;
    }
    if value.is_finite() {
        Ok(value)
    } else {
        Err(FitError::NonFinite {
            model: "clv",
            what: "lifetime value",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_discount_equals_horizon_expectation_times_aov() {
        let m = BgNbd::new(0.2426, 4.4136, 0.7929, 2.4259).unwrap();
        let g = GammaGamma::new(6.2488, 3.7446, 15.4477).unwrap();
        let c = Customer {
            x: 2.0,
            t_x: 30.43,
            t: 38.86,
            zbar: 22.35,
        };
        let opts = ClvOptions {
            months: 12,
            units_per_month: 4.345,
            monthly_discount: 0.0,
        };
        let v = customer_lifetime_value(&m, &g, &c, &opts).unwrap();
        let want = m
            .conditional_expected_purchases(12.0 * 4.345, 2.0, 30.43, 38.86)
            .unwrap()
            * g.conditional_expected_spend(2.0, 22.35).unwrap();
        assert!((v - want).abs() < 1e-9 * want);
        let discounted = customer_lifetime_value(
            &m,
            &g,
            &c,
            &ClvOptions {
                monthly_discount: 0.01,
                ..opts
            },
        )
        .unwrap();
        assert!(discounted < v && discounted > v / 1.01f64.powi(12));
    }
}
