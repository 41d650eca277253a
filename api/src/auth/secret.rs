//! Random secrets and their hashes: opaque tokens for links and sessions, 6-digit SMS codes and
//! salts. Randomness comes from the operating system through UUID v4 (122 random bits each);
//! only SHA-256 hashes of secrets reach the database.

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A new opaque token: 32 bytes (244 of them random bits) as 64 lower-case hex characters.
pub(crate) fn new_token() -> String {
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    format!("{}{}", a.simple(), b.simple())
}

/// The SHA-256 hash of a token, as stored. A token has 244 random bits, so an unsalted hash
/// is enough: nobody can search that space.
pub(crate) fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

/// A new 6-digit code, uniform up to a bias of one in 2^42.
pub(crate) fn new_code() -> String {
    // The low 62 bits of a v4 UUID are random (version and variant bits sit above them).
    let random = Uuid::new_v4().as_u128() & ((1u128 << 62) - 1);
    format!("{:06}", random % 1_000_000)
}

/// A new 16-byte random salt.
pub(crate) fn new_salt() -> Vec<u8> {
    Uuid::new_v4().as_bytes().to_vec()
}

/// The salted SHA-256 hash of a code, as stored.
pub(crate) fn code_hash(salt: &[u8], code: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(code.as_bytes());
    hasher.finalize().to_vec()
}

/// Compares two hashes in time that does not depend on where they first differ.
pub(crate) fn hashes_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_characters_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..1000 {
            let code = new_code();
            assert_eq!(code.len(), 6);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn a_code_hash_depends_on_the_salt() {
        assert_ne!(code_hash(b"a", "123456"), code_hash(b"b", "123456"));
        assert!(hashes_equal(&code_hash(b"a", "1"), &code_hash(b"a", "1")));
        assert!(!hashes_equal(&code_hash(b"a", "1"), &code_hash(b"a", "2")));
    }

    #[test]
    fn a_token_hash_ignores_surrounding_whitespace() {
        assert_eq!(token_hash(" abc\n"), token_hash("abc"));
    }
}
