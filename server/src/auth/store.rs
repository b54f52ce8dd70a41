//! Accounts in the database: users, sessions, failed logins, kiosk tokens. Plain functions over the pool.

use chrono::{DateTime, Duration, Utc};
use pantau_core::domain::Role;
use sqlx::Row;

use super::{FieldError, Password, Username, parse_roles, random_token, roles_text, token_hash};
use crate::db::Db;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    pub demo_password: bool,
    /// An applicant account's agency (OPD), if it names one.
    pub agency: Option<String>,
}

impl User {
    /// Whether the user holds no role but the applicant's.
    pub fn applicant_only(&self) -> bool {
        self.roles.iter().all(|r| *r == Role::Pemohon)
    }

    /// Whether the user may read this card: staff read every card, an applicant's account only
    /// its own agency's (`pantau_core::domain::own_agency`).
    pub fn may_read(&self, card: &pantau_core::domain::Card) -> bool {
        !self.applicant_only() || self.as_applicant().may_see(card)
    }

    pub fn as_applicant(&self) -> pantau_core::domain::Applicant<'_> {
        pantau_core::domain::Applicant {
            username: &self.username,
            agency: self.agency.as_deref(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Input(#[from] FieldError),
    #[error("pengguna {0} sudah ada / user {0} already exists")]
    UserExists(String),
    #[error("pengguna {0} tidak ada / no user {0}")]
    NoUser(String),
    #[error("token kiosk {0} sudah ada / kiosk token {0} already exists")]
    KioskExists(String),
    #[error("token kiosk {0} tidak ada / no kiosk token {0}")]
    NoKiosk(String),
    #[error("nama pengguna atau kata sandi salah / wrong user name or password")]
    BadCredentials,
    #[error(
        "terlalu banyak percobaan masuk yang gagal; coba lagi dalam {minutes} menit / too many failed logins; try again in {minutes} minutes"
    )]
    Throttled { minutes: i64 },
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// Failed logins counted over this window.
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);
/// At most this many failures per account per window (40 an hour: under ASVS 2.2.1's 100).
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 10;
/// At most this many failures per client address per window.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
/// A session unused this long ends.
pub const IDLE_TIMEOUT: Duration = Duration::hours(8);

fn user_from_row(row: &sqlx::any::AnyRow) -> Result<User, sqlx::Error> {
    let roles: String = row.try_get("roles")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        roles: parse_roles(&roles).unwrap_or_default(),
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        demo_password: row.try_get::<i64, _>("demo_password")? != 0,
        agency: row.try_get("agency")?,
    })
}

const USER_COLUMNS: &str = "SELECT id, username, display_name, password_hash, roles, disabled, demo_password, agency FROM users";

pub async fn add_user(
    db: &Db,
    username: &Username,
    display_name: &str,
    password: &Password,
    roles: &[Role],
    demo: bool,
    now: DateTime<Utc>,
) -> Result<User, AuthError> {
    if roles.is_empty() {
        return Err(FieldError::NoRole.into());
    }
    let id = uuid::Uuid::new_v4().to_string();
    let display = if display_name.trim().is_empty() {
        username.as_str()
    } else {
        display_name.trim()
    };
    let hash = password.hash_off_runtime().await;
    // One statement: two instances adding the same name at once cannot both pass a lookup first.
    let added = sqlx::query(
        "INSERT INTO users (id, username, display_name, password_hash, roles, disabled, demo_password, created_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6, $7) ON CONFLICT (username) DO NOTHING",
    )
    .bind(&id)
    .bind(username.as_str())
    .bind(display)
    .bind(hash)
    .bind(roles_text(roles))
    .bind(i64::from(demo))
    .bind(now.timestamp_millis())
    .execute(&db.pool)
    .await?;
    if added.rows_affected() == 0 {
        return Err(AuthError::UserExists(username.to_string()));
    }
    find(db, username)
        .await?
        .map(|(user, _)| user)
        .ok_or_else(|| AuthError::NoUser(username.to_string()))
}

async fn find(db: &Db, username: &Username) -> Result<Option<(User, String)>, sqlx::Error> {
    let row = sqlx::query(&format!("{USER_COLUMNS} WHERE username = $1"))
        .bind(username.as_str())
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| Ok((user_from_row(&r)?, r.try_get("password_hash")?)))
        .transpose()
}

pub async fn list_users(db: &Db) -> Result<Vec<User>, AuthError> {
    let rows = sqlx::query(&format!("{USER_COLUMNS} ORDER BY username"))
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.iter().map(user_from_row).collect::<Result<_, _>>()?)
}

/// Sets a new password, clears the demo mark, and ends the user's sessions.
pub async fn set_password(
    db: &Db,
    username: &Username,
    password: &Password,
) -> Result<(), AuthError> {
    let (user, _) = find(db, username)
        .await?
        .ok_or_else(|| AuthError::NoUser(username.to_string()))?;
    sqlx::query("UPDATE users SET password_hash = $1, demo_password = 0 WHERE id = $2")
        .bind(password.hash_off_runtime().await)
        .bind(&user.id)
        .execute(&db.pool)
        .await?;
    end_sessions_of(db, &user.id).await
}

/// Sets the agency (OPD) an applicant account belongs to (`None`: none named).
pub async fn set_agency(
    db: &Db,
    username: &Username,
    agency: Option<&pantau_core::domain::request::AgencyName>,
) -> Result<(), AuthError> {
    let done = sqlx::query("UPDATE users SET agency = $1 WHERE username = $2")
        .bind(agency.map(|a| a.as_str().to_owned()))
        .bind(username.as_str())
        .execute(&db.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AuthError::NoUser(username.to_string()));
    }
    Ok(())
}

/// Disables an account and ends its sessions at once.
pub async fn disable_user(db: &Db, username: &Username) -> Result<(), AuthError> {
    let (user, _) = find(db, username)
        .await?
        .ok_or_else(|| AuthError::NoUser(username.to_string()))?;
    sqlx::query("UPDATE users SET disabled = 1 WHERE id = $1")
        .bind(&user.id)
        .execute(&db.pool)
        .await?;
    end_sessions_of(db, &user.id).await
}

async fn end_sessions_of(db: &Db, user_id: &str) -> Result<(), AuthError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The key failed logins of an account are counted under: a hash of the name as typed (trimmed, lower
/// case), so any input, however long or strange, gives a short key and no name is stored.
fn account_key(username: &str) -> String {
    let name: String = username.trim().to_lowercase().chars().take(256).collect();
    format!("user:{}", &token_hash(&name)[..32])
}

fn address_key(address: std::net::IpAddr) -> String {
    format!("addr:{address}")
}

/// Attempts recorded under `key` in the window, this one included.
async fn attempts(
    db: &Db,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE key = $1 AND at > $2",
    )
    .bind(key)
    .bind((now - THROTTLE_WINDOW).timestamp_millis())
    .fetch_one(&db.pool)
    .await?;
    Ok((row.try_get("n")?, row.try_get("oldest")?))
}

async fn forget_attempt(db: &Db, attempt: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE attempt = $1")
        .bind(attempt)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Checks a user name and password; on success starts a new session and returns its token.
/// Every failure says the same, whether or not the account exists.
///
/// Throttling is counted atomically: the attempt is written first (under the account's key and the
/// address's), then counted with every attempt before it, so of any number of parallel guesses at
/// most the limit get a password check. A successful login takes its attempt back; a throttled one
/// too (it checked nothing). Rows past the window are purged on the way.
pub async fn login(
    db: &Db,
    username: &str,
    password: &str,
    address: std::net::IpAddr,
    now: DateTime<Utc>,
) -> Result<(User, String), AuthError> {
    sqlx::query("DELETE FROM login_failures WHERE at <= $1")
        .bind((now - THROTTLE_WINDOW).timestamp_millis())
        .execute(&db.pool)
        .await?;
    let attempt = uuid::Uuid::new_v4().to_string();
    let keys = [
        (account_key(username), MAX_FAILURES_PER_ACCOUNT),
        (address_key(address), MAX_FAILURES_PER_ADDRESS),
    ];
    for (key, _) in &keys {
        sqlx::query("INSERT INTO login_failures (key, at, attempt) VALUES ($1, $2, $3)")
            .bind(key)
            .bind(now.timestamp_millis())
            .bind(&attempt)
            .execute(&db.pool)
            .await?;
    }
    for (key, limit) in &keys {
        let (count, oldest) = attempts(db, key, now).await?;
        if count > *limit {
            forget_attempt(db, &attempt).await?;
            let frees_at =
                oldest.unwrap_or(now.timestamp_millis()) + THROTTLE_WINDOW.num_milliseconds();
            let minutes = ((frees_at - now.timestamp_millis()) as f64 / 60_000.0)
                .ceil()
                .max(1.0) as i64;
            return Err(AuthError::Throttled { minutes });
        }
    }
    let found = match (Username::parse(username), Password::parse(password)) {
        (Ok(name), Ok(_)) => find(db, &name).await?,
        _ => None,
    };
    let checked = Password(password.chars().take(128).collect::<String>().into());
    // The same work whether or not the account exists, so timing does not tell.
    let (found, matches) = match found {
        Some((user, hash)) => {
            let ok = checked.matches_off_runtime(hash).await;
            (Some(user), ok)
        }
        None => {
            let _ = checked.matches_off_runtime(DUMMY_HASH.to_owned()).await;
            (None, false)
        }
    };
    let user = match found {
        Some(user) if matches && !user.disabled => user,
        // The attempt stays: it is a failure now.
        _ => return Err(AuthError::BadCredentials),
    };
    forget_attempt(db, &attempt).await?;
    let token = random_token(32);
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen) VALUES ($1, $2, $3, $3)",
    )
    .bind(token_hash(&token))
    .bind(&user.id)
    .bind(now.timestamp_millis())
    .execute(&db.pool)
    .await?;
    Ok((user, token))
}

/// An argon2id hash of nothing anyone knows: checked when the account does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZLfZ4PkDcAFgCzUH0BzbZbcKi5anDkpT6NqxnVuk0MA";

/// The user of a session token, if the session is alive; refreshes its idle clock.
pub async fn session_user(
    db: &Db,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<User>, AuthError> {
    let hash = token_hash(token);
    let row = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.password_hash, u.roles, u.disabled, u.demo_password, u.agency, s.last_seen \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let user = user_from_row(&row)?;
    let last_seen: i64 = row.try_get("last_seen")?;
    if user.disabled || last_seen < (now - IDLE_TIMEOUT).timestamp_millis() {
        logout(db, token).await?;
        return Ok(None);
    }
    // One write a minute at most per session.
    if last_seen < (now - Duration::minutes(1)).timestamp_millis() {
        sqlx::query("UPDATE sessions SET last_seen = $1 WHERE id_hash = $2")
            .bind(now.timestamp_millis())
            .bind(&hash)
            .execute(&db.pool)
            .await?;
    }
    Ok(Some(user))
}

/// Every live session (of an enabled user, used within the idle timeout) with its user, keyed
/// by the hash of the session id: what [`super::guard::Credentials`] keeps in memory.
pub async fn live_sessions(
    db: &Db,
    now: DateTime<Utc>,
) -> Result<Vec<(String, User)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id_hash, u.id, u.username, u.display_name, u.roles, u.disabled, u.demo_password, u.agency \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.disabled = 0 AND s.last_seen >= $1",
    )
    .bind((now - IDLE_TIMEOUT).timestamp_millis())
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("id_hash")?, user_from_row(row)?)))
        .collect()
}

pub async fn logout(db: &Db, token: &str) -> Result<(), AuthError> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kiosk {
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

/// A new read-only token for a wall screen; the token is shown once.
pub async fn create_kiosk(db: &Db, name: &str, now: DateTime<Utc>) -> Result<String, AuthError> {
    let name = Username::parse(name)?.to_string();
    let token = random_token(32);
    let added = sqlx::query(
        "INSERT INTO kiosk_tokens (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(&name)
    .bind(token_hash(&token))
    .bind(now.timestamp_millis())
    .execute(&db.pool)
    .await?;
    if added.rows_affected() == 0 {
        return Err(AuthError::KioskExists(name));
    }
    Ok(token)
}

pub async fn revoke_kiosk(db: &Db, name: &str, now: DateTime<Utc>) -> Result<(), AuthError> {
    let Ok(name) = Username::parse(name) else {
        return Err(AuthError::NoKiosk(printable(name)));
    };
    let name = name.as_str();
    let done = sqlx::query(
        "UPDATE kiosk_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL",
    )
    .bind(now.timestamp_millis())
    .bind(name)
    .execute(&db.pool)
    .await?;
    if done.rows_affected() == 0 {
        Err(AuthError::NoKiosk(name.to_owned()))
    } else {
        Ok(())
    }
}

pub async fn list_kiosks(db: &Db) -> Result<Vec<Kiosk>, AuthError> {
    let rows = sqlx::query("SELECT name, created_at, revoked_at FROM kiosk_tokens ORDER BY name")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Kiosk {
                name: r.try_get("name")?,
                created_at: DateTime::from_timestamp_millis(r.try_get("created_at")?)
                    .unwrap_or_default(),
                revoked: r.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
            })
        })
        .collect()
}

/// The kiosk a token belongs to, if it is valid and not revoked.
pub async fn kiosk_of(db: &Db, token: &str) -> Result<Option<String>, AuthError> {
    Ok(sqlx::query_scalar(
        "SELECT name FROM kiosk_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash(token))
    .fetch_optional(&db.pool)
    .await?)
}

/// One demo user per role (`demo.<role>`), with a fresh password, for each that does not exist yet.
pub async fn seed_demo_users(
    db: &Db,
    now: DateTime<Utc>,
) -> Result<Vec<(String, Role, Password)>, AuthError> {
    let mut added = Vec::new();
    for role in Role::ALL {
        let name = Username::parse(&format!("demo.{}", role.as_str()).replace('_', "-"))?;
        if find(db, &name).await?.is_some() {
            continue;
        }
        let password = Password::generate();
        let display = format!("Demo {}", role.label().id);
        add_user(db, &name, &display, &password, &[role], true, now).await?;
        added.push((name.to_string(), role, password));
    }
    Ok(added)
}

/// Whether any account still has its demo password: a production start refuses then.
pub async fn demo_passwords_left(db: &Db) -> Result<Vec<String>, AuthError> {
    Ok(sqlx::query_scalar(
        "SELECT username FROM users WHERE demo_password = 1 AND disabled = 0 ORDER BY username",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// A name as typed, fit to repeat in a message: control characters shown as `?`, at most 60 characters.
pub fn printable(raw: &str) -> String {
    raw.chars()
        .take(60)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}
