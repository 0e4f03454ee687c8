//! Console passwords: Argon2id (RFC 9106) stored as PHC strings
//! (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`). Parameters: 19 MiB of memory, 2
//! passes, 1 lane — the OWASP password-storage minimum for Argon2id — and a 128-bit random
//! salt per password. Verification reads the parameters from the stored string, so raising
//! them later keeps old hashes valid. Passwords are at least [`MIN_LENGTH`] characters and
//! at most [`MAX_LENGTH`] characters (a bound on the work one request can ask for); they are
//! never logged, echoed in errors or stored as given.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use super::error::ConsoleError;
use super::secret;

/// Fewest characters of a password.
pub const MIN_LENGTH: usize = 12;
/// Most characters of a password.
pub const MAX_LENGTH: usize = 1024;
/// Memory cost, KiB.
pub const MEMORY_KIB: u32 = 19_456;
/// Passes.
pub const TIME_COST: u32 = 2;
/// Lanes.
pub const LANES: u32 = 1;
/// Hashes computed at once, at most: each takes 19 MiB and a core for tens of milliseconds,
/// so a burst of sign-ins from many addresses queues here instead of exhausting memory.
pub const MAX_CONCURRENT: usize = 4;

fn gate() -> &'static tokio::sync::Semaphore {
    static GATE: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    GATE.get_or_init(|| tokio::sync::Semaphore::new(MAX_CONCURRENT))
}

/// [`hash`] on the blocking pool, at most [`MAX_CONCURRENT`] at a time.
pub async fn hash_blocking(password: String) -> Result<String, ConsoleError> {
    let _permit = gate()
        .acquire()
        .await
        .map_err(|e| ConsoleError::Hash(e.to_string()))?;
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| ConsoleError::Hash(e.to_string()))?
}

/// [`verify`] on the blocking pool, at most [`MAX_CONCURRENT`] at a time.
pub async fn verify_blocking(password: String, stored: String) -> Result<bool, ConsoleError> {
    let _permit = gate()
        .acquire()
        .await
        .map_err(|e| ConsoleError::Hash(e.to_string()))?;
    tokio::task::spawn_blocking(move || verify(&password, &stored))
        .await
        .map_err(|e| ConsoleError::Hash(e.to_string()))
}

fn hasher() -> Result<Argon2<'static>, ConsoleError> {
    let params = Params::new(MEMORY_KIB, TIME_COST, LANES, None)
        .map_err(|e| ConsoleError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Checks a new password's length; `field` names it in the error.
pub fn check_new(field: &str, password: &str) -> Result<(), ConsoleError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(ConsoleError::field(
            field,
            format!("must be at least {MIN_LENGTH} characters"),
        ));
    }
    if password.chars().count() > MAX_LENGTH {
        return Err(ConsoleError::field(
            field,
            format!("must be at most {MAX_LENGTH} characters"),
        ));
    }
    Ok(())
}

/// The PHC string of `password` with a fresh salt (CPU-heavy: call off the async threads).
pub fn hash(password: &str) -> Result<String, ConsoleError> {
    let salt = SaltString::encode_b64(&secret::random::<16>()?)
        .map_err(|e| ConsoleError::Hash(e.to_string()))?;
    Ok(hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| ConsoleError::Hash(e.to_string()))?
        .to_string())
}

/// Whether `password` matches the PHC string `stored` (false for an unreadable string).
/// CPU-heavy like [`hash`].
pub fn verify(password: &str, stored: &str) -> bool {
    if password.len() > 4 * MAX_LENGTH {
        return false;
    }
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of no one's password, verified when the e-mail is unknown so that an unknown
/// account costs the same time as a wrong password (no account enumeration by timing).
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password that nobody has").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_phc_with_the_stated_parameters() -> Result<(), ConsoleError> {
        let stored = hash("correct horse battery")?;
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(!stored.contains("correct horse"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterY", &stored));
        assert!(!verify("correct horse battery", "not a phc string"));
        // A fresh salt each time.
        assert_ne!(stored, hash("correct horse battery")?);
        Ok(())
    }

    #[test]
    fn new_passwords_have_a_minimum_length() {
        assert!(check_new("password", "short").is_err());
        assert!(check_new("password", "elevenchars").is_err());
        assert!(check_new("password", "twelve chars").is_ok());
        assert!(check_new("password", &"x".repeat(MAX_LENGTH + 1)).is_err());
        let e = check_new("password", "short").err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("password: must be at least 12 characters")
        );
    }

    #[test]
    fn decoy_verifies_nothing_it_is_asked() {
        assert!(decoy().starts_with("$argon2id$"));
        assert!(!verify("", decoy()));
    }
}
