//! `GET /healthz`: is this instance up, which version, which database, and does the database answer.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::db::Db;

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub database: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

pub async fn healthz(State(db): State<Db>) -> (StatusCode, Json<Health>) {
    let (code, status, error) = match db.ping().await {
        Ok(()) => (StatusCode::OK, "ok", None),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            Some(e.to_string()),
        ),
    };
    let body = Health {
        status,
        version: env!("CARGO_PKG_VERSION"),
        database: db.backend.name(),
        error,
    };
    (code, Json(body))
}
