//! The camera registry and the status changes in the database. Plain functions over the pool.

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use pantau_core::api::cameras::CameraChange;
use pantau_core::domain::camera::{CameraStatus, ProbeKind};
use sqlx::Row;
use url::Url;

use super::registry::{CameraEntry, Login, Secret};
use crate::db::Db;

/// A registry row, credentials included: it stays in the server.
#[derive(Clone, Debug)]
pub struct CameraRow {
    pub id: String,
    pub name: String,
    pub location: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub kind: ProbeKind,
    pub url: Url,
    pub login: Option<Login>,
    pub enabled: bool,
    pub updated_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum CameraStoreError {
    #[error("kamera {0:?} sudah ada / a camera named {0:?} already exists")]
    NameTaken(String),
    #[error("kamera {0} tidak ada / no camera {0}")]
    NoCamera(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

pub fn time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn kind_of(raw: &str) -> ProbeKind {
    ProbeKind::ALL
        .into_iter()
        .find(|k| k.as_str() == raw)
        .unwrap_or(ProbeKind::Tcp)
}

pub fn status_of(raw: &str) -> CameraStatus {
    CameraStatus::ALL
        .into_iter()
        .find(|s| s.as_str() == raw)
        .unwrap_or_default()
}

const COLUMNS: &str = "SELECT id, name, location, latitude, longitude, kind, url, username, password, \
                       login_sealed, enabled, updated_at FROM cameras";

/// A camera's login as it is sealed in `login_sealed`.
#[derive(serde::Serialize, serde::Deserialize)]
struct SealedLogin {
    username: String,
    password: String,
}

fn row_of(row: &sqlx::any::AnyRow, db: &Db) -> Result<CameraRow, sqlx::Error> {
    let url: String = row.try_get("url")?;
    let sealed: Option<String> = row.try_get("login_sealed")?;
    let (username, password): (Option<String>, Option<String>) = match sealed {
        Some(sealed) => {
            let opened = db
                .key()?
                .open(&sealed)
                .ok()
                .and_then(|json| serde_json::from_str::<SealedLogin>(&json).ok())
                .ok_or_else(|| {
                    sqlx::Error::Decode(
                        "a camera's sealed login does not open with this key".into(),
                    )
                })?;
            (Some(opened.username), Some(opened.password))
        }
        // Stored before logins were sealed (sealed at the next start).
        None => (row.try_get("username")?, row.try_get("password")?),
    };
    let kind: String = row.try_get("kind")?;
    Ok(CameraRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        location: row.try_get("location")?,
        latitude: row.try_get("latitude")?,
        longitude: row.try_get("longitude")?,
        kind: kind_of(&kind),
        url: Url::parse(&url).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        login: match (username, password) {
            (None, None) => None,
            (u, p) => Some(Login {
                username: Secret::new(u.unwrap_or_default()),
                password: Secret::new(p.unwrap_or_default()),
            }),
        },
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Every camera, by name.
pub async fn list(db: &Db) -> Result<Vec<CameraRow>, sqlx::Error> {
    let rows = sqlx::query(&format!("{COLUMNS} ORDER BY name_key"))
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| row_of(r, db)).collect()
}

pub async fn get(db: &Db, id: &str) -> Result<Option<CameraRow>, sqlx::Error> {
    let row = sqlx::query(&format!("{COLUMNS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(|r| row_of(r, db)).transpose()
}

/// The id of the camera with this name, ignoring case.
pub async fn id_by_name(db: &Db, name: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM cameras WHERE name_key = $1")
        .bind(name.to_lowercase())
        .fetch_optional(&db.pool)
        .await
}

/// When each camera last changed in the registry: what another instance compares to reload.
pub async fn versions(db: &Db) -> Result<HashMap<String, i64>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT id, updated_at FROM cameras")
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().collect())
}

/// A login as it is stored: sealed with the server's key.
fn sealed_login(db: &Db, login: &Option<Login>) -> Result<Option<String>, sqlx::Error> {
    let Some(l) = login else { return Ok(None) };
    let json = serde_json::to_string(&SealedLogin {
        username: l.username.reveal().to_owned(),
        password: l.password.reveal().to_owned(),
    })
    .expect("a login serializes");
    Ok(Some(db.key()?.seal(&json)))
}

/// Seals the logins stored before sealing began (once; another instance doing the same at the
/// same time changes nothing twice).
pub async fn seal_plain_logins(db: &Db) -> Result<u64, sqlx::Error> {
    let rows: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT id, username, password FROM cameras WHERE login_sealed IS NULL \
         AND (username IS NOT NULL OR password IS NOT NULL)",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut sealed = 0;
    for (id, username, password) in rows {
        let login = Some(Login {
            username: Secret::new(username.unwrap_or_default()),
            password: Secret::new(password.unwrap_or_default()),
        });
        sealed += sqlx::query(
            "UPDATE cameras SET login_sealed = $2, username = NULL, password = NULL \
             WHERE id = $1 AND login_sealed IS NULL",
        )
        .bind(&id)
        .bind(sealed_login(db, &login)?)
        .execute(&db.pool)
        .await?
        .rows_affected();
    }
    Ok(sealed)
}

pub async fn insert(
    db: &Db,
    entry: &CameraEntry,
    now: DateTime<Utc>,
) -> Result<String, CameraStoreError> {
    if id_by_name(db, &entry.name).await?.is_some() {
        return Err(CameraStoreError::NameTaken(entry.name.clone()));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let login = sealed_login(db, &entry.login.clone().flatten())?;
    let ms = now.timestamp_millis();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO cameras (id, name, name_key, location, latitude, longitude, kind, url, login_sealed, \
         enabled, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(&id)
    .bind(&entry.name)
    .bind(entry.name.to_lowercase())
    .bind(entry.location.clone())
    .bind(entry.latitude)
    .bind(entry.longitude)
    .bind(entry.kind.as_str())
    .bind(entry.url.as_str())
    .bind(login)
    .bind(i64::from(entry.enabled))
    .bind(ms)
    .execute(&mut *tx)
    .await
    .map_err(|e| unique_violation(e, &entry.name))?;
    sqlx::query("INSERT INTO camera_status (camera_id, status, since) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(CameraStatus::Unknown.as_str())
        .bind(ms)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

fn unique_violation(e: sqlx::Error, name: &str) -> CameraStoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            CameraStoreError::NameTaken(name.to_owned())
        }
        _ => CameraStoreError::Db(e),
    }
}

/// Replaces a camera's settings; credentials only when the entry speaks of them.
pub async fn update(
    db: &Db,
    id: &str,
    entry: &CameraEntry,
    now: DateTime<Utc>,
) -> Result<(), CameraStoreError> {
    if let Some(other) = id_by_name(db, &entry.name).await?
        && other != id
    {
        return Err(CameraStoreError::NameTaken(entry.name.clone()));
    }
    let result = sqlx::query(
        "UPDATE cameras SET name = $2, name_key = $3, location = $4, latitude = $5, longitude = $6, \
         kind = $7, url = $8, enabled = $9, updated_at = $10 WHERE id = $1",
    )
    .bind(id)
    .bind(&entry.name)
    .bind(entry.name.to_lowercase())
    .bind(entry.location.clone())
    .bind(entry.latitude)
    .bind(entry.longitude)
    .bind(entry.kind.as_str())
    .bind(entry.url.as_str())
    .bind(i64::from(entry.enabled))
    .bind(now.timestamp_millis())
    .execute(&db.pool)
    .await
    .map_err(|e| unique_violation(e, &entry.name))?;
    if result.rows_affected() == 0 {
        return Err(CameraStoreError::NoCamera(id.to_owned()));
    }
    if let Some(login) = &entry.login {
        sqlx::query(
            "UPDATE cameras SET login_sealed = $2, username = NULL, password = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(sealed_login(db, login)?)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// Each camera's current status and since when, as recorded by any instance.
pub async fn statuses(
    db: &Db,
) -> Result<HashMap<String, (CameraStatus, DateTime<Utc>)>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT camera_id, status, since FROM camera_status")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, status, since)| (id, (status_of(&status), time(since))))
        .collect())
}

/// One camera's current status and since when, as recorded by any instance.
pub async fn status(
    db: &Db,
    id: &str,
) -> Result<Option<(CameraStatus, DateTime<Utc>)>, sqlx::Error> {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT status, since FROM camera_status WHERE camera_id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(status, since)| (status_of(&status), time(since))))
}

/// Every camera's changes since `from`, with the last one before it (how the window starts).
pub async fn changes_since(
    db: &Db,
    from: DateTime<Utc>,
) -> Result<HashMap<String, Vec<CameraChange>>, sqlx::Error> {
    let rows: Vec<(String, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT c.camera_id, c.status, c.at, c.detail FROM camera_changes c \
         WHERE c.at >= $1 OR c.at = (SELECT MAX(d.at) FROM camera_changes d \
                                     WHERE d.camera_id = c.camera_id AND d.at < $1) \
         ORDER BY c.camera_id, c.at",
    )
    .bind(from.timestamp_millis())
    .fetch_all(&db.pool)
    .await?;
    let mut changes: HashMap<String, Vec<CameraChange>> = HashMap::new();
    for (id, status, at, detail) in rows {
        changes.entry(id).or_default().push(CameraChange {
            status: status_of(&status),
            at: time(at),
            detail,
        });
    }
    Ok(changes)
}

/// One camera's changes, newest first.
pub async fn history(db: &Db, id: &str, limit: i64) -> Result<Vec<CameraChange>, sqlx::Error> {
    let rows: Vec<(String, i64, Option<String>)> = sqlx::query_as(
        "SELECT status, at, detail FROM camera_changes WHERE camera_id = $1 ORDER BY at DESC LIMIT $2",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(status, at, detail)| CameraChange {
            status: status_of(&status),
            at: time(at),
            detail,
        })
        .collect())
}

/// Records that `id` is now `status`, once across every instance: only the instance whose update
/// changes the stored status writes the change. Returns since when the status holds.
pub async fn record_status(
    db: &Db,
    id: &str,
    status: CameraStatus,
    at: DateTime<Utc>,
    detail: Option<&str>,
) -> Result<DateTime<Utc>, sqlx::Error> {
    let status_name = status.as_str();
    let updated = sqlx::query(
        "UPDATE camera_status SET status = $2, since = $3 WHERE camera_id = $1 AND status <> $2",
    )
    .bind(id)
    .bind(status_name)
    .bind(at.timestamp_millis())
    .execute(&db.pool)
    .await?;
    if updated.rows_affected() == 1 {
        sqlx::query(
            "INSERT INTO camera_changes (camera_id, status, at, detail) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(status_name)
        .bind(at.timestamp_millis())
        .bind(detail.map(str::to_owned))
        .execute(&db.pool)
        .await?;
        return Ok(at);
    }
    let since: Option<i64> =
        sqlx::query_scalar("SELECT since FROM camera_status WHERE camera_id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(since.map(time).unwrap_or(at))
}
