//! The CDNOW sample format: whitespace-separated
//! `master_id sample_id YYYYMMDD number_of_cds dollar_value`, no header.
//!
//! The customer id is `sample_id` as written (`0001`): it is the `ID` of the
//! published summaries once read as a number.

use std::io::Read;

use super::date::{parse_timestamp, DateFormat, OffsetPolicy};
use super::error::{excerpt, reject, DataError, Parsed, SkipReason, SkipReport};
use super::orders::{parse_amount, Orders, OrdersBuilder};
use super::rows::ReadOptions;

/// Reads the CDNOW format from memory. `opts.date_format` is ignored (always `YYYYMMDD`).
pub fn parse_cdnow(input: &[u8], opts: &ReadOptions) -> Result<Parsed<Orders>, DataError> {
    let mut builder = OrdersBuilder::with_capacity(input.len() / 30);
    let mut report = SkipReport::default();
    for (i, raw) in input.split(|&b| b == b'\n').enumerate() {
        let line = i as u64 + 1;
        let mut f = raw
            .split(|b| b.is_ascii_whitespace())
            .filter(|s| !s.is_empty());
        let fields: [Option<&[u8]>; 6] = std::array::from_fn(|_| f.next());
        let [Some(_master), Some(id), Some(date), Some(_cds), Some(dollars), None] = fields else {
            if raw.trim_ascii().is_empty() {
                continue;
            }
            report.rows_read += 1;
            reject(
                opts.bad_rows,
                &mut report,
                SkipReason::Malformed,
                line,
                || DataError::Malformed {
                    line,
                    message: format!("expected 5 whitespace-separated fields: {}", excerpt(raw)),
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
        let err = parse_cdnow(b"\n 1 0001 19970101 2\n", &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, DataError::Malformed { line: 2, .. }), "{err}");
        Ok(())
    }
}
