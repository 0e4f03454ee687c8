//! The `--db` argument: a SQLite file (`path/to/file.sqlite` or `sqlite://path`) or a
//! PostgreSQL URL (`postgres://user:password@host:port/database`, also `postgresql://`).
//! One query parameter of the URL is the collector's own and is removed before the URL
//! reaches the driver: `pool_size` (connections kept per instance, default
//! [`DEFAULT_POOL_SIZE`]).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::StoreError;

/// Pooled PostgreSQL connections per collector instance unless the URL says otherwise.
pub const DEFAULT_POOL_SIZE: usize = 8;

/// Which database the collector uses.
#[derive(Debug, Clone)]
pub enum DbTarget {
    /// An embedded SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL server.
    Postgres(Box<PostgresTarget>),
}

/// A parsed PostgreSQL URL.
#[derive(Debug, Clone)]
pub struct PostgresTarget {
    /// Connection settings for the driver.
    pub config: tokio_postgres::Config,
    /// Connections in this instance's pool (one is the batch writer's).
    pub pool_size: usize,
    /// The URL with any password replaced by `***`, for messages.
    pub display: String,
}

impl DbTarget {
    /// Reads a `--db` value: a PostgreSQL URL, `sqlite://PATH`, or a plain path.
    pub fn parse(arg: &Path) -> Result<DbTarget, StoreError> {
        let Some(text) = arg.to_str() else {
            return Ok(DbTarget::Sqlite(arg.to_path_buf()));
        };
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return PostgresTarget::parse(text).map(|pg| DbTarget::Postgres(Box::new(pg)));
        }
        match text.strip_prefix("sqlite://") {
            Some("") => Err(StoreError::Target(
                "sqlite://: the file path is missing".into(),
            )),
            Some(path) => Ok(DbTarget::Sqlite(PathBuf::from(path))),
            None => Ok(DbTarget::Sqlite(arg.to_path_buf())),
        }
    }

    /// The SQLite file, if this is one.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            DbTarget::Sqlite(path) => Some(path),
            DbTarget::Postgres(_) => None,
        }
    }

    /// The database as messages show it (no password).
    pub fn display(&self) -> String {
        match self {
            DbTarget::Sqlite(path) => path.display().to_string(),
            DbTarget::Postgres(pg) => pg.display.clone(),
        }
    }
}

impl From<PathBuf> for DbTarget {
    fn from(path: PathBuf) -> Self {
        DbTarget::Sqlite(path)
    }
}

impl From<&str> for DbTarget {
    /// A path or URL as in [`DbTarget::parse`]; an unparsable URL is kept as a SQLite path
    /// so that opening it reports the problem.
    fn from(text: &str) -> Self {
        DbTarget::parse(Path::new(text)).unwrap_or_else(|_| DbTarget::Sqlite(text.into()))
    }
}

impl PostgresTarget {
    /// Parses a `postgres://` URL.
    pub fn parse(url: &str) -> Result<PostgresTarget, StoreError> {
        let display = redact(url);
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (url, None),
        };
        let mut pool_size = DEFAULT_POOL_SIZE;
        let mut kept = Vec::new();
        for pair in query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
        {
            match pair.split_once('=') {
                Some(("pool_size", v)) => {
                    pool_size = v
                        .parse()
                        .ok()
                        .filter(|n| (2..=1000).contains(n))
                        .ok_or_else(|| {
                            StoreError::Target(format!(
                                "{display}: pool_size {v:?} must be an integer from 2 to 1000"
                            ))
                        })?;
                }
                _ => kept.push(pair),
            }
        }
        let driver_url = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let config = tokio_postgres::Config::from_str(&driver_url)
            .map_err(|e| StoreError::Target(format!("{display}: {e}")))?;
        Ok(PostgresTarget {
            config,
            pool_size,
            display,
        })
    }
}

/// `scheme://user:secret@host/…` → `scheme://user:***@host/…`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_urls() -> Result<(), StoreError> {
        assert!(matches!(
            DbTarget::parse(Path::new("data/x.sqlite"))?,
            DbTarget::Sqlite(p) if p == Path::new("data/x.sqlite")
        ));
        assert!(matches!(
            DbTarget::parse(Path::new("sqlite:///tmp/x.db"))?,
            DbTarget::Sqlite(p) if p == Path::new("/tmp/x.db")
        ));
        assert!(DbTarget::parse(Path::new("sqlite://")).is_err());
        let DbTarget::Postgres(pg) =
            DbTarget::parse(Path::new("postgres://app:s3cret@db.internal:5433/rapport"))?
        else {
            panic!("not postgres");
        };
        assert_eq!(pg.pool_size, DEFAULT_POOL_SIZE);
        assert_eq!(pg.config.get_dbname(), Some("rapport"));
        assert_eq!(pg.config.get_ports(), [5433]);
        assert_eq!(pg.display, "postgres://app:***@db.internal:5433/rapport");
        Ok(())
    }

    #[test]
    fn pool_size_is_ours() -> Result<(), StoreError> {
        let pg = PostgresTarget::parse(
            "postgresql://app@127.0.0.1/rapport?pool_size=24&application_name=collector",
        )?;
        assert_eq!(pg.pool_size, 24);
        assert_eq!(pg.config.get_application_name(), Some("collector"));
        let err = PostgresTarget::parse("postgres://app@h/db?pool_size=1")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("pool_size")));
        assert!(PostgresTarget::parse("postgres://app@h/db?nonsense=1").is_err());
        Ok(())
    }
}
