//! `rapport-server`: parses flags, loads the configuration, opens the database, serves
//! until Ctrl-C or SIGTERM, then shuts down within the configured deadline and exits 0.
//! Every start-up failure is one line on stderr naming its cause, and a non-zero exit
//! (2: command line or configuration, 1: anything else).

use std::path::PathBuf;
use std::process::ExitCode;

use rapport_server::cli::{self, Command};
use rapport_server::config::{ConfigError, ServerConfig};
use rapport_server::static_files::StaticDirs;
use rapport_server::store::DbTarget;
use rapport_server::{start, ServerOptions};

#[tokio::main]
async fn main() -> ExitCode {
    let mut scores_site = None;
    let (args, liability, setup_link) = match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Serve(args)) => (args, None, false),
        Ok(Command::Scores(args, site)) => {
            scores_site = Some(site);
            (args, None, false)
        }
        Ok(Command::Liability(args, site)) => (args, Some(site), false),
        Ok(Command::SetupLink(args)) => (args, None, true),
        Ok(Command::ImportOrders(args)) => {
            return rapport_server::history_import::command(args).await;
        }
        Ok(Command::SeedDemo(args)) => return rapport_server::demo::command(args).await,
        Ok(Command::Help) => {
            print!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("rapport-server: error: {err}");
            return ExitCode::from(2);
        }
    };
    let config = match ServerConfig::load(&args.config) {
        Ok(config) => config,
        // A read error names the file itself; the others name the field inside it.
        Err(err @ ConfigError::Read { .. }) => {
            eprintln!("rapport-server: error: {err}");
            return ExitCode::from(2);
        }
        Err(err) => {
            eprintln!("rapport-server: error: {}: {err}", args.config.display());
            return ExitCode::from(2);
        }
    };
    raise_open_file_limit();
    for site in &config.sites {
        if site.admin_token.len() < 16 {
            eprintln!(
                "rapport-server: warning: site {:?}: adminToken is shorter than 16 characters",
                site.id
            );
        }
    }
    let db = match DbTarget::parse(&args.db) {
        Ok(db) => db,
        Err(err) => {
            eprintln!("rapport-server: error: {err}");
            return ExitCode::from(2);
        }
    };
    if let Some(path) = db.sqlite_path() {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Err(err) = std::fs::create_dir_all(parent) {
                let why = match parent.exists() && !parent.is_dir() {
                    true => "it is not a directory".to_owned(),
                    false => err.to_string(),
                };
                eprintln!(
                    "rapport-server: error: db {}: cannot create its directory {}: {why}",
                    path.display(),
                    parent.display()
                );
                return ExitCode::from(2);
            }
        }
    }
    if let Some(site) = scores_site {
        return run_scores(config, &db, &site).await;
    }
    if let Some(site) = liability {
        return print_liability(&config, &db, &site).await;
    }
    if setup_link {
        return print_setup_link(&config, &db, &args.listen.to_string()).await;
    }
    let mut hidden = vec![args.config.clone()];
    hidden.extend(db.sqlite_path().map(PathBuf::from));
    let options = ServerOptions {
        listen: args.listen,
        db,
        config,
        config_path: Some(args.config),
        dirs: StaticDirs {
            dist: args.dist,
            www: args.www,
            test_pages: args.test_pages,
            hidden,
        },
        clock: std::sync::Arc::new(rapport_server::clock::SystemClock),
    };
    let server = match start(options).await {
        Ok(server) => server,
        Err(err) => {
            eprintln!("rapport-server: error: {err}");
            return ExitCode::from(1);
        }
    };
    println!("rapport-server: listening on http://{}", server.addr());
    let clock = rapport_server::clock::SystemClock;
    let now = rapport_server::clock::Clock::now_millis(&clock);
    match rapport_server::console::setup::issue_if_no_user(&**server.store(), now).await {
        Ok(Some(link)) => println!(
            "rapport-server: no console user yet; open the first owner's setup link (single \
             use, 24 h) to create the owner account: {}",
            link.url(&console_base(
                server.state().config().console.public_url.as_deref(),
                &server.addr().to_string()
            ))
        ),
        Ok(None) => {}
        Err(err) => eprintln!("rapport-server: warning: console setup link: {err}"),
    }
    wait_for_signal().await;
    eprintln!("rapport-server: shutting down");
    server.stop().await;
    ExitCode::SUCCESS
}

/// Every connection is a file descriptor: take the whole hard limit rather than the
/// historical soft default of 1,024 (the accept loop survives running out either way).
fn raise_open_file_limit() {
    #[cfg(unix)]
    if let Err(err) = rlimit::increase_nofile_limit(u64::MAX) {
        eprintln!("rapport-server: warning: cannot raise the open-file limit: {err}");
    }
}

async fn wait_for_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// Where the console is reached: the configured public URL, else the listen address.
fn console_base(public_url: Option<&str>, listen: &str) -> String {
    match public_url {
        Some(url) => url.to_owned(),
        None => format!("http://{listen}"),
    }
}

/// `setup-link`: a new one-time console setup link on stdout.
async fn print_setup_link(config: &ServerConfig, db: &DbTarget, listen: &str) -> ExitCode {
    let store = match rapport_server::store::open(db).await {
        Ok(store) => store,
        Err(err) => {
            eprintln!("rapport-server: error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let now = rapport_server::clock::Clock::now_millis(&rapport_server::clock::SystemClock);
    match rapport_server::console::setup::issue(&*store, now).await {
        Ok(link) => {
            println!(
                "{}",
                link.url(&console_base(config.console.public_url.as_deref(), listen))
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("rapport-server: error: console setup link: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `scores --site SITE`: one run of the scores job, its summary as JSON on stdout.
async fn run_scores(config: ServerConfig, db: &DbTarget, site: &str) -> ExitCode {
    if config.site(site).and_then(|s| s.loyalty.as_ref()).is_none() {
        eprintln!("rapport-server: error: scores --site {site:?}: no such site with a loyalty programme in the config");
        return ExitCode::from(2);
    }
    let store = match rapport_server::store::open(db).await {
        Ok(store) => store,
        Err(err) => {
            eprintln!("rapport-server: error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let app = rapport_server::app::AppState::new(config, store);
    let holder = rapport_server::jobs::scores::instance_id();
    let opts = rapport_server::scoring::compute::Options::default();
    match rapport_server::jobs::scores::run_site(&app, site, &holder, opts).await {
        Ok(Some(report)) => {
            // The job re-ranks the inbox in a task of its own, which this process would not
            // wait for before it exits: the command does it here, before it returns.
            if let Err(err) = rapport_server::inbox::on_scores_written(&app, site).await {
                eprintln!("rapport-server: error: inbox risk of {site:?} not refreshed: {err}");
                return ExitCode::FAILURE;
            }
            println!("{:#}", report.summary);
            ExitCode::SUCCESS
        }
        Ok(None) => {
            eprintln!(
                "rapport-server: error: scores of {site:?}: another instance is computing them"
            );
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("rapport-server: error: scores of {site:?}: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `--liability SITE`: the forecast as JSON on stdout.
async fn print_liability(config: &ServerConfig, db: &DbTarget, site: &str) -> ExitCode {
    let Some(loyalty) = config.site(site).and_then(|s| s.loyalty.as_ref()) else {
        eprintln!("rapport-server: error: --liability {site:?}: no such site with a loyalty programme in the config");
        return ExitCode::from(2);
    };
    let store = match rapport_server::store::open(db).await {
        Ok(store) => store,
        Err(err) => {
            eprintln!("rapport-server: error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let now = rapport_server::clock::Clock::now_millis(&rapport_server::clock::SystemClock);
    match rapport_server::liability::compute(store.as_ref(), site, loyalty, now).await {
        Ok(v) => {
            println!("{v:#}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("rapport-server: error: liability of {site:?}: {err}");
            ExitCode::FAILURE
        }
    }
}
