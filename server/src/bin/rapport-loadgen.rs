//! `rapport-loadgen`: sustained-throughput benchmark of `POST /v1/responses`.
//!
//! Starts a collector in-process on a temp SQLite file (or targets `--url`), runs N
//! concurrent keep-alive HTTP/1.1 clients that POST unique valid responses for D seconds,
//! then prints throughput, latency percentiles, and checks that the number of stored rows
//! equals the number of 201 answers (nothing lost).
//!
//! ```text
//! rapport-loadgen [--clients 32] [--duration 10] [--url http://127.0.0.1:8080
//!                  --site demo --survey post-purchase --question nps --token ADMIN]
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use rapport_server::config::ServerConfig;
use rapport_server::store::ResponseStore;
use rapport_server::{start, ServerOptions};
use tokio::net::TcpStream;

const USAGE: &str = "usage: rapport-loadgen [--clients N] [--duration SECS] [--url URL --site ID --survey ID --question ID [--token ADMIN]]";

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
    url: Option<String>,
    site: String,
    survey: String,
    question: String,
    token: Option<String>,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        clients: 32,
        duration: Duration::from_secs(10),
        url: None,
        site: "bench".into(),
        survey: "s".into(),
        question: "nps".into(),
        token: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.into());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--clients" => {
                o.clients = value
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or("--clients: expected a positive integer")?
            }
            "--duration" => {
                let secs: f64 = value
                    .parse()
                    .ok()
                    .filter(|s: &f64| *s > 0.0 && *s <= 600.0)
                    .ok_or("--duration: expected seconds in (0, 600]")?;
                o.duration = Duration::from_secs_f64(secs);
            }
            "--url" => o.url = Some(value.trim_end_matches('/').to_owned()),
            "--site" => o.site = value,
            "--survey" => o.survey = value,
            "--question" => o.question = value,
            "--token" => o.token = Some(value),
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
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
    let stream = match TcpStream::connect(addr).await {
        Ok(s) => s,
        Err(_) => {
            stats.errors += 1;
            return stats;
        }
    };
    let _ = stream.set_nodelay(true);
    let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
    else {
        stats.errors += 1;
        return stats;
    };
    tokio::spawn(conn);
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

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    f64::from(sorted[rank.min(sorted.len() - 1)]) / 1000.0
}

async fn count_rows_via_export(
    addr: SocketAddr,
    host: &str,
    site: &str,
    token: &str,
    nonce: u64,
) -> Result<u64, String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let req = Request::get(format!("/v1/responses?site={site}&format=json"))
        .header("host", host)
        .header("authorization", format!("Bearer {token}"))
        .body(Full::new(Bytes::new()))
        .map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let body = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let prefix = format!("bench-{nonce:x}-");
    Ok(rows
        .iter()
        .filter(|r| r["id"].as_str().is_some_and(|id| id.starts_with(&prefix)))
        .count() as u64)
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

    // Either an in-process server on a temp DB, or the given URL.
    let mut local = None;
    let (addr, host) = match &o.url {
        None => {
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
                    (addr, addr.to_string())
                }
                Err(e) => {
                    eprintln!("rapport-loadgen: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        Some(url) => {
            let host = url.strip_prefix("http://").unwrap_or(url).to_owned();
            match tokio::net::lookup_host(&host)
                .await
                .ok()
                .and_then(|mut a| a.next())
            {
                Some(addr) => (addr, host),
                None => {
                    eprintln!("rapport-loadgen: cannot resolve {url} (http:// only)");
                    return ExitCode::from(2);
                }
            }
        }
    };

    let started = Instant::now();
    let until = started + o.duration;
    let tasks: Vec<_> = (0..o.clients)
        .map(|i| tokio::spawn(client(addr, host.clone(), o.clone(), i, nonce, until)))
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
    ExitCode::SUCCESS
}
