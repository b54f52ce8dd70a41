//! Secrets the server must be able to read back (camera logins, for the probes; tracking links, to
//! show a request's link again) are sealed with a key kept outside the database, so that a copied
//! database alone reveals none of them. ChaCha20-Poly1305 (RustCrypto's `chacha20poly1305`), a
//! fresh random nonce per value.
//!
//! The key: `PANTAU_SECRET_KEY` (32 bytes, base64), else the file `secret.key` in the data
//! directory, made on the first start (mode 0600). Several instances on one PostgreSQL database
//! must share it (copy the file, or set the variable): the database keeps a value sealed with the
//! key it was set up with, and an instance holding another key refuses to start and says so.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

/// Sealed values start with this, so a value from before sealing is told apart.
const PREFIX: &str = "s1:";
/// What the database keeps sealed, to tell whether an instance holds the key it was set up with.
pub const CHECK: &str = "pantau secret key check";
pub const KEY_FILE: &str = "secret.key";

#[derive(Clone)]
pub struct SecretKey(Key);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the secret key must be 32 bytes in base64 ({0})")]
    BadKey(String),
    #[error("cannot read or write the key file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "this database was set up with another secret key: give this instance the same key \
         (copy {KEY_FILE} from the data directory of the first instance, or set PANTAU_SECRET_KEY)"
    )]
    WrongKey,
    #[error("a sealed value cannot be opened")]
    Unreadable,
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

impl SecretKey {
    /// The key from `configured` (base64), else from the key file in `data_dir`, made if missing.
    pub fn load(configured: Option<&str>, data_dir: &Path) -> Result<SecretKey, SecretError> {
        if let Some(b64) = configured {
            return Self::from_base64(b64);
        }
        let path = data_dir.join(KEY_FILE);
        let file_error = |source| SecretError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_base64(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(file_error)?;
                let key = ChaCha20Poly1305::generate_key(&mut OsRng);
                write_private(&path, &format!("{}\n", STANDARD.encode(key))).map_err(file_error)?;
                tracing::info!(path = %path.display(), "made a new secret key; back it up with the database");
                Ok(SecretKey(key))
            }
            Err(e) => Err(file_error(e)),
        }
    }

    pub fn from_base64(b64: &str) -> Result<SecretKey, SecretError> {
        let bytes = STANDARD
            .decode(b64.trim())
            .map_err(|e| SecretError::BadKey(e.to_string()))?;
        if bytes.len() != 32 {
            return Err(SecretError::BadKey(format!("{} bytes", bytes.len())));
        }
        Ok(SecretKey(*Key::from_slice(&bytes)))
    }

    /// `plain`, sealed: `s1:` and the nonce and ciphertext in base64url.
    pub fn seal(&self, plain: &str) -> String {
        let cipher = ChaCha20Poly1305::new(&self.0);
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(&nonce, plain.as_bytes())
            .expect("encryption of a string");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The value [`SecretKey::seal`] sealed.
    pub fn open(&self, sealed: &str) -> Result<String, SecretError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b64| URL_SAFE_NO_PAD.decode(b64).ok())
            .filter(|b| b.len() > 12)
            .ok_or(SecretError::Unreadable)?;
        let (nonce, ciphertext) = bytes.split_at(12);
        let plain = ChaCha20Poly1305::new(&self.0)
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| SecretError::Unreadable)?;
        String::from_utf8(plain).map_err(|_| SecretError::Unreadable)
    }

    /// Whether `value` is sealed (else it was stored before sealing began).
    pub fn is_sealed(value: &str) -> bool {
        value.starts_with(PREFIX)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_with_its_key_only() {
        let key = SecretKey::from_base64(&STANDARD.encode([7u8; 32])).unwrap();
        let other = SecretKey::from_base64(&STANDARD.encode([8u8; 32])).unwrap();
        let sealed = key.seal("kata-sandi-kamera");
        assert!(!sealed.contains("kata-sandi"));
        assert_ne!(
            sealed,
            key.seal("kata-sandi-kamera"),
            "a fresh nonce each time"
        );
        assert_eq!(key.open(&sealed).unwrap(), "kata-sandi-kamera");
        assert!(other.open(&sealed).is_err());
        assert!(key.open("kata-sandi-kamera").is_err());
        assert!(SecretKey::from_base64("pendek").is_err());
    }

    #[test]
    fn a_new_key_file_is_made_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let first = SecretKey::load(None, dir.path()).unwrap();
        let again = SecretKey::load(None, dir.path()).unwrap();
        assert_eq!(again.open(&first.seal("x")).unwrap(), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
