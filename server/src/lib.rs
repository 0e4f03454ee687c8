//! Rapport collector: stores survey responses, serves site configurations, the widget,
//! the metrics engine and the demo storefront.
//!
//! ```no_run
//! # async fn run() -> Result<(), rapport_server::StartError> {
//! use rapport_server::{config::ServerConfig, ServerOptions};
//! let config = ServerConfig::load("rapport.config.json".as_ref())?;
//! let server = rapport_server::start(ServerOptions::new(config, "rapport.sqlite")).await?;
//! println!("listening on http://{}", server.addr());
//! server.stop().await;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod admin_auth;
pub mod app;
pub mod bench;
pub mod cli;
pub mod client_ip;
pub mod clock;
pub mod config;
pub mod console;
pub mod cors;
pub mod dashboard;
pub mod demo;
pub mod edge;
pub mod envelope;
pub mod error;
pub mod export;
pub mod feedback_band;
pub mod followup;
pub mod history_import;
pub mod hooks;
pub mod inbox;
pub mod jobs;
pub mod launcher;
pub mod liability;
pub mod live_config;
pub mod loyalty;
pub mod rate_limit;
pub mod routes;
pub mod scoring;
pub mod segment_lookup;
pub mod served_paths;
pub mod static_files;
pub mod store;
pub mod surrogates;
pub mod validate;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use std::time::Duration;

use axum::Router;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use app::{build_app, AppState};

use config::{ConfigError, ServerConfig, Timeouts};
use static_files::StaticDirs;
use store::{DbTarget, ResponseStore, StoreError};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Configuration file problem.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Database problem.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The config file or the database lies inside a served directory.
    #[error(transparent)]
    Exposed(#[from] served_paths::ExposedSecret),
    /// The listen address is taken or invalid.
    #[error("listen {addr}: {source}")]
    Bind {
        /// Requested address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Everything needed to run a collector.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// The database: a SQLite file or a PostgreSQL URL.
    pub db: DbTarget,
    /// Sites and limits.
    pub config: ServerConfig,
    /// The file `config` came from, re-read once a second so that edits take effect
    /// without a restart (see [`live_config`]); `None` keeps `config` as it is.
    pub config_path: Option<PathBuf>,
    /// Static file directories.
    pub dirs: StaticDirs,
    /// "Now" for the loyalty rules (the system clock; tests inject a fake one).
    pub clock: Arc<dyn clock::Clock>,
}

impl ServerOptions {
    /// Defaults: `127.0.0.1:0`, `dist/`, `www/demo/`, no test pages, no config reload.
    pub fn new(config: ServerConfig, db: impl Into<DbTarget>) -> Self {
        let db = db.into();
        ServerOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            dirs: StaticDirs {
                dist: PathBuf::from("dist"),
                www: PathBuf::from("www/demo"),
                test_pages: None,
                hidden: db.sqlite_path().map(PathBuf::from).into_iter().collect(),
            },
            db,
            config,
            config_path: None,
            clock: Arc::new(clock::SystemClock),
        }
    }
}

/// Serves `app` on `listener` with the default [`Timeouts`] until `shutdown` resolves,
/// then drains connections (see [`edge::serve`]).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    edge::serve(listener, app, Timeouts::default(), shutdown).await
}

/// How often idle rate-limit entries are swept (off the request path).
const MAINTENANCE_EVERY: Duration = Duration::from_secs(1);

/// A collector running on a background task.
pub struct RunningServer {
    addr: SocketAddr,
    store: Arc<dyn ResponseStore>,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    watcher: Option<JoinHandle<()>>,
    maintenance: JoinHandle<()>,
    jobs: Vec<JoinHandle<()>>,
    state: AppState,
}

impl RunningServer {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The state its handlers share (tests run background jobs once through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The store the server writes to.
    pub fn store(&self) -> &Arc<dyn ResponseStore> {
        &self.store
    }

    /// Stops accepting, lets in-flight requests finish within the configured shutdown
    /// deadline, closes what is left, commits every queued write, and returns once the
    /// server is down.
    pub async fn stop(self) {
        if let Some(watcher) = &self.watcher {
            watcher.abort();
        }
        let _ = self.shutdown.send(());
        match self.task.await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => eprintln!("rapport-server: serve error: {err}"),
            Err(err) => eprintln!("rapport-server: server task failed: {err}"),
        }
        self.maintenance.abort();
        for job in &self.jobs {
            job.abort();
        }
        if let Err(err) = self.store.flush().await {
            eprintln!("rapport-server: flushing the database: {err}");
        }
    }
}

/// Connections the kernel may hold complete but not yet accepted (capped by the system's
/// `somaxconn`): a burst of new connections waits there instead of being dropped and
/// retried a second later.
const LISTEN_BACKLOG: u32 = 4096;

fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Checks that no secret is served, opens the store, binds, and serves on a background task.
pub async fn start(options: ServerOptions) -> Result<RunningServer, StartError> {
    options.dirs.ensure_secrets_unserved()?;
    let store = store::open(&options.db).await?;
    let timeouts = options.config.timeouts;
    let mut state = AppState::new(options.config, store.clone());
    state.clock = options.clock;
    let watcher = options
        .config_path
        .map(|path| live_config::watch(Arc::clone(&state.live), path, live_config::POLL));
    let app = build_app(state.clone(), &options.dirs);
    let listener = bind(options.listen).map_err(|source| StartError::Bind {
        addr: options.listen,
        source,
    })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: options.listen,
        source,
    })?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(edge::serve(listener, app, timeouts, async {
        let _ = rx.await;
    }));
    let jobs = vec![
        tokio::spawn(jobs::expiry_sweep::run(state.clone())),
        tokio::spawn(jobs::outbox::run(state.clone())),
        tokio::spawn(jobs::hooks::run(state.clone())),
        tokio::spawn(jobs::digest::run(state.clone())),
        tokio::spawn(inbox::backfill_job(state.clone())),
        tokio::spawn(jobs::scores::run(
            state.clone(),
            jobs::scores::Settings::default(),
        )),
    ];
    let maintained = state.clone();
    let maintenance = tokio::spawn(async move {
        let mut every = tokio::time::interval(MAINTENANCE_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            maintained.maintain();
        }
    });
    Ok(RunningServer {
        addr,
        store,
        shutdown: tx,
        task,
        watcher,
        maintenance,
        jobs,
        state,
    })
}
