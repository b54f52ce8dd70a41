//! The tracking link's handlers: thin, over [`super::store`].

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use pantau_core::domain::SlaConfig;
use pantau_core::domain::tracking::TrackView;

pub use pantau_core::api::tracking::Link;

use super::store;
use crate::auth::guard::Staff;
use crate::db::Db;
use crate::error::ApiError;
use crate::plain::PlainRequest;
use crate::sync::Hub;
use crate::sync::api::card_id;

fn invalid_link() -> ApiError {
    ApiError::NotFound(
        "link pelacakan tidak berlaku (dicabut atau salah) / this tracking link is not valid (revoked or mistyped)"
            .into(),
    )
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
        return Err(crate::sync::api::no_card(&id));
    };
    applicant_may(&user, &found)?;
    let token = store::link(&db, card).await?;
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
    card: &pantau_core::domain::Card,
) -> Result<(), ApiError> {
    if user.may_read(card) {
        Ok(())
    } else {
        Err(ApiError::OtherAgency)
    }
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
    if !store::revoke(&db, card, Utc::now()).await? {
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
    find(&hub, &db, &sla, &token).await.map(Json)
}

/// What the holder of the link `token` sees, as of now; a revoked, unknown or malformed link is
/// the same "not valid".
pub async fn find(hub: &Hub, db: &Db, sla: &SlaConfig, token: &str) -> Result<TrackView, ApiError> {
    if token.len() > 64
        || !token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(invalid_link());
    }
    let card = store::card_of(db, token).await?.ok_or_else(invalid_link)?;
    let card = hub.store.card(card).await?.ok_or_else(invalid_link)?;
    Ok(TrackView::of(&card, sla, Utc::now()))
}

/// `GET /lacak/{token}` (no account): the tracking page, rendered whole by the server (no
/// WebAssembly, no script), reloading itself every minute.
pub async fn page(
    State(hub): State<Hub>,
    State(db): State<Db>,
    State(sla): State<Arc<SlaConfig>>,
    token: Result<Path<String>, PathRejection>,
    request: PlainRequest,
) -> Response {
    // A segment that is not UTF-8 is no link either.
    let token = token.map(|Path(t)| t).unwrap_or_default();
    let (status, found) = match find(&hub, &db, &sla, &token).await {
        Ok(view) => (StatusCode::OK, Ok(view)),
        Err(error) => {
            let (status, text) = PlainRequest::error_text(&error);
            (status, Err(text))
        }
    };
    let html = app::ui::tracking::document(found, &request.page(Vec::new()));
    request.answer(status, html)
}
