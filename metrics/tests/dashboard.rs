//! The dashboard computation (`rapport_metrics::dashboard`): every chart's numbers equal
//! the engine's direct functions on the same data, every SVG is self-contained and
//! escaped, progress is reported step by step, and the orders-only path (a Shopify
//! export) gives cohorts and CLV.

use rapport_metrics::cohort::{cohort_matrix, CohortOptions, CohortPeriod};
use rapport_metrics::dashboard::customers::{at_risk_list, clv_bin, CustomerModel, CLV_BINS};
use rapport_metrics::dashboard::input::{
    AnswerColumns, LoyaltyData, OrderColumns, PointMonths, ReferralMonths, SurveyCount,
};
use rapport_metrics::dashboard::{compute, compute_orders, DashboardData, DashboardOptions};
use rapport_metrics::data::{Events, Orders};
use rapport_metrics::feedback::{csat, nps};
use rapport_metrics::models::simulate::SplitMix64;
use rapport_metrics::models::{bgnbd, gamma_gamma, FitOptions};
use rapport_metrics::rfm::{rfm, RfmOptions};
use rapport_metrics::risk::{revenue_at_risk, unhappiness, Estimate, Scale};
use rapport_metrics::summary::{summary, Period, SummaryOptions};
use rapport_metrics::whatif::bgnbd_uplift;
use serde_json::{json, Value};

const DAY: i64 = 86_400;
/// 2026-12-07.
const NOW: i64 = 1_796_601_600;

/// A year of a simulated store: BG/NBD purchases, Gamma-Gamma values, NPS and CSAT
/// answers of some customers, a loyalty programme's aggregates.
fn data(customers: usize) -> DashboardData {
    let mut rng = SplitMix64::new(7);
    let start = NOW - 365 * DAY;
    let mut o = OrderColumns {
        currency: "USD".into(),
        ..OrderColumns::default()
    };
    let mut r = AnswerColumns {
        kinds: vec!["nps".into(), "csat".into(), "ces".into()],
        surveys: vec!["post-purchase".into(), "cart-csat".into()],
        customer: Some(Vec::new()),
        ..AnswerColumns::default()
    };
    for c in 0..customers {
        o.customers.push(format!("c{c:04}"));
        let join = start + (rng.uniform() * 300.0 * DAY as f64) as i64;
        let lambda = rng.gamma(0.5) / 3.0;
        let drop = rng.beta(1.0, 3.0);
        let scale = rng.gamma(4.0) / 20.0;
        let mut t = join;
        loop {
            o.customer.push(c as u32);
            o.at.push(t);
            o.total
                .push((rng.gamma(5.0) / scale).round() / 100.0 * 100.0);
            if rng.uniform() < 0.3 {
                r.survey.push(0);
                r.kind.push(0);
                r.value.push((rng.uniform() * 11.0).floor().min(10.0));
                r.at.push(t + DAY);
                if let Some(v) = r.customer.as_mut() {
                    v.push(c as i64);
                }
            }
            t += (rng.exponential(lambda.max(1e-6)) * 7.0 * DAY as f64) as i64;
            if t >= NOW - DAY || rng.uniform() < drop {
                break;
            }
        }
        if rng.uniform() < 0.2 {
            r.survey.push(1);
            r.kind.push(1);
            r.value.push(1.0 + (rng.uniform() * 5.0).floor().min(4.0));
            r.at.push(join);
            if let Some(v) = r.customer.as_mut() {
                v.push(-1);
            }
        }
    }
    DashboardData {
        site: "demo".into(),
        now: NOW,
        orders: o,
        responses: r,
        surveys: vec![
            SurveyCount {
                id: "post-purchase".into(),
                name: Some("Post-purchase <check-in>".into()),
                responses: 10,
                scored: 9,
                shown: None,
                shown_since: None,
                responses_since: None,
            },
            SurveyCount {
                id: "=cmd".into(),
                name: None,
                responses: 4,
                scored: 4,
                shown: Some(8),
                shown_since: Some("2026-11-02".into()),
                responses_since: Some(3),
            },
        ],
        loyalty: Some(LoyaltyData {
            points: PointMonths {
                months: vec!["2026-10".into(), "2026-11".into()],
                issued: vec![1000, 1500],
                redeemed: vec![0, 300],
                expired: vec![0, 20],
                reversed: vec![5, 0],
                outstanding: 2175,
            },
            value_per_point: Some(0.01),
            liability: json!({"total": {"outstanding": 2175, "expectedRedeemed": 900.5, "expectedBreakage": 1274.5},
                "tiers": [{"tier": "Bronze", "customers": 40, "outstanding": 2000}, {"tier": "Gold", "customers": 2, "outstanding": 175}]}),
            liability_error: None,
            tiers: Some(vec!["Bronze".into(), "Silver".into(), "Gold".into()]),
            referrals: ReferralMonths {
                months: vec!["2026-11".into()],
                credited: vec![3],
                reversed: vec![1],
            },
        }),
        scores: None,
    }
}

fn chart<'a>(
    d: &'a rapport_metrics::dashboard::Dashboard,
    id: &str,
) -> &'a rapport_metrics::dashboard::Chart {
    d.charts
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no chart {id}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Well-formed, self-contained SVG (the rules of plots_cdnow.rs).
fn check_svg(name: &str, doc: &str) {
    let xml = roxmltree::Document::parse(doc).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(xml.root_element().tag_name().name(), "svg", "{name}");
    for node in xml.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        assert!(
            matches!(
                tag,
                "svg" | "title" | "rect" | "line" | "polyline" | "circle" | "text"
            ),
            "{name}: unexpected element <{tag}>"
        );
        for a in node.attributes() {
            assert!(
                !a.name().contains("href") && !a.name().starts_with("on"),
                "{name}: {}",
                a.name()
            );
            assert!(!a.value().contains("url("), "{name}: {}", a.value());
        }
    }
}

#[test]
fn every_chart_equals_the_engine_on_the_same_data() {
    let d = data(600);
    let mut progress = Vec::new();
    let out = compute(&d, &DashboardOptions::default(), &mut |p| progress.push(p)).unwrap();
    let ids: Vec<&str> = out.charts.iter().map(|c| c.id).collect();
    assert_eq!(
        ids,
        [
            "nps-over-time",
            "csat",
            "ces",
            "response-rate-per-survey",
            "clv-distribution",
            "top-customers",
            "at-risk",
            "rfm-segments",
            "retention-what-if",
            "cohort-retention",
            "repeat-purchase",
            "loyalty-points",
            "loyalty-liability",
            "loyalty-tiers",
            "referrals"
        ]
    );
    assert_eq!(progress.len(), 6);
    assert!(progress
        .iter()
        .enumerate()
        .all(|(i, p)| p.done == i + 1 && p.total == 6 && p.kind == "progress"));
    for c in &out.charts {
        check_svg(c.id, &c.svg);
        assert!(!c.summary.is_empty() && !c.title.is_empty());
        // The page shows the title and the summary above the drawing: not drawn twice.
        for said in [&c.title, &c.summary] {
            let drawn = format!(">{}</text>", rapport_metrics::plot::svg::escape(said));
            assert!(
                !c.svg.contains(&drawn),
                "{}: {said:?} drawn in the SVG",
                c.id
            );
        }
        assert!(
            c.table
                .rows
                .iter()
                .all(|r| r.len() == c.table.columns.len()),
            "{}",
            c.id
        );
    }
    // Text from the data is escaped in the SVG and kept verbatim in the table.
    let surveys = chart(&out, "response-rate-per-survey");
    assert!(surveys.svg.contains("Post-purchase &lt;check-in&gt;"));
    assert_eq!(surveys.table.rows[1][0], "=cmd");
    // Response rate: the responses since impressions were counted over the impressions,
    // with the engine's Wilson interval.
    let (low, high) = rapport_metrics::experiment::proportions::wilson(3, 8, 0.95).unwrap();
    assert_eq!(surveys.table.rows[1][6], 3);
    assert_eq!(surveys.table.rows[1][7], 0.375);
    assert_eq!(f(&surveys.table.rows[1][8]), low);
    assert_eq!(f(&surveys.table.rows[1][9]), high);
    assert!(low < 0.375 && 0.375 < high);
    // No impressions: no rate, and the chart says so rather than showing 0%.
    assert!(surveys.table.rows[0][4].is_null() && surveys.table.rows[0][7].is_null());
    assert!(surveys
        .svg
        .contains("no impressions recorded (10 responses)"));
    assert!(
        surveys
            .summary
            .starts_with("Response rate 37.5% (3 responses of 8 shown; 95% interval"),
        "{}",
        surveys.summary
    );
    assert!(surveys
        .summary
        .ends_with("1 of 2 surveys have no impressions recorded"));

    // NPS: each month is nps() of that month's answers; the whole is in the summary.
    let answers = d.answers();
    let nps_rows = &chart(&out, "nps-over-time").table.rows;
    let mut all = Vec::new();
    for row in nps_rows {
        let month = row[0].as_str().unwrap();
        let values: Vec<f64> = answers
            .iter()
            .filter(|a| {
                a.kind == "nps" && rapport_metrics::dashboard::feedback::month_of(a.at) == month
            })
            .map(|a| a.value)
            .collect();
        all.extend(values.iter().copied());
        let n = nps(&values, 0.95).unwrap();
        assert_eq!(row[1], n.responses);
        assert_eq!(f(&row[5]), n.score.unwrap());
        assert_eq!(f(&row[6]), n.ci_low.unwrap());
        assert_eq!(f(&row[7]), n.ci_high.unwrap());
    }
    let whole = nps(&all, 0.95).unwrap();
    assert_eq!(
        whole.responses as usize,
        d.responses.kind.iter().filter(|&&k| k == 0).count()
    );
    assert!(chart(&out, "nps-over-time").summary.contains(&format!(
        "NPS {:.1} over {} responses",
        whole.score.unwrap(),
        whole.responses
    )));
    let csat_values: Vec<f64> = answers
        .iter()
        .filter(|a| a.kind == "csat")
        .map(|a| a.value)
        .collect();
    let c = csat(&csat_values);
    let csat_rows = &chart(&out, "csat").table.rows;
    assert_eq!(
        csat_rows
            .iter()
            .map(|r| r[1].as_u64().unwrap())
            .sum::<u64>(),
        c.responses
    );
    assert_eq!(
        csat_rows
            .iter()
            .map(|r| r[2].as_u64().unwrap())
            .sum::<u64>(),
        c.satisfied
    );
    assert!(chart(&out, "ces").summary.starts_with("No CES answers"));

    // Customers: the scores engine's values (daily BG/NBD + Gamma-Gamma), CLV, RFM,
    // what-if and revenue at risk, directly.
    let orders = d.orders().unwrap();
    let end_day = NOW / DAY;
    let s = summary(
        &orders,
        &SummaryOptions {
            period: Period::Day,
            end_day: Some(end_day),
            decimals: None,
        },
    );
    let opts = FitOptions {
        std_errors: false,
        ..FitOptions::default()
    };
    let bg = bgnbd::fit(&s.fit_input().unwrap(), &opts).unwrap().params;
    let gg = gamma_gamma::fit(&s.spend_input().unwrap(), &opts)
        .unwrap()
        .params;
    let value: Vec<f64> = (0..s.len())
        .map(|i| {
            let x = if s.monetary_value[i] > 0.0 {
                s.frequency[i]
            } else {
                0.0
            };
            gg.conditional_expected_spend(x, s.monetary_value[i])
                .unwrap()
        })
        .collect();
    let clv: Vec<f64> = (0..s.len())
        .map(|i| {
            bg.conditional_expected_purchases(365.0, s.frequency[i], s.recency[i], s.t[i])
                .unwrap()
                * value[i]
        })
        .collect();
    let mut bins = [0u64; CLV_BINS.len()];
    for &v in &clv {
        bins[clv_bin(v)] += 1;
    }
    let clv_rows = &chart(&out, "clv-distribution").table.rows;
    assert_eq!(
        clv_rows
            .iter()
            .map(|r| r[1].as_u64().unwrap())
            .collect::<Vec<_>>(),
        bins
    );
    let mut best = clv.clone();
    best.sort_by(|a, b| b.total_cmp(a));
    let top = &chart(&out, "top-customers").table.rows;
    assert_eq!(top.len(), 20);
    for (row, want) in top.iter().zip(&best) {
        assert!((f(&row[4]) - want).abs() <= 1e-9 * want.max(1.0));
    }
    let r = rfm(
        &orders,
        &RfmOptions {
            end_day: Some(end_day),
        },
    );
    let rfm_rows = &chart(&out, "rfm-segments").table.rows;
    for (row, (seg, n)) in rfm_rows.iter().zip(r.segment_counts()) {
        assert_eq!(row[0], seg.label());
        assert_eq!(row[1], n);
    }
    let w = bgnbd_uplift(&bg, &s, &value, 365.0, 2.0).unwrap();
    let wi = &chart(&out, "retention-what-if").table.rows[1];
    assert_eq!(
        (f(&wi[0]), f(&wi[3]), f(&wi[4])),
        (2.0, w.baseline_revenue, w.new_revenue)
    );

    // At risk: the at-risk rule (P(alive) < ½, spend at or above the median), ranked by
    // the inbox's revenue at risk.
    let m = CustomerModel::fit(&orders, end_day).unwrap();
    let latest = d.latest_answers(&orders);
    let list = at_risk_list(&m, &latest).unwrap();
    assert!(!list.is_empty());
    let rows = &chart(&out, "at-risk").table.rows;
    assert_eq!(rows.len(), list.len());
    let mut spend = vec![0.0; orders.n_customers()];
    for (&c, &a) in orders.customers().iter().zip(orders.amounts()) {
        spend[c as usize] += a;
    }
    let mut sorted: Vec<f64> = s.customer.iter().map(|&c| spend[c as usize]).collect();
    sorted.sort_by(f64::total_cmp);
    for (row, item) in rows.iter().zip(&list) {
        let i = item.index;
        let p = bg.p_alive(s.frequency[i], s.recency[i], s.t[i]).unwrap();
        assert!(p < 0.5);
        assert!(spend[s.customer[i] as usize] >= sorted[(sorted.len() - 1) / 2]);
        assert_eq!(f(&row[3]), p);
        let annual = clv[i] / p;
        assert!((f(&row[6]) - annual).abs() <= 1e-9 * annual.max(1.0));
        let u = latest
            .iter()
            .find(|a| a.customer == s.customer[i])
            .map_or(0.0, |a| unhappiness(Scale::Nps, a.value));
        assert_eq!(f(&row[7]), u);
        let want = revenue_at_risk(u, Estimate::exact(annual), Estimate::exact(p));
        assert!((f(&row[8]) - want.value).abs() <= 1e-9 * want.value.max(1.0));
        assert!(f(&row[9]) <= f(&row[8]) && f(&row[8]) <= f(&row[10]));
    }
    assert!(rows.windows(2).all(|w| f(&w[0][8]) >= f(&w[1][8])));

    // Cohorts: the cohort matrix itself.
    let cm = cohort_matrix(
        &orders,
        &CohortOptions {
            by: CohortPeriod::Month,
            end_day: Some(end_day),
        },
    );
    let heat = &chart(&out, "cohort-retention").table.rows;
    assert_eq!(heat.len(), cm.cohort_start.len());
    for (c, row) in heat.iter().enumerate() {
        assert_eq!(row[1], cm.size[c]);
        match cm.size[c] {
            0 => assert!(row[2].is_null()),
            n => assert_eq!(f(&row[2]), cm.active[c][0] as f64 / n as f64),
        }
    }
    assert!(chart(&out, "repeat-purchase")
        .summary
        .contains(&format!("{:.1}%", 100.0 * cm.repeat_purchase_rate)));

    // Loyalty: the collector's aggregates as they came.
    let pts = &chart(&out, "loyalty-points").table.rows;
    assert_eq!(
        pts[1],
        vec![
            json!("2026-11"),
            json!(1500),
            json!(300),
            json!(20),
            json!(0)
        ]
    );
    let li = &chart(&out, "loyalty-liability").table.rows;
    assert_eq!((f(&li[0][1]), f(&li[0][2])), (2175.0, 21.75));
    assert_eq!(f(&li[1][1]), 900.5);
    let tiers = &chart(&out, "loyalty-tiers").table.rows;
    assert_eq!(
        tiers
            .iter()
            .map(|r| r[1].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [40, 0, 2]
    );
    assert_eq!(
        chart(&out, "referrals").table.rows[0],
        vec![json!("2026-11"), json!(3), json!(1)]
    );
}

#[test]
fn funnel_of_uploaded_events() {
    let users = ["a", "a", "a", "b", "b", "c"];
    let names = ["view", "cart", "buy", "view", "cart", "view"];
    let e = Events::from_columns(&users, &names, vec![1, 2, 3, 1, 2, 1]).unwrap();
    let opts = DashboardOptions {
        events: Some(e),
        funnel_steps: Vec::new(),
    };
    let out = compute(&data(200), &opts, &mut |_| {}).unwrap();
    let f = chart(&out, "funnel");
    check_svg("funnel", &f.svg);
    let counts: Vec<(String, u64)> = f
        .table
        .rows
        .iter()
        .map(|r| (r[0].as_str().unwrap().to_owned(), r[1].as_u64().unwrap()))
        .collect();
    assert_eq!(
        counts,
        [("view".into(), 3), ("cart".into(), 2), ("buy".into(), 1)]
    );
}

#[test]
fn orders_alone_give_cohorts_and_clv() {
    let d = data(300);
    let orders: Orders = d.orders().unwrap();
    let mut steps = 0;
    let out = compute_orders(&orders, None, &mut |_| steps += 1).unwrap();
    assert_eq!(steps, 3);
    let ids: Vec<&str> = out.charts.iter().map(|c| c.id).collect();
    assert!(ids.contains(&"cohort-retention") && ids.contains(&"clv-distribution"));
    assert!(!ids.contains(&"nps-over-time") && !ids.contains(&"loyalty-points"));
    assert!(compute_orders(&Orders::default(), None, &mut |_| {}).is_err());
    let empty = DashboardData {
        orders: OrderColumns::default(),
        ..data(10)
    };
    assert!(compute(&empty, &DashboardOptions::default(), &mut |_| {}).is_err());
}

/// With the collector's `scores` member, the customer charts are the scores engine's values
/// of those histories as of `asOf` (orders after it, and `orders`, play no part), and each
/// customer's latest answer still finds them by id.
#[test]
fn customer_charts_use_the_scores_histories_as_of_the_run() {
    use rapport_metrics::dashboard::input::ScoreColumns;
    use rapport_metrics::scores::CustomerValues;
    let mut d = data(600);
    let as_of = NOW - 20 * DAY;
    // The histories: the orders in reverse customer order (another index than `orders`),
    // spend at 90 % of the total, plus an order after the run for everyone.
    let o = &d.orders;
    let n = o.customers.len() as u32;
    let mut s = ScoreColumns {
        as_of: Some(as_of),
        customers: o.customers.iter().rev().cloned().collect(),
        ..ScoreColumns::default()
    };
    for i in 0..o.at.len() {
        s.customer.push(n - 1 - o.customer[i]);
        s.at.push(o.at[i]);
        s.spend.push(o.total[i] * 0.9);
    }
    for c in 0..n {
        s.customer.push(c);
        s.at.push(as_of + DAY);
        s.spend.push(1000.0);
    }
    d.scores = Some(s);
    let (orders, day) = d.customer_orders().unwrap();
    assert_eq!(day, as_of / DAY);
    let v = CustomerValues::compute(&orders, day);
    // The orders after the run's day count nothing.
    let o = &d.orders;
    let before: f64 = (0..o.at.len())
        .filter(|&i| o.at[i] / DAY <= as_of / DAY)
        .map(|i| o.total[i] * 0.9)
        .sum();
    assert!((v.spend.iter().sum::<f64>() - before).abs() <= 1e-6 * before);
    let out = compute(&d, &DashboardOptions::default(), &mut |_| {}).unwrap();
    let top = &chart(&out, "top-customers").table.rows;
    let mut best: Vec<(f64, usize)> = (0..v.len()).map(|i| (v.expected_revenue(i), i)).collect();
    best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for (row, &(clv, i)) in top.iter().zip(&best) {
        let id = &*orders.customer_ids()[v.summary.customer[i] as usize];
        assert_eq!(row[0], json!(id));
        assert_eq!(f(&row[4]), clv);
        assert_eq!(f(&row[2]), v.spend[i]);
    }
    let risk = chart(&out, "at-risk");
    assert!(
        risk.summary.contains("as of 2026-11-17"),
        "{}",
        risk.summary
    );
    assert!(!risk.table.rows.is_empty());
    let ids: Vec<&str> = orders.customer_ids().iter().map(|s| &**s).collect();
    let latest = d.latest_answers(&d.orders().unwrap());
    for row in &risk.table.rows {
        let id = row[0].as_str().unwrap();
        let i = (0..v.len())
            .find(|&i| ids[v.summary.customer[i] as usize] == id)
            .unwrap();
        assert!(v.at_risk[i]);
        assert_eq!(f(&row[3]), v.p_alive[i]);
        assert_eq!(f(&row[6]), v.annual_value[i]);
        // The unhappiness of this customer's latest answer, found by id across the indices.
        let original = d.orders.customers.iter().position(|c| c == id).unwrap() as u32;
        let u = latest
            .iter()
            .find(|a| a.customer == original)
            .map_or(0.0, |a| unhappiness(a.kind, a.value));
        assert_eq!(f(&row[7]), u);
    }
    assert!(risk.table.rows.iter().any(|r| f(&r[7]) > 0.0));
}
