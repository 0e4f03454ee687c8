//! Which file a request path would be served from, and the two rules that keep secrets (the
//! config file with its admin tokens, the database and its SQLite side files) from ever
//! being served:
//!
//! 1. **At start-up** ([`ensure_unserved`]): a secret that sits inside a served directory
//!    (`--dist`, `--www`, `--test-pages`) is refused, so the server does not start. This is
//!    the rule that matters: nothing secret is reachable by any path.
//! 2. **On every request** ([`Mounts::forbids`]), as defence in depth against a file placed
//!    or linked there later: the request path is resolved exactly as the router and
//!    tower-http's file server resolve it (percent-decoded, split into components, empty and
//!    `.` components dropped, `..` refused), and the resolved file is compared with the
//!    secrets by canonical path, never by string prefix.
//!
//! Dot-files are never served either.

use std::path::{Component, Path, PathBuf};

use percent_encoding::percent_decode_str;

/// SQLite writes these beside the database file; they hold the same data.
pub const SQLITE_SIDE_FILES: &[&str] = &["-wal", "-shm", "-journal"];

/// A secret file sits inside a directory the server would serve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{} is inside the served directory {} ({flag}): anyone could download it; \
     keep the config file and the database outside --dist, --www and --test-pages",
    secret.display(),
    dir.display()
)]
pub struct ExposedSecret {
    /// The secret, as given.
    pub secret: PathBuf,
    /// The served directory that contains it, as given.
    pub dir: PathBuf,
    /// The flag that names the directory.
    pub flag: &'static str,
}

/// Refuses a layout in which any of `secrets` (or, for each, its SQLite side files) lies
/// inside any of `served` (`(flag, directory)`). Paths are compared by canonical
/// components, so symbolic links, `..` and a trailing `/` do not hide a secret; a secret or
/// directory that does not exist yet is resolved through its nearest existing ancestor.
pub fn ensure_unserved(
    secrets: &[PathBuf],
    served: &[(&'static str, &Path)],
) -> Result<(), ExposedSecret> {
    for secret in secrets {
        let resolved = resolve_lenient(secret);
        for (flag, dir) in served {
            if resolved.starts_with(resolve_lenient(dir)) {
                return Err(ExposedSecret {
                    secret: secret.clone(),
                    dir: dir.to_path_buf(),
                    flag,
                });
            }
        }
    }
    Ok(())
}

/// Every path a secret's data may be read from: the file, and its SQLite side files.
pub fn with_side_files(secret: &Path) -> Vec<PathBuf> {
    let mut all = vec![resolve_lenient(secret)];
    if let (Some(parent), Some(name)) = (secret.parent(), secret.file_name()) {
        for suffix in SQLITE_SIDE_FILES {
            let mut side = name.to_os_string();
            side.push(suffix);
            all.push(resolve_lenient(&parent.join(side)));
        }
    }
    all
}

/// The canonical form of `path` if it exists; otherwise the canonical form of its nearest
/// existing ancestor with the remaining components appended (`.` dropped, `..` applied).
pub fn resolve_lenient(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    let absolute = match path.is_absolute() {
        true => path.to_path_buf(),
        false => std::env::current_dir().unwrap_or_default().join(path),
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut out = canonical;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(name) => out.push(name),
                    _ => {}
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// The served directories, as the router mounts them, and the secrets.
#[derive(Debug)]
pub struct Mounts {
    /// `(url prefix, file or directory)`: an exact file route (`/rapport.js`) or a nested
    /// directory (`/widget`), and `("", www)` last, the fallback for every other path.
    pub dirs: Vec<(String, PathBuf)>,
    /// Canonical paths never served (secrets and their side files).
    pub hidden: Vec<PathBuf>,
}

impl Mounts {
    /// Whether `raw_path` (the request URI's path, still percent-encoded) must get a 404:
    /// it names a dot-file, cannot be resolved, or resolves to a secret under any mount
    /// whose route matches it.
    pub fn forbids(&self, raw_path: &str) -> bool {
        let Some(decoded) = decode(raw_path) else {
            return true; // not UTF-8 once decoded: the file server refuses it too
        };
        if decoded
            .split('/')
            .any(|segment| segment.starts_with('.') && !segment.is_empty())
        {
            return true; // dot-files, `.` and `..`
        }
        if self.hidden.is_empty() {
            return false;
        }
        self.dirs
            .iter()
            .filter_map(|(prefix, dir)| {
                let rest = route_rest(raw_path, prefix)?;
                Some(file_for(dir, rest))
            })
            .any(|file| match file {
                None => true,
                Some(file) => file
                    .canonicalize()
                    .is_ok_and(|canonical| self.hidden.contains(&canonical)),
            })
    }
}

/// The part of `raw_path` a mount at `prefix` receives, if the router sends the request
/// there: `""` is the fallback (the whole path); otherwise the path equals the prefix or
/// continues it with `/` (axum matches raw segments: `/widget%2fx` is not under `/widget`).
fn route_rest<'a>(raw_path: &'a str, prefix: &str) -> Option<&'a str> {
    if prefix.is_empty() {
        return Some(raw_path);
    }
    let rest = raw_path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// The file tower-http's `ServeDir` would open for `rest` under `dir`: percent-decoded,
/// split into components, `.` and empty components dropped; `None` when it would refuse
/// the path (`..`, a root or prefix component, or invalid UTF-8).
pub fn file_for(dir: &Path, rest: &str) -> Option<PathBuf> {
    let decoded = decode(rest.trim_start_matches('/'))?;
    let mut file = dir.to_path_buf();
    for component in Path::new(&decoded).components() {
        match component {
            Component::Normal(name) => file.push(name),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(file)
}

fn decode(raw: &str) -> Option<String> {
    percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_the_file_server() {
        let dir = Path::new("/srv/www");
        assert_eq!(file_for(dir, "/a/b.html"), Some(dir.join("a/b.html")));
        // A trailing slash, a doubled slash and an encoded slash all name the same file.
        let config = Some(dir.join("rapport.config.json"));
        assert_eq!(file_for(dir, "/rapport.config.json/"), config);
        assert_eq!(file_for(dir, "//rapport.config.json"), config);
        assert_eq!(file_for(dir, "/rapport.config.json%2f"), config);
        assert_eq!(file_for(dir, "/./rapport.config.json"), config);
        assert_eq!(file_for(dir, "/%72apport.config.json"), config);
        assert_eq!(file_for(dir, "/a/../x"), None);
        assert_eq!(file_for(dir, "/a%2f..%2fx"), None);
        assert_eq!(file_for(dir, "/%ff"), None);
    }

    #[test]
    fn routes_match_by_segment() {
        assert_eq!(route_rest("/widget/a.js", "/widget"), Some("/a.js"));
        assert_eq!(route_rest("/widget", "/widget"), Some(""));
        assert_eq!(route_rest("/widgets/a.js", "/widget"), None);
        assert_eq!(route_rest("/rapport.json", "/rapport.js"), None);
        assert_eq!(route_rest("/rapport.js", "/rapport.js"), Some(""));
        assert_eq!(route_rest("/anything", ""), Some("/anything"));
    }

    #[test]
    fn dotfiles_forbidden() {
        let m = Mounts {
            dirs: vec![],
            hidden: vec![],
        };
        assert!(m.forbids("/.env"));
        assert!(m.forbids("/widget/%2e%2e/secret"));
        assert!(m.forbids("/a/%2eenv"));
        assert!(!m.forbids("/widget/widget.js"));
    }

    #[test]
    fn side_files_are_secrets_too() {
        let all = with_side_files(Path::new("/no/such/dir/db.sqlite"));
        let names: Vec<_> = all
            .iter()
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()))
            .collect();
        assert_eq!(
            names,
            [
                "db.sqlite",
                "db.sqlite-wal",
                "db.sqlite-shm",
                "db.sqlite-journal"
            ]
        );
    }

    #[test]
    fn lenient_resolution_applies_dots() {
        let tmp = std::env::temp_dir().canonicalize().unwrap_or_default();
        let p = tmp.join("rapport-no-such/x/../y/./z.json");
        assert_eq!(resolve_lenient(&p), tmp.join("rapport-no-such/y/z.json"));
    }
}
