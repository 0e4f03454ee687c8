//! Plain-text tables for `--format table`.

/// Renders rows under a header, columns padded to their widest cell;
/// numbers (cells parsing as f64) are right-aligned.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i < width.len() {
                width[i] = width[i].max(c.chars().count());
            }
        }
    }
    let mut out = String::new();
    let line = |cells: &mut dyn Iterator<Item = &str>, out: &mut String| {
        let parts: Vec<String> = cells
            .zip(&width)
            .map(|(c, &w)| {
                if c.parse::<f64>().is_ok() {
                    format!("{c:>w$}")
                } else {
                    format!("{c:<w$}")
                }
            })
            .collect();
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied(), &mut out);
    let rule: Vec<String> = width.iter().map(|&w| "-".repeat(w)).collect();
    out.push_str(&rule.join("  "));
    out.push('\n');
    for r in rows {
        line(&mut r.iter().map(String::as_str), &mut out);
    }
    out
}

/// A number with up to `dp` decimals.
pub fn num(v: f64, dp: usize) -> String {
    format!("{v:.dp$}")
}
