//! The console API's 404s say which thing is missing, on both backends: a site the
//! configuration does not have is `404 unknown_site` (field `site`, or the body's JSON path
//! to it; the message names it) on every `/admin/api` route that takes a site in its path,
//! query or body; a missing response, customer, webhook or user of a configured site is
//! `404 not_found` (field `id`). The list of routes is checked against the router's, so a
//! new route that takes a site fails here until it is listed.

mod common;

use common::console::*;
use common::*;
use rapport_server::app::API_ROUTES;
use serde_json::{json, Value};

const SECRET: &str = "not-found-test-secret-0123456789abcdef";

fn config() -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({ "customerTokenSecret": SECRET, "pointsPerUnit": 1 });
    c["console"] = json!({});
    c
}

/// Every request naming the unknown site `nosuch`: `(method, router path, request path,
/// body, field expected)`.
fn unknown_site_requests() -> Vec<(
    &'static str,
    &'static str,
    String,
    Option<Value>,
    &'static str,
)> {
    let alerts = json!({"instantDetractor": true, "digest": {"enabled": false, "hourUtc": 7}});
    let holdout = json!({"enabled": true, "share": 0.1, "windowDays": 30});
    let hook = json!({"site": "nosuch", "url": "https://hooks.example/in", "events": ["response.created"]});
    vec![
        (
            "GET",
            "/admin/api/inbox/{site}/{id}/followups",
            "/admin/api/inbox/nosuch/r-1/followups".into(),
            None,
            "site",
        ),
        (
            "POST",
            "/admin/api/inbox/{site}/{id}/followups",
            "/admin/api/inbox/nosuch/r-1/followups".into(),
            Some(json!({"text": "Sorry"})),
            "site",
        ),
        (
            "GET",
            "/admin/api/followups/summary",
            "/admin/api/followups/summary?site=nosuch".into(),
            None,
            "site",
        ),
        (
            "GET",
            "/admin/api/sites/{site}/holdout",
            "/admin/api/sites/nosuch/holdout".into(),
            None,
            "site",
        ),
        (
            "PUT",
            "/admin/api/sites/{site}/holdout",
            "/admin/api/sites/nosuch/holdout".into(),
            Some(holdout),
            "site",
        ),
        (
            "GET",
            "/admin/api/sites/{site}/holdout/results",
            "/admin/api/sites/nosuch/holdout/results".into(),
            None,
            "site",
        ),
        (
            "GET",
            "/admin/api/webhooks",
            "/admin/api/webhooks?site=nosuch".into(),
            None,
            "site",
        ),
        (
            "POST",
            "/admin/api/webhooks",
            "/admin/api/webhooks".into(),
            Some(hook),
            "site",
        ),
        (
            "GET",
            "/admin/api/sites/{site}/alerts",
            "/admin/api/sites/nosuch/alerts".into(),
            None,
            "site",
        ),
        (
            "PUT",
            "/admin/api/sites/{site}/alerts",
            "/admin/api/sites/nosuch/alerts".into(),
            Some(alerts),
            "site",
        ),
        (
            "GET",
            "/admin/api/dashboard/data",
            "/admin/api/dashboard/data?site=nosuch".into(),
            None,
            "site",
        ),
        (
            "GET",
            "/admin/api/inbox",
            "/admin/api/inbox?site=nosuch".into(),
            None,
            "site",
        ),
        (
            "POST",
            "/admin/api/inbox/bulk",
            "/admin/api/inbox/bulk".into(),
            Some(json!({"items": [{"site": "nosuch", "id": "r-1"}], "status": "resolved"})),
            "items[0].site",
        ),
        (
            "GET",
            "/admin/api/inbox/{site}/{id}",
            "/admin/api/inbox/nosuch/r-1".into(),
            None,
            "site",
        ),
        (
            "PATCH",
            "/admin/api/inbox/{site}/{id}",
            "/admin/api/inbox/nosuch/r-1".into(),
            Some(json!({"status": "resolved"})),
            "site",
        ),
        (
            "POST",
            "/admin/api/inbox/{site}/{id}/notes",
            "/admin/api/inbox/nosuch/r-1/notes".into(),
            Some(json!({"text": "hi"})),
            "site",
        ),
        (
            "GET",
            "/admin/api/themes",
            "/admin/api/themes?site=nosuch".into(),
            None,
            "site",
        ),
        (
            "GET",
            "/admin/api/segments",
            "/admin/api/segments?site=nosuch".into(),
            None,
            "site",
        ),
        (
            "GET",
            "/admin/api/customers/{site}/{id}",
            "/admin/api/customers/nosuch/c-1".into(),
            None,
            "site",
        ),
    ]
}

/// Requests for something missing on the configured site `demo`.
fn missing_item_requests(webhook: &str) -> Vec<(&'static str, String, Option<Value>)> {
    vec![
        ("GET", "/admin/api/inbox/demo/nope".into(), None),
        (
            "PATCH",
            "/admin/api/inbox/demo/nope".into(),
            Some(json!({"status": "resolved"})),
        ),
        (
            "POST",
            "/admin/api/inbox/demo/nope/notes".into(),
            Some(json!({"text": "hi"})),
        ),
        ("GET", "/admin/api/inbox/demo/nope/followups".into(), None),
        (
            "POST",
            "/admin/api/inbox/demo/nope/followups".into(),
            Some(json!({"text": "Sorry"})),
        ),
        ("GET", "/admin/api/customers/demo/nobody".into(), None),
        (
            "GET",
            format!("/admin/api/webhooks/{webhook}x/deliveries"),
            None,
        ),
        (
            "PATCH",
            "/admin/api/users/nobody".into(),
            Some(json!({"disabled": true})),
        ),
    ]
}

fn method(m: &str) -> reqwest::Method {
    reqwest::Method::from_bytes(m.as_bytes()).expect("method")
}

#[test]
fn every_route_that_takes_a_site_is_listed() {
    let listed: Vec<(&str, &str)> = unknown_site_requests()
        .iter()
        .map(|(m, route, ..)| (*m, *route))
        .collect();
    for (m, route) in API_ROUTES {
        let takes_site_in_path = route.starts_with("/admin/api") && route.contains("{site}");
        if takes_site_in_path {
            assert!(listed.contains(&(*m, *route)), "{m} {route} is not checked");
        }
    }
    for pair in &listed {
        assert!(API_ROUTES.contains(pair), "{pair:?} is not a route");
    }
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_sites_and_missing_items_are_told_apart(db: Backend) -> TestResult {
    let t = TestServer::with(config(), db.fresh("not_found").await, None).await;
    let owner = owner(&t).await;
    identified_answer(&t, SECRET, "r-1", 3, "slow", Some("c-1")).await;
    for (m, _, path, body, field) in unknown_site_requests() {
        let (status, v) = owner.json(&t, method(m), &path, body).await;
        assert_eq!(status, 404, "{m} {path}: {v}");
        assert_eq!(
            (v["error"]["code"].as_str(), v["error"]["field"].as_str()),
            (Some("unknown_site"), Some(field)),
            "{m} {path}: {v}"
        );
        assert!(
            v["error"]["message"].as_str().is_some_and(|msg| msg.contains("\"nosuch\"")),
            "{m} {path}: the message names the site: {v}"
        );
    }
    // The same requests on the configured site reach the item: the response is there.
    let (status, v) = owner.json(&t, reqwest::Method::GET, "/admin/api/inbox/demo/r-1", None).await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = owner
        .json(&t, reqwest::Method::POST, "/admin/api/webhooks", Some(json!({"site": "demo", "url": "https://hooks.example/in", "events": ["response.created"]})))
        .await;
    assert_eq!(status, 201, "{v}");
    let webhook = v["webhook"]["id"].as_str().unwrap_or_default().to_owned();
    for (m, path, body) in missing_item_requests(&webhook) {
        let (status, v) = owner.json(&t, method(m), &path, body).await;
        assert_eq!(status, 404, "{m} {path}: {v}");
        assert_eq!(
            (v["error"]["code"].as_str(), v["error"]["field"].as_str()),
            (Some("not_found"), Some("id")),
            "{m} {path}: {v}"
        );
        assert!(v["error"]["message"].as_str().is_some_and(|msg| !msg.is_empty()), "{v}");
    }
    // An unknown path stays the console's `not_found` of the path.
    let (status, v) = owner.json(&t, reqwest::Method::GET, "/admin/api/nothing-here", None).await;
    assert_eq!((status, v["error"]["code"].as_str(), v["error"]["field"].as_str()), (404, Some("not_found"), Some("path")));
    t.stop().await;
    Ok(())
}
}
