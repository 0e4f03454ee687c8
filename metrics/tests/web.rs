//! The engine as wasm in headless Chromium, through the same exports that
//! `pkg/metrics.js` calls: the CDNOW BG/NBD fit against the published
//! parameters, Pareto/NBD P(alive), the CDNOW summary and cohort matrix
//! against the native functions, NPS, and errors reaching JS as `Error`s
//! that name the row at fault, fit progress and the typed error of a fit
//! that does not converge.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p rapport-metrics --target wasm32-unknown-unknown --test web`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Float64Array, Reflect, Uint32Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

use rapport_metrics::cohort::{cohort_matrix, CohortOptions};
use rapport_metrics::data::date::days_from_civil;
use rapport_metrics::data::{parse_cdnow, ReadOptions};
use rapport_metrics::summary::{summary, Period, SummaryOptions};
use rapport_metrics::wasm::{feedback, models, orders, whatif};

wasm_bindgen_test_configure!(run_in_browser);

const SUMMARY_CSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/cdnow/cdnow_customers_summary.csv"
));
const SAMPLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/cdnow/CDNOW_sample.txt"
));

/// `ID,frequency,recency,T` → (x, t_x, T) columns.
fn cdnow_columns() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let (mut x, mut t_x, mut t) = (Vec::new(), Vec::new(), Vec::new());
    for line in SUMMARY_CSV.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<f64> = line
            .split(',')
            .map(|v| v.trim().parse().expect("number in summary CSV"))
            .collect();
        x.push(f[1]);
        t_x.push(f[2]);
        t.push(f[3]);
    }
    (x, t_x, t)
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).expect("property read")
}

fn num(obj: &JsValue, path: &[&str]) -> f64 {
    let mut v = obj.clone();
    for key in path {
        v = get(&v, key);
    }
    v.as_f64()
        .unwrap_or_else(|| panic!("{path:?} is not a number: {v:?}"))
}

fn f64s(obj: &JsValue, key: &str) -> Vec<f64> {
    get(obj, key)
        .dyn_into::<Float64Array>()
        .expect("Float64Array")
        .to_vec()
}

fn assert_rel(name: &str, got: f64, want: f64, rel: f64) {
    assert!(
        ((got - want) / want).abs() <= rel,
        "{name} = {got}, published {want}"
    );
}

fn opts(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test options are valid JSON")
}

fn error_message(e: JsValue) -> String {
    let err: js_sys::Error = e.dyn_into().expect("a JS Error");
    String::from(err.message())
}

#[wasm_bindgen_test]
fn bgnbd_fit_reproduces_published_cdnow_parameters() {
    let (x, t_x, t) = cdnow_columns();
    assert_eq!(x.len(), 2357);
    let fit = models::fit_bgnbd(x, t_x, t, None, JsValue::UNDEFINED).expect("fit");
    assert_eq!(get(&fit, "model").as_string().as_deref(), Some("bgnbd"));
    assert_eq!(get(&fit, "converged").as_bool(), Some(true));
    assert_eq!(num(&fit, &["customers"]), 2357.0);
    assert_rel("r", num(&fit, &["params", "r"]), 0.2426, 1e-3);
    assert_rel("alpha", num(&fit, &["params", "alpha"]), 4.4136, 1e-3);
    assert_rel("a", num(&fit, &["params", "a"]), 0.7929, 1e-3);
    assert_rel("b", num(&fit, &["params", "b"]), 2.4259, 1e-3);
    assert_rel(
        "log-likelihood",
        num(&fit, &["logLikelihood"]),
        -9582.43,
        1e-3,
    );
    assert!((num(&fit, &["logLikelihood"]) + 9582.43).abs() < 0.01);
    assert!(num(&fit, &["stdErrors", "r"]) > 0.0);

    // The fit object goes straight back into predict, as it does from JS.
    let p = models::predict(fit, &[2.0], &[30.43], &[38.86], 39.0).expect("predict");
    let e = f64s(&p, "expected")[0];
    assert!(
        (e - 1.2259).abs() < 0.5e-4,
        "E[X(39) | 2, 30.43, 38.86] = {e}"
    );
    let alive = f64s(&p, "pAlive")[0];
    assert!((0.0..=1.0).contains(&alive), "{alive}");
}

#[wasm_bindgen_test]
fn pareto_nbd_fit_and_p_alive() {
    let published = opts(
        r#"{"model":"pareto_nbd","params":{"r":0.5534,"alpha":10.5802,"s":0.6061,"beta":11.6562}}"#,
    );
    let p = models::predict(published, &[26.0, 0.0], &[30.86, 0.0], &[31.0, 31.0], 52.0)
        .expect("predict");
    let alive = f64s(&p, "pAlive");
    assert!(
        (alive[0] - 0.9979).abs() < 0.5e-4,
        "P(alive | 26, 30.86, 31) = {}",
        alive[0]
    );
    assert!(
        alive[1] < alive[0],
        "a customer who never came back is less likely alive"
    );
    let e = f64s(&p, "expected")[0];
    assert!((e - 25.454_913_511_5).abs() < 1e-8, "E[X(52)] = {e}");

    let (x, t_x, t) = cdnow_columns();
    let fit = models::fit_pareto_nbd(x, t_x, t, None, opts(r#"{"stdErrors":false}"#)).expect("fit");
    let ll = num(&fit, &["logLikelihood"]);
    assert!((-9594.98..-9594.9).contains(&ll), "LL = {ll}");
    assert!(get(&fit, "stdErrors").is_null());
    let p = models::predict(fit, &[26.0], &[30.86], &[31.0], 52.0).expect("predict");
    assert!((f64s(&p, "pAlive")[0] - 0.9979).abs() < 0.5e-4);
    assert!((f64s(&p, "expected")[0] - 25.457).abs() < 0.5e-3);
}

fn cdnow_summary_options() -> SummaryOptions {
    SummaryOptions {
        period: Period::Week,
        end_day: Some(days_from_civil(1997, 9, 30)),
        decimals: Some(2),
    }
}

#[wasm_bindgen_test]
fn summary_of_the_cdnow_sample_equals_the_native_result() {
    let handle = orders::parse_cdnow(SAMPLE.as_bytes(), JsValue::UNDEFINED).expect("sample parses");
    assert_eq!(handle.len(), 6919);
    assert_eq!(handle.customers(), 2357);
    let end = days_from_civil(1997, 9, 30);
    let js = orders::summary(
        &handle,
        opts(&format!(
            r#"{{"period":"week","endDay":{end},"decimals":2}}"#
        )),
    )
    .expect("summary");

    let native_orders = parse_cdnow(SAMPLE.as_bytes(), &ReadOptions::default())
        .expect("parse")
        .data;
    let native = summary(&native_orders, &cdnow_summary_options());
    assert_eq!(native.len(), 2357);
    let customer = get(&js, "customer")
        .dyn_into::<Uint32Array>()
        .expect("Uint32Array")
        .to_vec();
    assert_eq!(customer, native.customer);
    assert_eq!(f64s(&js, "frequency"), native.frequency);
    assert_eq!(f64s(&js, "recency"), native.recency);
    assert_eq!(f64s(&js, "T"), native.t);
    assert_eq!(f64s(&js, "monetaryValue"), native.monetary_value);
    assert_eq!(get(&js, "period").as_string().as_deref(), Some("week"));
    assert_eq!(num(&js, &["endDay"]), end as f64);
    let ids: Array = get(&js, "customerIds").dyn_into().expect("Array");
    assert_eq!(ids.length(), 2357);
    let first_id = ids.get(0).as_string().expect("string id");
    assert_eq!(
        first_id,
        &*native_orders.customer_ids()[native.customer[0] as usize]
    );

    // The published summary row of customer 1: 2 repeat purchases, 30.43 and 38.86 weeks.
    let row = native
        .customer
        .iter()
        .position(|&c| &*native_orders.customer_ids()[c as usize] == "1");
    let row = row.or_else(|| {
        native
            .customer
            .iter()
            .position(|&c| native_orders.customer_ids()[c as usize].parse() == Ok(1u32))
    });
    let row = row.expect("customer 1 present");
    assert_eq!(
        (native.frequency[row], native.recency[row], native.t[row]),
        (2.0, 30.43, 38.86)
    );
}

#[wasm_bindgen_test]
fn cohort_matrix_equals_the_native_result() {
    let handle = orders::parse_cdnow(SAMPLE.as_bytes(), JsValue::UNDEFINED).expect("sample parses");
    let js = orders::cohort_matrix(&handle, opts(r#"{"by":"month"}"#)).expect("cohorts");
    let native_orders = parse_cdnow(SAMPLE.as_bytes(), &ReadOptions::default())
        .expect("parse")
        .data;
    let native = cohort_matrix(&native_orders, &CohortOptions::default());
    // The JS object must carry exactly the native report: both through JS's
    // JSON (shortest round-trip numbers on both sides, so equal text = equal values).
    let native_text = serde_json::to_string(&native).expect("native JSON");
    let native_js = js_sys::JSON::parse(&native_text).expect("parse native JSON");
    let stringify = |v: &JsValue| String::from(js_sys::JSON::stringify(v).expect("stringify"));
    assert_eq!(stringify(&js), stringify(&native_js));
    let round: serde_json::Value = serde_json::from_str(&native_text).expect("JSON");
    // CDNOW customers were all acquired in 1997 Q1: three cohorts, 2357 customers.
    assert_eq!(round["cohortStart"][0], "1997-01-01");
    assert_eq!(native.size.iter().sum::<u64>(), 2357);
    assert_eq!(native.customers, 2357);
    assert_eq!(round["retention"][0], 1.0);
    assert!(native.survival.windows(2).all(|w| w[1] <= w[0]));
    assert_eq!(
        orders::cohort_count(&handle, JsValue::UNDEFINED).expect("count"),
        native.size.len()
    );
}

#[wasm_bindgen_test]
fn nps_scores_answers() {
    let n = feedback::nps(&[10.0, 9.0, 8.0, 3.0, 11.0], None).expect("nps");
    assert_eq!(num(&n, &["responses"]), 4.0);
    assert_eq!(num(&n, &["promoters"]), 2.0);
    assert_eq!(num(&n, &["passives"]), 1.0);
    assert_eq!(num(&n, &["detractors"]), 1.0);
    assert_eq!(num(&n, &["score"]), 25.0);
    assert!(num(&n, &["ciLow"]) < 25.0 && 25.0 < num(&n, &["ciHigh"]));
    assert_eq!(num(&n, &["confidence"]), 0.95);
    let msg = error_message(feedback::nps(&[9.0], Some(1.5)).expect_err("bad confidence"));
    assert!(msg.contains("confidence"), "{msg}");
}

#[wasm_bindgen_test]
fn errors_reach_js_as_errors_naming_the_row() {
    let csv = b"customer_id,date,amount\nann,2024-01-05,10\nbob,2024-01-06,-3\n";
    let msg = error_message(
        orders::parse_orders_csv(csv, JsValue::UNDEFINED)
            .err()
            .expect("negative amount"),
    );
    assert!(msg.contains("line 3") && msg.contains("amount"), "{msg}");

    let msg = error_message(
        models::fit_bgnbd(
            vec![1.0, 2.0],
            vec![1.0, 5.0],
            vec![2.0, 3.0],
            None,
            JsValue::UNDEFINED,
        )
        .expect_err("t_x > T"),
    );
    assert!(msg.contains("row 1"), "{msg}");

    let msg = error_message(
        orders::cohort_matrix(
            &orders::parse_orders_csv(
                b"customer_id,date,amount\na,2024-01-01,1\n",
                JsValue::UNDEFINED,
            )
            .expect("parse"),
            opts(r#"{"by":"year"}"#),
        )
        .expect_err("bad option"),
    );
    assert!(
        msg.contains("cohortMatrix") && msg.contains("year"),
        "{msg}"
    );

    let msg = error_message(
        models::predict(
            opts(r#"{"model":"bgnbd","params":{"r":-1,"alpha":1,"a":1,"b":1}}"#),
            &[0.0],
            &[0.0],
            &[1.0],
            1.0,
        )
        .expect_err("negative r"),
    );
    assert!(msg.contains("r = -1"), "{msg}");
}

#[wasm_bindgen_test]
fn skip_policy_reports_rows_left_out() {
    let csv = b"customer_id,date,amount\nann,2024-01-05,10\nbob,not-a-date,3\nann,2024-02-05,4\n";
    let handle =
        orders::parse_orders_csv(csv, opts(r#"{"read":{"badRows":"skip"}}"#)).expect("parse");
    assert_eq!(handle.len(), 2);
    let report = handle.report().expect("report");
    assert_eq!(num(&report, &["rowsRead"]), 3.0);
    assert_eq!(num(&report, &["skipped", "bad_date", "count"]), 1.0);
    let r = orders::rfm(&handle, JsValue::UNDEFINED).expect("rfm");
    let segments: Array = get(&r, "segment").dyn_into().expect("Array");
    assert_eq!(segments.length(), 1);
    assert!(segments.get(0).as_string().is_some());
}

#[wasm_bindgen_test]
fn retention_what_if_and_historical_clv() {
    // m·r/(1+d−r): 100·0.8/0.2 = 400; +10 points → 100·0.9/0.1 = 900.
    let g = whatif::retention_what_if_geometric(100.0, 0.8, 0.0, 10.0, 1000.0).expect("geometric");
    assert!((num(&g, &["baselineClv"]) - 400.0).abs() < 1e-9);
    assert!((num(&g, &["newClv"]) - 900.0).abs() < 1e-9);
    assert!((num(&g, &["newRevenue"]) - 900_000.0).abs() < 1e-6);
    let msg = error_message(
        whatif::retention_what_if_geometric(100.0, 1.5, 0.0, 1.0, 1.0).expect_err("retention 1.5"),
    );
    assert!(msg.contains("retention"), "{msg}");

    let (x, t_x, t) = cdnow_columns();
    let fit = models::fit_bgnbd(
        x.clone(),
        t_x.clone(),
        t.clone(),
        None,
        opts(r#"{"stdErrors":false}"#),
    )
    .expect("fit");
    let value = vec![20.0; x.len()];
    let b =
        whatif::retention_what_if_bgnbd(fit, x, t_x, t, &value, 52.0, 5.0).expect("bgnbd what-if");
    assert_eq!(get(&b, "method").as_string().as_deref(), Some("bgnbd"));
    assert!(num(&b, &["newRetention"]) > num(&b, &["baselineRetention"]));
    assert!(num(&b, &["newRevenue"]) > num(&b, &["baselineRevenue"]));

    let handle = orders::parse_cdnow(SAMPLE.as_bytes(), JsValue::UNDEFINED).expect("sample parses");
    let h = whatif::historical_clv(&handle, JsValue::UNDEFINED).expect("historical clv");
    assert_eq!(num(&h, &["customers"]), 2357.0);
    assert_eq!(num(&h, &["orders"]), 6919.0);
    assert!(num(&h, &["clv"]) > 0.0);
    assert_eq!(f64s(&h, "customerClv").len(), 2357);
}

#[wasm_bindgen_test]
fn a_fit_reports_each_iteration_and_throws_a_typed_error_when_it_does_not_converge() {
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;

    let (x, t_x, t) = cdnow_columns();
    let calls = Rc::new(Cell::new(0u32));
    let seen = calls.clone();
    let on_iteration = Closure::<dyn FnMut(JsValue)>::new(move |p: JsValue| {
        assert_eq!(get(&p, "model").as_string().as_deref(), Some("bgnbd"));
        assert!(num(&p, &["logLikelihood"]).is_finite());
        assert_eq!(Array::from(&get(&p, "params")).length(), 4);
        seen.set(seen.get() + 1);
    });
    let options = js_sys::Object::new();
    Reflect::set(&options, &"maxIterations".into(), &3.into()).expect("set");
    Reflect::set(&options, &"onIteration".into(), on_iteration.as_ref()).expect("set");
    let err = models::fit_bgnbd(
        x.clone(),
        t_x.clone(),
        t.clone(),
        None,
        options.clone().into(),
    )
    .expect_err("3 iterations do not converge");
    assert_eq!(calls.get(), 3);
    assert_eq!(
        get(&err, "name").as_string().as_deref(),
        Some("FitNotConvergedError")
    );
    assert_eq!(
        get(&err, "code").as_string().as_deref(),
        Some("not_converged")
    );
    assert_eq!(num(&err, &["details", "iterations"]), 3.0);
    assert_eq!(
        get(&get(&err, "details"), "reason").as_string().as_deref(),
        Some("max_iterations")
    );
    // Accepted, the same fit comes back marked as such.
    Reflect::set(&options, &"acceptUnconverged".into(), &true.into()).expect("set");
    let fit = models::fit_bgnbd(x, t_x, t, None, options.into()).expect("accepted");
    assert_eq!(
        get(&fit, "status").as_string().as_deref(),
        Some("not_converged")
    );
    assert_eq!(get(&fit, "converged").as_bool(), Some(false));
}
