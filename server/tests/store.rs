//! The store contract, one suite on both backends: idempotent inserts per (site, id), also
//! under concurrency; verbatim text; export order and cursors; filters; reopening; and
//! migrations applied once when several stores open one database at the same moment.

mod common;

use std::sync::Arc;

use common::*;
use rapport_server::store::{
    self, Cursor, ExportFilter, InsertOutcome, PageQuery, ResponseStore, StoreError, StoredResponse,
};

fn sample(site: &str, id: &str, survey: &str, received_at: &str) -> StoredResponse {
    StoredResponse {
        id: id.into(),
        site: site.into(),
        survey: survey.into(),
        answers_json: r#"[ {"question":"t","value":"a\ud800\u0000\u202e"} ]"#.into(),
        locale: Some("en\u{0}".into()),
        url: Some("https://shop.example/\u{0}\u{202e}?q=<x>".into()),
        user_id: Some("u-é".into()),
        traits_json: Some(r#"{"plan":"pro","n":"\ud800"}"#.into()),
        created_at: Some("2026-11-22T10:00:00Z".into()),
        received_at: received_at.into(),
        partial: false,
        customer: None,
    }
}

const T0: &str = "2026-11-22T10:00:01.000Z";

async fn open(db: &TestDb) -> Result<Arc<dyn ResponseStore>, StoreError> {
    store::open(&db.db_target()).await
}

fn all_of(site: &str) -> ExportFilter {
    ExportFilter {
        site: site.into(),
        ..ExportFilter::default()
    }
}

backend_tests! {
#[tokio::test]
async fn insert_is_idempotent_per_site_and_verbatim(backend: Backend) -> TestResult {
    let db = backend.fresh("store-idem").await;
    let store = open(&db).await?;
    assert_eq!(store.insert(sample("demo", "a", "s1", T0)).await?, InsertOutcome::Stored);
    assert_eq!(store.insert(sample("demo", "a", "s1", T0)).await?, InsertOutcome::Duplicate);
    // The same id on another site is another response.
    assert_eq!(store.insert(sample("other", "a", "s1", T0)).await?, InsertOutcome::Stored);
    assert_eq!(store.insert(sample("demo", "b", "s2", T0)).await?, InsertOutcome::Stored);
    assert_eq!(store.count().await?, 3);
    let demo = store::list_all(store.as_ref(), all_of("demo")).await?;
    assert_eq!(demo, vec![sample("demo", "a", "s1", T0), sample("demo", "b", "s2", T0)]);
    let s2 = store::list_all(
        store.as_ref(),
        ExportFilter { survey: Some("s2".into()), ..all_of("demo") },
    )
    .await?;
    assert_eq!(s2.len(), 1);
    assert!(store::list_all(store.as_ref(), all_of("nobody")).await?.is_empty());
    drop(store);
    // Reopen: data survives, migrations are a no-op, idempotency holds.
    let store = open(&db).await?;
    assert_eq!(store.count().await?, 3);
    assert_eq!(store.insert(sample("demo", "a", "s1", T0)).await?, InsertOutcome::Duplicate);
    Ok(())
}
}

backend_tests! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_duplicates_store_one_row(backend: Backend) -> TestResult {
    let db = backend.fresh("store-dup").await;
    // Two stores on one database stand for two collector instances.
    let stores = [open(&db).await?, open(&db).await?];
    let mut tasks = Vec::new();
    for i in 0..50 {
        let store = Arc::clone(&stores[i % 2]);
        tasks.push(tokio::spawn(async move {
            store.insert(sample("demo", "same", "s", T0)).await
        }));
    }
    let mut stored = 0;
    for t in tasks {
        stored += usize::from(t.await?? == InsertOutcome::Stored);
    }
    assert_eq!(stored, 1);
    assert_eq!(stores[0].count().await?, 1);
    Ok(())
}
}

backend_tests! {
/// Pages in (received_at, id) order, ids compared byte-wise, resuming exactly after a
/// cursor; survey and date filters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_follow_export_order(backend: Backend) -> TestResult {
    let db = backend.fresh("store-pages").await;
    let store = open(&db).await?;
    let mut expected = Vec::new();
    let mut tasks = Vec::new();
    for i in 0..300u32 {
        // Many rows share a timestamp; ids mix cases, digits and non-ASCII.
        let at = format!("2026-11-22T10:00:{:02}.{:03}Z", i % 7, i % 3);
        let id = ["B", "a", "é", "Z", "0"][(i % 5) as usize].to_owned() + &format!("-{i}");
        let survey = if i % 4 == 0 { "s4" } else { "s" };
        let row = sample("demo", &id, survey, &at);
        expected.push(row.clone());
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move { store.insert(row).await }));
    }
    store.insert(sample("other", "x", "s", T0)).await?;
    for t in tasks {
        assert_eq!(t.await??, InsertOutcome::Stored);
    }
    expected.sort_by(|a, b| (&a.received_at, a.id.as_bytes()).cmp(&(&b.received_at, b.id.as_bytes())));

    let mut seen: Vec<StoredResponse> = Vec::new();
    loop {
        let page = store
            .page(PageQuery {
                filter: all_of("demo"),
                after: seen.last().map(StoredResponse::cursor),
                limit: 7,
            })
            .await?;
        assert!(page.len() <= 7);
        if page.is_empty() {
            break;
        }
        seen.extend(page);
    }
    assert_eq!(seen, expected);

    // A response's id gives its export position; an id the site lacks gives none.
    assert_eq!(
        store.cursor_of("demo".into(), expected[100].id.clone()).await?,
        Some(expected[100].cursor())
    );
    assert_eq!(store.cursor_of("demo".into(), "nope".into()).await?, None);
    assert_eq!(store.cursor_of("other".into(), expected[100].id.clone()).await?, None);
    let after = expected[100].cursor();
    let rest = store
        .page(PageQuery { filter: all_of("demo"), after: Some(after.clone()), limit: 1000 })
        .await?;
    assert_eq!(rest, expected[101..].to_vec());
    // A cursor between rows (no such row) resumes at the next one.
    let between = Cursor { received_at: expected[50].received_at.clone(), id: format!("{}\u{1}", expected[50].id) };
    let rest = store
        .page(PageQuery { filter: all_of("demo"), after: Some(between), limit: 1 })
        .await?;
    assert_eq!(rest, vec![expected[51].clone()]);

    let filter = ExportFilter {
        site: "demo".into(),
        survey: Some("s4".into()),
        since: Some("2026-11-22T10:00:02.000Z".into()),
        until: Some("2026-11-22T10:00:05.001Z".into()),
    };
    let want: Vec<StoredResponse> = expected
        .iter()
        .filter(|r| {
            r.survey == "s4"
                && r.received_at.as_str() >= "2026-11-22T10:00:02.000Z"
                && r.received_at.as_str() < "2026-11-22T10:00:05.001Z"
        })
        .cloned()
        .collect();
    assert!(!want.is_empty());
    assert_eq!(store::list_all(store.as_ref(), filter).await?, want);
    Ok(())
}
}

backend_tests! {
/// Several instances starting together on a fresh database: every one opens, the schema
/// is migrated once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_opens_migrate_once(backend: Backend) -> TestResult {
    let db = backend.fresh("store-migrate").await;
    let target = db.db_target();
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let target = target.clone();
            tokio::spawn(async move { store::open(&target).await })
        })
        .collect();
    let mut stores = Vec::new();
    for o in opens {
        stores.push(o.await??);
    }
    assert_eq!(stores[0].insert(sample("demo", "m", "s", T0)).await?, InsertOutcome::Stored);
    assert_eq!(stores[3].count().await?, 1);
    if let Backend::Postgres(_) = backend {
        let (client, conn) = tokio_postgres::connect(&db.target, tokio_postgres::NoTls).await?;
        tokio::spawn(conn);
        let rows = client
            .query("SELECT version, count(*) FROM rapport_schema GROUP BY version ORDER BY version", &[])
            .await?;
        assert!(!rows.is_empty());
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.try_get::<_, i32>(0)?, i as i32 + 1);
            assert_eq!(row.try_get::<_, i64>(1)?, 1, "version applied more than once");
        }
    }
    Ok(())
}
}
