//! The README's Rust token-minting example, compiled and run: `readme/customer_token.rs`
//! is the README's `rust` block verbatim (checked here, so the two cannot drift apart), and
//! the token it mints opens the customer's `loyalty/me` and links an answer posted to
//! `POST /v1/responses` to the customer — on both backends. (The Node example is run by
//! `tests/e2e/readme.spec.ts`.)

mod common;

include!("readme/customer_token.rs");

use std::sync::Arc;

use common::*;
use rapport_server::clock::{Clock, FakeClock};
use serde_json::{json, Value};

const SECRET: &str = "readme-token-secret-0123456789abcdef";
/// 2027-01-15T08:00:00Z.
const T0: i64 = 1_800_000_000_000;
const SNIPPET: &str = include_str!("readme/customer_token.rs");
const README: &str = include_str!("../../README.md");

/// The fenced blocks of `markdown` in language `lang`.
fn blocks<'a>(markdown: &'a str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        if line.trim_end() == format!("```{lang}") {
            let body: Vec<&'a str> = lines
                .by_ref()
                .take_while(|l| l.trim_end() != "```")
                .collect();
            out.push(body.join("\n"));
        }
    }
    out
}

#[test]
fn the_readme_shows_this_snippet_verbatim() {
    assert_eq!(blocks(README, "rust"), [SNIPPET.trim_end().to_owned()]);
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_token_opens_loyalty_and_links_answers(db: Backend) -> TestResult {
    let clock = Arc::new(FakeClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let mut config = fixture();
    config["sites"][0]["loyalty"] = json!({
        "customerTokenSecret": SECRET,
        "surveyAnswer": { "points": 20 },
    });
    let t = TestServer::with_clock(config, db.fresh("readme-token").await, None, Some(dyn_clock)).await;
    let token = customer_token(SECRET, "demo", "115310627314723954", clock.now_millis() / 1000)?;
    let me = t.client.get(t.url("/v1/sites/demo/loyalty/me")).bearer_auth(&token).send().await?;
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<Value>().await?["customer"], "115310627314723954");
    let answered = t.client.post(t.url("/v1/responses")).bearer_auth(&token).json(&valid("readme-1")).send().await?;
    assert_eq!(answered.status(), 201);
    let receipt: Value = answered.json().await?;
    assert_eq!((&receipt["customer"], &receipt["loyalty"], &receipt["points"]), (&json!("115310627314723954"), &json!("credited"), &json!(20)));
    // Minted with another secret, or for another site: refused.
    let forged = customer_token("another-secret-0123456789abcdef-xyz", "demo", "c1", clock.now_millis() / 1000)?;
    let other_site = customer_token(SECRET, "elsewhere", "c1", clock.now_millis() / 1000)?;
    for bad in [forged, other_site] {
        let resp = t.client.get(t.url("/v1/sites/demo/loyalty/me")).bearer_auth(&bad).send().await?;
        assert_eq!(resp.status(), 401);
    }
    // Ten minutes later the token has expired.
    clock.advance(601_000);
    let late = t.client.get(t.url("/v1/sites/demo/loyalty/me")).bearer_auth(&token).send().await?;
    assert_eq!(late.status(), 401);
    t.stop().await;
    Ok(())
}
}
