//! Optima on the boundary of the parameter space, recognised and put into words.
//!
//! The fits work on log-parameters, so a boundary optimum shows up as a
//! parameter running off towards 0 or ∞ while the log-likelihood creeps up by
//! ever smaller amounts. Each such limit is a simpler model the data prefer:
//! a dropout probability or rate of 0 (nobody leaves: BG/NBD becomes the NBD
//! model), Gamma shapes and rates growing together (everyone buys at the same
//! rate: the Poisson limit), and so on. [`detect`] names the limit from the
//! fitted parameters; the fit then reports it instead of failing.

use serde::{Deserialize, Serialize};

use super::monitor::StopReason;

/// A parameter this many times above or below its (data-derived) starting
/// value is taken to be running to ∞ or 0. Published fits stay within a
/// factor of 100 or so of the starts.
const FAR: f64 = 1e4;
/// A mean dropout probability (or rate relative to its start) below this is
/// "no dropout".
const NO_DROPOUT: f64 = 1e-3;

/// Which limit the likelihood prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundaryLimit {
    /// Customers never drop out (mean dropout probability or rate → 0).
    NoDropout,
    /// Every customer buys at the same rate (a Gamma's shape and rate → ∞ together).
    SamePurchaseRate,
    /// Every customer has the same dropout probability or rate.
    SameDropout,
    /// Every customer has the same mean spend (Gamma-Gamma's q, γ → ∞).
    SameSpend,
    /// Another parameter runs to 0 or ∞.
    Other,
}

/// A fit whose optimum lies on the boundary of the parameter space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Boundary {
    /// The limit.
    pub limit: BoundaryLimit,
    /// The parameters at their limit, e.g. `["a → 0", "b → ∞"]`.
    pub parameters: Vec<String>,
    /// What it means, in words, with the values and the log-likelihood reached.
    pub message: String,
}

/// The model's name as written in papers.
pub fn display_name(model: &str) -> &str {
    match model {
        "bgnbd" => "BG/NBD",
        "mbgnbd" => "MBG/NBD",
        "pareto_nbd" => "Pareto/NBD",
        "bgbb" => "BG/BB",
        "gamma_gamma" => "Gamma-Gamma",
        other => other,
    }
}

/// A number for a sentence: four significant digits, scientific when tiny or huge.
pub(crate) fn number(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e7).contains(&a) {
        format!("{v:.2e}")
    } else {
        let digits = if a >= 1000.0 {
            0
        } else if a >= 1.0 {
            (3 - a.log10().floor() as i32).max(0) as usize
        } else {
            4
        };
        format!("{v:.digits$}")
    }
}

/// Where a parameter stands against its start: running to 0, to ∞, or neither.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Zero,
    Infinity,
    Inside,
}

/// A parameter this many times its start is at its limit when the search
/// itself stopped because parameters ran off ([`StopReason::Runaway`]).
const RAN_OFF: f64 = 100.0;

fn side(value: f64, start: f64, far: f64) -> Side {
    let ratio = value / start;
    if ratio < 1.0 / far {
        Side::Zero
    } else if ratio > far {
        Side::Infinity
    } else {
        Side::Inside
    }
}

/// The limit the fitted `params` (named `names`, started from `start`) sit at,
/// if any. `log_likelihood` and `stop` go into the message.
pub(crate) fn detect(
    model: &'static str,
    names: &[&'static str],
    params: &[f64],
    start: &[f64],
    log_likelihood: f64,
    stop: StopReason,
) -> Option<Boundary> {
    let far = if stop == StopReason::Runaway {
        RAN_OFF
    } else {
        FAR
    };
    let sides: Vec<Side> = params
        .iter()
        .zip(start)
        .map(|(&p, &s)| side(p, s, far))
        .collect();
    // The mean dropout (probability or rate) against the start's: nil dropout
    // is the no-dropout limit even before a parameter looks infinite.
    let dropout = |p: &[f64]| match model {
        "bgnbd" | "mbgnbd" | "bgbb" => Some(p[2] / (p[2] + p[3])),
        "pareto_nbd" => Some(p[2] / p[3]),
        _ => None,
    };
    let no_dropout = stop == StopReason::Limit
        || params.len() == 4
            && start.len() == 4
            && dropout(params)
                .zip(dropout(start))
                .is_some_and(|(now, then)| now < NO_DROPOUT * then);
    if !no_dropout && sides.iter().all(|s| *s == Side::Inside) {
        return None;
    }
    let at = |i: usize| sides.get(i).copied().unwrap_or(Side::Inside);
    let value = |i: usize| params.get(i).copied().unwrap_or(f64::NAN);
    let name = |i: usize| names.get(i).copied().unwrap_or("?");
    let limits: Vec<String> = sides
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            Side::Zero => Some(format!("{} → 0", name(i))),
            Side::Infinity => Some(format!("{} → ∞", name(i))),
            Side::Inside => None,
        })
        .collect();
    // Nil dropout with no parameter at an extreme yet: name the dropout ones.
    let limits = if limits.is_empty() {
        match model {
            "pareto_nbd" => vec!["s/β → 0".to_string()],
            "bgbb" => vec!["γ/(γ+δ) → 0".to_string()],
            _ => vec!["a/(a+b) → 0".to_string()],
        }
    } else {
        limits
    };
    let shown = |idx: &[usize]| -> String {
        idx.iter()
            .map(|&i| format!("{} = {}", name(i), number(value(i))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let m = display_name(model);
    let both_up = |i: usize, j: usize| at(i) == Side::Infinity && at(j) == Side::Infinity;
    let (limit, meaning) = match model {
        // Parameters (r, α, a, b): purchase rate Gamma(r, α), dropout Beta(a, b).
        "bgnbd" | "mbgnbd" => {
            let share = value(2) / (value(2) + value(3));
            if no_dropout {
                (
                    BoundaryLimit::NoDropout,
                    format!(
                        "the best {m} fit has no dropout ({}; {}): a customer leaves after a purchase with probability a/(a+b) = {}, \
                         so the data show no sign of customers leaving and {m} reduces to the NBD model, in which nobody ever does",
                        limits.join(", "), shown(&[2, 3]), number(share)
                    ),
                )
            } else if both_up(0, 1) {
                (
                    BoundaryLimit::SamePurchaseRate,
                    format!(
                        "the best {m} fit has every customer buying at the same rate ({}; {}): r/α = {} purchases per period",
                        limits.join(", "), shown(&[0, 1]), number(value(0) / value(1))
                    ),
                )
            } else if both_up(2, 3) {
                (
                    BoundaryLimit::SameDropout,
                    format!(
                        "the best {m} fit gives every customer the same dropout probability after a purchase ({}; {}): a/(a+b) = {}",
                        limits.join(", "), shown(&[2, 3]), number(share)
                    ),
                )
            } else {
                other(m, &limits, &shown(&(0..params.len()).collect::<Vec<_>>()))
            }
        }
        // Parameters (r, α, s, β): purchase rate Gamma(r, α), dropout rate Gamma(s, β).
        "pareto_nbd" => {
            let rate = value(2) / value(3);
            if no_dropout {
                (
                    BoundaryLimit::NoDropout,
                    format!(
                        "the best {m} fit has no dropout ({}; {}): the mean dropout rate s/β = {} per period is nil, \
                         so the data show no sign of customers leaving and {m} reduces to the NBD model, in which nobody ever does",
                        limits.join(", "), shown(&[2, 3]), number(rate)
                    ),
                )
            } else if both_up(0, 1) {
                (
                    BoundaryLimit::SamePurchaseRate,
                    format!(
                        "the best {m} fit has every customer buying at the same rate ({}; {}): r/α = {} purchases per period",
                        limits.join(", "), shown(&[0, 1]), number(value(0) / value(1))
                    ),
                )
            } else if both_up(2, 3) {
                (
                    BoundaryLimit::SameDropout,
                    format!(
                        "the best {m} fit gives every customer the same dropout rate ({}; {}): s/β = {} per period",
                        limits.join(", "), shown(&[2, 3]), number(rate)
                    ),
                )
            } else {
                other(m, &limits, &shown(&(0..params.len()).collect::<Vec<_>>()))
            }
        }
        // Parameters (α, β, γ, δ): purchase probability Beta(α, β), dropout Beta(γ, δ).
        "bgbb" => {
            let share = value(2) / (value(2) + value(3));
            if no_dropout {
                (
                    BoundaryLimit::NoDropout,
                    format!(
                        "the best {m} fit has no dropout ({}; {}): the chance of leaving in a period, γ/(γ+δ) = {}, is nil",
                        limits.join(", "), shown(&[2, 3]), number(share)
                    ),
                )
            } else if both_up(0, 1) {
                (
                    BoundaryLimit::SamePurchaseRate,
                    format!(
                        "the best {m} fit gives every customer the same chance of buying in a period ({}; {}): α/(α+β) = {}",
                        limits.join(", "), shown(&[0, 1]), number(value(0) / (value(0) + value(1)))
                    ),
                )
            } else if both_up(2, 3) {
                (
                    BoundaryLimit::SameDropout,
                    format!(
                        "the best {m} fit gives every customer the same chance of leaving in a period ({}; {}): γ/(γ+δ) = {}",
                        limits.join(", "), shown(&[2, 3]), number(share)
                    ),
                )
            } else {
                other(m, &limits, &shown(&(0..params.len()).collect::<Vec<_>>()))
            }
        }
        // Parameters (p, q, γ): spend per order Gamma(p, ν), ν ~ Gamma(q, γ).
        "gamma_gamma" if both_up(1, 2) => (
            BoundaryLimit::SameSpend,
            format!(
                "the best {m} fit gives every customer the same mean spend ({}; {}): p·γ/(q−1) = {}",
                limits.join(", "),
                shown(&[1, 2]),
                number(value(0) * value(2) / (value(1) - 1.0))
            ),
        ),
        _ => other(m, &limits, &shown(&(0..params.len()).collect::<Vec<_>>())),
    };
    let how = match stop {
        StopReason::Converged => String::new(),
        other => format!("; the search stopped because {}", other.describe()),
    };
    Some(Boundary {
        limit,
        parameters: limits,
        message: format!(
            "{meaning}. Log-likelihood {} at that limit{how}.",
            number_ll(log_likelihood)
        ),
    })
}

fn other(m: &str, limits: &[String], shown: &str) -> (BoundaryLimit, String) {
    (
        BoundaryLimit::Other,
        format!(
            "the {m} likelihood is highest at the edge of the parameter space ({}; {shown})",
            limits.join(", ")
        ),
    )
}

/// A log-likelihood as reported elsewhere: two decimals.
pub(crate) fn number_ll(v: f64) -> String {
    format!("{v:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interior_fits_have_no_boundary() {
        let names = &["r", "alpha", "a", "b"];
        let start = [1.0, 31.0, 1.0, 1.0];
        let cdnow = [0.2426, 4.4136, 0.7929, 2.4259];
        assert_eq!(
            detect(
                "bgnbd",
                names,
                &cdnow,
                &start,
                -9582.43,
                StopReason::Converged
            ),
            None
        );
    }

    #[test]
    fn no_dropout_is_named_with_values_and_log_likelihood() {
        let names = &["r", "alpha", "a", "b"];
        let b = detect(
            "bgnbd",
            names,
            &[0.78, 9.6, 1.4e-6, 13_790.0],
            &[1.0, 30.0, 1.0, 1.0],
            -137_188.746,
            StopReason::Converged,
        )
        .expect("a boundary");
        assert_eq!(b.limit, BoundaryLimit::NoDropout);
        assert_eq!(b.parameters, ["a → 0", "b → ∞"]);
        assert!(
            b.message.contains("BG/NBD reduces to the NBD model"),
            "{}",
            b.message
        );
        assert!(b.message.contains("a = 1.40e-6"), "{}", b.message);
        assert!(
            b.message.contains("Log-likelihood -137188.75"),
            "{}",
            b.message
        );
        let p = detect(
            "pareto_nbd",
            &["r", "alpha", "s", "beta"],
            &[0.78, 9.6, 3.4e-6, 231_892.0],
            &[1.0, 30.0, 1.0, 30.0],
            -137_188.746,
            StopReason::Stalled,
        )
        .expect("a boundary");
        assert_eq!(p.limit, BoundaryLimit::NoDropout);
        assert!(p.message.contains("stopped improving"), "{}", p.message);
    }

    #[test]
    fn poisson_limit_and_numbers() {
        let b = detect(
            "pareto_nbd",
            &["r", "alpha", "s", "beta"],
            &[2e5, 4e6, 0.6, 11.0],
            &[1.0, 10.0, 1.0, 30.0],
            -10.0,
            StopReason::Converged,
        )
        .expect("a boundary");
        assert_eq!(b.limit, BoundaryLimit::SamePurchaseRate);
        assert!(b.message.contains("r/α = 0.0500"), "{}", b.message);
        assert_eq!(number(1234.4), "1234");
        assert_eq!(number(2.71234), "2.712");
        assert_eq!(number(0.01234), "0.0123");
        assert_eq!(number(2.5e-7), "2.50e-7");
    }
}
