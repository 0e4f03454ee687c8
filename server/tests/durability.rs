//! Durability: a 201 means the row is committed. The collector is killed with SIGKILL in
//! the middle of a sustained load; after a restart every response it acknowledged with 201
//! is in the database. On SQLite and on PostgreSQL.

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_201_survives_sigkill(backend: Backend) -> TestResult {
    let db = backend.fresh("durability").await;
    let config = config_file(&fixture());
    let mut server = ServerProcess::spawn(&db, &config).await;
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let url = server.url("/v1/responses");
    let mut clients = Vec::new();
    for c in 0..16 {
        let acked = Arc::clone(&acked);
        let url = url.clone();
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            for n in 0.. {
                let id = format!("k-{c}-{n}");
                let sent = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(valid(&id).to_string())
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 201 => {
                        if let Ok(mut list) = acked.lock() {
                            list.push(id);
                        }
                    }
                    Ok(r) => panic!("unexpected status {} before the kill", r.status()),
                    // The collector is gone: this client's load ends.
                    Err(_) => return,
                }
            }
        }));
    }
    // Kill mid-load, once a good number of answers were acknowledged.
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        if acked.lock().map(|l| l.len()).unwrap_or(0) >= 500 {
            break;
        }
    }
    server.kill();
    for c in clients {
        c.await?;
    }
    let acked: Vec<String> = acked.lock().map(|l| l.clone()).unwrap_or_default();
    assert!(acked.len() >= 100, "only {} answers acknowledged before the kill", acked.len());

    let restarted = ServerProcess::spawn(&db, &config).await;
    let stored: HashSet<String> = restarted.exported_ids("demo", ADMIN).await.into_iter().collect();
    let lost: Vec<&String> = acked.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged responses lost: {:?}", lost.len(), acked.len(), &lost[..lost.len().min(5)]);
    eprintln!(
        "durability ({}): {} acknowledged before SIGKILL, all stored ({} rows)",
        db.target.split('?').next().unwrap_or_default(),
        acked.len(),
        stored.len()
    );
    Ok(())
}
}
