//! 50 concurrent POSTs of the same response id store exactly one row.

mod common;

use common::*;

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_duplicates_store_one_row(db: Backend) -> TestResult {
    let t = TestServer::start(&db).await;
    let body = valid("same-id").to_string();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let client = reqwest::Client::new(); // separate connections
        let url = t.url("/v1/responses");
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await??);
    }
    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        49,
        "{statuses:?}"
    );
    assert_eq!(t.export_json().await.len(), 1);
    t.stop().await;
    Ok(())
}
}
