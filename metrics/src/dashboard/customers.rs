//! Customer charts from the fitted models: CLV distribution, top customers, the at-risk
//! list, RFM segment sizes and the retention what-if.
//!
//! The models ([`CustomerModel`]): a BG/NBD purchase model and a Gamma-Gamma spend model
//! fitted to the weekly summary of the orders up to the end day. Per customer: P(alive),
//! the expected purchases in the next 52 weeks, the expected order value, the 12-month
//! CLV ([`crate::clv::predictive_clv`], margin 1 = revenue) and the annual value if they
//! stay (expected purchases over 52 weeks of a live customer — the conditional expectation
//! divided by P(alive) — times the expected order value), the input of
//! [`crate::risk::revenue_at_risk`].
//!
//! The at-risk list: customers with P(alive) below one half whose past spend is in the top
//! quarter, ranked by revenue at risk — the inbox's function, with the unhappiness of each
//! customer's latest answer (none: 0) — with intervals for P(alive) and the annual value
//! from the fitted parameters' uncertainty ([`crate::uncertainty::prediction_intervals`]).

use serde_json::json;

use super::chart::{bar_svg, line_svg, num, opt, series, Chart, Table};
use super::error::DashboardError;
use super::input::LatestAnswer;
use crate::clv::predictive_clv;
use crate::data::date::format_day;
use crate::data::Orders;
use crate::models::bgnbd::{self, BgNbd};
use crate::models::clv::{ClvOptions, Customer};
use crate::models::gamma_gamma::{self, GammaGamma};
use crate::models::transaction::TransactionParams;
use crate::models::{FitInput, FitOptions};
use crate::rfm::{rfm, RfmOptions};
use crate::risk::{revenue_at_risk, unhappiness, Estimate};
use crate::summary::{summary, Period, Summary, SummaryOptions};
use crate::uncertainty::{
    prediction_intervals, spend_covariance, transaction_covariance, IntervalOptions,
};
use crate::whatif::bgnbd_uplift;

/// Weeks in the annual value's horizon.
pub const YEAR_WEEKS: f64 = 52.0;
/// Rows of the top-customers and at-risk tables.
pub const LIST: usize = 20;
/// Retention points of the what-if.
pub const WHAT_IF_POINTS: [f64; 4] = [1.0, 2.0, 5.0, 10.0];
/// CLV histogram bin edges, currency units.
pub const CLV_BINS: [f64; 8] = [0.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0];

/// The fitted models and every customer's numbers, in summary order.
#[derive(Debug, Clone)]
pub struct CustomerModel {
    /// The weekly summary.
    pub summary: Summary,
    /// Its fit input.
    pub input: FitInput,
    /// Purchases.
    pub bgnbd: BgNbd,
    /// Order values.
    pub spend: GammaGamma,
    /// P(alive) now.
    pub p_alive: Vec<f64>,
    /// Expected purchases in the next 52 weeks.
    pub expected: Vec<f64>,
    /// Expected order value.
    pub order_value: Vec<f64>,
    /// 12-month CLV (revenue).
    pub clv: Vec<f64>,
    /// Spend to date.
    pub past_value: Vec<f64>,
}

impl CustomerModel {
    /// Fits both models to the orders up to `end_day`.
    pub fn fit(orders: &Orders, end_day: i64) -> Result<CustomerModel, DashboardError> {
        if orders.is_empty() {
            return Err(DashboardError::NoOrders);
        }
        let s = summary(
            orders,
            &SummaryOptions {
                period: Period::Week,
                end_day: Some(end_day),
                decimals: None,
            },
        );
        let input = s.fit_input()?;
        let opts = FitOptions {
            accept_unconverged: true,
            ..FitOptions::default()
        };
        let bg = bgnbd::fit(&input, &opts)?.params;
        let spend = gamma_gamma::fit(&s.spend_input()?, &opts)?.params;
        let n = s.len();
        let (mut p_alive, mut expected, mut order_value) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for i in 0..n {
            let (x, t_x, t) = (s.frequency[i], s.recency[i], s.t[i]);
            p_alive.push(bg.p_alive(x, t_x, t)?);
            expected.push(bg.conditional_expected_purchases(YEAR_WEEKS, x, t_x, t)?);
            order_value.push(spend.conditional_expected_spend(x, s.monetary_value[i])?);
        }
        let clv = predictive_clv(&bg, &spend, &s, &ClvOptions::default(), 1.0)
            .map_err(|e| DashboardError::data("orders", e.to_string()))?;
        let mut past_value = vec![0.0; orders.n_customers()];
        for (&c, &a) in orders.customers().iter().zip(orders.amounts()) {
            past_value[c as usize] += a;
        }
        let past_value = s.customer.iter().map(|&c| past_value[c as usize]).collect();
        Ok(CustomerModel {
            summary: s,
            input,
            bgnbd: bg,
            spend,
            p_alive,
            expected,
            order_value,
            clv,
            past_value,
        })
    }

    /// Customer `i`'s annual value if they stay.
    pub fn annual_value(&self, i: usize) -> f64 {
        match self.p_alive[i] > 1e-12 {
            true => self.expected[i] / self.p_alive[i] * self.order_value[i],
            false => 0.0,
        }
    }
}

/// The customer charts.
pub fn charts(
    orders: &Orders,
    m: &CustomerModel,
    answers: &[LatestAnswer],
    end_day: i64,
) -> Result<Vec<Chart>, DashboardError> {
    Ok(vec![
        clv_distribution(m),
        top_customers(orders, m),
        at_risk(orders, m, answers)?,
        rfm_segments(orders, end_day),
        what_if(m)?,
    ])
}

/// Which histogram bin `v` falls in.
pub fn clv_bin(v: f64) -> usize {
    CLV_BINS.iter().rposition(|&edge| v >= edge).unwrap_or(0)
}

fn bin_label(i: usize) -> String {
    match CLV_BINS.get(i + 1) {
        Some(hi) => format!("{} to {}", CLV_BINS[i], hi),
        None => format!("{} and more", CLV_BINS[i]),
    }
}

fn clv_distribution(m: &CustomerModel) -> Chart {
    let mut counts = [0u64; CLV_BINS.len()];
    for &v in &m.clv {
        counts[clv_bin(v)] += 1;
    }
    let n = m.clv.len().max(1) as f64;
    let total: f64 = m.clv.iter().sum();
    let mut table = Table::new(&["clv_band", "customers", "share"]);
    let mut bars = Vec::new();
    for (i, &c) in counts.iter().enumerate() {
        table.row(vec![json!(bin_label(i)), json!(c), num(c as f64 / n)]);
        bars.push((bin_label(i), c as f64, c.to_string()));
    }
    let summary = format!(
        "{} customers, predicted 12-month revenue {:.0} in all, {:.2} per customer on average (BG/NBD + Gamma-Gamma)",
        m.clv.len(),
        total,
        total / n
    );
    let title = "Predicted 12-month CLV per customer";
    Chart {
        id: "clv-distribution",
        title: title.into(),
        svg: bar_svg(title, "customers", bars),
        summary,
        table,
    }
}

fn ranked(values: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    idx
}

fn top_customers(orders: &Orders, m: &CustomerModel) -> Chart {
    let ids = orders.customer_ids();
    let mut table = Table::new(&["customer", "orders", "past_value", "p_alive", "clv_12m"]);
    let mut bars = Vec::new();
    for i in ranked(&m.clv).into_iter().take(LIST) {
        let id = ids.get(m.summary.customer[i] as usize).map_or("", |s| &**s);
        table.row(vec![
            json!(id),
            num(m.summary.frequency[i] + 1.0),
            num(m.past_value[i]),
            num(m.p_alive[i]),
            num(m.clv[i]),
        ]);
        bars.push((id.to_owned(), m.clv[i], format!("{:.2}", m.clv[i])));
    }
    let summary = match table.rows.first() {
        Some(_) => format!(
            "The {} customers with the highest predicted 12-month CLV",
            table.rows.len()
        ),
        None => "No customers".into(),
    };
    let title = "Top customers by predicted CLV";
    Chart {
        id: "top-customers",
        title: title.into(),
        svg: bar_svg(title, "predicted 12-month CLV", bars),
        summary,
        table,
    }
}

/// One row of the at-risk list.
#[derive(Debug, Clone, PartialEq)]
pub struct AtRisk {
    /// Index into the summary.
    pub index: usize,
    /// P(alive) with its interval.
    pub p_alive: Estimate,
    /// Annual value if they stay, with its interval.
    pub annual_value: Estimate,
    /// Unhappiness of the latest answer (0 without one).
    pub unhappiness: f64,
    /// Revenue at risk ([`revenue_at_risk`]).
    pub at_risk: Estimate,
}

/// The at-risk list: P(alive) < ½, past value in the top quarter, ranked by revenue at
/// risk, the first [`LIST`].
pub fn at_risk_list(
    m: &CustomerModel,
    answers: &[LatestAnswer],
) -> Result<Vec<AtRisk>, DashboardError> {
    let mut latest = vec![
        0.0;
        m.summary
            .customer
            .iter()
            .map(|&c| c as usize + 1)
            .max()
            .unwrap_or(0)
    ];
    for a in answers {
        if let Some(slot) = latest.get_mut(a.customer as usize) {
            *slot = unhappiness(a.kind, a.value);
        }
    }
    let mut past = m.past_value.clone();
    past.sort_by(f64::total_cmp);
    let high = past.get(past.len() * 3 / 4).copied().unwrap_or(0.0);
    let mut rows: Vec<AtRisk> = (0..m.summary.len())
        .filter(|&i| m.p_alive[i] < 0.5 && m.past_value[i] >= high)
        .map(|i| {
            let u = latest
                .get(m.summary.customer[i] as usize)
                .copied()
                .unwrap_or(0.0);
            let p = Estimate::exact(m.p_alive[i]);
            let v = Estimate::exact(m.annual_value(i));
            AtRisk {
                index: i,
                p_alive: p,
                annual_value: v,
                unhappiness: u,
                at_risk: revenue_at_risk(u, v, p),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.at_risk
            .value
            .total_cmp(&a.at_risk.value)
            .then(a.index.cmp(&b.index))
    });
    rows.truncate(LIST);
    with_intervals(m, &mut rows);
    Ok(rows)
}

/// Puts the parameters' uncertainty on the listed rows (left exact when the covariance
/// cannot be had, e.g. at a boundary optimum).
fn with_intervals(m: &CustomerModel, rows: &mut [AtRisk]) {
    let params = TransactionParams::Bgnbd(m.bgnbd);
    let Ok(cov) = transaction_covariance(&params, &m.input) else {
        return;
    };
    let spend_cov = m
        .summary
        .spend_input()
        .ok()
        .and_then(|input| spend_covariance(&m.spend, &input).ok());
    let customers: Vec<Customer> = rows
        .iter()
        .map(|r| Customer {
            x: m.summary.frequency[r.index],
            t_x: m.summary.recency[r.index],
            t: m.summary.t[r.index],
            zbar: m.summary.monetary_value[r.index],
        })
        .collect();
    let opts = IntervalOptions {
        draws: 200,
        horizon: YEAR_WEEKS,
        ..IntervalOptions::default()
    };
    let spend = spend_cov.as_ref().map(|c| (&m.spend, c));
    let Ok(iv) = prediction_intervals(&params, &cov, &customers, spend, &opts) else {
        return;
    };
    for (k, r) in rows.iter_mut().enumerate() {
        let (lo, hi) = (iv.p_alive.low[k], iv.p_alive.high[k]);
        let (elo, ehi) = (iv.expected.low[k], iv.expected.high[k]);
        if !(lo.is_finite() && hi.is_finite() && elo.is_finite() && ehi.is_finite()) {
            continue;
        }
        r.p_alive = Estimate {
            value: r.p_alive.value,
            low: lo.min(r.p_alive.value),
            high: hi.max(r.p_alive.value),
        };
        // The annual value's bounds: the bounds of the expected purchases over the year,
        // per unit of P(alive), at the expected order value.
        let per = |e: f64| match m.p_alive[r.index] > 1e-12 {
            true => e / m.p_alive[r.index] * m.order_value[r.index],
            false => 0.0,
        };
        r.annual_value = Estimate {
            value: r.annual_value.value,
            low: per(elo).min(r.annual_value.value),
            high: per(ehi).max(r.annual_value.value),
        };
        r.at_risk = revenue_at_risk(r.unhappiness, r.annual_value, r.p_alive);
    }
}

fn at_risk(
    orders: &Orders,
    m: &CustomerModel,
    answers: &[LatestAnswer],
) -> Result<Chart, DashboardError> {
    let rows = at_risk_list(m, answers)?;
    let ids = orders.customer_ids();
    let mut table = Table::new(&[
        "customer",
        "past_value",
        "last_order",
        "p_alive",
        "p_alive_low",
        "p_alive_high",
        "annual_value",
        "unhappiness",
        "revenue_at_risk",
        "revenue_at_risk_low",
        "revenue_at_risk_high",
    ]);
    let mut bars = Vec::new();
    let end = m.summary.end_day;
    for r in &rows {
        let i = r.index;
        let id = ids.get(m.summary.customer[i] as usize).map_or("", |s| &**s);
        let last_day = end as f64 - (m.summary.t[i] - m.summary.recency[i]) * 7.0;
        table.row(vec![
            json!(id),
            num(m.past_value[i]),
            json!(format_day(last_day.round() as i64)),
            num(r.p_alive.value),
            num(r.p_alive.low),
            num(r.p_alive.high),
            num(r.annual_value.value),
            num(r.unhappiness),
            num(r.at_risk.value),
            num(r.at_risk.low),
            num(r.at_risk.high),
        ]);
        bars.push((
            id.to_owned(),
            r.at_risk.value,
            format!(
                "{:.2} ({:.2} to {:.2}), P(alive) {:.0}%",
                r.at_risk.value,
                r.at_risk.low,
                r.at_risk.high,
                100.0 * r.p_alive.value
            ),
        ));
    }
    let total: f64 = rows.iter().map(|r| r.at_risk.value).sum();
    let summary = format!(
        "{} high-value customers who have probably stopped buying (P(alive) < 50%, past spend in the top quarter): {:.0} of yearly revenue at risk",
        rows.len(),
        total
    );
    let title = "At risk: high past value, low P(alive)";
    Ok(Chart {
        id: "at-risk",
        title: title.into(),
        svg: bar_svg(title, "revenue at risk over the next year", bars),
        summary,
        table,
    })
}

fn rfm_segments(orders: &Orders, end_day: i64) -> Chart {
    let r = rfm(
        orders,
        &RfmOptions {
            end_day: Some(end_day),
        },
    );
    let counts = r.segment_counts();
    let n = r.segment.len().max(1) as f64;
    let mut table = Table::new(&["segment", "customers", "share"]);
    let mut bars = Vec::new();
    for (s, c) in &counts {
        table.row(vec![json!(s.label()), json!(c), num(*c as f64 / n)]);
        bars.push((s.label().to_owned(), *c as f64, c.to_string()));
    }
    let largest = counts.iter().max_by_key(|(_, c)| *c);
    let summary = match largest {
        Some((s, c)) if *c > 0 => format!(
            "{} customers in {} RFM segments; the largest is {} ({c})",
            r.segment.len(),
            counts.iter().filter(|(_, c)| *c > 0).count(),
            s.label()
        ),
        _ => "No customers".into(),
    };
    let title = "RFM segment sizes";
    Chart {
        id: "rfm-segments",
        title: title.into(),
        svg: bar_svg(title, "customers", bars),
        summary,
        table,
    }
}

fn what_if(m: &CustomerModel) -> Result<Chart, DashboardError> {
    let mut table = Table::new(&[
        "retention_points",
        "baseline_retention",
        "new_retention",
        "baseline_revenue",
        "new_revenue",
        "change_percent",
    ]);
    // The BG/NBD dropout probability after a purchase; a what-if lowers it by the points.
    let dropout = m.bgnbd.a / (m.bgnbd.a + m.bgnbd.b);
    let mut points = vec![(0.0, 0.0)];
    for p in WHAT_IF_POINTS {
        if dropout - p / 100.0 < 0.1 * dropout {
            // Fewer customers drop out than the points would save (or almost): nothing to
            // model, and the shifted model's sums would crawl.
            table.row(vec![
                num(p),
                num(1.0 - dropout),
                opt(None),
                opt(None),
                opt(None),
                opt(None),
            ]);
            continue;
        }
        let w = bgnbd_uplift(&m.bgnbd, &m.summary, &m.order_value, YEAR_WEEKS, p)?;
        table.row(vec![
            num(p),
            num(w.baseline_retention),
            num(w.new_retention),
            num(w.baseline_revenue),
            num(w.new_revenue),
            num(w.clv_change_percent),
        ]);
        points.push((p, w.new_revenue - w.baseline_revenue));
    }
    let summary = match table.rows.get(1).map(|row| (row[3].as_f64(), row[4].as_f64(), row[5].as_f64())) {
        Some((Some(base), Some(new), Some(change))) => format!(
            "Keeping 2 more customers in 100 after each purchase adds {:.0} of revenue over the next year ({change:.1}%)",
            new - base
        ),
        _ => format!(
            "The fitted model has almost no dropout ({:.2}% after a purchase): there is no retention to add",
            100.0 * dropout
        ),
    };
    let title = "Retention what-if: revenue over the next year";
    Ok(Chart {
        id: "retention-what-if",
        title: title.into(),
        svg: line_svg(
            title,
            "retention points added",
            "added revenue",
            vec![series("added revenue", 0, points, false)],
            None,
        ),
        summary,
        table,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Orders;

    fn model(a: f64, b: f64) -> CustomerModel {
        let d = 86_400;
        let o = Orders::from_columns(
            &["a", "a", "b", "c", "c", "c"],
            vec![0, 30 * d, 5 * d, 2 * d, 40 * d, 90 * d],
            vec![10.0, 20.0, 5.0, 8.0, 9.0, 30.0],
        )
        .unwrap_or_default();
        let mut m = CustomerModel::fit(&o, 120).unwrap_or_else(|e| panic!("{e}"));
        m.bgnbd = BgNbd { a, b, ..m.bgnbd };
        m
    }

    #[test]
    fn what_if_rows_only_where_there_is_dropout_to_save() {
        // Dropout 0.25: every row is modelled.
        let c = what_if(&model(1.0, 3.0)).unwrap_or_else(|e| panic!("{e}"));
        assert!(c.table.rows.iter().all(|r| r[4].is_number()));
        assert!(c.summary.starts_with("Keeping 2 more customers"));
        // Dropout 0.04: 1 and 2 points modelled; 5 and 10 would leave none.
        let c = what_if(&model(0.4, 9.6)).unwrap_or_else(|e| panic!("{e}"));
        let modelled: Vec<bool> = c.table.rows.iter().map(|r| r[4].is_number()).collect();
        assert_eq!(modelled, [true, true, false, false]);
        // Almost no dropout: nothing to add.
        let c = what_if(&model(0.008, 20.0)).unwrap_or_else(|e| panic!("{e}"));
        assert!(c.table.rows.iter().all(|r| r[4].is_null()));
        assert!(c.summary.contains("almost no dropout"));
    }
}
