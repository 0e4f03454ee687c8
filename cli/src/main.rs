//! `rapport-metrics`: the metrics engine on the command line.
//!
//! Reads orders (generic CSV, Shopify export, CDNOW), events or survey
//! exports from a file (`.gz` too) or stdin and prints JSON (default) or a
//! table. Exit codes: 0 success, 1 data error, 2 usage error, 3 a fit did not
//! converge. Run with `--help`, or `<command> --help`.

mod args;
mod commands;
mod help;
mod intervals;
mod load;
mod plot;
mod table;
mod validate;

use std::io::Write;
use std::process::ExitCode;

use load::Failure;

fn main() -> ExitCode {
    let parsed = match args::parse(std::env::args_os().skip(1)) {
        Ok(args::Invocation::Help(None)) => {
            println!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(args::Invocation::Help(Some(command))) => {
            println!("{}", help::command_help(command));
            return ExitCode::SUCCESS;
        }
        Ok(args::Invocation::Run(a)) => Ok(a),
        Err(e) => Err(e),
    };
    let result = parsed
        .map_err(Failure::Usage)
        .and_then(|a| commands::run(&a));
    match result {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(e)) => {
            eprintln!("error: {e}\n\n{}", args::USAGE);
            ExitCode::from(2)
        }
        Err(Failure::Data(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
        Err(Failure::NotConverged(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(3)
        }
    }
}
