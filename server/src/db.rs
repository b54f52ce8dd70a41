//! The database: an embedded SQLite file by default, PostgreSQL when `DATABASE_URL` says so.
//! One code path over sqlx's `Any` driver; the SQL we write runs on both.

use std::path::Path;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with postgres:// or sqlite: (got {0:?})")]
    UnsupportedUrl(String),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database ({backend}): {source}")]
    Connect {
        backend: &'static str,
        source: sqlx::Error,
    },
    #[error("the database is not answering: {0}")]
    Unavailable(#[from] sqlx::Error),
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// The key secrets in this database are sealed with ([`crate::secrets`]); set by the server's
    /// start, not by the CLI's account commands (which touch no sealed value).
    pub secrets: Option<std::sync::Arc<crate::secrets::SecretKey>>,
}

impl Db {
    /// Opens `DATABASE_URL` if given, else `<data_dir>/pantau.sqlite3` (created if missing).
    pub async fn open(database_url: Option<&str>, data_dir: &Path) -> Result<Db, DbError> {
        install_default_drivers();
        let (url, backend) = match database_url {
            Some(url) => (url.to_owned(), backend_of(url)?),
            None => {
                std::fs::create_dir_all(data_dir).map_err(|source| DbError::DataDir {
                    path: data_dir.display().to_string(),
                    source,
                })?;
                let file = data_dir.join("pantau.sqlite3");
                (
                    format!("sqlite://{}?mode=rwc", file.display()),
                    Backend::Sqlite,
                )
            }
        };
        let mut options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
            .acquire_timeout(Duration::from_secs(3));
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL lets readers run beside the writer; FULL syncs every commit to disk, so an
                    // acknowledged write survives a crash or power loss.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    Ok(())
                })
            });
        }
        let pool = options
            .connect(&url)
            .await
            .map_err(|source| DbError::Connect {
                backend: backend.name(),
                source,
            })?;
        Ok(Db {
            pool,
            backend,
            secrets: None,
        })
    }

    /// A transaction that will write. On SQLite it takes the write lock at its start
    /// (`BEGIN IMMEDIATE`), waiting its turn under `busy_timeout`: a transaction that reads first
    /// and writes later is refused at once with "database is locked" whenever another connection
    /// (a camera status change, a login) wrote in between, since its snapshot is then stale.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// The secret key: an error for a `Db` opened without one (a bug: the server's start sets it).
    /// Checks `key` against the value this database was set up with (writing it the first time).
    pub async fn check_key(
        &self,
        key: &crate::secrets::SecretKey,
    ) -> Result<(), crate::secrets::SecretError> {
        use crate::secrets::{CHECK, SecretError};
        sqlx::query(
            "INSERT INTO secret_check (id, sealed) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        )
        .bind(key.seal(CHECK))
        .execute(&self.pool)
        .await?;
        let stored: String = sqlx::query_scalar("SELECT sealed FROM secret_check WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        match key.open(&stored) {
            Ok(text) if text == CHECK => Ok(()),
            _ => Err(SecretError::WrongKey),
        }
    }

    pub fn key(&self) -> Result<&crate::secrets::SecretKey, sqlx::Error> {
        self.secrets
            .as_deref()
            .ok_or_else(|| sqlx::Error::Configuration("no secret key loaded".into()))
    }

    /// A round trip to the database.
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

fn backend_of(url: &str) -> Result<Backend, DbError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else {
        Err(DbError::UnsupportedUrl(redact(url)))
    }
}

/// A URL fit for a log line or a message: the password is replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_pick_their_backend() {
        assert_eq!(backend_of("postgres://u@h/db").unwrap(), Backend::Postgres);
        assert_eq!(
            backend_of("postgresql://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert_eq!(backend_of("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert!(matches!(
            backend_of("mysql://u@h/db"),
            Err(DbError::UnsupportedUrl(_))
        ));
    }

    #[test]
    fn passwords_are_hidden_in_urls() {
        assert_eq!(
            redact("postgres://pantau:s3cret@db:5432/p"),
            "postgres://pantau:***@db:5432/p"
        );
        assert_eq!(redact("postgres://pantau@db/p"), "postgres://pantau@db/p");
        assert!(
            !DbError::UnsupportedUrl(redact("mysql://a:hunter2@h/d"))
                .to_string()
                .contains("hunter2")
        );
    }
}
