//! `cargo xtask build`: the shipped artifacts.
//!
//! * `dist/rapport.js` — the loader, minified by terser.
//! * `dist/widget/` — the shopper-facing widget: wasm-bindgen JS glue + wasm-opt'd `.wasm`, nothing else.
//! * `dist/metrics/` — the metrics engine, a separate wasm module (never in the widget bundle).
//! * `pkg/` — the npm package: hand-written entry points plus copies of the above.

use std::path::{Path, PathBuf};

use crate::util::{self, cmd, copy, fresh_dir, node_bin, step};

/// wasm-opt feature flags matching what rustc emits for wasm32 (never `--all-features`:
/// it produces an import encoding Chromium rejects).
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// One wasm artifact: which crate, its output name, and how hard wasm-opt squeezes it.
struct WasmArtifact {
    package: &'static str,
    crate_file: &'static str,
    out_name: &'static str,
    dist_dir: &'static str,
    opt_level: &'static str,
    /// Extra cargo arguments (the widget drops `std`).
    cargo_args: &'static [&'static str],
}

const WIDGET: WasmArtifact = WasmArtifact {
    package: "rapport",
    crate_file: "rapport.wasm",
    out_name: "widget",
    dist_dir: "widget",
    opt_level: "-Oz",
    cargo_args: &["--no-default-features"],
};

const METRICS: WasmArtifact = WasmArtifact {
    package: "rapport-metrics",
    crate_file: "rapport_metrics.wasm",
    out_name: "metrics",
    dist_dir: "metrics",
    opt_level: "-O3",
    cargo_args: &[],
};

/// Builds everything into `dist/` and `pkg/`.
pub fn run_build() -> Result<(), String> {
    crate::install::build_prerequisites()?;
    let dist = util::root().join("dist");
    util::mkdirs(&dist)?;
    loader(&dist)?;
    wasm(&WIDGET, &dist)?;
    wasm(&METRICS, &dist)?;
    package(&dist)?;
    crate::size::report(false).map(|_| ())
}

/// `cargo xtask build` entry point.
pub fn run(_args: &[String]) -> Result<(), String> {
    run_build()
}

fn loader(dist: &Path) -> Result<(), String> {
    let source = util::root().join("www/loader/rapport.js");
    step(
        "loader: terser www/loader/rapport.js → dist/rapport.js",
        cmd(node_bin("terser").to_str().unwrap_or("terser"))
            .arg(&source)
            .args(["--compress", "passes=3", "--mangle", "--ecma", "2017"])
            .arg("--output")
            .arg(dist.join("rapport.js")),
    )
}

fn wasm(artifact: &WasmArtifact, dist: &Path) -> Result<(), String> {
    step(
        &format!(
            "{}: cargo build --target wasm32-unknown-unknown --profile wasm",
            artifact.package
        ),
        util::cargo()
            .args([
                "build",
                "--package",
                artifact.package,
                "--lib",
                "--target",
                "wasm32-unknown-unknown",
                "--profile",
                "wasm",
            ])
            .args(artifact.cargo_args),
    )?;
    let built: PathBuf = util::target_dir()
        .join("wasm32-unknown-unknown/wasm")
        .join(artifact.crate_file);
    let staging = util::target_dir().join("xtask").join(artifact.out_name);
    fresh_dir(&staging)?;
    step(
        &format!("{}: wasm-bindgen --target web", artifact.package),
        cmd("wasm-bindgen")
            .args(["--target", "web", "--out-name", artifact.out_name])
            .args(["--remove-name-section", "--remove-producers-section"])
            .arg("--out-dir")
            .arg(&staging)
            .arg(&built),
    )?;
    let out_dir = dist.join(artifact.dist_dir);
    fresh_dir(&out_dir)?;
    let wasm_name = format!("{}_bg.wasm", artifact.out_name);
    step(
        &format!("{}: wasm-opt {}", artifact.package, artifact.opt_level),
        cmd(node_bin("wasm-opt").to_str().unwrap_or("wasm-opt"))
            .arg(artifact.opt_level)
            .args(WASM_FEATURES)
            .arg(staging.join(&wasm_name))
            .arg("-o")
            .arg(out_dir.join(&wasm_name)),
    )?;
    let glue = format!("{}.js", artifact.out_name);
    copy(&staging.join(&glue), &out_dir.join(&glue))?;
    // Type declarations go to the npm package only; dist/ holds what browsers fetch.
    let types = format!("{}.d.ts", artifact.out_name);
    if staging.join(&types).exists() {
        copy(
            &staging.join(&types),
            &util::root()
                .join("pkg")
                .join(artifact.dist_dir)
                .join(&types),
        )?;
    }
    Ok(())
}

fn package(dist: &Path) -> Result<(), String> {
    let pkg = util::root().join("pkg");
    copy(&dist.join("rapport.js"), &pkg.join("rapport.js"))?;
    for artifact in [&WIDGET, &METRICS] {
        let from = dist.join(artifact.dist_dir);
        let entries =
            std::fs::read_dir(&from).map_err(|e| format!("reading {}: {e}", from.display()))?;
        for entry in entries.flatten() {
            copy(
                &entry.path(),
                &pkg.join(artifact.dist_dir).join(entry.file_name()),
            )?;
        }
    }
    Ok(())
}
