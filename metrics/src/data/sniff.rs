//! Recognises inputs that are not text before a reader tries to split them
//! into rows, so that a spreadsheet or an archive gets one short error
//! (its first bytes quoted) instead of a "missing column" message that
//! quotes megabytes of binary as the header.

use super::error::DataError;

/// Bytes looked at.
pub(crate) const HEAD: usize = 1024;
/// Bytes quoted in the error.
const QUOTED: usize = 20;

/// Known file signatures and what to tell the user.
const SIGNATURES: &[(&[u8], &str)] = &[
    (
        b"PK\x03\x04",
        "it looks like a ZIP archive or an .xlsx workbook: export the sheet as CSV",
    ),
    (
        b"\xD0\xCF\x11\xE0",
        "it looks like an .xls workbook: export the sheet as CSV",
    ),
    (b"\x1F\x8B", "it is gzip-compressed: decompress it first"),
    (b"%PDF", "it is a PDF document"),
    (b"SQLite format 3\0", "it is an SQLite database"),
    (b"\x89PNG", "it is a PNG image"),
    (b"\xFF\xD8\xFF", "it is a JPEG image"),
    (b"\xFF\xFE", "it is UTF-16 text: save it as UTF-8"),
    (b"\xFE\xFF", "it is UTF-16 text: save it as UTF-8"),
];

/// The first bytes of `input`, escaped and quoted for a message.
pub(crate) fn quote_start(input: &[u8]) -> String {
    let shown = &input[..input.len().min(QUOTED)];
    let more = if input.len() > QUOTED { "…" } else { "" };
    format!("\"{}{more}\"", shown.escape_ascii())
}

/// Checks that `head` (the start of an input; only its first [`HEAD`] bytes
/// are looked at) looks like text: no known binary signature, few NUL bytes,
/// few control characters (a NUL or two is text: the collector's CSV export keeps
/// a NUL a shopper typed in an answer; UTF-16 without a BOM is half NULs). Text in a legacy encoding (Latin-1) passes: its
/// values are judged row by row.
pub(crate) fn check_text(head: &[u8]) -> Result<(), DataError> {
    let head = &head[..head.len().min(HEAD)];
    let not_text = |kind: &str| DataError::NotText {
        kind: if kind.is_empty() {
            String::new()
        } else {
            format!(" ({kind})")
        },
        start: quote_start(head),
    };
    if let Some((_, kind)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Err(not_text(kind));
    }
    let nul = memchr::memchr_iter(0, head).count();
    if nul * 20 > head.len().max(1) {
        return Err(not_text("it contains NUL bytes"));
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, 0 | b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    if control * 20 > head.len().max(1) {
        return Err(not_text("it holds control characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_passes_and_binaries_are_named_briefly() {
        assert!(check_text(b"customer_id,date,amount\nann,2024-01-01,1\n").is_ok());
        assert!(check_text("name,ville\nZoé,Besançon\n".as_bytes()).is_ok());
        // A character cut at the end of the head is not an error.
        let mut long = vec![b'a'; HEAD - 1];
        long.extend_from_slice("é".as_bytes());
        assert!(check_text(&long).is_ok());
        let mut zip = b"PK\x03\x04\x14\x00\x06\x00".to_vec();
        zip.extend(std::iter::repeat_n(0xAB, 5_000_000));
        let e = check_text(&zip).expect_err("binary");
        let msg = e.to_string();
        assert!(msg.contains(".xlsx"), "{msg}");
        assert!(msg.contains("\"PK\\x03\\x04\\x14\\x00"), "{msg}");
        assert!(msg.len() < 250, "{} bytes: {msg}", msg.len());
        assert!(check_text(b"name\nZo\xE9\n").is_ok());
        let mut nul_in_a_cell = b"id,value\n1,\"NUL[\x00]\"\n".to_vec();
        nul_in_a_cell.extend(std::iter::repeat_n(b'a', 40));
        assert!(check_text(&nul_in_a_cell).is_ok());
        let e = check_text(b"i\x00d\x00,\x00v\x00").expect_err("UTF-16 without BOM");
        assert!(e.to_string().contains("NUL"), "{e}");
        for bad in [
            &b"\x00\x01\x02\x03"[..],
            b"\x1F\x8B\x08\x00",
            b"a\x01\x02\x03\x04b,c\n",
        ] {
            assert!(check_text(bad).is_err(), "{bad:?}");
        }
    }
}
