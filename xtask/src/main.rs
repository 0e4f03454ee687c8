//! `cargo xtask`: Rapport's build, demo, test and benchmark orchestration.
//!
//! Plain std only, so it compiles in seconds on a fresh machine. Each subcommand lives
//! in its own module; `util` holds the process helpers they share.

mod api_contract;
mod bench;
mod build;
mod cache;
mod demo;
mod fuzz;
mod glue;
mod install;
mod locales;
mod postgres;
mod precompress;
mod size;
mod test;
mod util;

use std::process::ExitCode;

const USAGE: &str = "\
cargo xtask <command>

commands:
  build     build the loader, the widget wasm, the metrics wasm and the npm package into dist/ and pkg/
            (`build widget`: only the loader and the widget, then their sizes)
  demo      build everything and run the collector with the demo storefront at http://127.0.0.1:8080
  test      install what tests need (idempotent) and run every test, lint and size budget
  install   only install what tests need (wasm target, wasm-bindgen CLI, Chromium, PostgreSQL, npm packages)
  size      print shipped sizes (raw, gzip, brotli) and check the budgets
  bench     print benchmark figures (first paint, collector throughput, loyalty ledger, metrics engine vs lifetimes/duckdb, dashboard in the Worker)
  fuzz [S]  fuzz the orders CSV reader with cargo-fuzz for S seconds (default 60)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match command.as_str() {
        "build" => build::run(rest),
        "demo" => demo::run(rest),
        "test" => test::run(rest),
        "install" => install::run(),
        "size" => size::run(),
        "bench" => bench::run(rest),
        "fuzz" => fuzz::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
