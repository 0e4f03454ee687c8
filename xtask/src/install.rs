//! `cargo xtask install`: everything the tests need, installed only when missing.
//!
//! Idempotent and fast when already there: each step checks first. Sources are only the
//! package registries (rustup's wasm32 target, crates.io, Debian apt, npm). Debian's
//! `postgresql` is installed for the throwaway database the tests start
//! (`crate::postgres`).

use crate::util::{self, cmd, on_path, output, step};

/// Chromium and its driver from Debian's packages (never a downloaded browser).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// ChromeDriver matching Debian's Chromium.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Installs every missing prerequisite of the tests.
pub fn run() -> Result<(), String> {
    build_prerequisites()?;
    chromium()?;
    postgresql()
}

/// What `cargo xtask build` needs: the wasm target, the pinned wasm-bindgen CLI, and the
/// npm packages (terser for the loader, binaryen's wasm-opt).
pub fn build_prerequisites() -> Result<(), String> {
    wasm_target()?;
    wasm_bindgen_cli()?;
    npm_packages()
}

fn wasm_target() -> Result<(), String> {
    let installed =
        output(cmd("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    step(
        "rustup target add wasm32-unknown-unknown",
        cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
    )
}

fn wasm_bindgen_cli() -> Result<(), String> {
    let version = util::locked_wasm_bindgen_version()?;
    let have = output(cmd("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner = on_path("wasm-bindgen-test-runner");
    if have == format!("wasm-bindgen {version}") && runner {
        return Ok(());
    }
    let base = [
        "install",
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--no-default-features",
    ];
    // The registry mirror can lag behind a locked transitive version: try --locked first.
    let locked = step(
        &format!("cargo install wasm-bindgen-cli {version} --locked"),
        util::cargo().args(base).arg("--locked"),
    );
    if locked.is_ok() {
        return Ok(());
    }
    step(
        &format!("cargo install wasm-bindgen-cli {version}"),
        util::cargo().args(base),
    )
}

fn chromium() -> Result<(), String> {
    if on_path(CHROMIUM) && on_path(CHROMEDRIVER) {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// Debian's `postgresql` package (server binaries for the throwaway test cluster), when no
/// `initdb` is installed yet.
pub fn postgresql() -> Result<(), String> {
    if crate::postgres::bin_dir().is_ok() {
        return Ok(());
    }
    apt_install(&["postgresql"])
}

/// `apt-get update` then `apt-get install` of `packages` (as root, or through sudo).
fn apt_install(packages: &[&str]) -> Result<(), String> {
    let sudo = !is_root() && on_path("sudo");
    let apt = |args: &[&str]| {
        let mut c = if sudo { cmd("sudo") } else { cmd("apt-get") };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    step("apt-get update", &mut apt(&["update"]))?;
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend_from_slice(packages);
    step(
        &format!("apt-get install {}", packages.join(" ")),
        &mut apt(&args),
    )
}

pub fn is_root() -> bool {
    output(cmd("id").arg("-u")).as_deref() == Some("0")
}

fn npm_packages() -> Result<(), String> {
    let root = util::root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules").join(".package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&installed)) {
        (Ok(l), Ok(i)) => match (l.modified(), i.modified()) {
            (Ok(l), Ok(i)) => i >= l,
            _ => false,
        },
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    let mut npm = cmd("npm");
    if lock.exists() {
        npm.arg("ci");
    } else {
        npm.arg("install");
    }
    npm.args(["--no-audit", "--no-fund"])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    step("npm packages", &mut npm)
}
