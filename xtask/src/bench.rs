//! `cargo xtask bench`: measured figures, printed (never timed tests).

/// Runs every benchmark and prints its table.
pub fn run(_args: &[String]) -> Result<(), String> {
    Err("bench: being written".into())
}
