//! Passwords: the rules a new password must meet, and argon2id hashing. Hashing is slow on
//! purpose, so it runs on tokio's blocking threads, never on the async workers, and at most
//! [`hashing_slots`] hashes run at once (each takes 19 MiB and a core for tens of
//! milliseconds): a burst of requests queues instead of exhausting memory and the CPU.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use super::AuthError;

/// Fewest characters in a password.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Most characters in a password (argon2 would take more, but nobody types them).
pub const MAX_PASSWORD_CHARS: usize = 200;

/// How expensive a new password hash is. Verification always uses the cost recorded in the
/// stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HashCost {
    /// argon2id with the crate's recommended parameters (19 MiB, 2 passes): use this in
    /// production.
    #[default]
    Production,
    /// The cheapest argon2id parameters, so tests stay fast. Never in production.
    MinimalForTests,
}

impl HashCost {
    fn hasher(self) -> Argon2<'static> {
        let params = match self {
            Self::Production => Params::DEFAULT,
            Self::MinimalForTests => Params::new(8, 1, 1, None).expect("valid argon2 parameters"),
        };
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }
}

/// Checks the password rules: 10-200 characters, not one character repeated, and not one of
/// the common passwords or their patterns ([`super::weak_password`]).
pub fn check_password_rules(password: &str) -> Result<(), AuthError> {
    let length = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&length) {
        return Err(AuthError::bad_input(
            "password",
            format!("a password must be {MIN_PASSWORD_CHARS}-{MAX_PASSWORD_CHARS} characters long"),
        ));
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err(AuthError::bad_input(
            "password",
            "a password must not be one character repeated",
        ));
    }
    if let Some(why) = super::weak_password::weakness(password) {
        return Err(AuthError::bad_input("password", why));
    }
    Ok(())
}

/// Checks the rules and hashes `password` (PHC string with algorithm, parameters and salt).
pub(crate) async fn hash_new_password(password: &str, cost: HashCost) -> Result<String, AuthError> {
    check_password_rules(password)?;
    let password = password.to_owned();
    run_blocking(move || hash(&password, cost)).await
}

/// Whether `password` matches `stored`; with no stored hash (unknown e-mail, or no password set
/// yet) a dummy hash of the same cost is checked, so the answer takes as long either way.
pub(crate) async fn password_matches(
    password: &str,
    stored: Option<String>,
    cost: HashCost,
) -> Result<bool, AuthError> {
    let password = password.to_owned();
    run_blocking(move || {
        let (phc, real) = match stored {
            Some(phc) => (phc, true),
            None => (dummy_hash(cost).to_owned(), false),
        };
        let Ok(parsed) = PasswordHash::new(&phc) else {
            tracing::error!("a stored password hash cannot be parsed");
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        real && matches
    })
    .await
}

fn hash(password: &str, cost: HashCost) -> String {
    let salt = SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes()).expect("16-byte salt");
    cost.hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 accepts passwords of up to 200 characters")
        .to_string()
}

fn dummy_hash(cost: HashCost) -> &'static str {
    static PRODUCTION: OnceLock<String> = OnceLock::new();
    static MINIMAL: OnceLock<String> = OnceLock::new();
    let cell = match cost {
        HashCost::Production => &PRODUCTION,
        HashCost::MinimalForTests => &MINIMAL,
    };
    cell.get_or_init(|| hash("dummy password for unknown accounts", cost))
}

/// How many argon2 computations (hashes and verifications) run at once in this process: the
/// number of cores, at most 4.
pub fn hashing_slots() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

fn hashing() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(hashing_slots()))
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AuthError> {
    let _slot = hashing().acquire().await.map_err(|e| {
        tracing::error!(error = %e, "password hashing slots closed");
        AuthError::Database(sqlx::Error::WorkerCrashed)
    })?;
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        tracing::error!(error = %e, "password hashing task failed");
        AuthError::Database(sqlx::Error::WorkerCrashed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_long_and_monotonous_passwords_are_refused() {
        assert!(check_password_rules("kort").is_err());
        assert!(check_password_rules(&"ab".repeat(101)).is_err());
        assert!(check_password_rules("aaaaaaaaaaaa").is_err());
        assert!(
            check_password_rules("blåbærsaft").is_ok(),
            "10 characters, 12 bytes"
        );
        assert!(check_password_rules("korrekt hest batteri").is_ok());
    }

    #[tokio::test]
    async fn a_hash_matches_its_password_only() {
        let cost = HashCost::MinimalForTests;
        let phc = hash_new_password("korrekt hest batteri", cost)
            .await
            .unwrap();
        assert!(phc.starts_with("$argon2id$"));
        let ok = password_matches("korrekt hest batteri", Some(phc.clone()), cost);
        assert!(ok.await.unwrap());
        assert!(!password_matches("feil passord!", Some(phc), cost)
            .await
            .unwrap());
        let dummy = password_matches("dummy password for unknown accounts", None, cost);
        assert!(!dummy.await.unwrap());
    }
}
