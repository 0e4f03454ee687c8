//! Exports as merchants have them (files in `tests/data/exports/`, described
//! in its README): line items sharing an order id, day-first dates, dates
//! that cannot be decided, digit strings that are no date, a workbook saved
//! instead of a CSV, and the CDNOW master file layout.

use rapport_metrics::cohort::{cohort_matrix, CohortOptions};
use rapport_metrics::data::date::{days_from_civil, format_day};
use rapport_metrics::data::{
    parse_cdnow, parse_orders_csv, read_orders_csv, BadRowPolicy, DataError, DateFormat,
    OrderColumns, OrdersCsvOptions, ReadOptions, SkipReason,
};

fn file(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/exports/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn order_lines_options() -> OrdersCsvOptions {
    OrdersCsvOptions {
        columns: OrderColumns {
            customer: "customer_email".into(),
            timestamp: "created_at".into(),
            amount: Some("line_total".into()),
            order_id: Some("order_number".into()),
            status: Some("financial_status".into()),
        },
        ..OrdersCsvOptions::default()
    }
}

fn uk_options() -> OrdersCsvOptions {
    OrdersCsvOptions {
        columns: OrderColumns {
            customer: "Customer".into(),
            timestamp: "Order Date".into(),
            amount: Some("Total (GBP)".into()),
            order_id: Some("Order ID".into()),
            status: None,
        },
        ..OrdersCsvOptions::default()
    }
}

#[test]
fn line_items_are_summed_into_orders_and_exact_duplicates_reported() {
    let p = parse_orders_csv(&file("order_lines.csv"), &order_lines_options())
        .expect("line items are not an error");
    // 11 order numbers, one refunded.
    assert_eq!(p.data.len(), 10);
    assert_eq!(p.report.rows_read, 18);
    assert_eq!(p.report.merged_lines, 6);
    assert_eq!(p.report.count(SkipReason::DuplicateRow), 1);
    assert_eq!(
        p.report
            .skipped
            .get(&SkipReason::DuplicateRow)
            .map(|c| c.first_lines.clone()),
        Some(vec![9])
    );
    assert_eq!(p.report.count(SkipReason::ExcludedStatus), 1);
    // Order 1001 = 24.00 + 8.50; 1003 = 21 + 12 + 6; 1004 once despite its duplicate line.
    let amounts = p.data.amounts();
    assert_eq!(&amounts[..3], &[32.5, 12.0, 39.0]);
    assert_eq!(amounts[3], 17.0);
    let revenue: f64 = amounts.iter().sum();
    assert!((revenue - 245.5).abs() < 1e-9, "{revenue}");
    // The cohort matrix counts orders, not lines.
    let c = cohort_matrix(&p.data, &CohortOptions::default());
    let orders: u64 = c.orders.iter().flatten().sum();
    assert_eq!(orders, 10);
    // Slice and stream agree, and quoting every field changes nothing.
    let streamed =
        read_orders_csv(&file("order_lines.csv")[..], &order_lines_options()).expect("streams too");
    assert_eq!(streamed, p);
}

#[test]
fn an_order_line_of_another_customer_or_day_is_a_bad_row() {
    let csv = "order,customer_id,date,amount\n7,ann,2024-01-05,10\n7,bob,2024-01-05,5\n8,cat,2024-01-06,1\n8,cat,2024-02-06,2\n";
    let mut o = OrdersCsvOptions {
        columns: OrderColumns {
            order_id: Some("order".into()),
            ..OrderColumns::default()
        },
        ..OrdersCsvOptions::default()
    };
    let err = parse_orders_csv(csv.as_bytes(), &o).expect_err("conflict");
    assert!(
        err.to_string()
            .contains("line 3, column \"order\": order id \"7\" belongs to another customer"),
        "{err}"
    );
    o.read.bad_rows = BadRowPolicy::Skip;
    let p = parse_orders_csv(csv.as_bytes(), &o).expect("skipped");
    assert_eq!(p.data.len(), 2);
    assert_eq!(p.report.count(SkipReason::ConflictingOrder), 2);
}

#[test]
fn day_first_columns_are_read_day_first_from_the_whole_column() {
    let p = parse_orders_csv(&file("orders_uk_day_first.csv"), &uk_options()).expect("decided");
    let days: Vec<String> = p
        .data
        .timestamps()
        .iter()
        .map(|&t| format_day(t.div_euclid(86_400)))
        .collect();
    // 03/01 is 3 January (line 4's 14/01 decides the column), not 1 March.
    assert_eq!(days[0], "2024-01-03");
    assert_eq!(days[2], "2024-01-14");
    assert_eq!(days[3], "2024-02-02");
    assert_eq!(days[7], "2024-03-12");
    // A stream cannot look ahead: it stops rather than mix the two orders.
    let err = read_orders_csv(&file("orders_uk_day_first.csv")[..], &uk_options())
        .expect_err("decided too late");
    assert!(
        matches!(
            err,
            DataError::DateOrder {
                line: 4,
                early_line: 2,
                ..
            }
        ),
        "{err}"
    );
    // Saying the format makes the stream read it.
    let mut o = uk_options();
    o.read.date_format = DateFormat::DayFirst;
    let streamed = read_orders_csv(&file("orders_uk_day_first.csv")[..], &o).expect("told");
    assert_eq!(streamed.data, p.data);
}

#[test]
fn a_column_of_only_ambiguous_dates_is_an_error_naming_it() {
    let err = parse_orders_csv(&file("orders_uk_all_ambiguous.csv"), &uk_options())
        .expect_err("undecidable");
    assert_eq!(
        err,
        DataError::AmbiguousDates {
            column: "Order Date".into(),
            line: 2,
            value: "03/01/2024".into()
        }
    );
    let msg = err.to_string();
    assert!(msg.contains("dd/mm/yyyy or mm/dd/yyyy"), "{msg}");
    // Even under the skip policy: no row is bad, the column is.
    let mut o = uk_options();
    o.read.bad_rows = BadRowPolicy::Skip;
    assert!(parse_orders_csv(&file("orders_uk_all_ambiguous.csv"), &o).is_err());
    assert!(read_orders_csv(&file("orders_uk_all_ambiguous.csv")[..], &o).is_err());
    o.read.date_format = DateFormat::DayFirst;
    let p = parse_orders_csv(&file("orders_uk_all_ambiguous.csv"), &o).expect("told");
    assert_eq!(p.data.timestamps()[0], days_from_civil(2024, 1, 3) * 86_400);
}

#[test]
fn digit_strings_that_are_no_date_format_are_rejected() {
    let err = parse_orders_csv(&file("orders_bad_digits.csv"), &OrdersCsvOptions::default())
        .expect_err("1997011 is no date");
    let msg = err.to_string();
    assert!(msg.starts_with("line 4, column \"date\""), "{msg}");
    assert!(msg.contains("no known date format"), "{msg}");
}

#[test]
fn a_workbook_is_named_as_such_in_a_short_error() {
    let xlsx = file("order_lines.xlsx");
    for err in [
        parse_orders_csv(&xlsx, &order_lines_options()).expect_err("not CSV"),
        read_orders_csv(&xlsx[..], &order_lines_options()).expect_err("not CSV"),
        parse_cdnow(&xlsx, &ReadOptions::default()).expect_err("not CDNOW"),
    ] {
        let msg = err.to_string();
        assert!(matches!(err, DataError::NotText { .. }), "{msg}");
        assert!(msg.contains(".xlsx workbook"), "{msg}");
        assert!(msg.contains("\"PK\\x03\\x04"), "{msg}");
        assert!(msg.len() < 250, "{} bytes", msg.len());
    }
    let gz = file("order_lines.csv.gz");
    let msg = parse_orders_csv(&gz, &order_lines_options())
        .expect_err("compressed")
        .to_string();
    assert!(msg.contains("gzip"), "{msg}");
}

#[test]
fn the_cdnow_master_layout_reads_like_the_sample() {
    let master = parse_cdnow(&file("cdnow_master_layout.txt"), &ReadOptions::default())
        .expect("master layout");
    let sample_text = std::fs::read(format!(
        "{}/tests/data/cdnow/CDNOW_sample.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("sample");
    let first_400: Vec<u8> = sample_text
        .split_inclusive(|&b| b == b'\n')
        .take(400)
        .flatten()
        .copied()
        .collect();
    let sample = parse_cdnow(&first_400, &ReadOptions::default()).expect("sample layout");
    assert_eq!(master.data.len(), 400);
    assert_eq!(master.data.timestamps(), sample.data.timestamps());
    assert_eq!(master.data.amounts(), sample.data.amounts());
    assert_eq!(master.data.n_customers(), sample.data.n_customers());
    // Master ids, not sample ids.
    assert_eq!(&*master.data.customer_ids()[0], "00004");
    assert_eq!(&*sample.data.customer_ids()[0], "0001");
}
