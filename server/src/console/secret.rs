//! Random secrets (setup tokens, session ids, CSRF tokens, user ids) from the operating
//! system's CSPRNG, and the digest under which a secret is stored: a token of 256 random
//! bits needs no slow hash, so a database leak yields SHA-256 digests nobody can turn back
//! into a working cookie or setup link.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::error::ConsoleError;

/// A fresh 256-bit secret, base64url without padding (43 characters).
pub fn token() -> Result<String, ConsoleError> {
    Ok(URL_SAFE_NO_PAD.encode(random::<32>()?))
}

/// A fresh 128-bit id, lower-case hex.
pub fn id() -> Result<String, ConsoleError> {
    Ok(hex(&random::<16>()?))
}

/// `N` random bytes.
pub fn random<const N: usize>() -> Result<[u8; N], ConsoleError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| ConsoleError::Hash(format!("random bytes: {e}")))?;
    Ok(bytes)
}

/// The stored form of `secret`: its SHA-256, lower-case hex.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Compares secrets without an early exit on the first differing byte.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_and_distinct() -> Result<(), ConsoleError> {
        let (a, b) = (token()?, token()?);
        assert_eq!(a.len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).map(|v| v.len()).ok(), Some(32));
        assert_ne!(a, b);
        assert_eq!(id()?.len(), 32);
        Ok(())
    }

    #[test]
    fn digest_is_sha256_hex() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(constant_time_eq(b"x1", b"x1"));
        assert!(!constant_time_eq(b"x1", b"x2"));
        assert!(!constant_time_eq(b"x1", b"x"));
    }
}
