//! Accounts and sessions: who is signed in, with which roles.
//!
//! Passwords are hashed with argon2id at OWASP's minimum (19 MiB, t=2, p=1). A session id is 32 random
//! bytes in a cookie; the database keeps only its SHA-256, so a copy of the database opens no session.
//! Failed logins are counted per account and per client address and throttled with the same message
//! whether or not the account exists.

pub mod api;
pub mod guard;
pub mod session;
pub mod store;

use std::fmt;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use pantau_core::domain::Role;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// argon2id with OWASP's minimum parameters: 19 MiB of memory, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// What is wrong with an account's user name, password or roles (as `pantau user` and the login
/// form give them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error(
        "nama pengguna 3–40 huruf kecil, angka, titik, garis bawah atau tanda hubung / user names are 3–40 lower-case letters, digits, '.', '_' or '-'"
    )]
    Username,
    #[error(
        "kata sandi paling sedikit 10 karakter dan paling banyak 128 / passwords are 10 to 128 characters"
    )]
    Password,
    #[error(
        "peran tidak dikenal: {0} / unknown role: {0} (pemohon, tu, kepala_dinas, kabid_aptika, subkor_ile, operator_tcmr, admin)"
    )]
    Role(String),
    #[error("paling sedikit satu peran / at least one role")]
    NoRole,
}

/// A user name: 3–40 of `a-z 0-9 . _ -`, kept in lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Username, FieldError> {
        let name = raw.trim().to_lowercase();
        let ok = (3..=40).contains(&name.len())
            && name.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            });
        if ok {
            Ok(Username(name))
        } else {
            Err(FieldError::Username)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed. Its `Debug` never shows it (`secrecy`), so it cannot end up in a log line,
/// and its memory is zeroed when it is dropped.
#[derive(Clone, Debug)]
pub struct Password(SecretString);

impl Password {
    pub fn parse(raw: &str) -> Result<Password, FieldError> {
        if (10..=128).contains(&raw.chars().count()) {
            Ok(Password(SecretString::from(raw.to_owned())))
        } else {
            Err(FieldError::Password)
        }
    }

    pub fn hash(&self) -> String {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(self.reveal().as_bytes(), &salt)
            .expect("argon2 hashing")
            .to_string()
    }

    /// [`Password::hash`] on the blocking pool: argon2 takes tens of milliseconds of CPU, which
    /// must not stall the async runtime's workers.
    pub async fn hash_off_runtime(&self) -> String {
        let password = self.clone();
        tokio::task::spawn_blocking(move || password.hash())
            .await
            .expect("argon2 hashing")
    }

    /// [`Password::matches`] on the blocking pool.
    pub async fn matches_off_runtime(&self, stored_hash: String) -> bool {
        let password = self.clone();
        tokio::task::spawn_blocking(move || password.matches(&stored_hash))
            .await
            .unwrap_or(false)
    }

    pub fn matches(&self, stored_hash: &str) -> bool {
        PasswordHash::new(stored_hash).is_ok_and(|hash| {
            argon2()
                .verify_password(self.reveal().as_bytes(), &hash)
                .is_ok()
        })
    }

    /// A fresh random password, for demo users and `pantau user add` without one.
    pub fn generate() -> Password {
        Password(SecretString::from(random_token(12)))
    }

    pub fn reveal(&self) -> &str {
        self.0.expose_secret()
    }
}

/// Roles from `tu,subkor_ile`.
pub fn parse_roles(raw: &str) -> Result<Vec<Role>, FieldError> {
    let mut roles = Vec::new();
    for name in raw.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let role: Role = serde_json::from_value(serde_json::Value::String(name.to_owned()))
            .map_err(|_| FieldError::Role(name.to_owned()))?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    if roles.is_empty() {
        Err(FieldError::NoRole)
    } else {
        Ok(roles)
    }
}

pub fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// `bytes` random bytes, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// What the database keeps of a session id or a kiosk token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_lower_case_and_plain() {
        assert_eq!(Username::parse("  Budi.S ").unwrap().as_str(), "budi.s");
        for bad in ["ab", "budi santoso", "budi@dinas", &"x".repeat(41)] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_are_hashed_with_argon2id_at_owasp_parameters_and_verify() {
        let password = Password::parse("kata-sandi-rahasia").unwrap();
        let hash = password.hash();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(password.matches(&hash));
        assert!(!Password::parse("kata-sandi-lain!").unwrap().matches(&hash));
        assert!(!password.matches("not a hash"));
        assert_ne!(hash, password.hash(), "salted");
    }

    #[test]
    fn passwords_never_show_in_debug_output() {
        let password = Password::parse("kata-sandi-rahasia").unwrap();
        assert!(!format!("{password:?}").contains("rahasia"));
        assert!(Password::parse("pendek").is_err());
    }

    #[test]
    fn roles_are_read_from_their_names() {
        assert_eq!(
            parse_roles("tu, subkor_ile,tu").unwrap(),
            [Role::Tu, Role::SubkorIle]
        );
        assert_eq!(
            parse_roles("walikota"),
            Err(FieldError::Role("walikota".into()))
        );
        assert_eq!(parse_roles(" , "), Err(FieldError::NoRole));
        assert_eq!(
            roles_text(&[Role::KepalaDinas, Role::Admin]),
            "kepala_dinas,admin"
        );
    }

    #[test]
    fn tokens_are_random_and_stored_only_as_hashes() {
        let (a, b) = (random_token(32), random_token(32));
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
