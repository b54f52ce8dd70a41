//! The applicant's tracking link: staff make one for a request (`POST /api/cards/{id}/tracking`) and
//! send it; anyone holding it sees `GET /api/track/{token}` ([`TrackView`]: where the request is, for
//! how long against the standard, the schedule once confirmed), without an account. Staff can revoke
//! it (`DELETE /api/cards/{id}/tracking`); a revoked or unknown link answers the same 404.

use std::sync::Arc;

use app::domain::tracking::TrackView;
use app::domain::{CardId, SlaConfig};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::auth::guard::Staff;
use crate::auth::random_token;
use crate::db::Db;
use crate::error::ApiError;
use crate::sync::Hub;
use crate::sync::api::card_id;

#[derive(Debug, Serialize, Deserialize)]
pub struct Link {
    pub token: String,
    /// `/lacak/<token>`
    pub path: String,
}

fn invalid_link() -> ApiError {
    ApiError::NotFound(
        "link pelacakan tidak berlaku (dicabut atau salah) / this tracking link is not valid (revoked or mistyped)"
            .into(),
    )
}

/// The card's live link, made now if it has none.
pub async fn link(db: &Db, card: CardId) -> Result<String, sqlx::Error> {
    let id = card.0.to_string();
    let live: Option<String> = sqlx::query_scalar(
        "SELECT token FROM tracking_links WHERE card_id = $1 AND revoked_at IS NULL",
    )
    .bind(&id)
    .fetch_optional(&db.pool)
    .await?;
    if let Some(token) = live {
        return Ok(token);
    }
    let token = random_token(24);
    let now = Utc::now().timestamp_millis();
    let replaced = sqlx::query(
        "UPDATE tracking_links SET token = $2, created_at = $3, revoked_at = NULL WHERE card_id = $1",
    )
    .bind(&id)
    .bind(&token)
    .bind(now)
    .execute(&db.pool)
    .await?;
    if replaced.rows_affected() == 0 {
        sqlx::query("INSERT INTO tracking_links (card_id, token, created_at) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(&token)
            .bind(now)
            .execute(&db.pool)
            .await?;
    }
    Ok(token)
}

/// `POST /api/cards/{id}/tracking` (staff): the link to send to the applicant.
pub async fn create(
    State(hub): State<Hub>,
    State(db): State<Db>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Link>), ApiError> {
    let card = card_id(&id)?;
    if hub.store.card(card).await?.is_none() {
        return Err(ApiError::NotFound(format!("no card {id}")));
    }
    let token = link(&db, card).await?;
    tracing::info!(card = %id, by = %user.username, "tracking link given");
    Ok((
        StatusCode::CREATED,
        Json(Link {
            path: format!("/lacak/{token}"),
            token,
        }),
    ))
}

/// `DELETE /api/cards/{id}/tracking` (staff): the link stops working at once.
pub async fn revoke(
    State(db): State<Db>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let card = card_id(&id)?;
    let done = sqlx::query(
        "UPDATE tracking_links SET revoked_at = $2 WHERE card_id = $1 AND revoked_at IS NULL",
    )
    .bind(card.0.to_string())
    .bind(Utc::now().timestamp_millis())
    .execute(&db.pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound(format!(
            "no live tracking link for card {id}"
        )));
    }
    tracing::info!(card = %id, by = %user.username, "tracking link revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/track/{token}` (no account): the request's [`TrackView`] and nothing else.
pub async fn view(
    State(hub): State<Hub>,
    State(db): State<Db>,
    State(sla): State<Arc<SlaConfig>>,
    Path(token): Path<String>,
) -> Result<Json<TrackView>, ApiError> {
    if token.len() > 64
        || !token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(invalid_link());
    }
    let card: Option<String> = sqlx::query_scalar(
        "SELECT card_id FROM tracking_links WHERE token = $1 AND revoked_at IS NULL",
    )
    .bind(&token)
    .fetch_optional(&db.pool)
    .await?;
    let card = card
        .and_then(|id| id.parse::<uuid::Uuid>().ok())
        .ok_or_else(invalid_link)?;
    let card = hub
        .store
        .card(CardId(card))
        .await?
        .ok_or_else(invalid_link)?;
    Ok(Json(TrackView::of(&card, &sla, Utc::now())))
}
