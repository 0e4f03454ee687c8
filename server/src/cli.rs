//! Command-line flags of `rapport-server`.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Usage text for `--help`.
pub const USAGE: &str = "\
rapport-server: the Rapport collector

USAGE:
    rapport-server [FLAGS]
    rapport-server import-orders --site SITE --format shopify|generic [--credit]
                   [--platform shopify|woocommerce|generic] [--db ..] [--config ..] FILE|-
    rapport-server setup-link [--db ..] [--config ..] [--listen ..]
    rapport-server seed-demo [--db ..] [--config ..] [--site demo] [--customers 3000]
                   [--seed 14] [--password ..] [--end RFC3339]
    rapport-server scores --site SITE [--db ..] [--config ..]

FLAGS:
    --listen ADDR        address to listen on           [default: 127.0.0.1:8080]
    --db PATH|URL        SQLite file (PATH or sqlite://PATH) or postgres://user:pass@host:port/db
                                                         [default: .rapport/rapport.sqlite]
    --config PATH        sites configuration (JSON)      [default: config/demo.json]
    --dist DIR           built loader, widget, metrics   [default: dist]
    --www DIR            demo storefront                 [default: www/demo]
    --test-pages DIR     serve end-to-end test pages under /test/
    --liability SITE     print SITE's loyalty liability forecast (JSON) from --db and exit
    -h, --help           print this help

import-orders loads past orders from a Shopify orders export or the generic orders CSV
into the site's order table (idempotent on order id; bad rows reported by row and column;
no points unless --credit). Prints the report as JSON; exits 1 when a row was bad.

scores computes SITE's customer scores (P(alive), next year's value, segments) from its
orders now, stores them and prints the run's summary as JSON (the server also does this
by itself whenever the site's orders change).

setup-link prints a new one-time link (valid 24 h) that creates a console owner, under
the config's console.publicUrl or else http://LISTEN. The server prints one by itself
at start-up while the console has no user.

seed-demo fills a database without orders of the site with a simulated year of it (customers, orders,
points, referrals, survey responses; see docs/ARCHITECTURE.md) and creates the console
owner demo@example.com with --password (default: a random one, printed). A database
holding orders of the site is left as it is.
";

/// Parsed flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// `--listen`.
    pub listen: SocketAddr,
    /// `--db`: a SQLite path or a database URL (read by `store::DbTarget::parse`).
    pub db: PathBuf,
    /// `--config`.
    pub config: PathBuf,
    /// `--dist`.
    pub dist: PathBuf,
    /// `--www`.
    pub www: PathBuf,
    /// `--test-pages`.
    pub test_pages: Option<PathBuf>,
}

impl Default for Args {
    fn default() -> Self {
        Args {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: PathBuf::from(".rapport/rapport.sqlite"),
            config: PathBuf::from("config/demo.json"),
            dist: PathBuf::from("dist"),
            www: PathBuf::from("www/demo"),
            test_pages: None,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run the server.
    Serve(Args),
    /// Compute a site's customer scores once (`scores --site SITE`) and exit.
    Scores(Args, String),
    /// Print a site's loyalty liability forecast (`--liability SITE`) and exit.
    Liability(Args, String),
    /// Print [`USAGE`].
    Help,
    /// `import-orders`: load order history.
    ImportOrders(ImportArgs),
    /// `setup-link`: print a new console setup link and exit.
    SetupLink(Args),
    /// `seed-demo`: fill an empty database with demo data.
    SeedDemo(SeedArgs),
}

/// Flags of `seed-demo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedArgs {
    /// `--db`.
    pub db: PathBuf,
    /// `--config`.
    pub config: PathBuf,
    /// `--site` (default `demo`).
    pub site: String,
    /// `--customers` (default 3,000).
    pub customers: usize,
    /// `--seed` (default 14).
    pub seed: u64,
    /// `--password` of the console owner (default: random).
    pub password: Option<String>,
    /// `--end`: the end of the simulated year, ms (default: now).
    pub end: Option<i64>,
}

fn parse_seed(args: impl Iterator<Item = String>) -> Result<Command, CliError> {
    let defaults = Args::default();
    let mut out = SeedArgs {
        db: defaults.db,
        config: defaults.config,
        site: "demo".into(),
        customers: 3000,
        seed: 14,
        password: None,
        end: None,
    };
    let mut it = args;
    while let Some(arg) = it.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (arg.clone(), None),
        };
        let known = [
            "--db",
            "--config",
            "--site",
            "--customers",
            "--seed",
            "--password",
            "--end",
        ];
        if !known.contains(&flag.as_str()) {
            return Err(CliError::UnknownFlag(arg));
        }
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .ok_or_else(|| CliError::MissingValue(flag.clone()))?,
        };
        let bad = || CliError::BadValue(flag.clone(), value.clone());
        match flag.as_str() {
            "--db" => out.db = value.into(),
            "--config" => out.config = value.into(),
            "--site" => out.site = value,
            "--customers" => {
                out.customers = value.parse().ok().filter(|n| *n > 0).ok_or_else(bad)?
            }
            "--seed" => out.seed = value.parse().map_err(|_| bad())?,
            "--password" => out.password = Some(value),
            _ => out.end = Some(rapport::core::datetime::parse_rfc3339(&value).ok_or_else(bad)?),
        }
    }
    Ok(Command::SeedDemo(out))
}

/// Flags of `import-orders`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportArgs {
    /// `--db`.
    pub db: PathBuf,
    /// `--config`.
    pub config: PathBuf,
    /// `--site`.
    pub site: String,
    /// `--format`: `shopify` or `generic`.
    pub format: String,
    /// `--platform`.
    pub platform: Option<String>,
    /// `--credit`.
    pub credit: bool,
    /// The CSV file (`-`: standard input).
    pub file: PathBuf,
}

/// A bad command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    /// A flag nobody knows.
    #[error("unknown flag {0:?} (see --help)")]
    UnknownFlag(String),
    /// A flag without its value.
    #[error("{0} needs a value")]
    MissingValue(String),
    /// `--listen` that is not `host:port`.
    #[error("--listen {0:?}: expected an address like 127.0.0.1:8080")]
    BadAddress(String),
    /// A flag whose value cannot be read.
    #[error("{0} {1:?}: not a valid value (see --help)")]
    BadValue(String, String),
    /// A required flag or argument of a subcommand is absent.
    #[error("{0} is required (see --help)")]
    Missing(&'static str),
}

fn parse_import(args: impl Iterator<Item = String>) -> Result<Command, CliError> {
    let defaults = Args::default();
    let (mut site, mut format, mut platform, mut file) = (None, None, None, None);
    let (mut db, mut config, mut credit) = (defaults.db, defaults.config, false);
    let mut it = args;
    while let Some(arg) = it.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        if arg == "--credit" {
            credit = true;
            continue;
        }
        if !arg.starts_with("--") || arg == "-" {
            if file.is_some() {
                return Err(CliError::UnknownFlag(arg));
            }
            file = Some(PathBuf::from(arg));
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (arg.clone(), None),
        };
        if !matches!(
            flag.as_str(),
            "--db" | "--config" | "--site" | "--format" | "--platform"
        ) {
            return Err(CliError::UnknownFlag(arg));
        }
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .ok_or_else(|| CliError::MissingValue(flag.clone()))?,
        };
        match flag.as_str() {
            "--db" => db = value.into(),
            "--config" => config = value.into(),
            "--site" => site = Some(value),
            "--format" => format = Some(value),
            _ => platform = Some(value),
        }
    }
    Ok(Command::ImportOrders(ImportArgs {
        db,
        config,
        site: site.ok_or(CliError::Missing("--site"))?,
        format: format.ok_or(CliError::Missing("--format"))?,
        platform,
        credit,
        file: file.ok_or(CliError::Missing("the CSV file"))?,
    }))
}

/// Parses the arguments after the program name. `--flag value` and `--flag=value` both work.
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Command, CliError> {
    let mut out = Args::default();
    let mut liability = None;
    let mut it = args.into_iter().peekable();
    if it.peek().map(String::as_str) == Some("import-orders") {
        it.next();
        return parse_import(it);
    }
    if it.peek().map(String::as_str) == Some("seed-demo") {
        it.next();
        return parse_seed(it);
    }
    let setup_link = it.peek().map(String::as_str) == Some("setup-link");
    let scores = it.peek().map(String::as_str) == Some("scores");
    if setup_link || scores {
        it.next();
    }
    let mut site = None;
    while let Some(arg) = it.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let known = matches!(
            flag.as_str(),
            "--listen" | "--db" | "--config" | "--dist" | "--www" | "--test-pages" | "--liability"
        ) || (scores && flag == "--site");
        if !known {
            return Err(CliError::UnknownFlag(arg));
        }
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .ok_or_else(|| CliError::MissingValue(flag.clone()))?,
        };
        match flag.as_str() {
            "--listen" => {
                out.listen = value.parse().map_err(|_| CliError::BadAddress(value))?;
            }
            "--db" => out.db = value.into(),
            "--config" => out.config = value.into(),
            "--dist" => out.dist = value.into(),
            "--www" => out.www = value.into(),
            "--liability" => liability = Some(value),
            "--site" => site = Some(value),
            _ => out.test_pages = Some(value.into()),
        }
    }
    if scores {
        if liability.is_some() {
            return Err(CliError::UnknownFlag("--liability".into()));
        }
        return Ok(Command::Scores(
            out,
            site.ok_or(CliError::Missing("--site"))?,
        ));
    }
    Ok(match liability {
        Some(_) if setup_link => return Err(CliError::UnknownFlag("--liability".into())),
        Some(site) => Command::Liability(out, site),
        None if setup_link => Command::SetupLink(out),
        None => Command::Serve(out),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn parses_scores() {
        assert_eq!(
            parse(args("scores --site demo --db x.sqlite")),
            Ok(Command::Scores(
                Args {
                    db: "x.sqlite".into(),
                    ..Args::default()
                },
                "demo".into()
            ))
        );
        assert!(parse(args("scores")).is_err());
        assert!(parse(args("--site demo")).is_err());
    }

    #[test]
    fn parses_flags() {
        let cmd = parse(args(
            "--listen 0.0.0.0:9000 --db x.sqlite --config=c.json --test-pages tp",
        ));
        let Ok(Command::Serve(a)) = cmd else {
            panic!("unexpected {cmd:?}");
        };
        assert_eq!(a.listen, SocketAddr::from(([0, 0, 0, 0], 9000)));
        assert_eq!(a.db, PathBuf::from("x.sqlite"));
        assert_eq!(a.config, PathBuf::from("c.json"));
        assert_eq!(a.test_pages, Some(PathBuf::from("tp")));
        assert_eq!(a.www, PathBuf::from("www/demo"));
    }

    #[test]
    fn setup_link() {
        let cmd = parse(args("setup-link --db x.sqlite --config c.json"));
        let Ok(Command::SetupLink(a)) = cmd else {
            panic!("unexpected {cmd:?}");
        };
        assert_eq!(a.db, PathBuf::from("x.sqlite"));
        assert_eq!(a.config, PathBuf::from("c.json"));
        assert!(parse(args("setup-link --liability demo")).is_err());
    }

    #[test]
    fn import_orders() {
        let cmd = parse(args(
            "import-orders --site demo --format=shopify --credit --db x.sqlite orders.csv",
        ));
        assert_eq!(
            cmd,
            Ok(Command::ImportOrders(ImportArgs {
                db: PathBuf::from("x.sqlite"),
                config: PathBuf::from("config/demo.json"),
                site: "demo".into(),
                format: "shopify".into(),
                platform: None,
                credit: true,
                file: PathBuf::from("orders.csv"),
            }))
        );
        assert_eq!(
            parse(args("import-orders --format generic x.csv")),
            Err(CliError::Missing("--site"))
        );
        assert_eq!(
            parse(args("import-orders --site d --format generic")),
            Err(CliError::Missing("the CSV file"))
        );
        assert_eq!(
            parse(args("import-orders --site d --format generic a.csv b.csv")),
            Err(CliError::UnknownFlag("b.csv".into()))
        );
    }

    #[test]
    fn seed_demo() {
        let cmd = parse(args(
            "seed-demo --db x.sqlite --customers=500 --password pw --end 2026-12-01T00:00:00Z",
        ));
        let Ok(Command::SeedDemo(a)) = cmd else {
            panic!("unexpected {cmd:?}");
        };
        assert_eq!(a.db, PathBuf::from("x.sqlite"));
        assert_eq!((a.customers, a.seed, a.site.as_str()), (500, 14, "demo"));
        assert_eq!(a.password.as_deref(), Some("pw"));
        assert_eq!(a.end, Some(1_796_083_200_000));
        assert_eq!(
            parse(args("seed-demo --customers 0")),
            Err(CliError::BadValue("--customers".into(), "0".into()))
        );
        assert!(parse(args("seed-demo --end yesterday")).is_err());
        assert!(parse(args("seed-demo --listen 1.2.3.4:5")).is_err());
    }

    #[test]
    fn errors_and_help() {
        assert_eq!(parse(args("--help")), Ok(Command::Help));
        assert_eq!(
            parse(args("--nope")),
            Err(CliError::UnknownFlag("--nope".into()))
        );
        assert_eq!(
            parse(args("--db")),
            Err(CliError::MissingValue("--db".into()))
        );
        assert_eq!(
            parse(args("--liability demo --db x.sqlite")),
            Ok(Command::Liability(
                Args {
                    db: PathBuf::from("x.sqlite"),
                    ..Args::default()
                },
                "demo".into()
            ))
        );
        assert!(matches!(
            parse(args("--listen nope")),
            Err(CliError::BadAddress(_))
        ));
    }
}
