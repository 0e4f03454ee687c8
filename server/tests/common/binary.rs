//! Runs the real `rapport-server` binary in a scratch directory: its own config file,
//! database, and empty `--dist`/`--www`, its stdout watched for the listen address and its
//! stderr collected line by line.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use super::temp_path;

pub const BIN: &str = env!("CARGO_BIN_EXE_rapport-server");

/// A scratch directory with `config.json`, `dist/`, `www/`, and room for `db.sqlite`.
pub struct Scratch {
    pub dir: PathBuf,
    pub config: PathBuf,
    pub db: PathBuf,
}

impl Scratch {
    pub fn new(config_text: &str) -> std::io::Result<Self> {
        let dir = temp_path("bin", "");
        std::fs::create_dir_all(dir.join("dist"))?;
        std::fs::create_dir_all(dir.join("www"))?;
        let config = dir.join("config.json");
        std::fs::write(&config, config_text)?;
        Ok(Scratch {
            db: dir.join("data/db.sqlite"),
            dir,
            config,
        })
    }

    /// The flags of a normal start, listening on a free loopback port.
    pub fn args(&self) -> Vec<String> {
        vec![
            "--listen".into(),
            "127.0.0.1:0".into(),
            "--config".into(),
            self.config.display().to_string(),
            "--db".into(),
            self.db.display().to_string(),
            "--dist".into(),
            self.dir.join("dist").display().to_string(),
            "--www".into(),
            self.dir.join("www").display().to_string(),
        ]
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs the binary with `args` until it exits (at most `limit`), returning its status and
/// stderr. `None` when it did not exit in time (it is then killed).
pub fn run_to_exit(args: &[String], limit: Duration) -> Option<(ExitStatus, String)> {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let status = wait_for(&mut child, limit);
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut err, &mut stderr);
    }
    match status {
        Some(status) => Some((status, stderr)),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    }
}

/// Waits up to `limit` for `child` to exit.
pub fn wait_for(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => return None,
        }
    }
}

/// A collector process that is listening.
pub struct Running {
    pub child: Child,
    pub addr: SocketAddr,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Running {
    /// Starts `program` (the binary, or `sh -c '…; exec "$0" "$@"'` around it) and waits
    /// for its "listening on" line.
    pub fn start(mut command: Command) -> Result<Self, String> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("spawn: {e}"))?;
        let stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(err) = child.stderr.take() {
            let lines = Arc::clone(&stderr);
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    if let Ok(mut all) = lines.lock() {
                        all.push(line);
                    }
                }
            });
        }
        let (tx, rx) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    if let Some(addr) = line.split("http://").nth(1) {
                        let _ = tx.send(addr.trim().to_owned());
                    }
                }
            });
        }
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| "the collector did not report its address".to_owned())?
            .parse()
            .map_err(|e| format!("address: {e}"))?;
        Ok(Running {
            child,
            addr,
            stderr,
        })
    }

    /// The binary with `args`.
    pub fn command(args: &[String]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args);
        c
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the process wrote to stderr so far.
    pub fn stderr(&self) -> Vec<String> {
        self.stderr.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn terminate(&self) -> bool {
        Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .is_ok_and(|s| s.success())
    }

    /// CPU time (user + system) the process has used, in clock ticks (1/100 s on Linux).
    pub fn cpu_ticks(&self) -> Option<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).ok()?;
        let after = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = after.split_whitespace().collect();
        // Fields 14 and 15 of the line; 12 and 13 after the command name.
        let utime: u64 = fields.get(11)?.parse().ok()?;
        let stime: u64 = fields.get(12)?.parse().ok()?;
        Some(utime + stime)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
