//! Demo data: `rapport-server seed-demo` fills a database without orders of the site with
//! a store's year — customers, orders, the points ledger, referrals and survey responses — simulated from
//! stated models ([`simulate`]) and written through the collector's own store methods
//! ([`seed`]), plus a console owner `demo@example.com` whose password is printed. `cargo
//! xtask demo` runs it before starting the server; tests and benchmarks call it too.

pub mod seed;
pub mod simulate;

use std::process::ExitCode;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::cli::SeedArgs;
pub use seed::{seed, SeedError, SeedReport, DEMO_EMAIL};
pub use simulate::{simulate, DemoOptions, Phrases, SimHistory};

/// A fresh demo password: 96 random bits, base64url (16 characters).
pub fn random_password() -> Result<String, String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| format!("random bytes: {e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// `rapport-server seed-demo`: seeds `--site` (default `demo`) of `--db` unless it holds
/// data; prints the report as JSON on stdout and the console sign-in on stderr.
/// Exit status: 0 seeded or already seeded, 1 a database failure, 2 a bad configuration.
pub async fn command(args: SeedArgs) -> ExitCode {
    let fail = |code: u8, message: String| {
        eprintln!("rapport-server: error: {message}");
        ExitCode::from(code)
    };
    let config = match crate::config::ServerConfig::load(&args.config) {
        Ok(c) => c,
        Err(e) => return fail(2, format!("{}: {e}", args.config.display())),
    };
    let Some(site) = config.site(&args.site) else {
        return fail(
            2,
            format!("--site {:?}: no such site in the configuration", args.site),
        );
    };
    let store = match crate::store::DbTarget::parse(&args.db) {
        Ok(target) => match crate::store::open(&target).await {
            Ok(store) => store,
            Err(e) => return fail(1, e.to_string()),
        },
        Err(e) => return fail(2, e.to_string()),
    };
    let password = match args.password.clone().map_or_else(random_password, Ok) {
        Ok(p) => p,
        Err(e) => return fail(1, e),
    };
    if let Err(e) = crate::console::password::check_new("--password", &password) {
        return fail(2, e.to_string());
    }
    let end = args
        .end
        .unwrap_or_else(|| crate::clock::Clock::now_millis(&crate::clock::SystemClock));
    let options = DemoOptions {
        customers: args.customers,
        seed: args.seed,
        end,
        ..DemoOptions::default()
    };
    let history = simulate(&options, &Phrases::bundled());
    match seed(&store, site, &history, end, &password).await {
        Ok(report) => {
            let _ = store.flush().await;
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
            if !report.seeded {
                eprintln!(
                    "rapport-server: the database holds orders of site {:?} already: nothing seeded",
                    args.site
                );
            }
            match report.owner_created {
                true => eprintln!("rapport-server: console sign-in: {DEMO_EMAIL} / {password}"),
                false => eprintln!("rapport-server: a console user exists already (no demo owner made; `rapport-server setup-link` makes a new owner)"),
            }
            ExitCode::SUCCESS
        }
        Err(SeedError::NoLoyalty(s)) => fail(2, SeedError::NoLoyalty(s).to_string()),
        Err(e) => fail(1, e.to_string()),
    }
}
