//! Runs an order history import (see [`crate::loyalty::import`] for the file layouts):
//! reads orders from a CSV stream, stores them in batches through
//! [`LoyaltyStore::import_orders`], and reports what happened to every row. Shared by the
//! admin endpoint (`POST /v1/sites/{site}/loyalty/imports`, the request body streamed in)
//! and the `rapport-server import-orders` command.
//!
//! Blocking: call it on a blocking thread with a handle of the runtime the store runs on.
//! Memory stays flat: one batch of orders at a time, plus the ids seen (to name an order
//! id repeated out of place) and at most [`MAX_LISTED_ERRORS`] bad rows.
//!
//! By default history earns **no** points: those orders were placed before the programme
//! existed, crediting them all at once would put the whole history on the merchant's
//! books as a liability on day one, and their refunds and cancellations cannot be
//! followed the way webhooks are. They still count where history matters: a shopper with
//! an imported order is not "new" for a referral, and tiers and CLV see the spend. With
//! `credit`, each paid order earns as if it had arrived when placed (its return window
//! counted from its date).

use std::io::Read;
use std::sync::Arc;

use serde::Serialize;

use crate::loyalty::import::{FileError, ImportFormat, ImportedOrder, OrderReader, RowError};
use crate::loyalty::order::Platform;
use crate::loyalty::rules::LoyaltyRules;
use crate::store::{ResponseStore, StoreError};

/// Orders stored per transaction.
pub const BATCH: usize = 200;
/// Bad rows listed in the report (all are counted).
pub const MAX_LISTED_ERRORS: usize = 1000;

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportJob {
    /// Site.
    pub site: String,
    /// File layout.
    pub format: ImportFormat,
    /// Whose order ids these are (by default the format's own platform).
    pub platform: Platform,
    /// Credit points for paid orders.
    pub credit: bool,
    /// The site's earning rules.
    pub rules: LoyaltyRules,
    /// Now, ms.
    pub now: i64,
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Orders read from the file.
    pub orders: u64,
    /// Orders stored.
    pub imported: u64,
    /// Orders already stored (left as they were).
    pub duplicates: u64,
    /// Ledger entries appended.
    pub entries: u64,
    /// Rows that could not be read (nothing of them imported).
    pub bad_rows: u64,
    /// The first [`MAX_LISTED_ERRORS`] bad rows.
    pub errors: Vec<RowError>,
    /// `false` when the file could not be read to its end (a header without a required
    /// column, bytes that are not UTF-8 text): the last error names the row; what came
    /// before it was imported.
    pub complete: bool,
}

impl ImportReport {
    fn bad(&mut self, e: RowError) {
        self.bad_rows += 1;
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(e);
        }
    }

    fn stopped(&mut self, e: FileError) {
        // Always listed, even past the limit: it says why the rest is missing.
        if self.errors.len() >= MAX_LISTED_ERRORS {
            self.errors.pop();
        }
        self.bad_rows += 1;
        self.errors.push(RowError {
            row: e.row,
            field: e.field,
            message: e.message,
        });
        self.complete = false;
    }
}

/// Imports everything `input` holds. Problems of the file are in the report (never an
/// error): only a database failure stops it with an error.
pub fn run(
    store: &Arc<dyn ResponseStore>,
    runtime: &tokio::runtime::Handle,
    job: &ImportJob,
    input: impl Read,
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport {
        complete: true,
        ..ImportReport::default()
    };
    let mut reader = match OrderReader::new(input, job.format) {
        Ok(r) => r,
        Err(e) => {
            report.stopped(e);
            return Ok(report);
        }
    };
    let mut batch: Vec<ImportedOrder> = Vec::with_capacity(BATCH);
    loop {
        let item = match reader.next_item() {
            Ok(item) => item,
            Err(e) => {
                flush(store, runtime, job, &mut batch, &mut report)?;
                report.stopped(e);
                return Ok(report);
            }
        };
        match item {
            None => break,
            Some(Ok(order)) => {
                report.orders += 1;
                batch.push(order);
                if batch.len() >= BATCH {
                    flush(store, runtime, job, &mut batch, &mut report)?;
                }
            }
            Some(Err(bad)) => report.bad(bad),
        }
    }
    flush(store, runtime, job, &mut batch, &mut report)?;
    Ok(report)
}

fn flush(
    store: &Arc<dyn ResponseStore>,
    runtime: &tokio::runtime::Handle,
    job: &ImportJob,
    batch: &mut Vec<ImportedOrder>,
    report: &mut ImportReport,
) -> Result<(), StoreError> {
    if batch.is_empty() {
        return Ok(());
    }
    let orders = std::mem::take(batch);
    let counts = runtime.block_on(store.loyalty().import_orders(
        job.site.clone(),
        job.platform,
        orders,
        job.credit,
        job.rules.clone(),
        job.now,
    ))?;
    report.imported += counts.imported;
    report.duplicates += counts.duplicates;
    report.entries += counts.entries;
    Ok(())
}

/// `rapport-server import-orders`: opens the configuration and the database (migrating
/// it), imports the file (or standard input for `-`), prints the report as JSON on
/// stdout. Exit status: 0 all rows imported, 1 bad rows, a file that could not be read to
/// its end or a database failure (what was stored stays stored: the import is idempotent,
/// run it again once the file is fixed), 2 a bad command line, configuration or site, or
/// a file that cannot be opened.
pub async fn command(args: crate::cli::ImportArgs) -> std::process::ExitCode {
    use std::process::ExitCode;
    let fail = |code: u8, message: String| {
        eprintln!("rapport-server: error: {message}");
        ExitCode::from(code)
    };
    let config = match crate::config::ServerConfig::load(&args.config) {
        Ok(c) => c,
        Err(e) => return fail(2, format!("{}: {e}", args.config.display())),
    };
    let Some(format) = ImportFormat::parse(&args.format) else {
        return fail(
            2,
            format!("--format {:?}: expected shopify or generic", args.format),
        );
    };
    let platform = match crate::routes::imports::platform_of(format, args.platform.as_deref()) {
        Ok(p) => p,
        Err(e) => return fail(2, format!("--{e}")),
    };
    let rules = match config.site(&args.site).map(|s| s.loyalty.as_ref()) {
        Some(Some(loyalty)) => loyalty.rules.clone(),
        Some(None) => return fail(2, format!("site {:?} has no loyalty programme", args.site)),
        None => {
            return fail(
                2,
                format!("--site {:?}: no such site in the configuration", args.site),
            )
        }
    };
    let store = match crate::store::DbTarget::parse(&args.db) {
        Ok(target) => match crate::store::open(&target).await {
            Ok(store) => store,
            Err(e) => return fail(1, e.to_string()),
        },
        Err(e) => return fail(2, e.to_string()),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let job = ImportJob {
        site: args.site.clone(),
        format,
        platform,
        credit: args.credit,
        rules,
        now,
    };
    let runtime = tokio::runtime::Handle::current();
    let file = args.file.clone();
    let input: Box<dyn Read + Send> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        match std::fs::File::open(&file) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => return fail(2, format!("{}: cannot open: {e}", file.display())),
        }
    };
    let outcome = tokio::task::spawn_blocking(move || run(&store, &runtime, &job, input)).await;
    match outcome {
        Ok(Ok(report)) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
            if report.bad_rows > 0 || !report.complete {
                eprintln!(
                    "rapport-server: {} bad row(s) not imported (listed in the report)",
                    report.bad_rows
                );
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => fail(1, e.to_string()),
        Err(e) => fail(1, e.to_string()),
    }
}
