//! SLA reports over the event log: `GET /api/reports/sla`. The figures are the shared domain's
//! ([`pantau_core::domain::report`]); this module reads the cards the log built and answers JSON or CSV.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, FixedOffset, NaiveDate, Utc};
use pantau_core::domain::Card;
use pantau_core::domain::SlaConfig;
use pantau_core::domain::report::{Period, SlaReport, sla_report};
use serde::Deserialize;

use crate::auth::guard::{Principal, Reader};
use crate::error::{ApiError, ApiQuery};
use crate::sync::Hub;

/// The longest period one report covers.
pub const MAX_DAYS: i64 = 366;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaQuery {
    /// `YYYY-MM-DD`, default the first day of this month.
    pub from: Option<String>,
    /// `YYYY-MM-DD`, default today.
    pub to: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
    #[serde(default, rename = "token")]
    pub _token: Option<String>,
}

/// The years a report may cover: Pantau's records start after 2000, and nothing is planned past 2100.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

fn date(key: &str, raw: &str) -> Result<NaiveDate, ApiError> {
    let shown = crate::auth::store::printable(raw);
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::BadRequest(format!(
            "{key}: {shown:?} bukan tanggal (YYYY-MM-DD) / is not a date (YYYY-MM-DD)"
        ))
    })?;
    if !YEARS.contains(&date.year()) {
        return Err(ApiError::BadRequest(format!(
            "{key}: tahun {} sampai {} / years {} to {}",
            YEARS.start(),
            YEARS.end(),
            YEARS.start(),
            YEARS.end()
        )));
    }
    Ok(date)
}

/// The period asked for; by default this month up to today, in the office's zone.
pub fn period(q: &SlaQuery, sla: &SlaConfig) -> Result<Period, ApiError> {
    let offset = FixedOffset::east_opt(sla.office.utc_offset_seconds).expect("a valid offset");
    let today = Utc::now().with_timezone(&offset).date_naive();
    let to =
        q.to.as_deref()
            .map(|v| date("to", v))
            .transpose()?
            .unwrap_or(today);
    let from = match q.from.as_deref() {
        Some(v) => date("from", v)?,
        None => to.with_day(1).expect("the first of a month"),
    };
    if from > to {
        return Err(ApiError::BadRequest(
            "tanggal awal (from) sesudah tanggal akhir (to) / the start date (from) is after the end date (to)".into(),
        ));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(ApiError::BadRequest(format!(
            "paling panjang {MAX_DAYS} hari / at most {MAX_DAYS} days per report"
        )));
    }
    Ok(Period { from, to })
}

/// Every card the log built that `reader` may read (an applicant's account: its own agency's),
/// for a report.
pub async fn report(
    hub: &Hub,
    sla: &SlaConfig,
    period: Period,
    reader: &Principal,
) -> Result<SlaReport, ApiError> {
    let (_, cards) = hub.store.snapshot().await?;
    let cards: Vec<Card> = cards
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect();
    let audience = crate::sync::api::audience_of(reader, &cards);
    Ok(sla_report(
        cards.iter().filter(|card| audience.shows(card)),
        sla,
        period,
    ))
}

/// `GET /api/reports/sla?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]`: staff and wall screens.
pub async fn sla(
    State(hub): State<Hub>,
    State(sla): State<std::sync::Arc<SlaConfig>>,
    Reader(reader): Reader,
    ApiQuery(q): ApiQuery<SlaQuery>,
) -> Result<Response, ApiError> {
    let period = period(&q, &sla)?;
    let report = report(&hub, &sla, period, &reader).await?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(axum::Json(report).into_response()),
        "csv" => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"laporan-sla-{}-{}.csv\"",
                        period.from, period.to
                    ),
                ),
            ],
            report.csv(),
        )
            .into_response()),
        other => Err(ApiError::BadRequest(format!(
            "format {other:?}: json atau csv / json or csv"
        ))),
    }
}
