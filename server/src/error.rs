//! Errors of the HTTP API: each maps to a status code and a JSON body with a clear message.
//! Bad input is a 4xx; nothing a client sends makes a 5xx or a panic.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error(
        "isi permintaan harus JSON (Content-Type: application/json) / the body must be JSON (Content-Type: application/json)"
    )]
    NotJson,
    #[error("isi permintaan melebihi {limit} bita / the body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// An applicant's account asked for a letter of another agency (403, nothing of it sent).
    #[error("{}", other_agency())]
    OtherAgency,
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: i64 },
    #[error("permintaan dari situs lain ditolak / a request from another site is refused")]
    CrossSite,
    /// The database cannot be reached (or is busy past its timeout). The cause goes to the log only.
    #[error(
        "basis data sedang tidak tersedia; coba lagi sebentar lagi / the database is not available right now; try again shortly"
    )]
    Unavailable(String),
    /// Anything else that went wrong on the server. The cause goes to the log only.
    #[error(
        "terjadi kesalahan di server; sudah dicatat / something went wrong on the server; it has been logged"
    )]
    Internal(String),
    /// Every connection slot is taken.
    #[error("server sedang penuh; coba lagi sebentar lagi / the server is busy; try again shortly")]
    Busy,
    /// Form fields and what is wrong with each (422, with `fields` in the body).
    #[error("{}", .0.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "))]
    Fields(Vec<FieldText>),
}

pub use pantau_core::api::FieldText;

fn other_agency() -> String {
    use pantau_core::{domain::Refusal, i18n::Lang};
    format!(
        "{} / {}",
        Refusal::OtherAgency.message(Lang::Id),
        Refusal::OtherAgency.message(Lang::En)
    )
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::NotJson => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::CrossSite => StatusCode::FORBIDDEN,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::OtherAgency => StatusCode::FORBIDDEN,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Fields(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unprocessable(_) => "invalid_body",
            ApiError::NotJson => "not_json",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::NotFound(_) => "not_found",
            ApiError::CrossSite => "cross_site",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::OtherAgency => "other_agency",
            ApiError::Conflict(_) => "conflict",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
            ApiError::Busy => "busy",
            ApiError::Fields(_) => "invalid_fields",
        }
    }
}

impl ApiError {
    /// Logs what a client is never sent: the cause of a server-side failure.
    pub fn log_cause(&self) {
        match self {
            ApiError::Unavailable(detail) => tracing::warn!(%detail, "database unavailable"),
            ApiError::Internal(detail) => tracing::error!(%detail, "request failed"),
            _ => {}
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log_cause();
        let fields = match &self {
            ApiError::Fields(fields) => fields.clone(),
            _ => Vec::new(),
        };
        let body = pantau_core::api::ErrorAnswer::new(self.code(), self.to_string(), fields);
        let mut response = (self.status(), Json(body)).into_response();
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after, .. } => Some(*retry_after),
            ApiError::Busy | ApiError::Unavailable(_) => Some(5),
            _ => None,
        };
        if let Some(retry_after) = retry_after
            && let Ok(value) = axum::http::HeaderValue::from_str(&retry_after.to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> ApiError {
        match DbFailure::of(&e) {
            DbFailure::Unreachable => ApiError::Unavailable(e.to_string()),
            DbFailure::Duplicate => {
                tracing::info!(error = %e, "unique violation");
                ApiError::Conflict("data itu sudah ada / that already exists".into())
            }
            DbFailure::Missing => ApiError::NotFound("tidak ditemukan / not found".into()),
            DbFailure::Other => ApiError::Internal(e.to_string()),
        }
    }
}

/// What kind of failure a database error is, for the status code it maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbFailure {
    /// The database cannot be reached, or is busy past the wait: 503, try again.
    Unreachable,
    /// A unique key is taken: 409.
    Duplicate,
    /// No such row: 404.
    Missing,
    /// Anything else (a bug, a constraint): 500.
    Other,
}

impl DbFailure {
    pub fn of(e: &sqlx::Error) -> DbFailure {
        use sqlx::Error as E;
        match e {
            E::Io(_) | E::Tls(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed => {
                DbFailure::Unreachable
            }
            E::RowNotFound => DbFailure::Missing,
            E::Database(db) => {
                let code = db.code().unwrap_or_default();
                if db.is_unique_violation() {
                    DbFailure::Duplicate
                } else if matches!(code.as_ref(), "5" | "6" | "261" | "262" | "517")
                    || code.starts_with("08")
                    || code.starts_with("57P")
                    || code == "53300"
                {
                    // SQLite BUSY/LOCKED (and their extended codes); PostgreSQL's connection
                    // exceptions, admin shutdown, too many connections.
                    DbFailure::Unreachable
                } else {
                    DbFailure::Other
                }
            }
            _ => DbFailure::Other,
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        match rejection {
            JsonRejection::JsonDataError(e) => ApiError::Unprocessable(e.body_text()),
            JsonRejection::JsonSyntaxError(e) => ApiError::BadRequest(e.body_text()),
            JsonRejection::MissingJsonContentType(_) => ApiError::NotJson,
            JsonRejection::BytesRejection(_) => ApiError::TooLarge {
                limit: crate::limits::BODY_LIMIT,
            },
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::BadRequest(rejection.body_text())
    }
}

/// `Json` whose rejections are [`ApiError`]s.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `Query` whose rejections are [`ApiError`]s.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);
