//! `cargo xtask test api`: the collector's OpenAPI document checked against the collector by
//! a tool nobody here wrote. schemathesis (pinned in `xtask/api-contract-requirements.txt`)
//! is installed from PyPI into a virtual environment under the target directory when
//! missing, then run with every check on against a real debug collector serving the demo
//! configuration with a rate limit high enough for the run. Any schema-valid request the
//! collector rejects, server error, or response outside the document fails the stage. The
//! console endpoints are fuzzed signed in as an owner made through a setup link (sign-out in
//! a run of its own, last), so that their logic is reached and not only their 401s.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::util::{self, cmd, step};

/// Generated cases per operation: the run stays within about a minute on two cores.
const MAX_EXAMPLES: &str = "100";
/// A fixed seed keeps the stage reproducible; `RAPPORT_API_FUZZ_SEED` picks another.
const DEFAULT_SEED: &str = "20261122";

/// Installs schemathesis if needed, starts a collector and fuzzes its API.
pub fn run() -> Result<(), String> {
    let schemathesis = install()?;
    step(
        "collector build",
        util::cargo().args(["build", "--package", "rapport-server"]),
    )?;
    let dir = util::target_dir().join("api-contract");
    util::fresh_dir(&dir.join("run"))?;
    let (config, token) = fuzz_config(&dir.join("run"))?;
    let mut server = Collector::start(&dir.join("run"), &config)?;
    let base = format!("http://{}", server.addr);
    let seed = std::env::var("RAPPORT_API_FUZZ_SEED").unwrap_or_else(|_| DEFAULT_SEED.into());
    let result = console_session(&base, &dir.join("run"), &config).and_then(|console| {
        // The session goes in as the document's `consoleSession` credential and the CSRF
        // token as the value of its header parameter, so that schemathesis knows them: its
        // negative cases drop them (and must be refused) instead of sending them anyway.
        let settings = dir.join("run/schemathesis.toml");
        let toml = format!(
            "[auth.openapi.consoleSession]\napi_key = {:?}\n\n[parameters]\n\"header.X-CSRF-Token\" = {:?}\n\n{POSITIVE}",
            console.id, console.csrf
        );
        std::fs::write(&settings, toml)
            .map_err(|e| format!("writing {}: {e}", settings.display()))?;
        let fuzz = |label: &str, filter: [&str; 2]| {
            step(
                &format!("schemathesis --checks all (seed {seed}) against the collector{label}"),
                cmd(path_str(&schemathesis)?)
                    .args(["--config-file", path_str(&settings)?])
                    .args(["run", &format!("{base}/v1/openapi.json"), "--url", &base])
                    .args(["--checks", "all", "--max-examples", MAX_EXAMPLES])
                    .args(["--seed", &seed, "--wait-for-schema", "20"])
                    .args(["-H", &format!("Authorization: Bearer {token}")])
                    .args(filter)
                    // Its cache of crashes goes beside the run, not into the work tree.
                    .current_dir(dir.join("run"))
                    .env("NO_COLOR", "1"),
            )
        };
        // Signing out ends the session the other operations are fuzzed with: it goes last.
        fuzz("", ["--exclude-operation-id", "consoleSignOut"])?;
        fuzz(" (console sign-out)", ["--include-operation-id", "consoleSignOut"])
    });
    server.stop();
    result
}

/// Statuses a schema-valid request may get: schemathesis's defaults and 422, the answer
/// to a well-formed value naming something that does not exist (an inbox assignee who is
/// no console user), which no schema can rule out.
const POSITIVE: &str = "[checks.positive_data_acceptance]\nexpected-statuses = [\"2xx\", \"3xx\", \"401\", \"403\", \"404\", \"409\", \"422\", \"429\"]\n";

/// A signed-in console owner's session: the fuzzer reaches the console's logic, not only
/// its 401s.
struct ConsoleSession {
    id: String,
    csrf: String,
}

/// Creates the first owner with a setup link from `rapport-server setup-link` and signs in
/// (curl, as the README's examples do).
fn console_session(base: &str, dir: &Path, config: &Path) -> Result<ConsoleSession, String> {
    let bin = util::target_dir().join("debug/rapport-server");
    let printed = util::output(
        cmd(path_str(&bin)?)
            .args(["setup-link", "--config", path_str(config)?])
            .args(["--db", path_str(&dir.join("db.sqlite"))?]),
    )
    .ok_or("rapport-server setup-link printed nothing")?;
    let token = printed
        .split("#token=")
        .nth(1)
        .ok_or_else(|| format!("no setup token in {printed:?}"))?
        .trim();
    let (email, password) = ("fuzz-owner@example.com", "fuzz owner password");
    let setup = json!({ "token": token, "email": email, "password": password });
    util::output(
        cmd("curl")
            .args(["--silent", "--show-error", "--fail"])
            .args(["-H", "content-type: application/json", "--data"])
            .arg(setup.to_string())
            .arg(format!("{base}/admin/api/setup")),
    )
    .ok_or("console setup with the fuzz owner failed")?;
    let signed_in = util::output(
        cmd("curl")
            .args(["--silent", "--show-error", "--fail", "--include"])
            .args(["-H", "content-type: application/json", "--data"])
            .arg(json!({ "email": email, "password": password }).to_string())
            .arg(format!("{base}/admin/api/session")),
    )
    .ok_or("console sign-in with the fuzz owner failed")?;
    let id = signed_in
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .and_then(|l| l.split("rapport_console=").nth(1))
        .and_then(|v| v.split(';').next())
        .ok_or("no console session cookie in the sign-in answer")?
        .to_owned();
    let body: Value = signed_in
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .ok_or("no JSON body in the sign-in answer")?;
    let csrf = body["csrfToken"]
        .as_str()
        .ok_or("no csrfToken in the sign-in answer")?
        .to_owned();
    Ok(ConsoleSession { id, csrf })
}

/// The venv's `schemathesis`, created and filled from PyPI when missing or not the pinned
/// version.
fn install() -> Result<PathBuf, String> {
    let root = util::root();
    let requirements = root.join("xtask/api-contract-requirements.txt");
    let pinned = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("reading {}: {e}", requirements.display()))?;
    let version = pinned
        .lines()
        .find_map(|l| l.trim().strip_prefix("schemathesis=="))
        .ok_or("xtask/api-contract-requirements.txt pins no schemathesis version")?
        .trim()
        .to_owned();
    let venv = util::target_dir().join("api-contract/venv");
    let bin = venv.join("bin/schemathesis");
    let have = util::output(cmd(path_str(&bin)?).arg("--version")).unwrap_or_default();
    if have.ends_with(&format!("version {version}")) {
        return Ok(bin);
    }
    if !venv.join("bin/pip").exists() {
        step(
            "python3 -m venv (API contract fuzzer)",
            cmd("python3").arg("-m").arg("venv").arg(&venv),
        )
        .map_err(|e| {
            format!("{e}; python3 with the venv module is needed (Debian: python3-venv)")
        })?;
    }
    step(
        &format!("pip install schemathesis {version}"),
        cmd(path_str(&venv.join("bin/pip"))?)
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
    )?;
    Ok(bin)
}

/// The demo configuration with a rate limit the fuzzer cannot exhaust, written to `dir`;
/// returns its path and the demo site's admin token.
fn fuzz_config(dir: &Path) -> Result<(PathBuf, String), String> {
    let text = std::fs::read_to_string(util::root().join("config/demo.json"))
        .map_err(|e| format!("reading config/demo.json: {e}"))?;
    let mut config: Value =
        serde_json::from_str(&text).map_err(|e| format!("parsing config/demo.json: {e}"))?;
    let token = config
        .pointer("/sites/0/adminToken")
        .and_then(Value::as_str)
        .ok_or("config/demo.json: sites[0].adminToken missing")?
        .to_owned();
    config["rateLimit"] = json!({ "burst": 1_000_000_000u64, "perSecond": 1e9 });
    let path = dir.join("config.json");
    std::fs::write(&path, config.to_string())
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok((path, token))
}

/// A debug collector on a free loopback port, empty static directories beside its config.
struct Collector {
    child: Child,
    addr: String,
}

impl Collector {
    fn start(dir: &Path, config: &Path) -> Result<Collector, String> {
        for sub in ["dist", "www"] {
            util::mkdirs(&dir.join(sub))?;
        }
        let bin = util::target_dir().join("debug/rapport-server");
        let mut child = cmd(path_str(&bin)?)
            .args(["--listen", "127.0.0.1:0", "--config"])
            .arg(config)
            .arg("--db")
            .arg(dir.join("db.sqlite"))
            .arg("--dist")
            .arg(dir.join("dist"))
            .arg("--www")
            .arg(dir.join("www"))
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting rapport-server: {e}"))?;
        let stdout = child.stdout.take().ok_or("rapport-server: no stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.split("http://").nth(1) {
                    let _ = tx.send(addr.trim().to_owned());
                }
            }
        });
        let started = Instant::now();
        let addr = rx.recv_timeout(Duration::from_secs(30)).map_err(|_| {
            let _ = child.kill();
            format!(
                "rapport-server did not report its address within {:?}",
                started.elapsed()
            )
        })?;
        Ok(Collector { child, addr })
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.stop();
    }
}

fn path_str(p: &Path) -> Result<&str, String> {
    p.to_str()
        .ok_or_else(|| format!("{} is not UTF-8", p.display()))
}
