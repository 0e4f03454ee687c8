//! Customer charts from the customer values of [`crate::scores`] — the very model and
//! code the collector's scores job stores for the inbox — as of the same day: CLV
//! distribution, top customers, the at-risk list, RFM segment sizes and the retention
//! what-if.
//!
//! The model ([`CustomerModel`]): [`CustomerValues`] of the orders as of the end day, in
//! days: BG/NBD + Gamma-Gamma with enough repeat buyers, else the fallback rule (the
//! summaries say which). Per customer: P(alive), the annual value if they stay, and the
//! 12-month CLV `P(alive) × annual value` (revenue, undiscounted).
//!
//! The at-risk list: the customers the at-risk rule flags ([`crate::scores::bands`]:
//! P(alive) below one half, past spend at or above the median — the inbox's segment),
//! ranked by revenue at risk — the inbox's function, with the unhappiness of each
//! customer's latest answer (none: 0) — with the scores job's intervals
//! ([`CustomerValues::intervals`], which give a customer the same interval whoever else is
//! asked for).

use serde_json::json;

use super::chart::{bar_svg, line_svg, num, opt, series, Chart, Table};
use super::error::DashboardError;
use super::input::LatestAnswer;
use crate::data::date::format_day;
use crate::data::Orders;
use crate::rfm::{rfm, RfmOptions};
use crate::risk::{revenue_at_risk, unhappiness, Estimate};
use crate::scores::{CustomerValues, IntervalSettings, Method, HORIZON_DAYS};
use crate::whatif::bgnbd_uplift;

/// Rows of the top-customers and at-risk tables.
pub const LIST: usize = 20;
/// Retention points of the what-if.
pub const WHAT_IF_POINTS: [f64; 4] = [1.0, 2.0, 5.0, 10.0];
/// CLV histogram bin edges, currency units.
pub const CLV_BINS: [f64; 8] = [0.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0];

/// Every customer's values and their 12-month CLV, in summary order.
#[derive(Debug, Clone)]
pub struct CustomerModel {
    /// The scores job's values.
    pub values: CustomerValues,
    /// 12-month CLV (revenue): `P(alive) × annual value`.
    pub clv: Vec<f64>,
}

impl CustomerModel {
    /// The values of the orders as of the end of `end_day`.
    pub fn fit(orders: &Orders, end_day: i64) -> Result<CustomerModel, DashboardError> {
        if orders.is_empty() {
            return Err(DashboardError::NoOrders);
        }
        let values = CustomerValues::compute(orders, end_day);
        let clv = (0..values.len())
            .map(|i| values.expected_revenue(i))
            .collect();
        Ok(CustomerModel { values, clv })
    }

    /// Customer `i`'s annual value if they stay.
    pub fn annual_value(&self, i: usize) -> f64 {
        self.values.annual_value[i]
    }

    /// How the values were had, for the charts' summaries.
    fn method(&self) -> String {
        match self.values.fallback() {
            None => "BG/NBD + Gamma-Gamma".into(),
            Some(f) => format!("fallback rule, no model: {}", f.reason),
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
        "{} customers, predicted 12-month revenue {:.0} in all, {:.2} per customer on average ({})",
        m.clv.len(),
        total,
        total / n,
        m.method()
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
        let v = &m.values;
        let id = ids.get(v.summary.customer[i] as usize).map_or("", |s| &**s);
        table.row(vec![
            json!(id),
            num(v.summary.frequency[i] + 1.0),
            num(v.spend[i]),
            num(v.p_alive[i]),
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

/// The at-risk list: the customers the at-risk rule flags, ranked by revenue at risk, the
/// first [`LIST`], with the scores job's intervals. `answers` index the model's orders'
/// customers.
pub fn at_risk_list(
    m: &CustomerModel,
    answers: &[LatestAnswer],
) -> Result<Vec<AtRisk>, DashboardError> {
    let v = &m.values;
    let mut latest = vec![
        0.0;
        v.summary
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
    let mut rows: Vec<AtRisk> = (0..v.len())
        .filter(|&i| v.at_risk[i])
        .map(|i| {
            let u = latest
                .get(v.summary.customer[i] as usize)
                .copied()
                .unwrap_or(0.0);
            let p = Estimate::exact(v.p_alive[i]);
            let value = Estimate::exact(v.annual_value[i]);
            AtRisk {
                index: i,
                p_alive: p,
                annual_value: value,
                unhappiness: u,
                at_risk: revenue_at_risk(u, value, p),
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
    let listed: Vec<usize> = rows.iter().map(|r| r.index).collect();
    let iv = v.intervals(&listed, &IntervalSettings::default());
    for ((r, p), value) in rows.iter_mut().zip(iv.p_alive).zip(iv.annual_value) {
        r.p_alive = p;
        r.annual_value = value;
        r.at_risk = revenue_at_risk(r.unhappiness, value, p);
    }
    Ok(rows)
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
    let v = &m.values;
    let end = v.as_of_day();
    for r in &rows {
        let i = r.index;
        let id = ids.get(v.summary.customer[i] as usize).map_or("", |s| &**s);
        let last_day = end - (v.summary.t[i] - v.summary.recency[i]) as i64;
        table.row(vec![
            json!(id),
            num(v.spend[i]),
            json!(format_day(last_day)),
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
        "{} high-value customers who have probably stopped buying (P(alive) < 50%, past spend at or above the median), as of {}: {:.0} of yearly revenue at risk ({})",
        rows.len(),
        format_day(end),
        total,
        m.method()
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
    let title = "Retention what-if: revenue over the next year";
    let Method::Fitted(f) = &m.values.method else {
        let summary = format!("No purchase model to change ({})", m.method());
        return Ok(Chart {
            id: "retention-what-if",
            title: title.into(),
            svg: line_svg(
                title,
                "retention points added",
                "added revenue",
                vec![series("added revenue", 0, vec![(0.0, 0.0)], false)],
                None,
            ),
            summary,
            table: Table::new(&[
                "retention_points",
                "baseline_retention",
                "new_retention",
                "baseline_revenue",
                "new_revenue",
                "change_percent",
            ]),
        });
    };
    let mut table = Table::new(&[
        "retention_points",
        "baseline_retention",
        "new_retention",
        "baseline_revenue",
        "new_revenue",
        "change_percent",
    ]);
    // The BG/NBD dropout probability after a purchase; a what-if lowers it by the points.
    let dropout = f.bgnbd.a / (f.bgnbd.a + f.bgnbd.b);
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
        let w = bgnbd_uplift(
            &f.bgnbd,
            &m.values.summary,
            &m.values.order_value,
            HORIZON_DAYS,
            p,
        )?;
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
    use crate::models::bgnbd::BgNbd;

    fn model(a: f64, b: f64) -> CustomerModel {
        let o = crate::scores::values::tests::site(200, 7);
        let mut m = CustomerModel::fit(&o, 400).unwrap_or_else(|e| panic!("{e}"));
        match &mut m.values.method {
            Method::Fitted(f) => f.bgnbd = BgNbd { a, b, ..f.bgnbd },
            Method::Fallback { reason } => panic!("{reason}"),
        }
        m
    }

    #[test]
    fn the_fallback_is_labelled_and_has_no_what_if() {
        let d = 86_400;
        let o = Orders::from_columns(
            &["a", "a", "b", "c", "c", "c"],
            vec![0, 30 * d, 5 * d, 2 * d, 40 * d, 90 * d],
            vec![10.0, 20.0, 5.0, 8.0, 9.0, 30.0],
        )
        .unwrap_or_default();
        let m = CustomerModel::fit(&o, 120).unwrap_or_else(|e| panic!("{e}"));
        let c = what_if(&m).unwrap_or_else(|e| panic!("{e}"));
        assert!(c.table.rows.is_empty());
        assert!(c.summary.contains("fallback rule"), "{}", c.summary);
        assert!(clv_distribution(&m).summary.contains("fallback rule"));
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
