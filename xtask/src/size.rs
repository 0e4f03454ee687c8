//! `cargo xtask size`: shipped sizes (raw, gzip -9, the shipped gzip, brotli) and the
//! budgets.
//!
//! Budgets: `dist/rapport.js` ≤ 2 KB gzip -9 (2,048 B: the cost of the snippet on every
//! page), the loader + `dist/launcher.js` ≤ 2.5 KB gzip -9 (2,560 B: what a page of a site
//! that enables the launcher's buttons loads before any click; each file compressed on its
//! own, as it is sent), `dist/widget/` ≤ 56 KB gzip -9 (57,344 B: paid only when a survey shows), counted
//! as what one survey show fetches at most: the glue, the wasm and the largest locale file
//! (`locales/<tag>.json`, fetched only by a page in that language; English is built in).
//! They are ceilings with headroom that catch regressions, not targets to shave against.
//! `dist/loyalty/` ≤ 40 KB gzip -9 (40,960 B: the loyalty panel, fetched only when a shopper
//! opens it), counted the same way: glue, wasm and its largest locale file. `dist/touch.js`
//! (exit intent's stand-ins, only on touch screens with a survey that names one) is printed
//! without a budget of its own. The metrics engine is printed but has no budget: it is
//! fetched only by the console. `dist/console/` (the merchant console: HTML shell, entry
//! module, style sheet, glue, wasm) ≤ 200 KB gzip -9 (204,800 B), all its files summed.
//!
//! The budgets count `gzip -9` of each file (what any host that compresses on the fly
//! sends). Printed beside: the Zopfli-made `.gz` copies of the deploy tree
//! (`dist/precompressed/`, see [`crate::precompress`]: what a gzip-only browser downloads
//! from the collector) and brotli (what today's browsers actually get from it).

use std::path::{Path, PathBuf};

use crate::precompress;
use crate::util::{self, cmd};

/// Loader budget in `gzip -9` bytes.
pub const LOADER_BUDGET: u64 = 2 * 1024;
/// What a page whose site enables the launcher loads before any click: the loader plus
/// `dist/launcher.js`, in `gzip -9` bytes.
pub const LAUNCHER_PAGE_BUDGET: u64 = 2560;
/// Widget (JS glue + wasm) budget in `gzip -9` bytes.
pub const WIDGET_BUDGET: u64 = 56 * 1024;

/// Loyalty panel (JS glue + wasm) budget in `gzip -9` bytes.
pub const PANEL_BUDGET: u64 = 40 * 1024;

/// Merchant console (`dist/console/`: shell, entry module, style sheet, glue, wasm) budget
/// in `gzip -9` bytes (issue 14: ≤ 200 KB). Never loaded by a shopper.
pub const CONSOLE_BUDGET: u64 = 200 * 1024;

/// Raw, gzip and brotli sizes of one file (or a sum of files).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sizes {
    pub raw: u64,
    /// `gzip -9`.
    pub gzip: u64,
    /// The shipped `.gz` copy (Zopfli); 0 when there is none (wasm parts).
    pub shipped: u64,
    pub brotli: u64,
}

impl std::ops::Add for Sizes {
    type Output = Sizes;
    fn add(self, o: Sizes) -> Sizes {
        Sizes {
            raw: self.raw + o.raw,
            gzip: self.gzip + o.gzip,
            shipped: self.shipped + o.shipped,
            brotli: self.brotli + o.brotli,
        }
    }
}

/// `cargo xtask size` entry point: print and enforce the budgets.
pub fn run() -> Result<(), String> {
    report(true).map(|_| ())
}

/// Prints the size table; with `enforce`, fails when a budget is exceeded.
pub fn report(enforce: bool) -> Result<(Sizes, Sizes), String> {
    let dist = util::root().join("dist");
    let loader = measure_one(&dist.join("rapport.js"))?;
    let launcher = measure_one(&dist.join("launcher.js"))?;
    let touch = measure_one(&dist.join("touch.js"))?;
    let widget_files = files_in(&dist.join("widget"))?;
    let metrics_files = files_in(&dist.join("metrics")).unwrap_or_default();

    println!(
        "\nshipped sizes (bytes)            raw   gzip -9  gzip (.gz)    brotli   budget (gzip -9)"
    );
    row("dist/rapport.js  (loader)", loader, Some(LOADER_BUDGET));
    row("dist/launcher.js (launcher)", launcher, None);
    row(
        "  + launcher (launcher page)",
        loader + launcher,
        Some(LAUNCHER_PAGE_BUDGET),
    );
    row("dist/touch.js    (touch screens)", touch, None);
    let mut widget = Sizes::default();
    for file in &widget_files {
        let s = measure_one(file)?;
        widget = widget + s;
        row(&format!("  widget/{}", name(file)), s, None);
        if file.extension().is_some_and(|e| e == "wasm") {
            for (part, s) in wasm_parts(file)? {
                row(&format!("    {part}"), s, None);
            }
        }
    }
    widget = widget + largest_locale_file(&dist.join("widget"), "widget")?;
    row("dist/widget/     (a show)", widget, Some(WIDGET_BUDGET));
    println!("  (wasm parts compressed one by one: their gzip adds up to more than the file's)");
    println!(
        "  (budgets count gzip -9; gzip (.gz): the Zopfli-made copies in dist/precompressed/ that \
         the collector sends gzip-only clients; brotli: what browsers get from the collector)"
    );
    let mut panel = Sizes::default();
    for file in files_in(&dist.join("loyalty")).unwrap_or_default() {
        let s = measure_one(&file)?;
        panel = panel + s;
        row(&format!("  loyalty/{}", name(&file)), s, None);
    }
    panel = panel + largest_locale_file(&dist.join("loyalty"), "loyalty")?;
    row("dist/loyalty/    (the panel)", panel, Some(PANEL_BUDGET));
    let mut metrics = Sizes::default();
    for file in &metrics_files {
        let s = measure_one(file)?;
        metrics = metrics + s;
        row(&format!("  metrics/{}", name(file)), s, None);
    }
    row("dist/metrics/    (total)", metrics, None);
    let mut console = Sizes::default();
    for file in files_in(&dist.join("console")).unwrap_or_default() {
        let s = measure_one(&file)?;
        console = console + s;
        row(&format!("  console/{}", name(&file)), s, None);
    }
    row(
        "dist/console/    (the console)",
        console,
        Some(CONSOLE_BUDGET),
    );

    if enforce {
        let mut over = Vec::new();
        if loader.gzip > LOADER_BUDGET {
            over.push(format!(
                "loader is {} B gzip -9, budget {LOADER_BUDGET}",
                loader.gzip
            ));
        }
        let page = (loader + launcher).gzip;
        if page > LAUNCHER_PAGE_BUDGET {
            over.push(format!(
                "loader + launcher is {page} B gzip -9, budget {LAUNCHER_PAGE_BUDGET}"
            ));
        }
        if widget.gzip > WIDGET_BUDGET {
            over.push(format!(
                "widget is {} B gzip -9, budget {WIDGET_BUDGET}",
                widget.gzip
            ));
        }
        if panel.gzip > PANEL_BUDGET {
            over.push(format!(
                "loyalty panel is {} B gzip -9, budget {PANEL_BUDGET}",
                panel.gzip
            ));
        }
        if console.gzip > CONSOLE_BUDGET {
            over.push(format!(
                "console is {} B gzip -9, budget {CONSOLE_BUDGET}",
                console.gzip
            ));
        }
        if !over.is_empty() {
            return Err(format!("size budget exceeded: {}", over.join("; ")));
        }
        println!(
            "size budgets: ok (loader {} B of {LOADER_BUDGET}, loader + launcher {} B of \
             {LAUNCHER_PAGE_BUDGET}, widget {} B of {WIDGET_BUDGET}, loyalty panel {} B of \
             {PANEL_BUDGET}, console {} B of {CONSOLE_BUDGET}, gzip -9)",
            loader.gzip,
            (loader + launcher).gzip,
            widget.gzip,
            panel.gzip,
            console.gzip
        );
    }
    Ok((loader, widget))
}

/// The wasm's sections grouped into code, data, the JS boundary (imports and exports) and
/// the rest, each measured on its own (so the gzip figures add up to a little more than the
/// file's).
fn wasm_parts(file: &Path) -> Result<Vec<(&'static str, Sizes)>, String> {
    const PARTS: [&str; 4] = [
        "code section",
        "data section",
        "imports + exports",
        "other sections",
    ];
    let bytes = std::fs::read(file).map_err(|e| format!("reading {}: {e}", file.display()))?;
    let mut grouped: [Vec<u8>; 4] = Default::default();
    for (id, body) in wasm_sections(&bytes).map_err(|e| format!("{}: {e}", file.display()))? {
        let part = match id {
            10 => 0,
            11 => 1,
            2 | 7 => 2,
            _ => 3,
        };
        grouped[part].extend_from_slice(body);
    }
    let dir = util::target_dir().join("xtask").join("size-parts");
    util::mkdirs(&dir)?;
    let mut out = Vec::new();
    for (label, bytes) in PARTS.into_iter().zip(grouped) {
        if bytes.is_empty() {
            continue;
        }
        let path = dir.join(label.replace(' ', "-"));
        std::fs::write(&path, &bytes).map_err(|e| format!("writing {}: {e}", path.display()))?;
        out.push((label, measure_one(&path)?));
    }
    Ok(out)
}

/// A wasm binary's sections: `(id, contents)`, in file order.
fn wasm_sections(bytes: &[u8]) -> Result<Vec<(u8, &[u8])>, String> {
    if bytes.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        return Err("not a wasm module".into());
    }
    let mut sections = Vec::new();
    let mut at = 8;
    while let Some(&id) = bytes.get(at) {
        at += 1;
        let mut len = 0usize;
        let mut shift = 0;
        loop {
            let byte = *bytes.get(at).ok_or("truncated section size")?;
            at += 1;
            len |= usize::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
            if shift > 28 {
                return Err("section size too long".into());
            }
        }
        let body = bytes.get(at..at + len).ok_or("section runs past the end")?;
        sections.push((id, body));
        at += len;
    }
    Ok(sections)
}

fn row(label: &str, s: Sizes, budget: Option<u64>) {
    let budget = budget.map(|b| b.to_string()).unwrap_or_default();
    let shipped = if s.shipped == 0 {
        "-".to_owned()
    } else {
        s.shipped.to_string()
    };
    println!(
        "{label:<30} {:>8} {:>9} {:>11} {:>9}   {budget}",
        s.raw, s.gzip, shipped, s.brotli
    );
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The files of `dir` (not its pre-compressed copies), sorted.
/// Prints the locale files of an artifact (`dir/locales/`) and returns the largest one's
/// sizes (zero when there are none): a page fetches at most one locale file (none in
/// English), so the largest counts against the artifact's budget.
fn largest_locale_file(dir: &Path, label: &str) -> Result<Sizes, String> {
    let mut largest = None::<(String, Sizes)>;
    for file in files_in(&dir.join(crate::locales::DIR)).unwrap_or_default() {
        let s = measure_one(&file)?;
        let line = format!("  {label}/{}/{}", crate::locales::DIR, name(&file));
        row(&line, s, None);
        if largest.as_ref().is_none_or(|(_, l)| s.gzip > l.gzip) {
            largest = Some((line, s));
        }
    }
    Ok(match largest {
        Some((line, s)) => {
            println!("  (a page fetches at most one locale file; the largest counts:{line})");
            s
        }
        None => Sizes::default(),
    })
}

pub fn files_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("reading {}: {e} (run `cargo xtask build`)", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && !precompress::is_copy(p))
        .collect();
    files.sort();
    Ok(files)
}

/// Raw, gzip (level 9) and brotli (quality 11) sizes of one file, with Node's zlib, which
/// every machine running the tests has (no extra dependency). When the deploy tree holds a
/// copy of the file with the same bytes, its `.gz` is the shipped gzip and its `.br` (made
/// with the same quality) the brotli figure: what is served, and not compressed again here.
fn measure_one(file: &Path) -> Result<Sizes, String> {
    const SCRIPT: &str = "const z=require('zlib'),fs=require('fs');\
const [f,br]=process.argv.slice(1);const d=fs.readFileSync(f);\
console.log(d.length,z.gzipSync(d,{level:9}).length,br=='1'?\
z.brotliCompressSync(d,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,\
[z.constants.BROTLI_PARAM_SIZE_HINT]:d.length}}).length:0)";
    // Parts of a wasm (measured from a scratch directory) have no shipped copy.
    let copy = precompress::tree_path(&util::root().join("dist"), file)
        .filter(|copy| same_bytes(file, copy));
    let len = |suffix: &str| {
        copy.as_ref()
            .and_then(|copy| std::fs::metadata(precompress::copy_path(copy, suffix)).ok())
            .map(|meta| meta.len())
    };
    let (shipped, served_br) = (len("gz"), len("br"));
    let out = util::output(
        cmd("node")
            .arg("-e")
            .arg(SCRIPT)
            .arg(file)
            .arg(if served_br.is_some() { "0" } else { "1" }),
    )
    .ok_or_else(|| {
        format!(
            "measuring the size of {} failed (missing file?)",
            file.display()
        )
    })?;
    let nums: Vec<u64> = out
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    match nums.as_slice() {
        [raw, gzip, brotli] => Ok(Sizes {
            raw: *raw,
            gzip: *gzip,
            shipped: shipped.unwrap_or(0),
            brotli: served_br.unwrap_or(*brotli),
        }),
        _ => Err(format!("unexpected size output `{out}`")),
    }
}

/// Whether two files exist and hold the same bytes.
fn same_bytes(a: &Path, b: &Path) -> bool {
    matches!((std::fs::read(a), std::fs::read(b)), (Ok(a), Ok(b)) if a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `57344` → `57,344`, as the documents write byte counts.
    fn thousands(n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    /// The README's size table and docs/SIZES.md state the budgets this gate enforces.
    #[test]
    fn the_documents_state_the_budgets() {
        assert_eq!(thousands(57344), "57,344");
        assert_eq!(thousands(512), "512");
        for doc in ["README.md", "docs/SIZES.md"] {
            let text = std::fs::read_to_string(util::root().join(doc)).unwrap();
            for budget in [
                LOADER_BUDGET,
                LAUNCHER_PAGE_BUDGET,
                WIDGET_BUDGET,
                PANEL_BUDGET,
            ] {
                let stated = format!("{} B", thousands(budget));
                assert!(text.contains(&stated), "{doc} states the budget {stated}");
            }
        }
    }

    #[test]
    fn sections_are_split() {
        // Header, a type section (id 1) of 4 bytes, a custom section (id 0) of 130 bytes
        // (two-byte size).
        let mut wasm = b"\0asm\x01\0\0\0\x01\x04abcd\x00\x82\x01".to_vec();
        wasm.extend([7u8; 130]);
        let sections = wasm_sections(&wasm).unwrap();
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0], (1, b"abcd".as_slice()));
        assert_eq!((sections[1].0, sections[1].1.len()), (0, 130));
        assert!(wasm_sections(b"\0asm\x01\0\0\0\x01\x09abc").is_err());
        assert!(wasm_sections(b"not wasm").is_err());
    }
}
