//! The connection edge under abuse: thousands of idle and slow-drip connections are closed
//! after the configured timeouts while a normal client keeps being answered promptly; an
//! oversized `Content-Length` is refused before the body; forwarding headers count only
//! from trusted proxies.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

const HEADER_READ: Duration = Duration::from_secs(3);
const BODY_READ: Duration = Duration::from_secs(3);
/// Allowed lateness of a close (accept queue, a loaded 2-core machine).
const SLACK: Duration = Duration::from_millis(2500);

/// Raises this process's soft open-file limit to the hard one and returns how many test
/// connections fit in it (the collector raises its own limit the same way).
fn connection_budget(wanted: usize) -> usize {
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let soft = rlimit::getrlimit(rlimit::Resource::NOFILE)
        .map(|(soft, _)| soft)
        .unwrap_or(1024);
    let fit = usize::try_from(soft)
        .unwrap_or(usize::MAX)
        .saturating_sub(200);
    wanted.min(fit)
}

/// How a test connection ended.
#[derive(Debug)]
struct Closed {
    /// From connect to the server closing it.
    after: Duration,
    /// The first bytes the server sent, if any.
    answer: String,
}

/// Counts connections that are established.
type Connected = Arc<AtomicUsize>;

/// Connects and sends nothing; returns when the server closes the connection.
async fn idle(addr: SocketAddr, give_up: Duration, connected: Connected) -> Result<Closed, String> {
    let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let opened = Instant::now();
    connected.fetch_add(1, Ordering::Relaxed);
    let mut buf = vec![0u8; 256];
    match tokio::time::timeout(give_up, stream.read(&mut buf)).await {
        Ok(Ok(n)) => Ok(Closed {
            after: opened.elapsed(),
            answer: String::from_utf8_lossy(&buf[..n]).into_owned(),
        }),
        Ok(Err(_)) => Ok(Closed {
            after: opened.elapsed(),
            answer: String::new(),
        }),
        Err(_) => Err(format!("still open after {give_up:?}")),
    }
}

/// Sends `head` and then one byte of `drip` (if any) every 500 ms; returns when the server
/// closes the connection (reading what it answered first).
async fn drip(
    addr: SocketAddr,
    head: &str,
    drip: Option<u8>,
    give_up: Duration,
    connected: Connected,
) -> Result<Closed, String> {
    let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let opened = Instant::now();
    connected.fetch_add(1, Ordering::Relaxed);
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    let mut buf = vec![0u8; 512];
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        if opened.elapsed() > give_up {
            return Err(format!("still open after {give_up:?}"));
        }
        tokio::select! {
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            },
            _ = tick.tick(), if drip.is_some() => {
                if let Some(byte) = drip {
                    if stream.write_all(&[byte]).await.is_err() {
                        // Closed: whatever it answered before may still be readable.
                        let mut rest = Vec::new();
                        let _ = tokio::time::timeout(
                            Duration::from_millis(200),
                            stream.read_to_end(&mut rest),
                        )
                        .await;
                        answer.extend_from_slice(&rest);
                        break;
                    }
                }
            }
        }
    }
    Ok(Closed {
        after: opened.elapsed(),
        answer: String::from_utf8_lossy(&answer).into_owned(),
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// The kinds of abusive connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Abuse {
    Idle,
    SlowHeaders,
    SlowBody,
}

/// Opens `total` abusive connections to `addr` from a runtime of its own (so that the
/// normal client's timings are not those of a task queue shared with 3,000 others) and
/// returns how each ended.
fn abuse(
    addr: SocketAddr,
    total: usize,
    connected: Connected,
) -> std::thread::JoinHandle<Vec<(Abuse, Result<Closed, String>)>> {
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return Vec::new();
        };
        rt.block_on(async move {
            let give_up = HEADER_READ + SLACK + Duration::from_secs(5);
            let mut set = JoinSet::new();
            for i in 0..total {
                let connected = connected.clone();
                let kind = match i % 10 {
                    1 => Abuse::SlowBody,
                    0 | 3 | 6 => Abuse::SlowHeaders,
                    _ => Abuse::Idle,
                };
                set.spawn(async move {
                    let closed = match kind {
                        Abuse::Idle => idle(addr, give_up, connected).await,
                        Abuse::SlowHeaders => {
                            let head = "POST /v1/responses HTTP/1.1\r\nHost: x\r\nX-Drip: ";
                            drip(addr, head, Some(b'a'), give_up, connected).await
                        }
                        Abuse::SlowBody => {
                            let head = "POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n";
                            drip(addr, head, Some(b' '), give_up, connected).await
                        }
                    };
                    (kind, closed)
                });
            }
            let mut out = Vec::with_capacity(total);
            while let Some(Ok(result)) = set.join_next().await {
                out.push(result);
            }
            out
        })
    })
}

#[tokio::test]
async fn idle_and_slow_connections_are_closed_while_a_normal_client_is_served() -> TestResult {
    let total = connection_budget(3_000);
    assert!(
        total >= 1_000,
        "only {total} connections fit the open-file limit"
    );
    let mut config = fixture();
    config["timeouts"] = json!({
        "headerRead": HEADER_READ.as_secs_f64(),
        "bodyRead": BODY_READ.as_secs_f64(),
    });
    // The real collector in a process of its own, as deployed.
    let scratch = binary::Scratch::new(&config.to_string())?;
    let server = binary::Running::start(binary::Running::command(&scratch.args()))?;
    let base = format!("http://{}", server.addr);

    let connected = Connected::default();
    let opening = Instant::now();
    let abusers = abuse(server.addr, total, connected.clone());
    while connected.load(Ordering::Relaxed) < total {
        assert!(
            opening.elapsed() < HEADER_READ,
            "only {} of {total} connections established",
            connected.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let opened_in = opening.elapsed();

    // Meanwhile a normal client, one fresh connection per request, is answered promptly:
    // through the timeouts firing and for a while after.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    let mut latencies = Vec::new();
    let until = opening + HEADER_READ + Duration::from_millis(1500);
    let mut n = 0;
    while Instant::now() < until {
        let started = Instant::now();
        let resp = client
            .post(format!("{base}/v1/responses"))
            .header("content-type", "application/json")
            .body(valid(&format!("normal-{n}")).to_string())
            .send()
            .await?;
        assert_eq!(resp.status(), 201);
        latencies.push(started.elapsed());
        n += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    latencies.sort();
    let p99 = percentile(&latencies, 0.99);
    let max = latencies.last().copied().unwrap_or_default();
    eprintln!(
        "{total} abusive connections opened in {opened_in:?}; normal client: {} requests, p50 {:?}, p99 {p99:?}, max {max:?}",
        latencies.len(),
        percentile(&latencies, 0.5)
    );
    assert!(
        max < Duration::from_secs(1),
        "a normal request took {max:?}"
    );

    // Every idle and slow connection was closed by the server, after its timeout.
    let results = tokio::task::spawn_blocking(move || abusers.join())
        .await?
        .map_err(|_| "the abusing thread panicked")?;
    assert_eq!(results.len(), total);
    let mut report = Vec::new();
    for (kind, limit) in [
        (Abuse::Idle, HEADER_READ),
        (Abuse::SlowHeaders, HEADER_READ),
        (Abuse::SlowBody, BODY_READ),
    ] {
        let mut closes = Vec::new();
        for (_, result) in results.iter().filter(|(k, _)| *k == kind) {
            let closed = result.as_ref().map_err(|e| format!("{kind:?}: {e}"))?;
            // A 408 is sent to a slow body; but bytes still dripping in when the server
            // closes make its kernel reset the connection, which may discard the answer.
            let expected = match kind {
                Abuse::SlowBody => {
                    closed.answer.is_empty() || closed.answer.starts_with("HTTP/1.1 408")
                }
                _ => !closed.answer.starts_with("HTTP/1.1 2"),
            };
            assert!(expected, "{kind:?}: {:?}", closed.answer);
            closes.push(closed.after);
        }
        closes.sort();
        let (first, last) = (closes[0], closes[closes.len() - 1]);
        report.push(format!(
            "{} {kind:?} closed after {first:?}..{last:?}",
            closes.len()
        ));
        // (A close is timed from the client's connect.)
        assert!(
            first >= limit.mul_f64(0.8),
            "{kind:?}: closed early, after {first:?}"
        );
        assert!(
            last <= limit + SLACK,
            "{kind:?}: closed late, after {last:?}"
        );
    }
    eprintln!("{}", report.join("; "));
    assert_eq!(
        client.get(format!("{base}/healthz")).send().await?.status(),
        200
    );
    assert!(server.terminate());
    Ok(())
}

backend_tests! {
#[tokio::test]
async fn oversized_content_length_is_refused_before_the_body_is_read(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let mut stream = TcpStream::connect(t.server.addr()).await?;
    // Only the head: a server that waited for the body would not answer (its default
    // body deadline is 30 s).
    stream
        .write_all(b"POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n")
        .await?;
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(3), stream.read(&mut buf)).await??;
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("\"payload_too_large\""), "{text}");
    t.stop().await;
    Ok(())
}
}

backend_tests! {
#[tokio::test]
async fn a_stalled_body_gets_408_with_a_json_error(db: Backend) -> TestResult {
    let mut config = fixture();
    config["timeouts"] = json!({ "bodyRead": 0.5 });
    let t = TestServer::with_config(&db, config).await;
    let closed = drip(
        t.server.addr(),
        "POST /v1/responses HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
        None,
        Duration::from_secs(5),
        Connected::default(),
    )
    .await?;
    assert!(
        closed.answer.starts_with("HTTP/1.1 408"),
        "{}",
        closed.answer
    );
    assert!(
        closed.answer.contains("\"request_timeout\""),
        "{}",
        closed.answer
    );
    assert!(closed.after < Duration::from_secs(3), "{:?}", closed.after);
    t.stop().await;
    Ok(())
}
}

async fn post_from(t: &TestServer, id: &str, header: Option<(&str, &str)>) -> u16 {
    let mut req = t
        .client
        .post(t.url("/v1/responses"))
        .header("content-type", "application/json")
        .body(valid(id).to_string());
    if let Some((name, value)) = header {
        req = req.header(name, value);
    }
    req.send().await.map(|r| r.status().as_u16()).unwrap_or(0)
}

backend_tests! {
#[tokio::test]
async fn forwarding_headers_count_only_from_trusted_proxies(db: Backend) -> TestResult {
    let limited = json!({ "burst": 1, "perSecond": 0.001 });

    // Behind a trusted proxy (the test client is 127.0.0.1): one allowance per client.
    let mut config = fixture();
    config["rateLimit"] = limited.clone();
    config["trustedProxies"] = json!(["127.0.0.1"]);
    let t = TestServer::with_config(&db, config).await;
    let a = Some(("x-forwarded-for", "203.0.113.1"));
    assert_eq!(post_from(&t, "p1", a).await, 201);
    assert_eq!(post_from(&t, "p2", a).await, 429);
    // A spoofed entry left of the proxy's own does not make a new client.
    assert_eq!(
        post_from(
            &t,
            "p3",
            Some(("x-forwarded-for", "198.51.100.9, 203.0.113.1"))
        )
        .await,
        429
    );
    assert_eq!(
        post_from(&t, "p4", Some(("x-forwarded-for", "203.0.113.2"))).await,
        201
    );
    assert_eq!(
        post_from(&t, "p5", Some(("forwarded", "for=\"203.0.113.2:5555\""))).await,
        429
    );
    assert_eq!(
        post_from(&t, "p6", Some(("forwarded", "for=\"[2001:db8::1]\""))).await,
        201
    );
    t.stop().await;

    // Without trustedProxies the headers are ignored: everyone here is 127.0.0.1.
    let mut config = fixture();
    config["rateLimit"] = limited;
    let t = TestServer::with_config(&db, config).await;
    assert_eq!(
        post_from(&t, "q1", Some(("x-forwarded-for", "203.0.113.1"))).await,
        201
    );
    assert_eq!(
        post_from(&t, "q2", Some(("x-forwarded-for", "203.0.113.2"))).await,
        429
    );
    assert_eq!(
        post_from(&t, "q3", Some(("forwarded", "for=203.0.113.3"))).await,
        429
    );
    t.stop().await;
    Ok(())
}
}
