//! The cameras API: the live feed and its stream for every reader (staff and wall screens), one
//! camera's history, and the registry for Admins (add, edit, disable, CSV import). No answer ever
//! holds a camera's login.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use pantau_core::domain::camera::{CameraFeed, CameraInfo, FeedChange};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use super::monitor::Monitor;
use super::registry::{CameraEntry, CameraInput, FieldText};
use super::store::{self, CameraStoreError};
use crate::auth::guard::{Admin, Credentials, Reader};
use crate::db::Db;
use crate::error::{ApiError, ApiJson, ApiQuery};
use crate::sync::stream::{HEARTBEAT, stream_end};
pub use pantau_core::api::cameras::{
    CameraSettings, EnableBody, HistoryAnswer, ImportAnswer, RowError,
};

impl From<CameraStoreError> for ApiError {
    fn from(e: CameraStoreError) -> ApiError {
        match e {
            CameraStoreError::NameTaken(_) => ApiError::Conflict(e.to_string()),
            CameraStoreError::NoCamera(_) => ApiError::NotFound(e.to_string()),
            CameraStoreError::Db(e) => e.into(),
        }
    }
}

fn field_errors(errors: Vec<FieldText>) -> ApiError {
    ApiError::Fields(errors)
}

/// `GET /api/cameras`
pub async fn feed(State(monitor): State<Monitor>, _reader: Reader) -> Json<CameraFeed> {
    Json(monitor.feed())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    #[serde(default, rename = "token")]
    pub _token: Option<String>,
}

/// How long a stream gathers changes before it sends them: one event a second at most.
pub const BATCH: Duration = Duration::from_secs(1);

/// `GET /api/cameras/stream`: a `feed` event with everything, then `change` events at most once a
/// second with what changed. Ends when the reader's session or token stops being valid.
pub async fn stream(
    State(monitor): State<Monitor>,
    State(credentials): State<Credentials>,
    Reader(principal): Reader,
    ApiQuery(_): ApiQuery<StreamQuery>,
) -> Response {
    let credential = principal.credential().to_owned();
    use futures::StreamExt as _;
    let end = stream_end(monitor.shutdown(), async move {
        credentials.revoked(credential).await
    });
    let state = FeedStream {
        first: true,
        rx: monitor.subscribe(),
        monitor,
    };
    let stream = futures::stream::unfold(state, |mut s| async move {
        let event = s.next().await?;
        Some((Ok::<_, Infallible>(event), s))
    })
    .take_until(end);
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(HEARTBEAT).text("heartbeat"))
        .into_response()
}

struct FeedStream {
    first: bool,
    monitor: Monitor,
    rx: broadcast::Receiver<Arc<FeedChange>>,
}

fn sse(name: &str, data: &impl Serialize) -> SseEvent {
    SseEvent::default()
        .event(name)
        .data(serde_json::to_string(data).expect("the feed serializes"))
}

impl FeedStream {
    async fn next(&mut self) -> Option<SseEvent> {
        if self.first {
            self.first = false;
            return Some(sse("feed", &self.monitor.feed()));
        }
        let mut cameras: BTreeMap<String, CameraInfo> = BTreeMap::new();
        let mut network = BTreeMap::new();
        let mut removed = Vec::new();
        let mut at = None;
        let mut deadline: Option<tokio::time::Instant> = None;
        loop {
            let wait = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                received = self.rx.recv() => match received {
                    Ok(change) => {
                        at = change.at.or(at);
                        for c in &change.cameras {
                            cameras.insert(c.id.clone(), c.clone());
                        }
                        for n in &change.network {
                            network.insert(n.name.clone(), n.clone());
                        }
                        for id in &change.removed {
                            cameras.remove(id);
                            removed.push(id.clone());
                        }
                        deadline.get_or_insert_with(|| tokio::time::Instant::now() + BATCH);
                    }
                    // Fell behind: everything again.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        return Some(sse("feed", &self.monitor.feed()));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = wait => {
                    let change = FeedChange {
                        at,
                        cameras: cameras.into_values().collect(),
                        removed,
                        network: network.into_values().collect(),
                    };
                    return Some(sse("change", &change));
                }
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    pub limit: Option<i64>,
    #[serde(default, rename = "token")]
    pub _token: Option<String>,
}

/// `GET /api/cameras/{id}/history?limit=N` (default 100, at most 1000)
pub async fn history(
    State(monitor): State<Monitor>,
    State(db): State<Db>,
    _reader: Reader,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Json<HistoryAnswer>, ApiError> {
    let id = camera_id(&id)?;
    let camera = monitor
        .camera(&id)
        .ok_or_else(|| ApiError::NotFound(CameraStoreError::NoCamera(id.clone()).to_string()))?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::BadRequest("limit: 1 to 1000".into()));
    }
    let changes = store::history(&db, &id, limit).await?;
    Ok(Json(HistoryAnswer { camera, changes }))
}

/// `GET /api/cameras/{id}/settings` (Admin)
pub async fn settings(
    State(db): State<Db>,
    _admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<CameraSettings>, ApiError> {
    let id = camera_id(&id)?;
    let row = store::get(&db, &id)
        .await?
        .ok_or_else(|| ApiError::from(CameraStoreError::NoCamera(id.clone())))?;
    Ok(Json(CameraSettings {
        id: row.id,
        name: row.name,
        location: row.location,
        latitude: row.latitude,
        longitude: row.longitude,
        kind: row.kind,
        url: row.url.to_string(),
        has_login: row.login.is_some(),
        enabled: row.enabled,
    }))
}

/// The camera as the monitor has it after reading its registry row again.
async fn reloaded(monitor: &Monitor, id: &str) -> Result<CameraInfo, ApiError> {
    monitor.reload(id).await?;
    monitor
        .camera(id)
        .ok_or_else(|| CameraStoreError::NoCamera(id.to_owned()).into())
}

/// `POST /api/cameras` (Admin): 201 with the camera.
pub async fn create(
    State(monitor): State<Monitor>,
    State(db): State<Db>,
    Admin(admin): Admin,
    ApiJson(input): ApiJson<CameraInput>,
) -> Result<(StatusCode, Json<CameraInfo>), ApiError> {
    let entry = super::registry::parse(&input).map_err(field_errors)?;
    let id = store::insert(&db, &entry, Utc::now()).await?;
    tracing::info!(camera = %entry.name, by = %admin.username, "camera added");
    let camera = reloaded(&monitor, &id).await?;
    Ok((StatusCode::CREATED, Json(camera)))
}

/// `PUT /api/cameras/{id}` (Admin): every setting; `username`/`password` left out keep the stored login.
pub async fn update(
    State(monitor): State<Monitor>,
    State(db): State<Db>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CameraInput>,
) -> Result<Json<CameraInfo>, ApiError> {
    let id = camera_id(&id)?;
    let entry = super::registry::parse(&input).map_err(field_errors)?;
    store::update(&db, &id, &entry, Utc::now()).await?;
    tracing::info!(camera = %entry.name, by = %admin.username, enabled = entry.enabled, "camera changed");
    let camera = reloaded(&monitor, &id).await?;
    Ok(Json(camera))
}

/// `POST /api/cameras/{id}/enabled` (Admin) `{"enabled": false}`: disable (or enable) without
/// touching the other settings.
pub async fn set_enabled(
    State(monitor): State<Monitor>,
    State(db): State<Db>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EnableBody>,
) -> Result<Json<CameraInfo>, ApiError> {
    let id = camera_id(&id)?;
    let row = store::get(&db, &id)
        .await?
        .ok_or_else(|| ApiError::from(CameraStoreError::NoCamera(id.clone())))?;
    let entry = CameraEntry {
        name: row.name.clone(),
        location: row.location,
        latitude: row.latitude,
        longitude: row.longitude,
        kind: row.kind,
        url: row.url,
        login: None,
        enabled: body.enabled,
    };
    store::update(&db, &id, &entry, Utc::now()).await?;
    tracing::info!(camera = %row.name, by = %admin.username, enabled = body.enabled, "camera enabled changed");
    let camera = reloaded(&monitor, &id).await?;
    Ok(Json(camera))
}

/// `POST /api/cameras/import` (Admin), a CSV body (`text/csv`) with a header line:
/// `name,location,latitude,longitude,kind,url,username,password,enabled` (any order; `name`,
/// `kind`, `url` required). A row naming an existing camera updates it. Rows with a problem are
/// left out and reported with their line; the others are taken.
pub async fn import(
    State(monitor): State<Monitor>,
    State(db): State<Db>,
    Admin(admin): Admin,
    body: String,
) -> Result<Json<ImportAnswer>, ApiError> {
    let rows = super::csv::parse(&body).map_err(ApiError::BadRequest)?;
    let mut answer = ImportAnswer::default();
    let now = Utc::now();
    for (line, input) in rows {
        let input = match input {
            Ok(input) => input,
            Err(e) => {
                answer.errors.push(RowError {
                    line,
                    field: e.field.to_owned(),
                    message: e.message,
                });
                continue;
            }
        };
        let entry = match super::registry::parse(&input) {
            Ok(entry) => entry,
            Err(errors) => {
                answer.errors.extend(errors.into_iter().map(|e| RowError {
                    line,
                    field: e.field.to_owned(),
                    message: e.message,
                }));
                continue;
            }
        };
        let result = match store::id_by_name(&db, &entry.name).await? {
            Some(id) => store::update(&db, &id, &entry, now)
                .await
                .map(|()| (id, false)),
            None => store::insert(&db, &entry, now).await.map(|id| (id, true)),
        };
        match result {
            Ok((id, added)) => {
                if added {
                    answer.added += 1;
                } else {
                    answer.updated += 1;
                }
                monitor.reload(&id).await?;
            }
            Err(CameraStoreError::Db(e)) => return Err(e.into()),
            Err(e) => answer.errors.push(RowError {
                line,
                field: "name".into(),
                message: e.to_string(),
            }),
        }
    }
    tracing::info!(
        by = %admin.username,
        added = answer.added,
        updated = answer.updated,
        refused = answer.errors.len(),
        "cameras imported"
    );
    Ok(Json(answer))
}

/// A camera id from a path: cameras are named by UUIDs, so anything else is simply not there.
fn camera_id(raw: &str) -> Result<String, ApiError> {
    raw.parse::<uuid::Uuid>()
        .map(|id| id.to_string())
        .map_err(|_| ApiError::NotFound("kamera itu tidak ada / no such camera".into()))
}
