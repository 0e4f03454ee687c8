//! The OpenAPI document parses, describes exactly the router's API routes, and each of
//! those routes is really served.

mod common;

use common::*;
use rapport_server::app::API_ROUTES;
use serde_json::Value;

backend_tests! {
#[tokio::test]
async fn document_matches_router(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let resp = t.client.get(t.url("/v1/openapi.json")).send().await?;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()?
        .starts_with("application/json"));
    let doc: Value = resp.json().await?;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().ok_or("paths")?;

    // Every route is documented…
    for (method, path) in API_ROUTES {
        let op = &paths
            .get(*path)
            .ok_or_else(|| format!("{path} missing from openapi.json"))?[method.to_lowercase()];
        assert!(op.is_object(), "{method} {path} missing from openapi.json");
        assert!(
            op["responses"].is_object(),
            "{method} {path} has no responses"
        );
    }
    // …and nothing undocumented-by-the-router is described.
    for (path, item) in paths {
        for method in item.as_object().ok_or("path item")?.keys() {
            if method == "parameters" {
                continue;
            }
            assert!(
                API_ROUTES
                    .iter()
                    .any(|(m, p)| p == path && m.eq_ignore_ascii_case(method)),
                "openapi.json describes {method} {path}, which the router does not serve"
            );
        }
    }
    // Every $ref resolves.
    let text = doc.to_string();
    for piece in text.split("\"$ref\":\"#/").skip(1) {
        let pointer = format!("/{}", piece.split('"').next().unwrap_or_default());
        assert!(doc.pointer(&pointer).is_some(), "dangling $ref {pointer}");
    }

    // Every route is really routed (not the JSON 404 of unknown API paths).
    for (method, path) in API_ROUTES {
        let url = t.url(&path.replace("{site}", "demo"));
        let method = reqwest::Method::from_bytes(method.as_bytes())?;
        let resp = t
            .client
            .request(method.clone(), url)
            .header("origin", ALLOWED)
            .header("access-control-request-method", "POST")
            .send()
            .await?;
        assert_ne!(resp.status(), 405, "{method} {path}");
        // A 404 may only be the endpoint's own (e.g. loyalty not enabled for the site), not
        // the JSON 404 of unknown API paths.
        if resp.status() == 404 {
            let (_, code, _) = error_of(resp).await;
            assert_ne!(code, "not_found", "{method} {path}");
        }
    }
    t.stop().await;
    Ok(())
}
}

/// The limits the document states are the ones the collector enforces (the fuzzer in
/// `cargo xtask test api` checks behaviour; this catches a constant changed on one side).
#[test]
fn document_limits_are_the_core_limits() -> TestResult {
    use rapport_server::validate::Limits;
    let doc: Value = serde_json::from_str(rapport_server::routes::openapi::OPENAPI_JSON)?;
    let schemas = &doc["components"]["schemas"];
    let num = |v: &Value| v.as_u64().map(|n| n as usize);
    assert_eq!(num(&schemas["Id"]["maxLength"]), Some(Limits::MAX_ID_CHARS));
    let response = &schemas["Response"]["properties"];
    assert_eq!(
        num(&response["answers"]["maxItems"]),
        Some(Limits::MAX_ANSWERS)
    );
    assert_eq!(
        num(&response["locale"]["maxLength"]),
        Some(Limits::MAX_LOCALE_CHARS)
    );
    assert_eq!(
        num(&response["url"]["maxLength"]),
        Some(Limits::MAX_URL_CHARS)
    );
    assert_eq!(
        num(&schemas["Timestamp"]["maxLength"]),
        Some(Limits::MAX_TIMESTAMP_CHARS)
    );
    let shapes = schemas["AnswerValue"]["oneOf"].as_array().ok_or("oneOf")?;
    assert_eq!(
        num(&shapes[1]["maxLength"]),
        Some(Limits::MAX_OPEN_TEXT_CHARS)
    );
    assert_eq!(
        num(&shapes[2]["properties"]["other"]["maxLength"]),
        Some(Limits::MAX_OTHER_CHARS)
    );
    assert_eq!(
        (shapes[0]["minimum"].as_i64(), shapes[0]["maximum"].as_i64()),
        (Some(0), Some(10))
    );
    let codes = schemas["Error"]["properties"]["error"]["properties"]["code"]["enum"].to_string();
    for code in [
        "survey_mismatch",
        "request_timeout",
        "unknown_site",
        "payload_too_large",
    ] {
        assert!(codes.contains(code), "{code} missing from the error codes");
    }
    Ok(())
}

/// The console's documented password and e-mail limits are the enforced ones, and its
/// error codes are documented.
#[test]
fn console_limits_and_codes_are_documented() -> TestResult {
    use rapport_server::console::password;
    let doc: Value = serde_json::from_str(rapport_server::routes::openapi::OPENAPI_JSON)?;
    let num = |v: &Value| v.as_u64().map(|n| n as usize);
    let body = |path: &str, method: &str| {
        doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
            ["properties"]
            .clone()
    };
    for (path, method) in [("/admin/api/setup", "post"), ("/admin/api/users", "post")] {
        let props = body(path, method);
        assert_eq!(
            num(&props["password"]["minLength"]),
            Some(password::MIN_LENGTH)
        );
        assert_eq!(
            num(&props["password"]["maxLength"]),
            Some(password::MAX_LENGTH)
        );
        assert_eq!(
            num(&props["email"]["maxLength"]),
            Some(rapport_server::routes::console::MAX_EMAIL)
        );
    }
    let codes = doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]
        ["enum"]
        .to_string();
    for code in [
        "unauthenticated",
        "bad_credentials",
        "bad_setup_token",
        "forbidden_role",
        "csrf",
        "cross_site",
    ] {
        assert!(codes.contains(code), "{code} missing from the error codes");
    }
    Ok(())
}
