//! UUID version 4 from 16 random bytes (the shell draws them from `crypto.getRandomValues`).

use crate::prelude::*;

/// Formats 16 random bytes as a version-4, variant-1 UUID
/// (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`, lowercase).
///
/// ```
/// assert_eq!(rapport::core::uuid::uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
/// ```
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

/// Whether `s` looks like a UUID produced by [`uuid_v4`].
pub fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    crate::core::scan::fits(b, b"xxxxxxxx-xxxx-4xxx-xxxx-xxxxxxxxxxxx")
        && matches!(b.get(19), Some(b'8' | b'9' | b'a' | b'b'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn zero_bytes() {
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert!(!is_uuid_v4("00000000-0000-1000-8000-000000000000"));
    }

    proptest! {
        #[test]
        fn always_well_formed(bytes in any::<[u8; 16]>()) {
            let u = uuid_v4(bytes);
            prop_assert!(is_uuid_v4(&u), "{}", u);
        }
    }
}
