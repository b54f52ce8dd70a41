//! Who is asking: the extractors every API handler uses, and the live list of valid credentials
//! that ends open event streams the moment a session or kiosk token stops being valid.
//!
//! - [`Reader`]: a signed-in user (session cookie) or a wall screen's kiosk token
//!   (`Authorization: Bearer …` or `?token=…`). Reads the board and its events.
//! - [`Staff`]: a signed-in user. Everything else.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

use axum::extract::{FromRef, FromRequestParts, Query};
use axum::http::header;
use axum::http::request::Parts;
use chrono::Utc;
use tokio::sync::{Notify, watch};

use super::session::{SecureCookies, session_token};
use super::store::{self, User};
use super::token_hash;
use crate::db::Db;
use crate::error::ApiError;

/// A credential the server accepted, as the database knows it (the SHA-256 of the secret).
#[derive(Clone, Debug)]
pub enum Principal {
    User { user: User, credential: String },
    Kiosk { name: String, credential: String },
}

impl Principal {
    /// A wall screen's token: it reads the board without personal data.
    pub fn is_kiosk(&self) -> bool {
        matches!(self, Principal::Kiosk { .. })
    }

    /// The hash of the session id or kiosk token this principal came with.
    pub fn credential(&self) -> &str {
        match self {
            Principal::User { credential, .. } | Principal::Kiosk { credential, .. } => credential,
        }
    }
}

/// A signed-in user or a kiosk token: may read the board.
#[derive(Clone, Debug)]
pub struct Reader(pub Principal);

/// A signed-in user: may act within their roles.
#[derive(Clone, Debug)]
pub struct Staff(pub User);

pub fn not_signed_in() -> ApiError {
    ApiError::Unauthorized("silakan masuk / please sign in".into())
}

/// The kiosk token of a request: `Authorization: Bearer …`, else `?token=…`.
fn kiosk_token(parts: &Parts) -> Option<String> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    bearer.or_else(|| {
        Query::<std::collections::HashMap<String, String>>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|Query(mut q)| q.remove("token"))
    })
}

/// What the guards read from the server's state: any state that holds these three (`FromRef`).
struct Auth {
    cookies: SecureCookies,
    credentials: Credentials,
    db: Db,
}

impl Auth {
    fn of<S>(state: &S) -> Auth
    where
        SecureCookies: FromRef<S>,
        Credentials: FromRef<S>,
        Db: FromRef<S>,
    {
        Auth {
            cookies: SecureCookies::from_ref(state),
            credentials: Credentials::from_ref(state),
            db: Db::from_ref(state),
        }
    }
}

async fn principal(parts: &Parts, state: &Auth) -> Result<Option<Principal>, ApiError> {
    if let Some(token) = session_token(&parts.headers, state.cookies) {
        let credential = token_hash(&token);
        if let Some(user) = state.credentials.signed_in(&credential) {
            return Ok(Some(Principal::User { user, credential }));
        }
        if let Some(user) = store::session_user(&state.db, &token, Utc::now()).await? {
            state.credentials.confirmed(&credential);
            return Ok(Some(Principal::User { user, credential }));
        }
    }
    if let Some(token) = kiosk_token(parts) {
        return match store::kiosk_of(&state.db, &token).await? {
            Some(name) => Ok(Some(Principal::Kiosk {
                name,
                credential: token_hash(&token),
            })),
            None => Err(ApiError::Unauthorized(
                "token kiosk tidak berlaku atau sudah dicabut / the kiosk token is invalid or revoked"
                    .into(),
            )),
        };
    }
    Ok(None)
}

impl<S> FromRequestParts<S> for Reader
where
    S: Send + Sync,
    SecureCookies: FromRef<S>,
    Credentials: FromRef<S>,
    Db: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        principal(parts, &Auth::of(state))
            .await?
            .map(Reader)
            .ok_or_else(not_signed_in)
    }
}

impl<S> FromRequestParts<S> for Staff
where
    S: Send + Sync,
    SecureCookies: FromRef<S>,
    Credentials: FromRef<S>,
    Db: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match principal(parts, &Auth::of(state)).await? {
            Some(Principal::User { user, .. }) => Ok(Staff(user)),
            Some(Principal::Kiosk { .. }) => Err(ApiError::Forbidden(
                "token kiosk hanya dapat membaca papan / a kiosk token can only read the board"
                    .into(),
            )),
            None => Err(not_signed_in()),
        }
    }
}

/// A signed-in Admin.
pub struct Admin(pub User);

impl<S> FromRequestParts<S> for Admin
where
    S: Send + Sync,
    SecureCookies: FromRef<S>,
    Credentials: FromRef<S>,
    Db: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Staff(user) = Staff::from_request_parts(parts, state).await?;
        if user.roles.contains(&pantau_core::domain::Role::Admin) {
            Ok(Admin(user))
        } else {
            Err(ApiError::Forbidden(
                "hanya Admin / only an Admin may do this".into(),
            ))
        }
    }
}

/// How often the list of valid credentials is read again (it also is at once after a change
/// made through this process). A CLI revoke in another process takes effect within this.
pub const RECHECK: Duration = Duration::from_secs(1);

/// How long a session, once checked against the database, is answered from memory. At least
/// once in this time each session goes to the database again, which keeps its idle timeout.
pub const CONFIRMED_FOR: Duration = Duration::from_secs(60);

/// The hashes of every live session (of an enabled user, with that user) and every unrevoked
/// kiosk token, kept current by one task per process: an open event stream ends when its
/// credential leaves, and a request of a session confirmed less than [`CONFIRMED_FOR`] ago is
/// answered from this list without a query.
#[derive(Clone)]
pub struct Credentials {
    valid: watch::Receiver<Arc<Valid>>,
    refresh: Arc<Notify>,
    /// When each session was last checked against the database by this process.
    confirmed: Arc<Mutex<HashMap<String, Instant>>>,
}

/// The valid credentials, as read by a query that started at `read_at`.
#[derive(Debug)]
struct Valid {
    read_at: Instant,
    hashes: HashSet<String>,
    users: HashMap<String, User>,
}

impl Credentials {
    pub async fn start(
        db: Db,
        mut shutdown: watch::Receiver<bool>,
        tasks: &crate::health::Tasks,
    ) -> Credentials {
        let first = read_valid(&db).await.unwrap_or_else(|_| Valid {
            read_at: Instant::now(),
            hashes: HashSet::new(),
            users: HashMap::new(),
        });
        let (tx, valid) = watch::channel(Arc::new(first));
        let refresh = Arc::new(Notify::new());
        let wake = refresh.clone();
        tasks.spawn("credential refresher", async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(RECHECK) => {}
                    _ = wake.notified() => {}
                    _ = shutdown.changed() => return,
                }
                match read_valid(&db).await {
                    Ok(now) => {
                        // Always replace (the read time matters to streams started since), but wake
                        // the streams only when the list changed.
                        tx.send_if_modified(|old| {
                            let changed = old.hashes != now.hashes || old.users != now.users;
                            *old = Arc::new(now);
                            changed
                        });
                    }
                    // Keep the last list: a database hiccup does not cut every wall screen.
                    Err(e) => tracing::warn!(error = %e, "cannot re-read the valid credentials"),
                }
            }
        });
        Credentials {
            valid,
            refresh,
            confirmed: Arc::default(),
        }
    }

    /// Read the list again now (after a revoke, a disable or a logout in this process).
    pub fn changed(&self) {
        self.refresh.notify_one();
    }

    /// The user of a session, from memory: only when this process checked the session against
    /// the database less than [`CONFIRMED_FOR`] ago and the last list still holds it (so a
    /// logout, a disable or a role change in any process counts within [`RECHECK`]).
    pub fn signed_in(&self, credential: &str) -> Option<User> {
        let fresh = self
            .confirmed
            .lock()
            .expect("confirmed sessions")
            .get(credential)
            .is_some_and(|at| at.elapsed() < CONFIRMED_FOR);
        if !fresh {
            return None;
        }
        self.valid.borrow().users.get(credential).cloned()
    }

    /// A session was just checked against the database and is valid.
    pub fn confirmed(&self, credential: &str) {
        let mut confirmed = self.confirmed.lock().expect("confirmed sessions");
        // Forget sessions not seen for a while, so the map stays as small as the live sessions.
        if confirmed.len() > 64 {
            confirmed.retain(|_, at| at.elapsed() < CONFIRMED_FOR);
        }
        confirmed.insert(credential.to_owned(), Instant::now());
    }

    /// A session ended in this process (logout, a new login): no request of it is answered from
    /// memory any more, and the list is read again for its streams.
    pub fn ended(&self, credential: &str) {
        self.confirmed
            .lock()
            .expect("confirmed sessions")
            .remove(credential);
        self.changed();
    }

    /// Resolves when `credential` is no longer valid. Only lists read after this call count:
    /// the credential was checked against the database just before, and a list read earlier may
    /// not know a session that began since.
    pub async fn revoked(&self, credential: String) {
        let since = Instant::now();
        let mut valid = self.valid.clone();
        loop {
            {
                let now = valid.borrow_and_update();
                if now.read_at > since && !now.hashes.contains(&credential) {
                    return;
                }
            }
            if valid.changed().await.is_err() {
                // The watcher stopped (shutdown): streams end through the shutdown signal.
                std::future::pending::<()>().await;
            }
        }
    }
}

async fn read_valid(db: &Db) -> Result<Valid, sqlx::Error> {
    let read_at = Instant::now();
    let users: HashMap<String, User> = store::live_sessions(db, Utc::now())
        .await?
        .into_iter()
        .collect();
    let kiosks: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM kiosk_tokens WHERE revoked_at IS NULL")
            .fetch_all(&db.pool)
            .await?;
    let hashes = users.keys().cloned().chain(kiosks).collect();
    Ok(Valid {
        read_at,
        hashes,
        users,
    })
}
