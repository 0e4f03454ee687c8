//! `rapport-loadgen`: benchmarks of the collector.
//!
//! * **POST load** (default): starts a collector in-process on a temp SQLite file (or
//!   targets `--url`, repeatable: the clients are spread over every instance), runs N
//!   concurrent keep-alive HTTP/1.1 clients that POST unique valid responses for D
//!   seconds, then prints throughput, latency percentiles, and checks that the number of
//!   stored rows (read through the streamed export) equals the number of 201 answers.
//! * **Seed** (`--seed N --db TARGET`): writes N responses straight into a database through
//!   the store (no HTTP), for the export benchmark.
//! * **Export** (`--export FORMAT --url URL`): downloads a whole site's export as a client
//!   would, counting bytes and lines, while probing `/healthz` every 50 ms; prints the time
//!   and the slowest health answer.
//!
//! ```text
//! rapport-loadgen [--clients 32] [--duration 10] [--url http://127.0.0.1:8080 ...
//!                  --site demo --survey post-purchase --question nps --token ADMIN]
//! rapport-loadgen --seed 1000000 --db postgres://… --site e2e --survey s --question q
//! rapport-loadgen --export csv --url http://127.0.0.1:8080 --site e2e --token ADMIN
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use rapport_server::bench::{connect, percentile_ms, positive, seconds, Flags};
use rapport_server::config::ServerConfig;
use rapport_server::store::{DbTarget, StoredResponse};
use rapport_server::{start, ServerOptions};

const USAGE: &str = "usage: rapport-loadgen [--clients N] [--duration SECS] [--url URL ... --site ID --survey ID --question ID [--token ADMIN]]
       rapport-loadgen --seed N --db PATH|URL --site ID --survey ID --question ID
       rapport-loadgen --export json|ndjson|csv --url URL --site ID --token ADMIN";

/// The in-process collector's configuration: one site, one NPS + comment survey, no
/// effective rate limit (every client shares 127.0.0.1).
const BENCH_CONFIG: &str = r#"{
  "sites": [{ "site": "bench", "origins": [], "adminToken": "bench-admin-token-0123456789",
    "surveys": [{ "id": "s", "questions": [
      { "id": "nps", "type": "nps", "text": "Recommend us?", "required": true },
      { "id": "comment", "type": "openText", "text": "Why?" } ] }] }],
  "rateLimit": { "burst": 1000000000, "perSecond": 1000000000 }
}"#;

#[derive(Debug, Clone)]
struct Options {
    clients: usize,
    duration: Duration,
    urls: Vec<String>,
    seed: Option<u64>,
    db: Option<String>,
    export: Option<String>,
    site: String,
    survey: String,
    question: String,
    token: Option<String>,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        clients: 32,
        duration: Duration::from_secs(10),
        urls: Vec::new(),
        seed: None,
        db: None,
        export: None,
        site: "bench".into(),
        survey: "s".into(),
        question: "nps".into(),
        token: None,
    };
    let mut flags = Flags::from_env(USAGE);
    while let Some((flag, value)) = flags.next_pair()? {
        match flag.as_str() {
            "--clients" => o.clients = positive(&flag, &value)? as usize,
            "--duration" => o.duration = seconds(&flag, &value)?,
            "--url" => o.urls.push(value.trim_end_matches('/').to_owned()),
            "--seed" => o.seed = Some(positive(&flag, &value)?),
            "--db" => o.db = Some(value),
            "--export" => o.export = Some(value),
            "--site" => o.site = value,
            "--survey" => o.survey = value,
            "--question" => o.question = value,
            "--token" => o.token = Some(value),
            _ => return Err(flags.unknown(&flag)),
        }
    }
    Ok(o)
}

#[derive(Default)]
struct ClientStats {
    created: u64,
    other: u64,
    errors: u64,
    latencies_us: Vec<u32>,
}

async fn client(
    addr: SocketAddr,
    host: String,
    o: Options,
    index: usize,
    nonce: u64,
    until: Instant,
) -> ClientStats {
    let mut stats = ClientStats::default();
    let Ok(mut sender) = connect(addr).await else {
        stats.errors += 1;
        return stats;
    };
    let mut n: u64 = 0;
    while Instant::now() < until {
        n += 1;
        let body = format!(
            r#"{{"id":"bench-{nonce:x}-{index}-{n}","site":"{}","survey":"{}","answers":[{{"question":"{}","value":{}}}],"locale":"en","url":"https://shop.example/order/{n}","createdAt":"2026-11-22T10:00:00Z"}}"#,
            o.site,
            o.survey,
            o.question,
            n % 11
        );
        let req = Request::post("/v1/responses")
            .header("host", &host)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)));
        let Ok(req) = req else {
            stats.errors += 1;
            break;
        };
        let started = Instant::now();
        match sender.send_request(req).await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let _ = resp.into_body().collect().await;
                let us = started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
                stats.latencies_us.push(us);
                if status == 201 {
                    stats.created += 1;
                } else {
                    stats.other += 1;
                }
            }
            Err(_) => {
                stats.errors += 1;
                break;
            }
        }
    }
    stats
}

/// The `p`th percentile of `sorted` latencies (µs), ms; 0 for none.
fn percentile(sorted: &[u32], p: f64) -> f64 {
    percentile_ms(sorted, p).unwrap_or(0.0)
}

/// Streams `GET /v1/responses?site=…&format=FORMAT` and hands each body chunk to `each`.
async fn stream_export(
    addr: SocketAddr,
    host: &str,
    site: &str,
    token: &str,
    format: &str,
    mut each: impl FnMut(&[u8]),
) -> Result<(), String> {
    let mut sender = connect(addr).await?;
    let req = Request::get(format!("/v1/responses?site={site}&format={format}"))
        .header("host", host)
        .header("authorization", format!("Bearer {token}"))
        .body(Full::new(Bytes::new()))
        .map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    if resp.status() != 200 {
        return Err(format!("export answered {}", resp.status()));
    }
    let mut body = resp.into_body();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("export cut short: {e}"))?;
        if let Some(data) = frame.data_ref() {
            each(data);
        }
    }
    Ok(())
}

/// Rows of this run (ids starting with its nonce) in the site's NDJSON export, read as a
/// stream: the check itself stays small whatever the table's size.
async fn count_rows_via_export(
    addr: SocketAddr,
    host: &str,
    site: &str,
    token: &str,
    nonce: u64,
) -> Result<u64, String> {
    let needle = format!("{{\"id\":\"bench-{nonce:x}-");
    let mut count = 0u64;
    let mut line: Vec<u8> = Vec::new();
    stream_export(addr, host, site, token, "ndjson", |chunk| {
        for part in chunk.split_inclusive(|&b| b == b'\n') {
            line.extend_from_slice(part);
            if line.ends_with(b"\n") {
                count += u64::from(line.starts_with(needle.as_bytes()));
                line.clear();
            }
        }
    })
    .await?;
    Ok(count)
}

/// `--seed`: N responses written through the store, 64 inserts in flight.
async fn seed(o: &Options, n: u64, nonce: u64) -> Result<(), String> {
    let target = o.db.as_deref().ok_or("--seed needs --db")?;
    let target = DbTarget::parse(std::path::Path::new(target)).map_err(|e| e.to_string())?;
    let store = rapport_server::store::open(&target)
        .await
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let workers = 64u64;
    let tasks: Vec<_> = (0..workers)
        .map(|w| {
            let store = store.clone();
            let o = o.clone();
            tokio::spawn(async move {
                let mut i = w;
                while i < n {
                    let response = StoredResponse {
                        id: format!("seed-{nonce:x}-{i:08}"),
                        site: o.site.clone(),
                        survey: o.survey.clone(),
                        answers_json: format!(
                            r#"[{{"question":"{}","value":{}}}]"#,
                            o.question,
                            i % 11
                        ),
                        locale: Some("en".into()),
                        url: Some(format!("https://shop.example/order/{i}")),
                        user_id: Some(format!("customer-{}", i % 50_000)),
                        traits_json: Some(format!(
                            r#"{{"email":"c{}@shop.example","plan":"pro"}}"#,
                            i % 50_000
                        )),
                        created_at: Some("2026-11-22T10:00:00Z".into()),
                        received_at: rapport_server::clock::now_rfc3339(),
                        partial: false,
                        customer: None,
                    };
                    store.insert(response).await.map_err(|e| e.to_string())?;
                    i += workers;
                }
                Ok::<_, String>(())
            })
        })
        .collect();
    for t in tasks {
        t.await.map_err(|e| e.to_string())??;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "rapport-loadgen: seeded {n} responses into {} in {secs:.1} s ({:.0}/s); {} rows in all",
        target.display(),
        n as f64 / secs,
        store.count().await.map_err(|e| e.to_string())?
    );
    Ok(())
}

/// `--export`: one whole-site export as a client downloads it, with `/healthz` probed
/// every 50 ms meanwhile. Prints one JSON line with the figures.
async fn export(o: &Options, format: &str) -> Result<(), String> {
    let url = o.urls.first().ok_or("--export needs --url")?;
    let token = o.token.as_deref().ok_or("--export needs --token")?;
    let (addr, host) = resolve(url).await?;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let probe = {
        let done = done.clone();
        let host = host.clone();
        tokio::spawn(async move {
            let mut worst = Duration::ZERO;
            let mut probes = 0u32;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let started = Instant::now();
                if health(addr, &host).await.is_ok() {
                    worst = worst.max(started.elapsed());
                    probes += 1;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            (worst, probes)
        })
    };
    let started = Instant::now();
    let (mut bytes, mut lines) = (0u64, 0u64);
    let result = stream_export(addr, &host, &o.site, token, format, |chunk| {
        bytes += chunk.len() as u64;
        lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
    })
    .await;
    let secs = started.elapsed().as_secs_f64();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let (worst, probes) = probe.await.map_err(|e| e.to_string())?;
    result?;
    println!(
        r#"{{"format":"{format}","seconds":{secs:.3},"bytes":{bytes},"lines":{lines},"healthz_probes":{probes},"healthz_worst_ms":{:.1}}}"#,
        worst.as_secs_f64() * 1000.0
    );
    Ok(())
}

async fn health(addr: SocketAddr, host: &str) -> Result<(), String> {
    let mut sender = connect(addr).await?;
    let req = Request::get("/healthz")
        .header("host", host)
        .body(Full::new(Bytes::new()))
        .map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let _ = resp.into_body().collect().await;
    Ok(())
}

async fn resolve(url: &str) -> Result<(SocketAddr, String), String> {
    let host = url.strip_prefix("http://").unwrap_or(url).to_owned();
    tokio::net::lookup_host(&host)
        .await
        .ok()
        .and_then(|mut a| a.next())
        .map(|addr| (addr, host))
        .ok_or_else(|| format!("cannot resolve {url} (http:// only)"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let o = match parse_args() {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);

    if let Some(n) = o.seed {
        return report(seed(&o, n, nonce).await);
    }
    if let Some(format) = o.export.clone() {
        return report(export(&o, &format).await);
    }

    // Either an in-process server on a temp DB, or the given URLs.
    let mut local = None;
    let mut targets: Vec<(SocketAddr, String)> = Vec::new();
    if o.urls.is_empty() {
        let config = match ServerConfig::from_json(BENCH_CONFIG) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("rapport-loadgen: {e}");
                return ExitCode::FAILURE;
            }
        };
        let db = std::env::temp_dir().join(format!("rapport-loadgen-{nonce:x}.sqlite"));
        match start(ServerOptions::new(config, db.clone())).await {
            Ok(server) => {
                let addr = server.addr();
                local = Some((server, db));
                targets.push((addr, addr.to_string()));
            }
            Err(e) => {
                eprintln!("rapport-loadgen: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    for url in &o.urls {
        match resolve(url).await {
            Ok(target) => targets.push(target),
            Err(e) => {
                eprintln!("rapport-loadgen: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let Some((addr, host)) = targets.first().cloned() else {
        return ExitCode::from(2);
    };

    let started = Instant::now();
    let until = started + o.duration;
    let tasks: Vec<_> = (0..o.clients)
        .map(|i| {
            let (addr, host) = targets[i % targets.len()].clone();
            tokio::spawn(client(addr, host, o.clone(), i, nonce, until))
        })
        .collect();
    let mut total = ClientStats::default();
    for t in tasks {
        if let Ok(s) = t.await {
            total.created += s.created;
            total.other += s.other;
            total.errors += s.errors;
            total.latencies_us.extend(s.latencies_us);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    total.latencies_us.sort_unstable();

    let stored = match &local {
        Some((server, _)) => server.store().count().await.map_err(|e| e.to_string()),
        None => match &o.token {
            Some(token) => count_rows_via_export(addr, &host, &o.site, token, nonce).await,
            None => Err("not checked (pass --token to verify via export)".into()),
        },
    };

    let requests = total.created + total.other;
    println!("rapport-loadgen: POST /v1/responses");
    println!("| metric              | value |");
    println!("| ------------------- | ----- |");
    println!("| clients (keep-alive)| {} |", o.clients);
    println!("| instances           | {} |", targets.len());
    println!("| duration            | {elapsed:.2} s |");
    println!("| requests            | {requests} |");
    println!("| 201 stored          | {} |", total.created);
    println!("| other status        | {} |", total.other);
    println!("| transport errors    | {} |", total.errors);
    println!(
        "| throughput          | {:.0} req/s |",
        requests as f64 / elapsed
    );
    println!(
        "| latency p50         | {:.2} ms |",
        percentile(&total.latencies_us, 50.0)
    );
    println!(
        "| latency p99         | {:.2} ms |",
        percentile(&total.latencies_us, 99.0)
    );
    let ok = match &stored {
        Ok(rows) => {
            println!("| rows in DB          | {rows} |");
            *rows == total.created
        }
        Err(msg) => {
            println!("| rows in DB          | {msg} |");
            true
        }
    };
    if let Some((server, db)) = local {
        server.stop().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
    }
    if !ok || total.errors > 0 || total.other > 0 {
        println!("FAILED: rows stored != 201 answers, or errors occurred");
        return ExitCode::FAILURE;
    }
    println!("OK: every 201 is a stored row");
    println!(
        r#"{{"instances":{},"clients":{},"seconds":{elapsed:.3},"requests":{requests},"created":{},"per_second":{:.0},"p50_ms":{:.2},"p99_ms":{:.2},"rows":{}}}"#,
        targets.len(),
        o.clients,
        total.created,
        requests as f64 / elapsed,
        percentile(&total.latencies_us, 50.0),
        percentile(&total.latencies_us, 99.0),
        stored.as_ref().map_or(-1, |&n| n as i64)
    );
    ExitCode::SUCCESS
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rapport-loadgen: {e}");
            ExitCode::FAILURE
        }
    }
}
