//! Reuse of build outputs whose inputs did not change: a content-addressed store under
//! `target/xtask/cache/<step>/<key>/`.
//!
//! A slow step (wasm-opt, Zopfli, brotli) hashes everything its outputs depend on into a
//! [`Key`]: the input files' bytes, the versions of the tools it runs, and its recipe (the
//! xtask source that drives it, so editing a pass list or a glue rewrite is a new key).
//! When an entry for that key exists, its files are copied to where the step would have
//! written them and the step does not run; otherwise the step runs and [`save`] stores what
//! it wrote. An entry is written into a temporary directory and renamed into place, so an
//! interrupted build never leaves a half entry that a later build would trust.
//!
//! Each step keeps its [`KEEP`] most recently used entries (switching between two branches
//! reuses both builds); older ones are removed.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::util;

/// Entries kept per step.
pub const KEEP: usize = 16;

/// What a step's outputs depend on, hashed (SHA-256) part by part.
pub struct Key {
    hasher: Sha256,
}

impl Key {
    /// A key for `step` (the step's name is part of it).
    pub fn new(step: &str) -> Key {
        Key {
            hasher: Sha256::new(),
        }
        .bytes(step.as_bytes())
    }

    /// Adds one part. Parts are length-prefixed, so `("ab", "c")` and `("a", "bc")` differ.
    pub fn bytes(mut self, part: &[u8]) -> Key {
        self.hasher.update((part.len() as u64).to_le_bytes());
        self.hasher.update(part);
        self
    }

    /// Adds one text part.
    pub fn text(self, part: &str) -> Key {
        self.bytes(part.as_bytes())
    }

    /// Adds the contents of a file.
    pub fn file(self, path: &Path) -> Result<Key, String> {
        let data = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        Ok(self.bytes(&data))
    }

    /// The key as 64 hex digits.
    pub fn finish(self) -> String {
        self.hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Where the entries of `step` live (the directory [`entry`] names sit in).
fn step_dir(root: &Path, step: &str) -> PathBuf {
    root.join(step)
}

/// The cache root of this workspace.
pub fn root() -> PathBuf {
    util::target_dir().join("xtask").join("cache")
}

/// Copies the files of the entry `key` of `step` to their destinations (`(name in the
/// entry, destination)`), creating directories; `Ok(false)` when there is no complete
/// entry (nothing is copied then).
pub fn restore(
    root: &Path,
    step: &str,
    key: &str,
    files: &[(&str, &Path)],
) -> Result<bool, String> {
    let entry = step_dir(root, step).join(key);
    if !files.iter().all(|(name, _)| entry.join(name).is_file()) {
        return Ok(false);
    }
    for (name, to) in files {
        util::copy(&entry.join(name), to)?;
    }
    touch(&entry);
    Ok(true)
}

/// Stores the files `(name in the entry, source)` as the entry `key` of `step`, then drops
/// the step's entries beyond the [`KEEP`] most recently used.
pub fn save(root: &Path, step: &str, key: &str, files: &[(&str, &Path)]) -> Result<(), String> {
    let dir = step_dir(root, step);
    let entry = dir.join(key);
    let partial = dir.join(format!(".{key}.partial"));
    util::fresh_dir(&partial)?;
    for (name, from) in files {
        util::copy(from, &partial.join(name))?;
    }
    if entry.exists() {
        std::fs::remove_dir_all(&entry)
            .map_err(|e| format!("removing {}: {e}", entry.display()))?;
    }
    std::fs::rename(&partial, &entry)
        .map_err(|e| format!("moving {} to {}: {e}", partial.display(), entry.display()))?;
    prune(&dir, KEEP)
}

/// Marks an entry as just used (its modification time orders [`prune`]).
fn touch(entry: &Path) {
    // Best effort: a failure only makes the entry look older than it is.
    if let Ok(file) = std::fs::File::open(entry) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
}

/// Removes all but the `keep` most recently used entries of a step's directory (and any
/// partial entry left by an interrupted build).
fn prune(dir: &Path, keep: usize) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let mut dated = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(".partial") {
            continue;
        }
        let modified = entry
            .metadata()
            .and_then(|m| m.modified())
            .unwrap_or(std::time::SystemTime::UNIX_EPOCH);
        dated.push((modified, path));
    }
    dated.sort_by_key(|entry| std::cmp::Reverse(entry.0));
    for (_, path) in dated.into_iter().skip(keep) {
        std::fs::remove_dir_all(&path).map_err(|e| format!("removing {}: {e}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = util::target_dir()
            .join("xtask")
            .join("cache-tests")
            .join(name);
        util::fresh_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn keys_follow_every_part() {
        let key = |parts: &[&str]| {
            parts
                .iter()
                .fold(Key::new("step"), |k, p| k.text(p))
                .finish()
        };
        assert_eq!(key(&["a", "b"]), key(&["a", "b"]));
        assert_ne!(key(&["a", "b"]), key(&["a", "c"]));
        // Length-prefixed: moving a byte from one part to the next is another key.
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
        assert_ne!(Key::new("one").finish(), Key::new("two").finish());
        assert_eq!(key(&[]).len(), 64);
    }

    #[test]
    fn an_entry_is_restored_only_when_complete() {
        let dir = scratch("restore");
        let cache = dir.join("cache");
        let made = dir.join("made.txt");
        std::fs::write(&made, "output").unwrap();
        let out = dir.join("out/copy.txt");
        assert!(!restore(&cache, "s", "k", &[("made.txt", &out)]).unwrap());
        save(&cache, "s", "k", &[("made.txt", &made)]).unwrap();
        assert!(restore(&cache, "s", "k", &[("made.txt", &out)]).unwrap());
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "output");
        // Another key, or a file the entry does not hold: a miss, nothing written.
        let other = dir.join("out/other.txt");
        assert!(!restore(&cache, "s", "k2", &[("made.txt", &other)]).unwrap());
        assert!(!restore(&cache, "s", "k", &[("missing.txt", &other)]).unwrap());
        assert!(!other.exists());
    }

    #[test]
    fn old_entries_are_pruned() {
        let dir = scratch("prune");
        let cache = dir.join("cache");
        let made = dir.join("f");
        std::fs::write(&made, "x").unwrap();
        for i in 0..KEEP + 3 {
            save(&cache, "s", &format!("k{i}"), &[("f", &made)]).unwrap();
            // Distinct modification times, oldest first.
            let entry = cache.join("s").join(format!("k{i}"));
            let when =
                std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1000 + i as u64);
            std::fs::File::open(&entry)
                .unwrap()
                .set_modified(when)
                .unwrap();
        }
        prune(&cache.join("s"), KEEP).unwrap();
        let left = std::fs::read_dir(cache.join("s")).unwrap().count();
        assert_eq!(left, KEEP);
        assert!(!cache.join("s/k0").exists());
        assert!(cache.join(format!("s/k{}", KEEP + 2)).exists());
    }
}
