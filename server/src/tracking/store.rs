//! The tracking links in the database: each stored as its token's SHA-256 (what a visit is looked
//! up by) and the token sealed with the server's key (to show the link again).

use chrono::{DateTime, Utc};
use pantau_core::domain::CardId;

use crate::auth::{random_token, token_hash};
use crate::db::Db;
use crate::error::ApiError;

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

/// Revokes the card's live link; `false` when it had none.
pub async fn revoke(db: &Db, card: CardId, at: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE tracking_links SET revoked_at = $2 WHERE card_id = $1 AND revoked_at IS NULL",
    )
    .bind(card.0.to_string())
    .bind(at.timestamp_millis())
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The card whose live link `token` is.
pub async fn card_of(db: &Db, token: &str) -> Result<Option<CardId>, sqlx::Error> {
    let card: Option<String> = sqlx::query_scalar(
        "SELECT card_id FROM tracking_links WHERE token = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash(token))
    .fetch_optional(&db.pool)
    .await?;
    Ok(card
        .and_then(|id| id.parse::<uuid::Uuid>().ok())
        .map(CardId))
}
