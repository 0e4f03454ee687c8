//! A tiny run of the loyalty benchmark (`rapport-loyalty-bench`, `cargo xtask bench
//! loyalty`) on both backends: its seeding SQL is written once per database dialect, so
//! each must store exactly the rows it says, and the load phases must get the answers
//! they count (signed earn deliveries applied, balance reads answered).

mod common;

use std::process::Command;

use common::*;
use serde_json::{json, Value};

const SECRET: &str = "loyalty-bench-secret-0123456789abcdef";
const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn config() -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({
        "customerTokenSecret": SECRET,
        "returnWindowDays": 14,
        "webhooks": { "standard": WHSEC },
        "expiry": { "inactivityDays": 365 }
    });
    c["rateLimit"] = json!({ "burst": 1_000_000_000u64, "perSecond": 1_000_000_000u64 });
    c
}

/// Runs the benchmark binary with `args` (off the runtime: the server under test shares it);
/// its last stdout line as JSON.
async fn bench(args: Vec<String>) -> Result<Value, Box<dyn std::error::Error>> {
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_rapport-loyalty-bench"))
            .args(&args)
            .output()
    })
    .await??;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "rapport-loyalty-bench {}: {stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default();
    Ok(serde_json::from_str(last)?)
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

backend_tests! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn seeds_earns_and_reads(db: Backend) -> TestResult {
        let test_db = db.fresh("bench").await;
        let seeded = bench(strings(&[
            "--seed", "2000", "--db", &test_db.target, "--site", "demo", "--customers", "20",
        ]))
        .await?;
        assert_eq!(seeded["seeded"], 2000);
        let t = TestServer::with(config(), test_db, None).await;
        // Customer 0 holds rows 0..100: ten times 8 × 40 (orders) + 15 (answer) - 50.
        let token = rapport_server::loyalty::token::mint(
            SECRET.as_bytes(),
            &rapport_server::loyalty::token::CustomerClaims::new(
                "bench-0",
                "demo",
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)?
                    .as_secs() as i64,
                600,
            ),
        )?;
        let me: Value = t
            .client
            .get(t.url("/v1/sites/demo/loyalty/me"))
            .bearer_auth(&token)
            .send()
            .await?
            .json()
            .await?;
        let held = me["spendable"].as_i64().zip(me["pending"].as_i64());
        assert_eq!(held.map(|(s, p)| s + p), Some(2_850), "{me}");
        assert!(held.is_some_and(|(_, pending)| pending > 0), "{me}");
        assert_eq!(me["activity"].as_array().map(Vec::len), Some(100));

        let load = bench(strings(&[
            "--url", &t.base, "--site", "demo", "--customers", "20",
            "--standard-secret", WHSEC, "--token-secret", SECRET,
            "--clients", "2", "--duration", "0.3",
        ]))
        .await?;
        let earned = load["earn_events"].as_u64().unwrap_or(0);
        assert!(earned > 0 && load["reads"].as_u64().unwrap_or(0) > 0, "{load}");
        // Every earn event the benchmark counted is an order stored with its entry.
        let orders = t.server.store().loyalty().order_count("demo".into()).await?;
        assert_eq!(orders, earned);
        t.stop().await;
        Ok(())
    }
}
