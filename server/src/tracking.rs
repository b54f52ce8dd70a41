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
use crate::auth::{random_token, token_hash};
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

/// The card's live link, made now if it has none. The database keeps the token's SHA-256 (what a
/// visit is looked up by) and the token sealed with the server's key (to show the link again), so
/// a copied database alone opens no link. One statement makes or revives the row, so two staff
/// giving the link at once get the same one.
pub async fn link(db: &Db, card: CardId) -> Result<String, ApiError> {
    let id = card.0.to_string();
    let key = db.key()?;
    let token = random_token(24);
    sqlx::query(
        "INSERT INTO tracking_links (card_id, token, token_sealed, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (card_id) DO UPDATE SET token = excluded.token, token_sealed = excluded.token_sealed, \
         created_at = excluded.created_at, revoked_at = NULL \
         WHERE tracking_links.revoked_at IS NOT NULL",
    )
    .bind(&id)
    .bind(token_hash(&token))
    .bind(key.seal(&token))
    .bind(Utc::now().timestamp_millis())
    .execute(&db.pool)
    .await?;
    let sealed: Option<String> = sqlx::query_scalar(
        "SELECT token_sealed FROM tracking_links WHERE card_id = $1 AND revoked_at IS NULL",
    )
    .bind(&id)
    .fetch_optional(&db.pool)
    .await?
    .flatten();
    let sealed = sealed
        .ok_or_else(|| ApiError::Internal(format!("no live link for {id} after making one")))?;
    key.open(&sealed)
        .map_err(|e| ApiError::Internal(format!("tracking link of {id}: {e}")))
}

/// Seals the tracking links stored before sealing began: their token becomes its hash (once;
/// another instance doing the same at the same time changes nothing twice).
pub async fn seal_plain_links(db: &Db) -> Result<u64, sqlx::Error> {
    let key = db.key()?;
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT card_id, token FROM tracking_links WHERE token_sealed IS NULL")
            .fetch_all(&db.pool)
            .await?;
    let mut sealed = 0;
    for (card, token) in rows {
        sealed += sqlx::query(
            "UPDATE tracking_links SET token = $2, token_sealed = $3 \
             WHERE card_id = $1 AND token_sealed IS NULL",
        )
        .bind(&card)
        .bind(token_hash(&token))
        .bind(key.seal(&token))
        .execute(&db.pool)
        .await?
        .rows_affected();
    }
    Ok(sealed)
}

/// `POST /api/cards/{id}/tracking` (staff): the link to send to the applicant.
pub async fn create(
    State(hub): State<Hub>,
    State(db): State<Db>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Link>), ApiError> {
    let card = card_id(&id)?;
    let Some(found) = hub.store.card(card).await? else {
        return Err(ApiError::NotFound(format!("no card {id}")));
    };
    applicant_may(&user, &found)?;
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

/// An applicant (holding no other role) handles only its own agency's requests.
fn applicant_may(
    user: &crate::auth::store::User,
    card: &app::domain::Card,
) -> Result<(), ApiError> {
    if user.applicant_only() && !user.as_applicant().may_see(card) {
        return Err(ApiError::Forbidden(
            app::domain::Refusal::OtherAgency.message(app::i18n::Lang::Id)
                + " / "
                + &app::domain::Refusal::OtherAgency.message(app::i18n::Lang::En),
        ));
    }
    Ok(())
}

/// `DELETE /api/cards/{id}/tracking` (staff): the link stops working at once.
pub async fn revoke(
    State(hub): State<Hub>,
    State(db): State<Db>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let card = card_id(&id)?;
    if let Some(found) = hub.store.card(card).await? {
        applicant_may(&user, &found)?;
    }
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
    .bind(token_hash(&token))
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
