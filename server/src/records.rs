//! The SOP's records of one request: `GET /api/cards/{id}/record` gives the whole record
//! ([`RequestRecord`]: the letter's data, every output, the log, the time per step, the reply letter
//! and the monitoring report as printed, the letterhead); with `?download=1` it comes as a file to keep.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use pantau_core::domain::SlaConfig;
use pantau_core::domain::record::{Letterhead, RequestRecord};
use pantau_core::i18n::Both;
use serde::Deserialize;

use crate::auth::guard::Staff;
use crate::auth::store::list_users;
use crate::db::Db;
use crate::error::{ApiError, ApiQuery};
use crate::plain::PlainRequest;
use crate::sync::Hub;
use crate::sync::api::card_and_events;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordQuery {
    /// `1` or `true`: as an attachment (`rekaman-<letter number>.json`).
    pub download: Option<String>,
}

/// The record of the card `id`, as of now, exported by `by` (an applicant's account: only of its
/// own agency's letters).
pub async fn build(
    db: &Db,
    hub: &Hub,
    sla: &SlaConfig,
    letterhead: &Letterhead,
    id: &str,
    by: &crate::auth::store::User,
) -> Result<RequestRecord, ApiError> {
    let (card, events) = card_and_events(hub, id).await?;
    if !by.may_read(&card) {
        return Err(ApiError::OtherAgency);
    }
    let by = by.username.as_str();
    let now = Utc::now();
    let times = sla.time_in_steps(&card, now);
    let names: HashMap<String, String> = list_users(db)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|u| (u.username, u.display_name))
        .collect();
    Ok(
        RequestRecord::new(letterhead.clone(), card, events, times, by.to_owned(), now)
            .with_full_names(|user| names.get(user).cloned()),
    )
}

/// `GET /api/cards/{id}/record[?download=1]` (staff).
pub async fn record(
    State(db): State<Db>,
    State(hub): State<Hub>,
    State(sla): State<Arc<SlaConfig>>,
    State(letterhead): State<Arc<Letterhead>>,
    Staff(user): Staff,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<RecordQuery>,
) -> Result<Response, ApiError> {
    let download = match q.download.as_deref() {
        None | Some("0" | "false") => false,
        Some("1" | "true") => true,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "download={other:?}: write download=1 for a file, or leave it out"
            )));
        }
    };
    let record = build(&db, &hub, &sla, &letterhead, &id, &user).await?;
    if !download {
        return Ok(Json(record).into_response());
    }
    tracing::info!(card = %id, by = %user.username, "record exported");
    let name = file_name(&record.card.request.letter_number.to_string());
    let body = serde_json::to_vec_pretty(&record)
        .map_err(|e| ApiError::Unprocessable(format!("the record cannot be written: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// `GET /rekaman/{id}/{surat-balasan|laporan-monitoring}[?nomor=…]` (staff): the print page,
/// rendered whole by the server (no WebAssembly). Not signed in: the sign-in page, coming back here.
pub async fn page(
    State(db): State<Db>,
    State(hub): State<Hub>,
    State(sla): State<Arc<SlaConfig>>,
    State(letterhead): State<Arc<Letterhead>>,
    staff: Result<Staff, ApiError>,
    path: Result<Path<(String, String)>, PathRejection>,
    request: PlainRequest,
) -> Response {
    use app::ui::records::{Doc, document};
    // A segment that is not UTF-8 names no card and no record.
    let (id, doc) = path.map(|Path(p)| p).unwrap_or_default();
    let doc = match doc.as_str() {
        "surat-balasan" => Doc::Reply,
        "laporan-monitoring" => Doc::Monitoring,
        _ => {
            let missing = ApiError::NotFound(format!(
                "tidak ada rekaman {doc:?} / there is no record {doc:?}"
            ));
            return refused(&request, Doc::Reply, &missing);
        }
    };
    let user = match staff {
        Ok(Staff(user)) => user,
        Err(ApiError::Unauthorized(_)) => return request.to_sign_in(),
        Err(error) => return refused(&request, doc, &error),
    };
    let typed = request.query("nomor").unwrap_or("").trim().to_owned();
    let (number, problem) = match number_problem(&typed) {
        None => (typed, None),
        Some(problem) => (String::new(), Some(problem)),
    };
    let record = match build(&db, &hub, &sla, &letterhead, &id, &user).await {
        Ok(record) => record,
        Err(error) => return refused(&request, doc, &error),
    };
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let keep = vec![("nomor", number.clone())];
    let html = document(doc, Ok(record), number, problem, &request.page(keep));
    request.answer(status, html)
}

/// What is wrong with a typed reply letter number, if anything.
fn number_problem(typed: &str) -> Option<Both> {
    use app::ui::records::NUMBER_LIMIT;
    if typed.chars().count() > NUMBER_LIMIT {
        Some(Both::new(
            format!("paling panjang {NUMBER_LIMIT} karakter"),
            format!("at most {NUMBER_LIMIT} characters"),
        ))
    } else if typed.chars().any(char::is_control) {
        Some(Both::new(
            "tanpa karakter kendali (baris baru, tab)",
            "no control characters (line breaks, tabs)",
        ))
    } else {
        None
    }
}

/// The print page saying why it cannot show the record.
fn refused(request: &PlainRequest, doc: app::ui::records::Doc, error: &ApiError) -> Response {
    let (status, text) = PlainRequest::error_text(error);
    let html = app::ui::records::document(
        doc,
        Err(text),
        String::new(),
        None,
        &request.page(Vec::new()),
    );
    request.answer(status, html)
}

/// `rekaman-000.8.3.3-123-Dishub.json`: the letter number with anything but letters, digits, dots
/// and dashes made a dash, so the name is safe in a header and on every file system.
pub fn file_name(letter_number: &str) -> String {
    let mut safe = String::new();
    for c in letter_number.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '.' {
            c
        } else {
            '-'
        };
        if !(c == '-' && safe.ends_with('-')) {
            safe.push(c);
        }
    }
    let safe = safe.trim_matches(['-', '.']);
    if safe.is_empty() {
        "rekaman.json".to_owned()
    } else {
        format!("rekaman-{safe}.json")
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn the_file_is_named_after_the_letter_safely() {
        assert_eq!(
            file_name("000.8.3.3/123/Dishub"),
            "rekaman-000.8.3.3-123-Dishub.json"
        );
        assert_eq!(file_name("\"../x\"; y"), "rekaman-x-y.json");
        assert_eq!(file_name("//"), "rekaman.json");
    }
}
