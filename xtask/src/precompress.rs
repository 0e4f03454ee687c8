//! Pre-compressed copies of the files browsers fetch: `file.gz` (gzip, made with Zopfli)
//! and `file.br` (brotli, quality 11), written with a copy of `file` into the deploy tree
//! `dist/precompressed/` (same relative paths), so that `dist/widget/` holds only the
//! widget's glue and wasm.
//!
//! The collector serves them as they are (`Content-Encoding: gzip` or `br`, picked from the
//! request's `Accept-Encoding`), so the compression costs nothing per request and can be as
//! slow and thorough as we like: Zopfli writes ordinary gzip/deflate that every client
//! decodes, about 6 % smaller than `gzip -9` on the widget's wasm. Any static host that
//! serves pre-compressed siblings (nginx `gzip_static`, Caddy `precompressed`, most CDNs)
//! can deploy `dist/precompressed/` the same way.
//!
//! The size budgets (`crate::size`) count `gzip -9` of the files themselves; these `.gz`
//! copies (what a gzip-only client downloads from the collector) are printed beside them.

use std::io::Write;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

use crate::cache;
use crate::util::{self, cmd};

/// Suffixes of the pre-compressed copies; files with them are never compressed again.
pub const SUFFIXES: [&str; 2] = ["gz", "br"];

/// Zopfli iterations: past ~15 the widget's wasm shrinks by a few bytes per doubling of
/// the time (measured: 5 → 43,268 B, 15 → 43,261 B, 50 → 43,254 B).
const ZOPFLI_ITERATIONS: u64 = 15;

/// The deploy tree's directory inside `dist/`.
pub const TREE: &str = "precompressed";

/// Whether `path` is a pre-compressed copy.
pub fn is_copy(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| SUFFIXES.iter().any(|s| e == *s))
}

/// `path` with `.suffix` appended (`widget.js` → `widget.js.gz`).
pub fn copy_path(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Where `file` (under `dist`) goes in the deploy tree: `dist/widget/widget.js` →
/// `dist/precompressed/widget/widget.js`; `None` for a file outside `dist`.
pub fn tree_path(dist: &Path, file: &Path) -> Option<PathBuf> {
    file.strip_prefix(dist)
        .ok()
        .map(|relative| dist.join(TREE).join(relative))
}

/// Writes the deploy tree `dist/precompressed/` afresh: each file (all under `dist`) with
/// its `.gz` and `.br` copies. Copies made earlier from the same bytes with the same
/// settings are reused from the build cache ([`crate::cache`]) instead of compressed again.
pub fn run(dist: &Path, files: &[PathBuf]) -> Result<(), String> {
    eprintln!("\n==> precompress: gzip (Zopfli)");
    let started = std::time::Instant::now();
    util::fresh_dir(&dist.join(TREE))?;
    let cache = cache::root();
    let mut made = Vec::new();
    let mut reused = 0;
    for file in files {
        let copy = tree_path(dist, file)
            .ok_or_else(|| format!("{} is not under {}", file.display(), dist.display()))?;
        if let Some(parent) = copy.parent() {
            util::mkdirs(parent)?;
        }
        let data = std::fs::read(file).map_err(|e| format!("reading {}: {e}", file.display()))?;
        std::fs::write(&copy, &data).map_err(|e| format!("writing {}: {e}", copy.display()))?;
        let key = key(&data);
        let (gz, br) = (copy_path(&copy, "gz"), copy_path(&copy, "br"));
        if cache::restore(&cache, CACHE_STEP, &key, &[("gz", &gz), ("br", &br)])? {
            reused += 1;
            continue;
        }
        std::fs::write(&gz, gzip(&data)?).map_err(|e| format!("writing {}: {e}", gz.display()))?;
        made.push((copy, key));
    }
    eprintln!(
        "    (precompress: gzip (Zopfli): {:.1} s; {reused} of {} files reused from the build cache)",
        started.elapsed().as_secs_f64(),
        files.len()
    );
    let copies: Vec<PathBuf> = made.iter().map(|(copy, _)| copy.clone()).collect();
    if !copies.is_empty() {
        brotli(&copies)?;
    }
    for (copy, key) in &made {
        let (gz, br) = (copy_path(copy, "gz"), copy_path(copy, "br"));
        cache::save(&cache, CACHE_STEP, key, &[("gz", &gz), ("br", &br)])?;
    }
    Ok(())
}

/// The build-cache step of the pre-compressed copies.
const CACHE_STEP: &str = "precompress";

/// The cache key of `data`'s copies: its bytes and the compression settings (this file).
fn key(data: &[u8]) -> String {
    cache::Key::new(CACHE_STEP)
        .bytes(data)
        .text(include_str!("precompress.rs"))
        .finish()
}

/// `data` as a gzip member, compressed by Zopfli.
pub fn gzip(data: &[u8]) -> Result<Vec<u8>, String> {
    let options = zopfli::Options {
        iteration_count: NonZeroU64::new(ZOPFLI_ITERATIONS).unwrap_or(NonZeroU64::MIN),
        ..zopfli::Options::default()
    };
    let mut out = Vec::new();
    zopfli::compress(options, zopfli::Format::Gzip, data, &mut out)
        .map_err(|e| format!("zopfli: {e}"))?;
    out.flush().map_err(|e| format!("zopfli: {e}"))?;
    Ok(out)
}

/// Writes `file.br` for each file with Node's zlib (brotli quality 11, the maximum), which
/// every machine building the project has.
fn brotli(files: &[PathBuf]) -> Result<(), String> {
    const SCRIPT: &str = "const z=require('zlib'),fs=require('fs');\
for(const f of process.argv.slice(1)){const d=fs.readFileSync(f);\
fs.writeFileSync(f+'.br',z.brotliCompressSync(d,{params:{\
[z.constants.BROTLI_PARAM_QUALITY]:11,[z.constants.BROTLI_PARAM_SIZE_HINT]:d.length}}))}";
    util::step(
        "precompress: brotli",
        cmd("node").arg("-e").arg(SCRIPT).args(files),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_named_after_the_file() {
        let p = copy_path(Path::new("dist/widget/widget_bg.wasm"), "gz");
        assert_eq!(p, Path::new("dist/widget/widget_bg.wasm.gz"));
        assert!(is_copy(&p));
        assert!(is_copy(Path::new("a/rapport.js.br")));
        assert!(!is_copy(Path::new("a/rapport.js")));
    }

    #[test]
    fn the_deploy_tree_mirrors_dist() {
        let dist = Path::new("/x/dist");
        assert_eq!(
            tree_path(dist, Path::new("/x/dist/widget/widget.js")).as_deref(),
            Some(Path::new("/x/dist/precompressed/widget/widget.js"))
        );
        assert_eq!(tree_path(dist, Path::new("/tmp/part")), None);
    }

    #[test]
    fn zopfli_output_is_a_gzip_member() {
        let data = b"rapport rapport rapport rapport".repeat(50);
        let gz = gzip(&data).unwrap();
        // Gzip magic, deflate method; much smaller than the repetitive input.
        assert_eq!(gz.get(..3), Some(&[0x1f, 0x8b, 8][..]));
        assert!(gz.len() < data.len() / 10, "{} bytes", gz.len());
        // The trailer holds the input's length (mod 2^32), little-endian.
        let n = gz.len();
        let isize = u32::from_le_bytes([gz[n - 4], gz[n - 3], gz[n - 2], gz[n - 1]]);
        assert_eq!(isize as usize, data.len());
    }
}
