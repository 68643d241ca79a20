//! Password hashing (argon2id with the library's default parameters, random salt from the OS)
//! and generated passwords. Nothing here touches the base.

use std::sync::LazyLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use rand::Rng;

/// Hashing a password failed (the OS random generator or the parameters).
#[derive(Debug, thiserror::Error)]
#[error("hachage du mot de passe impossible : {0}")]
pub struct PasswordError(String);

/// The argon2id PHC string of `password` (`$argon2id$v=19$m=…`), salted with 16 random bytes
/// from the OS. Slow on purpose: call it off the async workers when serving requests.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError(error.to_string()))
}

/// Whether `password` matches the PHC string `hash`. The parameters come from the hash itself,
/// so hashes made with older parameters keep working. An unreadable hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// A hash of a password nobody knows, made with the current parameters: checking an unknown
/// identifiant against it takes as long as checking a real one, so the answer time does not
/// tell which identifiants exist.
static NOBODY: LazyLock<Option<String>> = LazyLock::new(|| hash_password(&generate_password()).ok());

/// Computes that hash in the background now, when a Tokio runtime is there, so that the first
/// unknown identifiant does not pay for it (and stand out by a slower answer).
pub(crate) fn prepare_nobody() {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn_blocking(|| LazyLock::force(&NOBODY));
    }
}

/// Spends the time of a real verification, for an identifiant that does not exist.
pub(crate) fn verify_nobody(password: &str) {
    if let Some(hash) = NOBODY.as_deref() {
        verify_password(password, hash);
    }
}

/// Letters and digits that cannot be mistaken for one another when read aloud or copied from
/// a terminal: no 0/O/o, 1/l/I/i.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
const GENERATED_LENGTH: usize = 20;

/// A new password of 20 characters of [`ALPHABET`] (about 115 bits), for accounts created by
/// the program.
pub fn generate_password() -> String {
    let mut rng = rand::rng();
    (0..GENERATED_LENGTH).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct hors", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
        assert_ne!(hash, hash_password("correct horse").unwrap(), "each hash has its own salt");
    }

    #[test]
    fn generated_passwords_are_twenty_unambiguous_characters() {
        let password = generate_password();
        assert_eq!(password.len(), 20);
        assert!(password.bytes().all(|b| ALPHABET.contains(&b)));
        assert!(!password.contains(['0', 'O', 'o', '1', 'l', 'I', 'i']));
        assert_ne!(password, generate_password());
    }
}
