//! A throwaway PostgreSQL cluster for the tests and benchmarks: `initdb` into a fresh
//! temporary directory (as the unprivileged `postgres` user when run as root, since the
//! server refuses to run as root), listening on a free loopback port with its socket in
//! that directory, trust authentication for the `rapport` role. Stopped and removed when
//! the [`Cluster`] is dropped. Nothing of the machine's own `main` cluster is used.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::install::is_root;
use crate::util::step;

/// The environment variable the server's tests read the cluster's URL from.
pub const URL_VAR: &str = "RAPPORT_TEST_POSTGRES_URL";

/// The newest installed server's `bin` directory (`/usr/lib/postgresql/N/bin`).
pub fn bin_dir() -> Result<PathBuf, String> {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .map_err(|e| {
            format!(
                "{}: {e} (is Debian's postgresql installed?)",
                root.display()
            )
        })?
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| format!("no initdb under {}", root.display()))
}

/// A running throwaway cluster.
pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
}

impl Cluster {
    /// Creates and starts a cluster. `fsync` stays on unless `fast` (tests that do not
    /// check durability against power loss may turn it off; the default keeps it).
    pub fn start(label: &str, fast: bool) -> Result<Cluster, String> {
        let bin = bin_dir()?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("rapport-pg-{label}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if is_root() {
            step(
                "chown the cluster directory to postgres",
                Command::new("chown").arg("postgres:postgres").arg(&dir),
            )?;
        }
        let port = free_port()?;
        let cluster = Cluster { dir, bin, port };
        step(
            "initdb (throwaway PostgreSQL cluster)",
            cluster.pg("initdb").arg("-D").arg(cluster.data()).args([
                "-U",
                "rapport",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]),
        )?;
        let mut options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
            cluster.dir.display()
        );
        if fast {
            options.push_str(" -c fsync=off -c synchronous_commit=off");
        }
        step(
            &format!("pg_ctl start (127.0.0.1:{port})"),
            cluster
                .pg("pg_ctl")
                .arg("-D")
                .arg(cluster.data())
                .args(["-o", &options, "-l"])
                .arg(cluster.dir.join("log"))
                .args(["-w", "start"]),
        )?;
        Ok(cluster)
    }

    /// `postgres://rapport@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://rapport@127.0.0.1:{}/postgres", self.port)
    }

    /// Creates an empty database `name` and returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String, String> {
        step(
            &format!("createdb {name}"),
            self.pg("createdb")
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    "rapport",
                ])
                .arg(name),
        )?;
        Ok(format!("postgres://rapport@127.0.0.1:{}/{name}", self.port))
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// A server program, run as `postgres` when we are root.
    fn pg(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .pg("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "fast", "-w", "stop"])
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}
