//! Random secrets and their storage.
//!
//! Chosen passwords are hashed with argon2id: people pick guessable ones, so each guess must be
//! expensive. Generated passwords, refresh, reset and API tokens are high-entropy random
//! secrets: no guess can succeed, so a single SHA-256 stores them safely — which is what lets a
//! bulk invitation of 10 000 apprentices finish in seconds instead of the minutes argon2 would
//! take.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

/// Characters of generated passwords: no look-alikes (0/O, 1/l/I), easy to retype from a mail.
const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// 4 groups of 5: 20 characters of a 56-letter alphabet, about 116 bits.
const PASSWORD_GROUPS: usize = 4;
const PASSWORD_GROUP_LEN: usize = 5;

/// A generated one-time password, grouped for reading (`Ab3de-Fg4hj-…`).
pub fn generate_password() -> String {
    let mut rng = rand::rng();
    (0..PASSWORD_GROUPS)
        .map(|_| {
            (0..PASSWORD_GROUP_LEN)
                .map(|_| PASSWORD_ALPHABET[rng.random_range(0..PASSWORD_ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// A random token of 256 bits, URL-safe, with a recognisable prefix.
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a random secret.
pub fn sha256_hex(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `secret` is the one stored as `stored_hash`, in constant time.
pub fn matches_sha256(secret: &str, stored_hash: &str) -> bool {
    let computed = sha256_hex(secret);
    computed.len() == stored_hash.len()
        && computed
            .bytes()
            .zip(stored_hash.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Hashes a chosen password with argon2id (default parameters: 19 MiB, 2 passes). Slow on
/// purpose: call it off the async threads.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    Ok(Argon2::default()
        .hash_password(password.as_bytes())?
        .to_string())
}

/// Whether `password` matches an argon2 hash. Slow on purpose.
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// The shortest chosen password.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest chosen password (argon2 takes anything; this bounds the work per request).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Checks a chosen password's length; the French message says what is expected.
pub fn check_password_rules(password: &str) -> Result<(), (&'static str, String)> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err((
            "password_too_short",
            format!("Le mot de passe doit contenir au moins {MIN_PASSWORD_CHARS} caractères."),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err((
            "password_too_long",
            format!("Le mot de passe doit contenir au plus {MAX_PASSWORD_CHARS} caractères."),
        ));
    }
    Ok(())
}

/// Runs a slow computation (password hashing) off the async threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::error::ApiError> {
    actix_web::web::block(work)
        .await
        .map_err(crate::error::ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_distinct_and_unambiguous() {
        let a = generate_password();
        let b = generate_password();
        assert_ne!(a, b);
        assert_eq!(a.len(), 23);
        assert!(!a.contains(['0', 'O', '1', 'l', 'I']));
    }

    #[test]
    fn a_stored_secret_matches_only_itself() {
        let hash = sha256_hex("secret");
        assert!(matches_sha256("secret", &hash));
        assert!(!matches_sha256("secreT", &hash));
    }

    #[test]
    fn a_chosen_password_round_trips_through_argon2id() {
        let hash = hash_password("un mot de passe").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("un mot de passe", &hash));
        assert!(!verify_password("un autre", &hash));
    }
}
