//! Demo data and the dashboard's data endpoint, on both backends: `seed-demo`'s history
//! lands in the store through the collector's own paths (orders, ledger, referrals,
//! responses, impressions), a second seed writes nothing, the `DashboardStore` reads give back what was
//! written, and `GET /admin/api/dashboard/data` answers the signed-in demo owner with the
//! same numbers (and refuses the unauthenticated and unknown sites).

mod common;

use std::sync::Arc;

use common::*;
use rapport_server::clock::FakeClock;
use rapport_server::demo::{self, DemoOptions, Phrases, DEMO_EMAIL};
use serde_json::Value;

/// 2026-12-07T00:00:00Z.
const T0: i64 = 1_796_601_600_000;
const PASSWORD: &str = "demo password 1234";

fn config() -> Value {
    serde_json::from_str(include_str!("../../config/demo.json")).expect("demo config is JSON")
}

backend_tests! {
    #[tokio::test]
    async fn seeds_and_serves_the_dashboard_data(db: Backend) -> TestResult {
        let clock = Arc::new(FakeClock::new(T0));
        let t = TestServer::with_clock(config(), db.fresh("dashboard").await, None, Some(clock.clone())).await;
        let store = t.server.store().clone();
        let cfg = t.server.state().config();
        let site = cfg.site("demo").expect("demo site");
        let options = DemoOptions { customers: 300, end: T0, ..DemoOptions::default() };
        let history = demo::simulate(&options, &Phrases::bundled());
        let report = demo::seed(&store, site, &history, T0, PASSWORD).await?;
        assert!(report.seeded && report.owner_created);
        assert_eq!(report.orders as usize, history.order_count());
        assert_eq!(report.responses as usize, history.responses.len());
        assert!(report.referrals > 0, "{report:?}");
        assert!(report.answer_credits > 0, "{report:?}");

        // The store's reads give back what was written.
        let orders = store.dashboard().orders("demo".into()).await?;
        assert_eq!(orders.len(), history.order_count());
        let written: i64 = history.customers.iter().flat_map(|c| c.orders.iter().map(|o| o.total)).sum();
        assert_eq!(orders.iter().map(|o| o.total).sum::<i64>(), written);
        assert!(orders.windows(2).all(|w| w[0].at <= w[1].at));
        let days = store.dashboard().ledger_days("demo".into()).await?;
        let balances: i64 = store.loyalty().snapshots("demo".into()).await?.iter().map(|s| s.balance).sum();
        assert_eq!(days.iter().map(|d| d.points).sum::<i64>(), balances);
        assert!(days.iter().any(|d| d.kind == "answer") && days.iter().any(|d| d.kind == "referral"));
        let referrals = store.dashboard().referrals("demo".into()).await?;
        assert_eq!(referrals.len() as u64, report.referrals);

        // Seeding again writes nothing.
        let again = demo::seed(&store, site, &history, T0, PASSWORD).await?;
        assert!(!again.seeded && !again.owner_created);
        assert_eq!(store.loyalty().order_count("demo".into()).await?, history.order_count() as u64);

        // The endpoint, signed in as the demo owner.
        let url = t.url("/admin/api/dashboard/data?site=demo");
        assert_eq!(t.client.get(&url).send().await?.status(), 401);
        let resp = t.client.post(t.url("/admin/api/session"))
            .json(&serde_json::json!({"email": DEMO_EMAIL, "password": PASSWORD}))
            .send().await?;
        assert_eq!(resp.status(), 200);
        let cookie = resp.headers()["set-cookie"].to_str()?.split(';').next().unwrap_or("").to_owned();
        let get = |path: &str| t.client.get(t.url(path)).header("cookie", cookie.clone()).send();
        let resp = get("/admin/api/dashboard/data?site=demo").await?;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["cache-control"], "no-store");
        let v: Value = resp.json().await?;
        assert_eq!(v["orders"]["currency"], "EUR");
        assert_eq!(v["orders"]["at"].as_array().map(Vec::len), Some(history.order_count()));
        assert_eq!(v["orders"]["customers"].as_array().map(Vec::len), Some(300));
        let total: f64 = v["orders"]["total"].as_array().into_iter().flatten().filter_map(Value::as_f64).sum();
        assert!((total - written as f64 / 100.0).abs() < 1e-6);
        // Every simulated response carries one scored answer.
        assert_eq!(v["responses"]["value"].as_array().map(Vec::len), Some(history.responses.len()));
        let nps = history.responses.iter().filter(|r| r.survey == "post-purchase").count();
        let kinds = v["responses"]["kind"].as_array().cloned().unwrap_or_default();
        assert_eq!(kinds.iter().filter(|k| k.as_u64() == Some(0)).count(), nps);
        let post = v["surveys"].as_array().into_iter().flatten()
            .find(|s| s["id"] == "post-purchase").cloned().unwrap_or_default();
        assert_eq!(post["responses"], nps);
        assert_eq!(post["name"], "Post-purchase check-in");
        // The seed's impressions: a plausible response rate for every survey answered, and
        // every response counted (each day's impressions begin with its responses).
        let shown: u64 = v["surveys"].as_array().into_iter().flatten().filter_map(|s| s["shown"].as_u64()).sum();
        assert_eq!(shown, report.impressions);
        for s in v["surveys"].as_array().into_iter().flatten() {
            assert_eq!(s["responsesSince"], s["responses"], "{s}");
            let rate = s["responses"].as_f64().unwrap_or(0.0) / s["shown"].as_f64().unwrap_or(f64::NAN);
            assert!((0.06..=0.3).contains(&rate), "{s}");
        }
        let site_day = |d: i64| store.impressions().shown("demo".into(), d, d);
        assert!(site_day(T0 / 86_400_000 + 1).await?.is_empty(), "nothing counted after the end");
        assert_eq!(v["loyalty"]["points"]["outstanding"], balances);
        assert_eq!(v["loyalty"]["liability"]["total"]["outstanding"], balances);
        assert_eq!(v["loyalty"]["tiers"], serde_json::json!(["Bronze", "Silver", "Gold"]));
        let credited: u64 = v["loyalty"]["referrals"]["credited"].as_array().into_iter().flatten().filter_map(Value::as_u64).sum();
        assert_eq!(credited, report.referrals);

        // Every simulated response is a buyer's: each answer names its customer.
        let who = v["responses"]["customer"].as_array().cloned().unwrap_or_default();
        assert_eq!(who.len(), history.responses.len());
        assert!(who.iter().all(|c| c.as_i64().is_some_and(|c| c >= 0)));

        // The engine reads the document as it is and draws every chart from it.
        let data = rapport_metrics::dashboard::DashboardData::parse(v.to_string().as_bytes())?;
        let charts = rapport_metrics::dashboard::compute(&data, &Default::default(), &mut |_| {})?;
        assert_eq!(charts.charts.len(), 15);
        let rates = charts.charts.iter().find(|c| c.id == "response-rate-per-survey").expect("the rate chart");
        assert!(rates.summary.starts_with("Response rate "), "{}", rates.summary);
        assert!(rates.table.rows.iter().all(|r| r[7].is_f64()), "{:?}", rates.table.rows);
        let liability = charts.charts.iter().find(|c| c.id == "loyalty-liability").map(|c| c.table.rows[0][1].clone());
        assert_eq!(liability, Some(serde_json::json!(balances as f64)));
        let at_risk = charts.charts.iter().find(|c| c.id == "at-risk").map_or(0, |c| c.table.rows.len());
        assert!(at_risk > 0);

        let unknown = get("/admin/api/dashboard/data?site=nope").await?;
        assert_eq!(unknown.status(), 404);
        let body: Value = unknown.json().await?;
        assert_eq!((body["error"]["code"].as_str(), body["error"]["field"].as_str()), (Some("unknown_site"), Some("site")));
        assert_eq!(get("/admin/api/dashboard/data").await?.status(), 400);
        assert_eq!(get("/admin/api/dashboard/data?site=demo&x=1").await?.status(), 400);
        Ok(())
    }

    #[tokio::test]
    async fn the_dashboards_customer_values_are_the_inboxs_scores(db: Backend) -> TestResult {
        let clock = Arc::new(FakeClock::new(T0));
        let t = TestServer::with_clock(config(), db.fresh("samenumbers").await, None, Some(clock.clone())).await;
        let store = t.server.store().clone();
        let app = t.server.state().clone();
        let cfg = app.config();
        let site = cfg.site("demo").expect("demo site");
        let history = demo::simulate(&DemoOptions { customers: 300, end: T0, ..DemoOptions::default() }, &Phrases::bundled());
        demo::seed(&store, site, &history, T0, PASSWORD).await?;
        let login = |t: &TestServer| t.client.post(t.url("/admin/api/session"))
            .json(&serde_json::json!({"email": DEMO_EMAIL, "password": PASSWORD})).send();
        let data = || async {
            // Signed in afresh each time (the clock moves past the session's idle limit).
            let resp = login(&t).await?;
            let cookie = resp.headers()["set-cookie"].to_str()?.split(';').next().unwrap_or("").to_owned();
            let v: Value = t.client.get(t.url("/admin/api/dashboard/data?site=demo"))
                .header("cookie", cookie).send().await?.json().await?;
            Ok::<_, Box<dyn std::error::Error>>(v)
        };

        // Before a run (or after the background job's at T0) the histories are there.
        let before = data().await?;
        assert!(before["scores"]["asOf"].is_null() || before["scores"]["asOf"] == serde_json::json!(T0 / 1000));
        assert!(before["scores"]["customers"].as_array().is_some_and(|c| !c.is_empty()));

        // A run at T0 + 5 h: the data carries its time, and the values as of it are the stored ones.
        clock.advance(5 * 3_600_000);
        let run_at = T0 + 5 * 3_600_000;
        // (The background job may hold the lease for a moment.)
        let mut ran = false;
        for _ in 0..100 {
            if rapport_server::jobs::scores::run_site(&app, "demo", "test", Default::default()).await?.is_some() {
                ran = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(ran, "the run took the lease");
        let v = data().await?;
        assert_eq!(v["scores"]["asOf"], serde_json::json!(run_at / 1000));
        let parsed = rapport_metrics::dashboard::DashboardData::parse(v.to_string().as_bytes())?;
        let (orders, as_of_day) = parsed.customer_orders()?;
        assert_eq!(as_of_day, run_at.div_euclid(86_400_000));
        let model = rapport_metrics::dashboard::customers::CustomerModel::fit(&orders, as_of_day)?;
        let values = &model.values;
        assert!(matches!(values.method, rapport_metrics::scores::Method::Fitted(_)), "{:?}", values.fallback());
        let ids: Vec<String> = values.summary.customer.iter()
            .map(|&c| orders.customer_ids()[c as usize].to_string()).collect();
        let scores = store.scores().scores_of("demo".into(), ids.clone()).await?;
        assert_eq!(scores.len(), ids.len());
        let by_id: std::collections::HashMap<&str, &rapport_server::store::scores::CustomerScore> =
            scores.iter().map(|s| (s.customer.as_str(), s)).collect();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-300);
        let all: Vec<usize> = (0..values.len()).collect();
        let iv = values.intervals(&all, &Default::default());
        for (i, id) in ids.iter().enumerate() {
            let s = by_id[id.as_str()];
            assert!(close(s.p_alive.value, values.p_alive[i]), "{id}: {} vs {}", s.p_alive.value, values.p_alive[i]);
            assert!(close(s.annual_value.value, 100.0 * values.annual_value[i]), "{id}: {} vs {}", s.annual_value.value, values.annual_value[i]);
            assert!(close(s.p_alive.low, iv.p_alive[i].low) && close(s.p_alive.high, iv.p_alive[i].high), "{id}");
            assert!(close(s.annual_value.high, 100.0 * iv.annual_value[i].high), "{id}");
            assert_eq!(s.at_risk, values.at_risk[i], "{id}");
            assert_eq!(s.clv_band, values.band[i], "{id}");
        }

        // The at-risk chart's rows are scored customers at risk, with the stored numbers.
        let charts = rapport_metrics::dashboard::compute(&parsed, &Default::default(), &mut |_| {})?;
        let chart = charts.charts.iter().find(|c| c.id == "at-risk").expect("at-risk chart");
        assert!(!chart.table.rows.is_empty());
        for row in &chart.table.rows {
            let s = by_id[row[0].as_str().unwrap_or("")];
            assert!(s.at_risk);
            assert!(close(row[3].as_f64().unwrap_or(f64::NAN), s.p_alive.value));
            assert!(close(row[4].as_f64().unwrap_or(f64::NAN), s.p_alive.low));
            assert!(close(100.0 * row[6].as_f64().unwrap_or(f64::NAN), s.annual_value.value));
        }
        Ok(())
    }
}

#[test]
fn the_default_demo_is_a_few_thousand_customers_and_a_year_of_orders() {
    // The default demo: a few thousand customers, a year of orders.
    let h = demo::simulate(
        &DemoOptions {
            end: T0,
            ..DemoOptions::default()
        },
        &Phrases::bundled(),
    );
    assert_eq!(h.customers.len(), 3000);
    assert!(
        (4000..9000).contains(&h.order_count()),
        "{}",
        h.order_count()
    );
}
