//! A Shopify order export read as it comes: multi-row orders, refunds,
//! voids, cancellations, $0 orders, quoted line-item names.

use std::path::PathBuf;

use rapport_metrics::data::date::days_from_civil;
use rapport_metrics::data::{
    parse_shopify_orders, read_shopify_orders, BadRowPolicy, DataError, ShopifyOptions, SkipReason,
};

fn fixture() -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/shopify_orders.csv");
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn orders_are_one_per_name_with_exclusions_counted() -> Result<(), DataError> {
    let bytes = fixture();
    let p = parse_shopify_orders(&bytes, &ShopifyOptions::default())?;
    let o = &p.data;
    // #1001 (two rows), #1003 and #1004 remain; #1002 refunded, #1005 voided, #1006 cancelled.
    assert_eq!(o.len(), 3);
    assert_eq!(p.report.count(SkipReason::ExcludedStatus), 3);
    assert_eq!(p.report.rows_read, 7);
    let ids: Vec<&str> = o.customer_ids().iter().map(|s| &**s).collect();
    assert_eq!(ids, ["ann@example.com", "cat@example.com"]);
    assert_eq!(o.customers(), &[0, 0, 1]);
    // Partial refund deducted; the $0 order kept.
    assert_eq!(o.amounts(), &[48.20, 50.0, 0.0]);
    // 10:00 at -05:00 is 15:00 UTC; 23:30 at -05:00 is the next UTC day.
    assert_eq!(
        o.timestamps()[0],
        days_from_civil(2024, 1, 5) * 86_400 + 15 * 3600
    );
    assert_eq!(
        o.timestamps()[2],
        days_from_civil(2024, 2, 4) * 86_400 + 4 * 3600 + 1800
    );
    assert_eq!(
        read_shopify_orders(&bytes[..], &ShopifyOptions::default())?,
        p
    );
    Ok(())
}

#[test]
fn a_name_seen_again_later_is_a_duplicate() {
    let mut bytes = fixture();
    bytes.extend_from_slice(
        b"#1001,ann@example.com,paid,,,,,USD,1,0,0,1,,0,,2024-03-01 10:00:00 -0500,1,Mug,1,,\n",
    );
    let err = parse_shopify_orders(&bytes, &ShopifyOptions::default()).unwrap_err();
    assert_eq!(
        err,
        DataError::DuplicateOrderId {
            line: 9,
            column: "Name".into(),
            value: "#1001".into(),
            first_line: 2
        }
    );
    let opts = ShopifyOptions {
        read: rapport_metrics::data::ReadOptions {
            bad_rows: BadRowPolicy::Skip,
            ..Default::default()
        },
        ..Default::default()
    };
    let p =
        parse_shopify_orders(&bytes, &opts).map(|p| p.report.count(SkipReason::DuplicateOrderId));
    assert_eq!(p, Ok(1));
}

#[test]
fn missing_total_column_is_named() {
    let err = parse_shopify_orders(
        b"Name,Email,Created at\n#1,a@b.c,2024-01-01\n",
        &ShopifyOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, DataError::MissingColumn { ref column, .. } if column == "Total"),
        "{err}"
    );
}
