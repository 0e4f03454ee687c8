//! `cargo xtask test`: install what is missing, then every gate and every test.
//!
//! Stages, in order (pass stage names to run only some, e.g. `cargo xtask test unit e2e`):
//! `lint` (fmt, clippy host + wasm32), `unit` (native tests of the whole workspace, the
//! collector's against SQLite and a throwaway PostgreSQL cluster),
//! `browser` (wasm-bindgen-test in headless Chromium), `build` (dist/ + pkg/), `size`
//! (budgets, no eval in shipped JS), `npm` (the npm package's engine API under Node's test
//! runner), `api` (schemathesis, every check on, against the real collector and its OpenAPI
//! document), `e2e` (Playwright against the real collector).

use std::path::Path;

use crate::install::{CHROMEDRIVER, CHROMIUM};
use crate::postgres::{self, Cluster};
use crate::util::{self, cmd, step};

const STAGES: &[&str] = &[
    "lint", "unit", "browser", "build", "size", "npm", "api", "e2e",
];

/// Runs the requested stages (all by default).
pub fn run(args: &[String]) -> Result<(), String> {
    for arg in args {
        if !STAGES.contains(&arg.as_str()) {
            return Err(format!(
                "unknown test stage `{arg}`; stages: {}",
                STAGES.join(", ")
            ));
        }
    }
    let wanted = |stage: &str| args.is_empty() || args.iter().any(|a| a == stage);
    crate::install::run()?;
    if wanted("lint") {
        lint()?;
    }
    if wanted("unit") {
        unit()?;
    }
    if wanted("browser") {
        browser()?;
    }
    if wanted("build") || wanted("size") || wanted("npm") || wanted("e2e") {
        crate::build::run_build()?;
    }
    if wanted("size") {
        size()?;
    }
    if wanted("npm") {
        npm()?;
    }
    if wanted("api") {
        crate::api_contract::run()?;
    }
    if wanted("e2e") {
        e2e()?;
    }
    eprintln!("\nall requested test stages passed");
    Ok(())
}

fn lint() -> Result<(), String> {
    step(
        "cargo fmt --check",
        util::cargo().args(["fmt", "--all", "--check"]),
    )?;
    step(
        "cargo clippy (host)",
        util::cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        "cargo clippy (wasm32)",
        util::cargo().args([
            "clippy",
            "--package",
            "rapport",
            "--package",
            "rapport-metrics",
            "--target",
            "wasm32-unknown-unknown",
            "--lib",
            "--test",
            "web",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // The merchant console's web shell exists only on wasm32.
    step(
        "cargo clippy (wasm32, console)",
        util::cargo().args([
            "clippy",
            "--package",
            "rapport-console",
            "--target",
            "wasm32-unknown-unknown",
            "--lib",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // The shipped widget is built without `std` (its own panic handler and allocator).
    step(
        "cargo clippy (wasm32, shipped widget: no std)",
        util::cargo().args([
            "clippy",
            "--package",
            "rapport",
            "--target",
            "wasm32-unknown-unknown",
            "--lib",
            "--no-default-features",
            "--features",
            "shell",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // The loyalty panel: its own wasm module, linking the core without the widget's shell.
    step(
        "cargo clippy (wasm32, loyalty panel)",
        util::cargo().args([
            "clippy",
            "--package",
            "rapport-panel",
            "--target",
            "wasm32-unknown-unknown",
            "--lib",
            "--",
            "-D",
            "warnings",
        ]),
    )
}

/// Native tests; the collector's store and server tests run against SQLite and against a
/// throwaway PostgreSQL cluster started here (its URL in `RAPPORT_TEST_POSTGRES_URL`).
fn unit() -> Result<(), String> {
    let cluster = Cluster::start("test", false)?;
    step(
        "native tests (collector on SQLite and PostgreSQL)",
        util::cargo()
            .args(["test", "--workspace"])
            .env(postgres::URL_VAR, cluster.url()),
    )
}

/// The widget's and the engine's `tests/web.rs`; the console's shell is private to its crate,
/// so its browser tests are in the library (`console/src/web/tests.rs`, `--lib`).
fn browser() -> Result<(), String> {
    for (package, which) in [
        ("rapport", ["--test", "web"].as_slice()),
        ("rapport-metrics", ["--test", "web"].as_slice()),
        ("rapport-console", ["--lib"].as_slice()),
    ] {
        step(
            &format!("{package}: wasm-bindgen-test in headless Chromium"),
            util::cargo()
                .args([
                    "test",
                    "--package",
                    package,
                    "--target",
                    "wasm32-unknown-unknown",
                ])
                .args(which)
                .env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
        )?;
    }
    Ok(())
}

fn size() -> Result<(), String> {
    crate::size::report(true)?;
    let root = util::root();
    let mut offenders = Vec::new();
    for dir in ["dist", "pkg"] {
        scan_for_eval(&root.join(dir), &mut offenders)?;
    }
    if offenders.is_empty() {
        println!("shipped JS: no eval( or new Function");
        Ok(())
    } else {
        Err(format!(
            "shipped JS uses eval/new Function (strict CSP would block it): {}",
            offenders.join(", ")
        ))
    }
}

fn scan_for_eval(dir: &Path, offenders: &mut Vec<String>) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "node_modules") {
                continue;
            }
            scan_for_eval(&path, offenders)?;
        } else if path.extension().is_some_and(|e| e == "js" || e == "mjs") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("reading {}: {e}", path.display()))?;
            if text.contains("eval(")
                || text.contains("new Function")
                || text.contains("Function(\"return this\")")
            {
                offenders.push(path.display().to_string());
            }
        }
    }
    Ok(())
}

fn npm() -> Result<(), String> {
    step(
        "npm package: node --test tests/npm",
        cmd("node").args(["--test", "tests/npm/"]),
    )
}

fn e2e() -> Result<(), String> {
    // The collector the specs run against, and the metrics CLI whose commands and flags
    // the README spec checks.
    step(
        "collector and metrics CLI build",
        util::cargo().args([
            "build",
            "--package",
            "rapport-server",
            "--package",
            "rapport-cli",
        ]),
    )?;
    let server = util::target_dir().join("debug/rapport-server");
    let cli = util::target_dir().join("debug/rapport-metrics");
    step(
        "Playwright end-to-end (Debian Chromium, real collector)",
        cmd(util::node_bin("playwright")
            .to_str()
            .unwrap_or("playwright"))
        .arg("test")
        .env("RAPPORT_SERVER_BIN", server)
        .env("RAPPORT_CLI_BIN", cli)
        .env("CHROMIUM_PATH", CHROMIUM)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
    )
}
