//! `cargo xtask build`: the shipped artifacts.
//!
//! * `dist/rapport.js` — the loader, minified by terser.
//! * `dist/launcher.js`, `dist/touch.js` — the loader's chunks, ES modules it imports only on
//!   pages that need them (the launcher, a feedback button: sites that enable it; exit
//!   intent's stand-ins: touch screens with a survey that names one), minified by terser.
//! * `dist/widget/` — the shopper-facing widget: wasm-bindgen JS glue (boundary names
//!   minified with the wasm, then terser; see [`crate::glue`]) + wasm-opt'd `.wasm` (English
//!   built in), and `locales/<tag>.json`, the other locales' words, one file each, fetched
//!   only by a page that wants that locale (see [`crate::locales`]).
//! * `dist/loyalty/` — the loyalty panel (crate `rapport-panel`), a separate wasm module
//!   fetched only when a shopper opens it (`rapport('loyalty')`), built like the widget,
//!   with its own `locales/<tag>.json` (English built in).
//! * `dist/metrics/` — the metrics engine, a separate wasm module (never in the widget bundle).
//! * `pkg/` — the npm package: hand-written entry points plus copies of the above.
//! * `dist/precompressed/`: the deploy tree, each file above with its pre-compressed
//!   copies `.gz` and `.br` beside it (see [`crate::precompress`]), which the collector
//!   serves as they are.

use std::path::{Path, PathBuf};

use crate::util::{self, cmd, copy, fresh_dir, node_bin, step, step_stdout};
use crate::{cache, glue, precompress};

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

/// Properties of wasm-bindgen's glue that only the glue itself reads or writes, which
/// terser may rename (`--mangle-props`).
const GLUE_PRIVATE_PROPS: &str = "regex=/^(__wbg_ptr|__destroy_into_raw|__wrap|_wbg_cb_unref)$/";

/// One wasm artifact: which crate, its output name, and how hard wasm-opt squeezes it.
struct WasmArtifact {
    package: &'static str,
    crate_file: &'static str,
    out_name: &'static str,
    dist_dir: &'static str,
    /// wasm-opt's passes and options, in order (passes run as listed).
    opt_passes: &'static [&'static str],
    /// Extra cargo arguments (the widget drops `std`).
    cargo_args: &'static [&'static str],
    /// Minify the boundary names and the JS glue (see [`crate::glue`]): the widget only,
    /// whose glue is private to the loader and the npm package. The metrics glue is the
    /// npm package's engine API and stays as wasm-bindgen writes it.
    shrink_glue: bool,
    /// The export the loader calls after instantiating (checked with the shrunk glue).
    entry: &'static str,
    /// Whether the npm package ships it (its type declarations go to `pkg/`).
    npm: bool,
}

const WIDGET: WasmArtifact = WasmArtifact {
    package: "rapport",
    crate_file: "rapport.wasm",
    out_name: "widget",
    dist_dir: "widget",
    // Measured on the widget (gzip): flattening the control flow and rebuilding it with the
    // relooper, then merging functions that differ only in constants, before two -Oz runs,
    // comes out ~0.33 KB smaller than -Oz repeated to a fixed point; repeating that whole
    // list while it still shrinks (`--converge`) saves another ~60 B. Inlining a function
    // into its only caller only when it is small (≤ 40 bytes; -Oz inlines any size) keeps
    // more code in separate, similar-looking functions, which compress better: −0.4 KB gzip
    // (measured 0, 5, 10, 20, 30, 35, 40, 45, 60, 100, 150, 200, 400, 1000: 30–45 best;
    // measured again with the popover dialog merged, 10, 15, 18, 20, 25, 30, 35, 40, 50: 20
    // best, 178 B under 40). The
    // `target_features` custom section is for tools only. `--low-memory-unused` lets
    // wasm-opt fold constant address offsets into loads and stores (~0.35 KB gzip): true
    // here, rustc puts the 1 MiB stack first, growing down towards address 0, so the first
    // KiB is only ever reached by a stack that has overflowed already.
    opt_passes: &[
        // Identical functions (monomorphised copies that came out the same) folded into one
        // first: −110 B gzip -9 of a show (measured with the customer token and lol_alloc;
        // `--code-folding`, `--gufa`, `--monomorphize`, `--dae-optimizing` measured too: 0 to +150).
        "--duplicate-function-elimination",
        "--one-caller-inline-max-function-size=20",
        "--flatten",
        "--rereloop",
        "--merge-similar-functions",
        "-Oz",
        "-Oz",
        "--converge",
        "--strip-target-features",
        "--low-memory-unused",
    ],
    cargo_args: &["--no-default-features", "--features", "shell"],
    shrink_glue: true,
    entry: "start",
    npm: true,
};

/// The loyalty panel: the widget's recipe (the same wasm-opt passes, the boundary names
/// minified with the glue, which only the loader calls), std linked.
const PANEL: WasmArtifact = WasmArtifact {
    package: "rapport-panel",
    crate_file: "rapport_panel.wasm",
    out_name: "panel",
    dist_dir: "loyalty",
    opt_passes: WIDGET.opt_passes,
    cargo_args: &[],
    shrink_glue: true,
    entry: "open",
    npm: true,
};

const METRICS: WasmArtifact = WasmArtifact {
    package: "rapport-metrics",
    crate_file: "rapport_metrics.wasm",
    out_name: "metrics",
    dist_dir: "metrics",
    opt_passes: &["-O3"],
    cargo_args: &[],
    shrink_glue: false,
    entry: "",
    npm: true,
};

/// The merchant console (crate `rapport-console`), served by the collector at `/admin`:
/// never loaded by a shopper, so plain `-Oz` and the glue as wasm-bindgen writes it (its
/// budget is 200 KB gzip, see [`crate::size`]). Not in the npm package.
const CONSOLE: WasmArtifact = WasmArtifact {
    package: "rapport-console",
    crate_file: "rapport_console.wasm",
    out_name: "console",
    dist_dir: "console",
    opt_passes: &["-Oz"],
    cargo_args: &[],
    shrink_glue: false,
    entry: "",
    npm: false,
};

/// The console's hand-written files, copied beside its wasm: the HTML shell (served for
/// every `/admin/*` page), the entry module and the style sheet.
pub const CONSOLE_STATIC: [&str; 4] = [
    "index.html",
    "boot.js",
    "console.css",
    "dashboard-worker.js",
];

/// Builds the console into `dist/console/`.
fn console(dist: &Path) -> Result<(), String> {
    wasm(&CONSOLE, dist)?;
    let from = util::root().join("console/static");
    for file in CONSOLE_STATIC {
        copy(&from.join(file), &dist.join(CONSOLE.dist_dir).join(file))?;
    }
    Ok(())
}

/// Builds everything into `dist/` and `pkg/`.
pub fn run_build() -> Result<(), String> {
    let dist = loader_and_widget()?;
    wasm(&PANEL, &dist)?;
    crate::locales::write_panel(&dist.join(PANEL.dist_dir))?;
    wasm(&METRICS, &dist)?;
    console(&dist)?;
    package(&dist)?;
    let mut shipped = vec![dist.join("rapport.js")];
    shipped.extend(CHUNKS.iter().map(|chunk| dist.join(chunk)));
    for artifact in [&WIDGET, &PANEL, &METRICS, &CONSOLE] {
        shipped.extend(crate::size::files_in(&dist.join(artifact.dist_dir))?);
    }
    for artifact in [&WIDGET, &PANEL] {
        shipped.extend(crate::size::files_in(
            &dist.join(artifact.dist_dir).join(crate::locales::DIR),
        )?);
    }
    precompress::run(&dist, &shipped)?;
    crate::size::report(false).map(|_| ())
}

/// `cargo xtask build [widget]` entry point. `widget` builds only the loader and the
/// widget into `dist/` and prints their sizes: the quick loop when working on shipped bytes.
pub fn run(args: &[String]) -> Result<(), String> {
    match args {
        [] => run_build(),
        [only] if only == "widget" => {
            let dist = loader_and_widget()?;
            // The deploy tree would now be stale: without it the collector serves `dist/`.
            let tree = dist.join(precompress::TREE);
            if tree.exists() {
                std::fs::remove_dir_all(&tree)
                    .map_err(|e| format!("removing {}: {e}", tree.display()))?;
            }
            crate::size::report(false).map(|_| ())
        }
        _ => Err(format!(
            "unknown build target {args:?}; expected nothing or `widget`"
        )),
    }
}

/// The prerequisites, then the loader and the widget into `dist/` (returned).
fn loader_and_widget() -> Result<PathBuf, String> {
    crate::install::build_prerequisites()?;
    let dist = util::root().join("dist");
    util::mkdirs(&dist)?;
    loader(&dist)?;
    wasm(&WIDGET, &dist)?;
    crate::locales::write(&dist.join(WIDGET.dist_dir))?;
    Ok(dist)
}

/// The loader's chunks, beside it in `dist/`: the launcher (sites with a `launcher`);
/// exit intent's stand-ins on touch screens; the follow-up card (identified shoppers of
/// sites with `followups: true`).
pub const CHUNKS: [&str; 3] = ["launcher.js", "touch.js", "followup.js"];

fn loader(dist: &Path) -> Result<(), String> {
    let source = util::root().join("www/loader/rapport.js");
    step(
        "loader: terser www/loader/rapport.js → dist/rapport.js",
        cmd(node_bin("terser").to_str().unwrap_or("terser"))
            .arg(&source)
            .args(["--compress", "passes=3", "--mangle", "--ecma", "2017"])
            .arg("--output")
            .arg(dist.join("rapport.js")),
    )?;
    // The chunks: ES modules the loader imports only on pages that need them (`--module`
    // lets terser rename their top level).
    for chunk in CHUNKS {
        let source = util::root().join("www/loader").join(chunk);
        step(
            &format!("{chunk}: terser www/loader/{chunk} → dist/{chunk}"),
            cmd(node_bin("terser").to_str().unwrap_or("terser"))
                .arg(&source)
                .args([
                    "--module",
                    "--compress",
                    "passes=3",
                    "--mangle",
                    "--ecma",
                    "2020",
                ])
                .arg("--output")
                .arg(dist.join(chunk)),
        )?;
    }
    Ok(())
}

/// Rust flags for shipped wasm: the user's own, plus path remapping so that the source
/// paths rustc embeds (panic locations) name a dependency as `deps/<crate>/...` instead of
/// where this machine keeps cargo's registry.
fn shipped_rustflags() -> String {
    let mut flags: Vec<String> = match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        Ok(encoded) if !encoded.is_empty() => encoded.split('\x1f').map(String::from).collect(),
        _ => std::env::var("RUSTFLAGS")
            .unwrap_or_default()
            .split_whitespace()
            .map(String::from)
            .collect(),
    };
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    if let Some(cargo_home) = cargo_home {
        for dir in ["registry/src", "git/checkouts"] {
            flags.push(format!(
                "--remap-path-prefix={}=deps",
                cargo_home.join(dir).display()
            ));
        }
    }
    flags.push(format!("--remap-path-prefix={}=.", util::root().display()));
    flags.join("\x1f")
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
            .args(artifact.cargo_args)
            .env("CARGO_ENCODED_RUSTFLAGS", shipped_rustflags()),
    )?;
    let built: PathBuf = util::target_dir()
        .join("wasm32-unknown-unknown/wasm")
        .join(artifact.crate_file);
    let out_dir = dist.join(artifact.dist_dir);
    let wasm_name = format!("{}_bg.wasm", artifact.out_name);
    let glue = format!("{}.js", artifact.out_name);
    let types = format!("{}.d.ts", artifact.out_name);
    // What this step writes: browsers fetch the first two, the npm package adds the types.
    let types_out = types_dir(artifact).join(&types);
    let outputs = [
        (wasm_name.as_str(), out_dir.join(&wasm_name)),
        (glue.as_str(), out_dir.join(&glue)),
        (types.as_str(), types_out),
    ];
    let outputs: Vec<(&str, &Path)> = outputs.iter().map(|(n, p)| (*n, p.as_path())).collect();
    let key = post_build_key(artifact, &built)?;
    let cache = cache::root();
    fresh_dir(&out_dir)?;
    if cache::restore(&cache, artifact.out_name, &key, &outputs)? {
        eprintln!(
            "\n==> {}: wasm-bindgen, wasm-opt and the glue reused (inputs unchanged, key {})",
            artifact.package,
            key.get(..12).unwrap_or(&key)
        );
        return Ok(());
    }
    post_build(artifact, &built, &out_dir)?;
    cache::save(&cache, artifact.out_name, &key, &outputs)
}

/// What the outputs of [`post_build`] depend on: the wasm cargo built, the pinned
/// wasm-bindgen, the npm tools (wasm-opt, terser: their versions are in the lock file) and
/// the recipe (this file and the glue rewrites).
fn post_build_key(artifact: &WasmArtifact, built: &Path) -> Result<String, String> {
    const RECIPE: &str = concat!(include_str!("build.rs"), include_str!("glue.rs"));
    Ok(cache::Key::new(artifact.out_name)
        .file(built)?
        .text(&util::locked_wasm_bindgen_version()?)
        .file(&util::root().join("package-lock.json"))?
        .text(RECIPE)
        .finish())
}

/// wasm-bindgen, wasm-opt and (for the widget) the glue rewrites: from the wasm cargo
/// built to `out_dir` (glue + wasm) and the npm package's type declarations.
fn post_build(artifact: &WasmArtifact, built: &Path, out_dir: &Path) -> Result<(), String> {
    let staging = util::target_dir().join("xtask").join(artifact.out_name);
    fresh_dir(&staging)?;
    let mut bindgen = cmd("wasm-bindgen");
    bindgen
        .args(["--target", "web", "--out-name", artifact.out_name])
        .args(["--remove-name-section", "--remove-producers-section"]);
    if artifact.shrink_glue {
        // TextEncoder#encodeInto exists wherever the wasm runs (reference types need
        // Chromium 96 / Firefox 79 / Safari 15): no fallback. No default wasm URL either:
        // the loader and the npm package always pass one.
        bindgen.args(["--encode-into", "always", "--omit-default-module-path"]);
    }
    step(
        &format!("{}: wasm-bindgen --target web", artifact.package),
        bindgen.arg("--out-dir").arg(&staging).arg(built),
    )?;
    let wasm_name = format!("{}_bg.wasm", artifact.out_name);
    let wasm_opt = || cmd(node_bin("wasm-opt").to_str().unwrap_or("wasm-opt"));
    let glue = format!("{}.js", artifact.out_name);
    let types = format!("{}.d.ts", artifact.out_name);
    let mut input = staging.join(&wasm_name);
    let mut mapping = None;
    if artifact.shrink_glue {
        // Before optimizing: the mapping then covers every import the glue provides, and
        // the optimized module comes out a little smaller than when renamed afterwards.
        // (Inside an optimizing run with `--converge` the pass would also repeat.)
        let minified = staging.join(format!("{}_min.wasm", artifact.out_name));
        let printed = step_stdout(
            &format!(
                "{}: wasm-opt --minify-imports-and-exports-and-modules",
                artifact.package
            ),
            wasm_opt()
                .arg("--minify-imports-and-exports-and-modules")
                .args(WASM_FEATURES)
                .arg(&input)
                .arg("-o")
                .arg(&minified),
        )?;
        mapping = Some(glue::parse_mapping(&printed)?);
        input = minified;
    }
    step(
        &format!(
            "{}: wasm-opt {}",
            artifact.package,
            artifact.opt_passes.join(" ")
        ),
        wasm_opt()
            .args(artifact.opt_passes)
            .args(WASM_FEATURES)
            .arg(&input)
            .arg("-o")
            .arg(out_dir.join(&wasm_name)),
    )?;
    if let Some(mapping) = mapping {
        // The glue as wasm-bindgen wrote it, with the boundary names wasm-opt minified.
        let js = glue::rename(&read(&staging.join(&glue))?, &mapping)?;
        let dts = glue::rename_types(&read(&staging.join(&types))?, &mapping);
        let renamed_js = staging.join(format!("{}.renamed.js", artifact.out_name));
        write(&renamed_js, &js)?;
        write(&staging.join(&types), &dts)?;
        step(
            &format!("{}: terser {glue}", artifact.package),
            cmd(node_bin("terser").to_str().unwrap_or("terser"))
                .arg(&renamed_js)
                .args(["--module", "--ecma", "2020"])
                // unsafe_methods: `{k: function() {}}` → `{k() {}}`; wasm never `new`s an
                // import. The mangled properties are the glue's own bookkeeping.
                .args(["--compress", "passes=3,unsafe_methods=true", "--mangle"])
                .args(["--mangle-props", GLUE_PRIVATE_PROPS])
                .arg("--output")
                .arg(out_dir.join(&glue)),
        )?;
        glue::check(
            &out_dir.join(&glue),
            &out_dir.join(&wasm_name),
            artifact.entry,
        )?;
    } else {
        copy(&staging.join(&glue), &out_dir.join(&glue))?;
    }
    // Type declarations go to the npm package only; dist/ holds what browsers fetch.
    copy(&staging.join(&types), &types_dir(artifact).join(&types))
}

/// Where an artifact's type declarations go: the npm package, or beside the build's
/// scratch files for what the package does not ship.
fn types_dir(artifact: &WasmArtifact) -> PathBuf {
    match artifact.npm {
        true => util::root().join("pkg").join(artifact.dist_dir),
        false => util::target_dir()
            .join("xtask")
            .join("types")
            .join(artifact.dist_dir),
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

fn package(dist: &Path) -> Result<(), String> {
    let pkg = util::root().join("pkg");
    copy(&dist.join("rapport.js"), &pkg.join("rapport.js"))?;
    for chunk in CHUNKS {
        copy(&dist.join(chunk), &pkg.join(chunk))?;
    }
    for artifact in [&WIDGET, &PANEL, &METRICS] {
        copy_tree(&dist.join(artifact.dist_dir), &pkg.join(artifact.dist_dir))?;
    }
    Ok(())
}

/// Copies the files of `from` into `to`, subdirectories included (the widget's `locales/`).
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            copy(&path, &target)?;
        }
    }
    Ok(())
}
