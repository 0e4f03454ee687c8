//! The real `rapport-server` binary as an operator runs it: start-up errors are one line
//! naming the cause with a non-zero exit; SIGTERM drains within the deadline, commits what
//! was acknowledged and exits 0 even with a slow client connected (on SQLite and on
//! PostgreSQL); running out of file descriptors is logged and survived.

mod common;

use std::io::Write;
use std::net::TcpListener as StdListener;
use std::process::Command;
use std::time::{Duration, Instant};

use common::binary::{run_to_exit, wait_for, Running, Scratch};
use common::*;
use serde_json::json;

/// Runs the binary with a start-up problem and returns its single stderr line.
fn start_failure(args: &[String]) -> Result<String, String> {
    let (status, stderr) =
        run_to_exit(args, Duration::from_secs(30)).ok_or("the collector did not exit")?;
    if status.success() {
        return Err(format!("exited 0; stderr: {stderr}"));
    }
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    match lines.as_slice() {
        [line] => Ok((*line).to_owned()),
        _ => Err(format!("expected one line on stderr, got {lines:?}")),
    }
}

fn with_flag(mut args: Vec<String>, flag: &str, value: String) -> Vec<String> {
    if let Some(i) = args.iter().position(|a| a == flag) {
        args[i + 1] = value;
    }
    args
}

#[test]
fn start_up_errors_are_one_line_naming_the_cause() -> TestResult {
    let good = fixture().to_string();

    // Malformed JSON.
    let s = Scratch::new("{\"sites\": [")?;
    let line = start_failure(&s.args())?;
    assert!(line.starts_with("rapport-server: error: "), "{line}");
    assert!(
        line.contains("config.json") && line.contains("not valid JSON"),
        "{line}"
    );

    // An unknown key (a typo of `origins`).
    let s = Scratch::new(&good.replacen("\"origins\"", "\"origin\"", 1))?;
    let line = start_failure(&s.args())?;
    assert!(line.contains("sites[0].origin: unknown key"), "{line}");

    // A bad value.
    let mut config = fixture();
    config["timeouts"] = json!({ "shutdown": -1 });
    let s = Scratch::new(&config.to_string())?;
    let line = start_failure(&s.args())?;
    assert!(line.contains("timeouts.shutdown"), "{line}");

    // A missing file.
    let s = Scratch::new(&good)?;
    let missing = s.dir.join("nope.json");
    let line = start_failure(&with_flag(
        s.args(),
        "--config",
        missing.display().to_string(),
    ))?;
    assert!(
        line.contains("nope.json") && line.contains("cannot read"),
        "{line}"
    );

    // A database path that cannot be written (its parent is a file).
    let s = Scratch::new(&good)?;
    let blocker = s.dir.join("blocker");
    std::fs::write(&blocker, "not a directory")?;
    let db = blocker.join("db.sqlite");
    let line = start_failure(&with_flag(s.args(), "--db", db.display().to_string()))?;
    assert!(line.contains("db") && line.contains("blocker"), "{line}");

    // A database file that is not a database.
    let s = Scratch::new(&good)?;
    let not_db = s.dir.join("garbage.sqlite");
    std::fs::write(&not_db, vec![b'x'; 4096])?;
    let line = start_failure(&with_flag(s.args(), "--db", not_db.display().to_string()))?;
    assert!(line.contains("garbage.sqlite"), "{line}");

    // The port is taken.
    let taken = StdListener::bind("127.0.0.1:0")?;
    let addr = taken.local_addr()?;
    let s = Scratch::new(&good)?;
    let line = start_failure(&with_flag(s.args(), "--listen", addr.to_string()))?;
    assert!(
        line.contains(&addr.to_string()) && line.to_lowercase().contains("in use"),
        "{line}"
    );

    // A PostgreSQL server nobody answers at (a closed loopback port), and a URL that
    // does not parse: one line each naming the database, the password never shown.
    let closed = StdListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let s = Scratch::new(&good)?;
    let url = format!("postgres://app:s3cret@127.0.0.1:{closed}/rapport");
    let line = start_failure(&with_flag(s.args(), "--db", url))?;
    assert!(
        line.contains(&format!("postgres://app:***@127.0.0.1:{closed}/rapport"))
            && line.contains("cannot connect")
            && !line.contains("s3cret"),
        "{line}"
    );
    let line = start_failure(&with_flag(
        s.args(),
        "--db",
        "postgres://app@127.0.0.1/rapport?pool_size=many".to_owned(),
    ))?;
    assert!(line.contains("pool_size"), "{line}");

    // An unknown flag.
    let line = start_failure(&["--lisen".to_owned(), "x".to_owned()])?;
    assert!(line.contains("--lisen"), "{line}");
    Ok(())
}

backend_tests! {
#[tokio::test]
async fn sigterm_drains_commits_and_exits_0_despite_a_slow_client(backend: Backend) -> TestResult {
    let shutdown = Duration::from_secs(2);
    let mut config = fixture();
    // Header reads get far longer than the shutdown deadline: only the deadline can
    // close the slow client's connection.
    config["timeouts"] = json!({ "shutdown": shutdown.as_secs_f64(), "headerRead": 60 });
    let scratch = Scratch::new(&config.to_string())?;
    let db = match backend {
        Backend::Sqlite => scratch.db.display().to_string(),
        Backend::Postgres(_) => backend.fresh("sigterm").await.target,
    };
    let args = with_flag(scratch.args(), "--db", db.clone());
    let mut server = Running::start(Running::command(&args))?;
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::new();

    // One client sent a single byte and stays connected.
    let mut slow = std::net::TcpStream::connect(server.addr)?;
    slow.write_all(b"P")?;

    // Responses are being posted when SIGTERM arrives.
    let mut posts = tokio::task::JoinSet::new();
    for i in 0..40 {
        let client = client.clone();
        let url = format!("{base}/v1/responses");
        let id = format!("term-{i}");
        posts.spawn(async move {
            let resp = client
                .post(url)
                .header("content-type", "application/json")
                .body(valid(&id).to_string())
                .send()
                .await;
            (id, resp.map(|r| r.status().as_u16()).ok())
        });
    }
    // One acknowledged for sure just before the signal.
    let resp = client
        .post(format!("{base}/v1/responses"))
        .header("content-type", "application/json")
        .body(valid("before-term").to_string())
        .send()
        .await?;
    assert_eq!(resp.status(), 201);

    assert!(server.terminate());
    let signalled = Instant::now();
    let status = tokio::task::spawn_blocking(move || {
        let status = wait_for(&mut server.child, shutdown + Duration::from_secs(5));
        (status, server)
    });
    let mut acknowledged = vec!["before-term".to_owned()];
    while let Some(joined) = posts.join_next().await {
        if let (id, Some(201)) = joined? {
            acknowledged.push(id);
        }
    }
    let (status, server) = status.await?;
    let took = signalled.elapsed();
    let status = status.ok_or("the collector was still running after the deadline")?;
    assert!(status.success(), "exit status {status}");
    assert!(
        took <= shutdown + Duration::from_millis(1500),
        "exit took {took:?}"
    );
    let stderr = server.stderr().join("\n");
    assert!(stderr.contains("shutting down"), "{stderr}");
    drop(slow);

    // Every acknowledged response is committed.
    let target = rapport_server::store::DbTarget::parse(std::path::Path::new(&db))?;
    let store = rapport_server::store::open(&target).await?;
    let filter = rapport_server::store::ExportFilter {
        site: "demo".into(),
        ..Default::default()
    };
    let stored: std::collections::HashSet<String> =
        rapport_server::store::list_all(store.as_ref(), filter)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
    for id in &acknowledged {
        assert!(stored.contains(id), "{id} was acknowledged with 201 but is not stored");
    }
    eprintln!(
        "SIGTERM with a slow client connected: exit 0 after {took:?}; {} acknowledged responses all stored",
        acknowledged.len()
    );
    Ok(())
}
}

#[tokio::test]
async fn running_out_of_file_descriptors_is_logged_and_survived() -> TestResult {
    let mut config = fixture();
    config["timeouts"] = json!({ "headerRead": 1 });
    let scratch = Scratch::new(&config.to_string())?;
    // A hard limit of 64 descriptors, so that a few idle connections exhaust it.
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" \"$@\"")
        .arg(common::binary::BIN)
        .args(scratch.args());
    let server = Running::start(command)?;

    let mut idle = Vec::new();
    for _ in 0..120 {
        idle.push(tokio::net::TcpStream::connect(server.addr).await?);
    }
    // It says why it stopped accepting …
    let deadline = Instant::now() + Duration::from_secs(10);
    let logged = loop {
        let lines = server.stderr();
        if let Some(line) = lines.iter().find(|l| l.contains("accept failed")) {
            break line.clone();
        }
        assert!(Instant::now() < deadline, "nothing logged: {lines:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(logged.contains("out of file descriptors"), "{logged}");
    // … does not spin while it cannot accept …
    let before = server.cpu_ticks().ok_or("no /proc stat")?;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let spent = server.cpu_ticks().ok_or("no /proc stat")? - before;
    assert!(
        spent < 25,
        "{spent} CPU ticks in 0.7 s while out of descriptors"
    );
    // … and serves again once the idle connections are timed out.
    drop(idle);
    let started = Instant::now();
    let client = reqwest::Client::new();
    let health = client
        .get(format!("http://{}/healthz", server.addr))
        .timeout(Duration::from_secs(10))
        .send()
        .await?;
    assert_eq!(health.status(), 200);
    eprintln!(
        "out of descriptors: logged {logged:?}; {spent} CPU ticks in 0.7 s; served again after {:?}",
        started.elapsed()
    );
    Ok(())
}
