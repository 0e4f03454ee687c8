//! Outbound reward webhooks to an `https://` endpoint, on both backends, with no network:
//! a local TLS receiver whose self-signed certificate is made by the test (rcgen). The
//! collector refuses it while nothing vouches for the certificate (the event waits and is
//! retried, the reason recorded), and delivers it, signed, once the configuration names the
//! certificate as `rootCertificate`.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use rapport_server::clock::{Clock, FakeClock};
use rapport_server::jobs::outbox::POLL;
use rapport_server::loyalty::signature::{standard_key, verify_standard, StandardHeaders};
use rapport_server::loyalty::token::{mint, CustomerClaims};
use serde_json::{json, Value};
use tokio_rustls::rustls;

const SECRET: &str = "loyalty-test-secret-0123456789abcdef";
const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// 2027-01-15T08:00:00Z.
const T0: i64 = 1_800_000_000_000;

type Seen = Arc<Mutex<Vec<(hyper::HeaderMap, Vec<u8>)>>>;

/// A store's webhook endpoint over TLS on 127.0.0.1, with a fresh self-signed certificate
/// for `127.0.0.1` and `localhost`; answers 200 to every POST and records it.
struct TlsReceiver {
    url: String,
    certificate_pem: String,
    seen: Seen,
}

impl TlsReceiver {
    async fn start() -> Result<Self, Box<dyn std::error::Error>> {
        let made = rcgen::generate_simple_self_signed(vec![
            "127.0.0.1".to_owned(),
            "localhost".to_owned(),
        ])?;
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(made.key_pair.serialize_der().into());
        // The crate's one crypto provider (ring, as for the collector's client).
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![made.cert.der().clone()], key)?;
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("https://{}/hooks", listener.local_addr()?);
        let seen: Seen = Arc::default();
        let recorded = seen.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    // A client that refuses the certificate ends the handshake: nothing to serve.
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = hyper::service::service_fn(
                        move |req: hyper::Request<hyper::body::Incoming>| {
                            let recorded = recorded.clone();
                            async move {
                                let (parts, body) = req.into_parts();
                                let body = body.collect().await?.to_bytes().to_vec();
                                if let Ok(mut s) = recorded.lock() {
                                    s.push((parts.headers, body));
                                }
                                Ok::<_, hyper::Error>(hyper::Response::new(
                                    http_body_util::Empty::<axum::body::Bytes>::new(),
                                ))
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        Ok(TlsReceiver {
            url,
            certificate_pem: made.cert.pem(),
            seen,
        })
    }

    fn requests(&self) -> Vec<(hyper::HeaderMap, Vec<u8>)> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

fn config(outbound: Value) -> Value {
    let mut c = fixture();
    c["sites"][0]["loyalty"] = json!({
        "customerTokenSecret": SECRET,
        "rewards": [{ "id": "ship", "kind": "freeShipping", "points": 300 }],
        "outboundWebhook": outbound,
    });
    c
}

async fn wait_until<F, Fut>(mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(POLL).await;
    }
    panic!("condition not met within {:?}", POLL * 100);
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reward_events_reach_an_https_endpoint(db: Backend) -> TestResult {
    let hook = TlsReceiver::start().await?;
    let clock = Arc::new(FakeClock::new(T0));
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    // First without `rootCertificate`: the self-signed certificate is not trusted.
    let untrusted = config(json!({ "url": hook.url, "secret": WHSEC }));
    let t = TestServer::with_clock(untrusted, db.fresh("https-hooks").await, None, Some(dyn_clock.clone())).await;
    let adjust = t.client.post(t.url("/v1/sites/demo/loyalty/adjustments")).bearer_auth(ADMIN)
        .json(&json!({"id": "a1", "customer": "c1", "points": 500, "reason": "test", "actor": "ops"}))
        .send().await?;
    assert_eq!(adjust.status(), 201);
    let token = mint(SECRET.as_bytes(), &CustomerClaims::new("c1", "demo", T0 / 1000, 600))?;
    let redeemed = t.client.post(t.url("/v1/sites/demo/loyalty/reward-redemptions")).bearer_auth(&token)
        .json(&json!({"id": "rr1", "reward": "ship"})).send().await?;
    assert_eq!(redeemed.status(), 201);
    let code = redeemed.json::<Value>().await?["code"].as_str().unwrap_or_default().to_owned();
    wait_until(|| async { t.server.store().loyalty().outbox_states("demo".into()).await.map(|s| s.first().is_some_and(|e| e.attempts >= 1)).unwrap_or(false) }).await;
    let state = t.server.store().loyalty().outbox_states("demo".into()).await?;
    let error = state[0].last_error.clone().unwrap_or_default();
    assert!(error.contains("certificate"), "the reason names the certificate: {error}");
    assert_eq!(state[0].delivered_at, None);
    assert!(hook.requests().is_empty(), "nothing reached the endpoint");
    let db = t.stop().await;

    // With the certificate named in the configuration, the retry is delivered over TLS.
    let trusted = config(json!({ "url": hook.url, "secret": WHSEC, "rootCertificate": hook.certificate_pem }));
    clock.advance(60_000);
    let t = TestServer::with_clock(trusted, db, None, Some(dyn_clock)).await;
    wait_until(|| async { t.server.store().loyalty().outbox_states("demo".into()).await.map(|s| s[0].delivered_at.is_some()).unwrap_or(false) }).await;
    let got = hook.requests();
    assert_eq!(got.len(), 1);
    let (headers, body) = &got[0];
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let signed = StandardHeaders { id: h("webhook-id"), timestamp: h("webhook-timestamp"), signature: h("webhook-signature") };
    assert!(verify_standard(&standard_key(WHSEC)?, body, signed, clock.now_millis() / 1000).is_ok());
    assert_eq!(h("content-type"), Some("application/json"));
    let event: Value = serde_json::from_slice(body)?;
    assert_eq!((event["type"].as_str(), event["data"]["code"].as_str()), (Some("reward.redeemed"), Some(code.as_str())));
    t.stop().await;
    Ok(())
}
}
