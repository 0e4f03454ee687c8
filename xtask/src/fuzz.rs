//! `cargo xtask fuzz [SECONDS]`: the CSV reader under libFuzzer for a fixed time.
//!
//! Separate from `cargo xtask test` (it is open-ended by nature). cargo-fuzz needs nightly
//! compiler flags (`-Zsanitizer`); this machine has one stable toolchain, so the run sets
//! `RUSTC_BOOTSTRAP=1`, which lets stable rustc accept them.

use crate::util::{self, on_path, step};

/// Installs cargo-fuzz when missing and fuzzes `orders_csv` for the given seconds (default 60).
pub fn run(args: &[String]) -> Result<(), String> {
    let seconds: u64 = match args.first() {
        Some(s) => s
            .parse()
            .map_err(|_| format!("fuzz: `{s}` is not a number of seconds"))?,
        None => 60,
    };
    if !on_path("cargo-fuzz") {
        step(
            "cargo install cargo-fuzz",
            util::cargo().args(["install", "cargo-fuzz", "--locked"]),
        )?;
    }
    let corpus = util::root().join("fuzz/corpus/orders_csv");
    util::mkdirs(&corpus)?;
    // Seed the corpus with real data so the fuzzer starts from valid rows.
    let seed = util::root().join("metrics/tests/data/cdnow/cdnow_customers_summary.csv");
    if seed.exists() {
        util::copy(&seed, &corpus.join("seed-summary.csv"))?;
    }
    step(
        &format!("cargo fuzz run orders_csv for {seconds} s"),
        util::cargo()
            .args(["fuzz", "run", "orders_csv"])
            .arg(&corpus)
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg("-max_len=65536")
            .env("RUSTC_BOOTSTRAP", "1"),
    )
}
