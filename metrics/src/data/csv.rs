//! A byte-level RFC 4180 CSV record reader.
//!
//! Hand-rolled because order files are large and the common case is simple:
//! a line without any `"` is split with SIMD `memchr` on the delimiter; only
//! lines containing a quote go through the quote-aware state machine
//! (doubled `""` escapes, delimiters and newlines inside quotes). A caller
//! can also take whole lines first ([`for_each_row`] with [`Row::Line`]) and
//! split and check them itself, falling back to records for anything unusual. `\r\n` and
//! `\n` endings are both accepted and a UTF-8 BOM is skipped. Input comes
//! either as one slice or from a reader in 1 MiB chunks, so memory stays flat
//! however large the file. Broken structure is reported as
//! [`DataError::Malformed`] with the line; the reader never panics on input.
//! An input that is not text at all (a workbook, an archive, NUL bytes) is
//! [`DataError::NotText`] before any row is read.

use std::io::Read;

use memchr::{memchr, memchr2};

use super::error::DataError;
use super::sniff::{check_text, HEAD};

/// Field bounds of the current record; a field copied out because it held
/// `""` escapes lives in `scratch`.
#[derive(Debug, Default)]
pub(crate) struct Record {
    fields: Vec<(usize, usize, bool)>,
    scratch: Vec<u8>,
}

/// One record, borrowed from the input buffer.
pub(crate) struct RecordView<'a> {
    buf: &'a [u8],
    rec: &'a Record,
}

impl<'a> RecordView<'a> {
    /// Number of fields.
    pub(crate) fn len(&self) -> usize {
        self.rec.fields.len()
    }

    /// Field `i` (unquoted, unescaped); empty when out of range.
    pub(crate) fn get(&self, i: usize) -> &'a [u8] {
        match self.rec.fields.get(i) {
            Some(&(s, e, false)) => &self.buf[s..e],
            Some(&(s, e, true)) => &self.rec.scratch[s..e],
            None => &[],
        }
    }

    /// A blank line reads as one empty field.
    pub(crate) fn is_blank(&self) -> bool {
        self.len() == 1 && self.get(0).trim_ascii().is_empty()
    }
}

/// Outcome of reading at a position.
enum Step {
    /// A record ended; the next one starts at this offset. Carries the number
    /// of newlines the record spanned beyond its own terminator.
    Record(usize, u64),
    /// The buffer ends inside a record: more input is needed.
    Incomplete,
}

fn strip_cr(buf: &[u8], start: usize, end: usize) -> usize {
    if end > start && buf[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Reads one record starting at `start` (`start < buf.len()`).
fn read_record(
    buf: &[u8],
    start: usize,
    eof: bool,
    delim: u8,
    line: u64,
    rec: &mut Record,
) -> Result<Step, DataError> {
    rec.fields.clear();
    rec.scratch.clear();
    let len = buf.len();
    let line_end = memchr(b'\n', &buf[start..]).map(|k| start + k);
    let line_end = match line_end {
        Some(e) => e,
        None if eof => len,
        None => return Ok(Step::Incomplete),
    };
    if memchr(b'"', &buf[start..line_end]).is_none() {
        let end = strip_cr(buf, start, line_end);
        let mut s = start;
        for d in memchr::memchr_iter(delim, &buf[start..end]) {
            rec.fields.push((s, start + d, false));
            s = start + d + 1;
        }
        rec.fields.push((s, end, false));
        return Ok(Step::Record((line_end + 1).min(len), 0));
    }
    quoted_record(buf, start, eof, delim, line, rec)
}

/// The quote-aware path for records containing `"`.
fn quoted_record(
    buf: &[u8],
    start: usize,
    eof: bool,
    delim: u8,
    line: u64,
    rec: &mut Record,
) -> Result<Step, DataError> {
    let len = buf.len();
    let mut i = start;
    let mut newlines = 0u64;
    let malformed = |message: &str| DataError::Malformed {
        line,
        message: message.to_string(),
    };
    loop {
        if i < len && buf[i] == b'"' {
            i += 1;
            let first = i;
            let mut seg = i;
            let mut copied: Option<usize> = None;
            loop {
                let Some(k) = memchr(b'"', &buf[i..]) else {
                    return if eof {
                        Err(malformed("unterminated quoted field"))
                    } else {
                        Ok(Step::Incomplete)
                    };
                };
                let q = i + k;
                newlines += memchr::memchr_iter(b'\n', &buf[i..q]).count() as u64;
                if q + 1 == len && !eof {
                    // Cannot tell a closing quote from the first half of `""` yet.
                    return Ok(Step::Incomplete);
                }
                if q + 1 < len && buf[q + 1] == b'"' {
                    copied.get_or_insert(rec.scratch.len());
                    rec.scratch.extend_from_slice(&buf[seg..=q]);
                    i = q + 2;
                    seg = i;
                    continue;
                }
                match copied {
                    Some(at) => {
                        rec.scratch.extend_from_slice(&buf[seg..q]);
                        rec.fields.push((at, rec.scratch.len(), true));
                    }
                    None => rec.fields.push((first, q, false)),
                }
                i = q + 1;
                break;
            }
            if i == len {
                return if eof {
                    Ok(Step::Record(len, newlines))
                } else {
                    Ok(Step::Incomplete)
                };
            }
            match buf[i] {
                b if b == delim => i += 1,
                b'\n' => return Ok(Step::Record(i + 1, newlines)),
                b'\r' if i + 1 == len && !eof => return Ok(Step::Incomplete),
                b'\r' if i + 1 == len => return Ok(Step::Record(len, newlines)),
                b'\r' if buf[i + 1] == b'\n' => return Ok(Step::Record(i + 2, newlines)),
                _ => return Err(malformed("unexpected character after a closing quote")),
            }
            if i == len {
                if !eof {
                    return Ok(Step::Incomplete);
                }
                // A trailing delimiter at end of input: one more, empty, field.
                rec.fields.push((i, i, false));
                return Ok(Step::Record(len, newlines));
            }
        } else {
            // A quote inside an unquoted field is kept literally (lenient, like most writers expect).
            match memchr2(delim, b'\n', &buf[i..]) {
                None if eof => {
                    rec.fields.push((i, strip_cr(buf, i, len), false));
                    return Ok(Step::Record(len, newlines));
                }
                None => return Ok(Step::Incomplete),
                Some(k) => {
                    let e = i + k;
                    if buf[e] == delim {
                        rec.fields.push((i, e, false));
                        i = e + 1;
                        if i == len && eof {
                            rec.fields.push((i, i, false));
                            return Ok(Step::Record(len, newlines));
                        }
                    } else {
                        rec.fields.push((i, strip_cr(buf, i, e), false));
                        return Ok(Step::Record(e + 1, newlines));
                    }
                }
            }
        }
    }
}

/// Calls `f(line, record)` for the records of `buf` from the start (header
/// included) until `f` breaks: a look-ahead that need not read everything.
pub(crate) fn scan_records(
    buf: &[u8],
    delim: u8,
    mut f: impl FnMut(u64, &RecordView<'_>) -> std::ops::ControlFlow<()>,
) -> Result<(), DataError> {
    let mut rec = Record::default();
    let mut line = 1u64;
    let mut pos = bom_len(buf);
    while pos < buf.len() {
        match read_record(buf, pos, true, delim, line, &mut rec)? {
            Step::Record(next, extra) => {
                if f(line, &RecordView { buf, rec: &rec }).is_break() {
                    break;
                }
                line += 1 + extra;
                pos = next;
            }
            Step::Incomplete => break,
        }
    }
    Ok(())
}

/// Where records come from.
pub(crate) enum Source<'a> {
    /// The whole input in memory.
    Slice(&'a [u8]),
    /// A stream read in chunks.
    Reader(&'a mut dyn Read),
}

const CHUNK: usize = 1 << 20;

/// What [`for_each_row`] hands over.
pub(crate) enum Row<'a, 'b> {
    /// One physical line, without its `\n` (a `\r` before it is kept). The
    /// callback returns `true` when it consumed the line; `false` makes the
    /// reader parse the record at this line with the full RFC 4180 rules
    /// and hand it over as [`Row::Record`]. This lets a caller take simple
    /// lines through a fast path and leave anything unusual (quotes, bad
    /// values) to the general one.
    Line(&'a [u8]),
    /// One record, possibly spanning several lines.
    Record(&'b RecordView<'a>),
}

/// Calls `f(line, record)` for every record of `source` in order, header
/// included. Stops at the first error, from the reader or from `f`.
pub(crate) fn for_each_record(
    source: Source<'_>,
    delim: u8,
    mut f: impl FnMut(u64, &RecordView<'_>) -> Result<(), DataError>,
) -> Result<(), DataError> {
    for_each_row(source, delim, false, |line, row| match row {
        Row::Line(_) => Ok(false),
        Row::Record(rec) => f(line, rec).map(|()| true),
    })
}

/// Like [`for_each_record`], but when `lines` is set every line is first
/// offered to `f` as a [`Row::Line`]; records are built only for the lines it
/// declines.
pub(crate) fn for_each_row(
    source: Source<'_>,
    delim: u8,
    lines: bool,
    mut f: impl FnMut(u64, Row<'_, '_>) -> Result<bool, DataError>,
) -> Result<(), DataError> {
    let mut rec = Record::default();
    let mut line = 1u64;
    match source {
        Source::Slice(buf) => {
            check_text(buf)?;
            let mut pos = bom_len(buf);
            while pos < buf.len() {
                match step(buf, pos, true, delim, line, &mut rec, lines, &mut f)? {
                    Some((next, extra)) => {
                        line += 1 + extra;
                        pos = next;
                    }
                    None => break,
                }
            }
            Ok(())
        }
        Source::Reader(reader) => {
            let mut buf = vec![0u8; CHUNK];
            let mut filled = 0;
            let mut pos = 0;
            let mut eof = false;
            let mut first = true;
            loop {
                if !eof {
                    if pos > 0 {
                        buf.copy_within(pos..filled, 0);
                        filled -= pos;
                        pos = 0;
                    }
                    if filled == buf.len() {
                        // One record larger than the buffer: grow it.
                        buf.resize(buf.len() * 2, 0);
                    }
                    let n = read_retrying(reader, &mut buf[filled..])?;
                    filled += n;
                    eof = n == 0;
                    if first {
                        // Look at the same head as a slice would before any row.
                        if filled < HEAD && !eof {
                            continue;
                        }
                        check_text(&buf[..filled])?;
                        pos = bom_len(&buf[..filled]);
                        first = false;
                    }
                }
                let data = &buf[..filled];
                while pos < filled {
                    match step(data, pos, eof, delim, line, &mut rec, lines, &mut f)? {
                        Some((next, extra)) => {
                            line += 1 + extra;
                            pos = next;
                        }
                        None => break,
                    }
                }
                if eof {
                    return Ok(());
                }
            }
        }
    }
}

/// Hands the line or record at `pos` to `f`; returns where the next one
/// starts and how many extra lines this one spanned, or `None` when more
/// input is needed.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn step(
    buf: &[u8],
    pos: usize,
    eof: bool,
    delim: u8,
    line: u64,
    rec: &mut Record,
    lines: bool,
    f: &mut impl FnMut(u64, Row<'_, '_>) -> Result<bool, DataError>,
) -> Result<Option<(usize, u64)>, DataError> {
    if lines {
        let rest = &buf[pos..];
        let (text, next) = match memchr(b'\n', rest) {
            Some(k) => (&rest[..k], pos + k + 1),
            None if eof => (rest, buf.len()),
            None => return Ok(None),
        };
        if f(line, Row::Line(text))? {
            return Ok(Some((next, 0)));
        }
    }
    match read_record(buf, pos, eof, delim, line, rec)? {
        Step::Record(next, extra) => {
            f(line, Row::Record(&RecordView { buf, rec }))?;
            Ok(Some((next, extra)))
        }
        Step::Incomplete => Ok(None),
    }
}

fn read_retrying(reader: &mut dyn Read, buf: &mut [u8]) -> Result<usize, DataError> {
    loop {
        match reader.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

fn bom_len(buf: &[u8]) -> usize {
    if buf.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(input: &[u8]) -> Result<Vec<(u64, Vec<String>)>, DataError> {
        let mut out = Vec::new();
        for_each_record(Source::Slice(input), b',', |line, r| {
            let fields = (0..r.len())
                .map(|i| String::from_utf8_lossy(r.get(i)).into_owned())
                .collect();
            out.push((line, fields));
            Ok(())
        })?;
        Ok(out)
    }

    /// The same input through a reader that hands out `step` bytes at a time.
    fn records_chunked(input: &[u8], step: usize) -> Result<Vec<(u64, Vec<String>)>, DataError> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = Vec::new();
        let mut r = Trickle(input, step);
        for_each_record(Source::Reader(&mut r), b',', |line, rec| {
            let fields = (0..rec.len())
                .map(|i| String::from_utf8_lossy(rec.get(i)).into_owned())
                .collect();
            out.push((line, fields));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn quoting_escapes_and_line_numbers() -> Result<(), DataError> {
        let input =
            b"\xEF\xBB\xBFa,b,c\r\n1,\"x,y\",\"he said \"\"hi\"\"\"\r\n\"multi\nline\",,\n4,5,6";
        let got = records(input)?;
        assert_eq!(got.len(), 4);
        assert_eq!(got[0].1, ["a", "b", "c"]);
        assert_eq!(got[1].1, ["1", "x,y", "he said \"hi\""]);
        assert_eq!(
            got[2],
            (3, vec!["multi\nline".into(), "".into(), "".into()])
        );
        assert_eq!(got[3], (5, vec!["4".into(), "5".into(), "6".into()]));
        for step in [1, 2, 3, 7] {
            assert_eq!(records_chunked(input, step)?, got, "chunk size {step}");
        }
        Ok(())
    }

    #[test]
    fn broken_quotes_are_errors_with_lines() {
        assert_eq!(
            records(b"a\n\"open"),
            Err(DataError::Malformed {
                line: 2,
                message: "unterminated quoted field".into()
            })
        );
        assert!(matches!(
            records(b"a\n\"x\"y,1\n"),
            Err(DataError::Malformed { line: 2, .. })
        ));
        assert!(matches!(
            records_chunked(b"a\n\"x\"y,1\n", 1),
            Err(DataError::Malformed { line: 2, .. })
        ));
    }

    #[test]
    fn literal_quote_inside_unquoted_field_and_trailing_delimiter() -> Result<(), DataError> {
        assert_eq!(records(b"ab\"c,d")?[0].1, ["ab\"c", "d"]);
        assert_eq!(records(b"\"a\",")?[0].1, ["a", ""]);
        assert_eq!(records(b"a,")?[0].1, ["a", ""]);
        Ok(())
    }
}
