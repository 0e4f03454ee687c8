//! Loyalty charts from the collector's aggregates: points issued, redeemed and expired by
//! month, the outstanding liability and its forecast (the collector's BG/NBD forecast of
//! points redeemed and left to expire), customers with points per tier, and referral
//! conversions by month. No charts without a programme.

use serde_json::{json, Value};

use super::chart::{bar_svg, line_svg, month_ticks, num, opt, series, Chart, Table};
use super::input::{DashboardData, LoyaltyData};

/// The loyalty charts.
pub fn charts(data: &DashboardData) -> Vec<Chart> {
    let Some(l) = &data.loyalty else {
        return Vec::new();
    };
    vec![points(l), liability(l), tiers(l), referrals(l)]
}

fn points(l: &LoyaltyData) -> Chart {
    let p = &l.points;
    let mut table = Table::new(&["month", "issued", "redeemed", "expired", "reversed"]);
    let at = |v: &[i64], i: usize| v.get(i).copied().unwrap_or(0);
    let (mut issued, mut redeemed, mut expired) = (Vec::new(), Vec::new(), Vec::new());
    for (i, m) in p.months.iter().enumerate() {
        let row = [
            at(&p.issued, i),
            at(&p.redeemed, i),
            at(&p.expired, i),
            at(&p.reversed, i),
        ];
        table.row(vec![
            json!(m),
            json!(row[0]),
            json!(row[1]),
            json!(row[2]),
            json!(row[3]),
        ]);
        issued.push((i as f64, row[0] as f64));
        redeemed.push((i as f64, row[1] as f64));
        expired.push((i as f64, row[2] as f64));
    }
    let sum = |v: &[i64]| v.iter().sum::<i64>();
    let summary = format!(
        "{} points issued, {} redeemed, {} expired; {} outstanding",
        sum(&p.issued),
        sum(&p.redeemed),
        sum(&p.expired),
        p.outstanding
    );
    let title = "Loyalty points by month";
    Chart {
        id: "loyalty-points",
        title: title.into(),
        svg: line_svg(
            title,
            "month",
            "points",
            vec![
                series("issued", 0, issued, false),
                series("redeemed", 1, redeemed, false),
                series("expired", 2, expired, false),
            ],
            Some(month_ticks(&p.months)),
        ),
        summary,
        table,
    }
}

fn liability(l: &LoyaltyData) -> Chart {
    let total = &l.liability["total"];
    let value = |points: f64| l.value_per_point.map(|v| v * points);
    let outstanding = l.points.outstanding as f64;
    let redeemed = total["expectedRedeemed"].as_f64();
    let breakage = total["expectedBreakage"].as_f64();
    let mut table = Table::new(&["measure", "points", "value"]);
    let mut bars = Vec::new();
    for (name, pts) in [
        ("outstanding", Some(outstanding)),
        ("expected to be redeemed", redeemed),
        ("expected to expire unused", breakage),
    ] {
        table.row(vec![json!(name), opt(pts), opt(pts.and_then(value))]);
        if let Some(p) = pts {
            let note = match value(p) {
                Some(v) => format!("{p:.0} points ({v:.2})"),
                None => format!("{p:.0} points"),
            };
            bars.push((name.to_owned(), p, note));
        }
    }
    let summary = match (redeemed, value(outstanding)) {
        (Some(r), Some(v)) => format!(
            "{outstanding:.0} points outstanding (worth {v:.2}); {r:.0} expected to be redeemed (worth {:.2}), the rest to expire",
            value(r).unwrap_or(0.0)
        ),
        (Some(r), None) => format!("{outstanding:.0} points outstanding; {r:.0} expected to be redeemed"),
        (None, _) => format!(
            "{outstanding:.0} points outstanding; no forecast: {}",
            l.liability_error.as_deref().unwrap_or("not computed")
        ),
    };
    let title = "Outstanding points liability and its forecast";
    Chart {
        id: "loyalty-liability",
        title: title.into(),
        svg: bar_svg(title, "points", bars),
        summary,
        table,
    }
}

fn tiers(l: &LoyaltyData) -> Chart {
    let lines: Vec<&Value> = l.liability["tiers"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let names: Vec<String> = match &l.tiers {
        Some(t) => t.clone(),
        None => lines
            .iter()
            .filter_map(|t| t["tier"].as_str().map(str::to_owned))
            .collect(),
    };
    let mut table = Table::new(&["tier", "customers_with_points", "outstanding_points"]);
    let mut bars = Vec::new();
    for name in &names {
        let line = lines
            .iter()
            .find(|t| t["tier"].as_str() == Some(name.as_str()));
        let customers = line.and_then(|t| t["customers"].as_u64()).unwrap_or(0);
        let outstanding = line.and_then(|t| t["outstanding"].as_f64()).unwrap_or(0.0);
        table.row(vec![json!(name), json!(customers), num(outstanding)]);
        bars.push((name.clone(), customers as f64, customers.to_string()));
    }
    let total: u64 = table.rows.iter().filter_map(|r| r[1].as_u64()).sum();
    let summary = match names.is_empty() {
        true => "The programme has no tiers".to_owned(),
        false => format!("{total} customers with points, by tier"),
    };
    let title = "Customers with points by tier";
    Chart {
        id: "loyalty-tiers",
        title: title.into(),
        svg: bar_svg(title, "customers", bars),
        summary,
        table,
    }
}

fn referrals(l: &LoyaltyData) -> Chart {
    let r = &l.referrals;
    let mut table = Table::new(&["month", "credited", "reversed"]);
    let (mut credited, mut reversed) = (Vec::new(), Vec::new());
    for (i, m) in r.months.iter().enumerate() {
        let c = r.credited.get(i).copied().unwrap_or(0);
        let v = r.reversed.get(i).copied().unwrap_or(0);
        table.row(vec![json!(m), json!(c), json!(v)]);
        credited.push((i as f64, c as f64));
        reversed.push((i as f64, v as f64));
    }
    let summary = format!(
        "{} referrals converted ({} reversed since: the referred order was voided)",
        r.credited.iter().sum::<u64>() + r.reversed.iter().sum::<u64>(),
        r.reversed.iter().sum::<u64>()
    );
    let title = "Referral conversions by month";
    Chart {
        id: "referrals",
        title: title.into(),
        svg: line_svg(
            title,
            "month",
            "referrals",
            vec![
                series("converted", 0, credited, false),
                series("reversed", 1, reversed, false),
            ],
            Some(month_ticks(&r.months)),
        ),
        summary,
        table,
    }
}
