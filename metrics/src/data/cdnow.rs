//! The CDNOW formats, whitespace-separated and without a header:
//!
//! * the 1/10 sample (`CDNOW_sample.txt`, 6,919 rows):
//!   `master_id sample_id YYYYMMDD number_of_cds dollar_value`; the customer
//!   id is `sample_id` as written (`0001`), the `ID` of the published
//!   summaries once read as a number;
//! * the master file (`CDNOW_master.txt`, 69,659 rows of 23,570 customers):
//!   `customer_id YYYYMMDD number_of_cds dollar_value`.
//!
//! The format is taken from the first row (five fields or four); every row
//! must then have that many.

use std::io::Read;

use super::date::{parse_timestamp, DateFormat, OffsetPolicy};
use super::error::{excerpt, reject, DataError, Parsed, SkipReason, SkipReport};
use super::orders::{parse_amount, Orders, OrdersBuilder};
use super::rows::ReadOptions;
use super::sniff::check_text;

/// Reads the CDNOW format from memory. `opts.date_format` is ignored (always `YYYYMMDD`).
pub fn parse_cdnow(input: &[u8], opts: &ReadOptions) -> Result<Parsed<Orders>, DataError> {
    check_text(input)?;
    let mut builder = OrdersBuilder::with_capacity(input.len() / 30);
    let mut report = SkipReport::default();
    // Fields per row: 5 (sample) or 4 (master), from the first row.
    let mut width = None;
    for (i, raw) in input.split(|&b| b == b'\n').enumerate() {
        let line = i as u64 + 1;
        let mut f = raw
            .split(|b| b.is_ascii_whitespace())
            .filter(|s| !s.is_empty());
        let fields: [Option<&[u8]>; 6] = std::array::from_fn(|_| f.next());
        let found = fields.iter().take_while(|f| f.is_some()).count();
        if found == 0 {
            continue;
        }
        let expected = *width.get_or_insert(if found == 4 { 4 } else { 5 });
        let parts = match (expected, fields) {
            (5, [Some(_master), Some(id), Some(date), Some(_cds), Some(dollars), None]) => {
                Some((id, date, dollars))
            }
            (4, [Some(id), Some(date), Some(_cds), Some(dollars), None, None]) => {
                Some((id, date, dollars))
            }
            _ => None,
        };
        let Some((id, date, dollars)) = parts else {
            report.rows_read += 1;
            let layout = if expected == 5 {
                "master_id sample_id date cds dollars (the sample's layout, as on line 1)"
            } else {
                "customer_id date cds dollars (the master file's layout, as on line 1)"
            };
            reject(
                opts.bad_rows,
                &mut report,
                SkipReason::Malformed,
                line,
                || DataError::Malformed {
                    line,
                    message: format!(
                        "expected {expected} whitespace-separated fields, {layout}: {}",
                        excerpt(raw)
                    ),
                },
            )?;
            continue;
        };
        report.rows_read += 1;
        let bad = |column: &str, value: &[u8], reason: &str| DataError::BadValue {
            line,
            column: column.into(),
            value: excerpt(value),
            reason: reason.into(),
        };
        let Ok(id) = std::str::from_utf8(id) else {
            reject(
                opts.bad_rows,
                &mut report,
                SkipReason::Malformed,
                line,
                || bad("sample_id", id, "not valid UTF-8"),
            )?;
            continue;
        };
        let t = match parse_timestamp(date, DateFormat::Compact, OffsetPolicy::Utc) {
            Ok(t) if opts.now.is_some_and(|now| t > now) => {
                reject(
                    opts.bad_rows,
                    &mut report,
                    SkipReason::FutureDate,
                    line,
                    || bad("date", date, "date is in the future"),
                )?;
                continue;
            }
            Ok(t) => t,
            Err(e) => {
                reject(
                    opts.bad_rows,
                    &mut report,
                    SkipReason::BadDate,
                    line,
                    || bad("date", date, &format!("unparsable YYYYMMDD date ({e})")),
                )?;
                continue;
            }
        };
        let amount = match parse_amount(dollars) {
            Some(a) if a >= 0.0 => a,
            Some(_) => {
                reject(
                    opts.bad_rows,
                    &mut report,
                    SkipReason::NegativeAmount,
                    line,
                    || bad("dollars", dollars, "negative amount"),
                )?;
                continue;
            }
            None => {
                reject(
                    opts.bad_rows,
                    &mut report,
                    SkipReason::BadAmount,
                    line,
                    || bad("dollars", dollars, "not a number"),
                )?;
                continue;
            }
        };
        builder.push(id, t, amount)?;
    }
    Ok(Parsed {
        data: builder.finish()?,
        report,
    })
}

/// Reads the CDNOW format from a stream (the file is small: it is read whole).
pub fn read_cdnow(mut reader: impl Read, opts: &ReadOptions) -> Result<Parsed<Orders>, DataError> {
    let mut buf = Vec::new();
    reader.read_to_end(&mut buf)?;
    parse_cdnow(&buf, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_names_bad_ones() -> Result<(), DataError> {
        let ok = b" 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n 00021 0002 19970101  3   0.00\n";
        let p = parse_cdnow(ok, &ReadOptions::default())?;
        assert_eq!(p.data.len(), 3);
        assert_eq!(p.data.n_customers(), 2);
        assert_eq!(&*p.data.customer_ids()[0], "0001");
        let err = parse_cdnow(b" 1 0001 19971301 2 3.0\n", &ReadOptions::default()).unwrap_err();
        assert!(
            matches!(err, DataError::BadValue { line: 1, ref column, .. } if column == "date"),
            "{err}"
        );
        let err = parse_cdnow(
            b"\n 1 0001 19970101 2 1.0\n 1 0001 19970101 2\n",
            &ReadOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, DataError::Malformed { line: 3, .. }), "{err}");
        Ok(())
    }

    #[test]
    fn reads_the_master_file_layout() -> Result<(), DataError> {
        let master = b"00001 19970101 1 11.77\n00002 19970112 1 12.00\n00002 19970112 5 77.00\n00003 19970102 2 20.76\n";
        let p = parse_cdnow(master, &ReadOptions::default())?;
        assert_eq!(p.data.len(), 4);
        assert_eq!(p.data.n_customers(), 3);
        assert_eq!(&*p.data.customer_ids()[1], "00002");
        assert_eq!(p.data.amounts()[2], 77.0);
        // A sample row in a master file is malformed, named with the layout.
        let err = parse_cdnow(
            b"00001 19970101 1 11.77\n 4 0001 19970101 2 29.33\n",
            &ReadOptions::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("master file"), "{err}");
        Ok(())
    }
}
