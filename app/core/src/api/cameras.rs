//! `/api/cameras…`: the registry an Admin edits, and each camera's history. (The live feed's
//! events are the domain's [`crate::domain::camera::FeedChange`].)

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::FieldText;
use crate::domain::camera::{CameraInfo, CameraStatus, ProbeKind};

/// One recorded status change of a camera.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraChange {
    pub status: CameraStatus,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub detail: Option<String>,
}

/// `GET /api/cameras/{id}/history`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryAnswer {
    pub camera: CameraInfo,
    /// Status changes, newest first.
    pub changes: Vec<CameraChange>,
}

/// `GET /api/cameras/{id}/settings` (Admin): the registry's row as an Admin edits it; the login is
/// only said to be there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraSettings {
    pub id: String,
    pub name: String,
    pub location: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub kind: ProbeKind,
    /// Without `user:password@`.
    pub url: String,
    pub has_login: bool,
    pub enabled: bool,
}

/// `POST /api/cameras`, `PUT /api/cameras/{id}`: a camera as the Admin form and the CSV import
/// send it, before the server parses it (`kind` is text here, so an unknown one is a field's
/// problem rather than an unreadable body).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraInput {
    pub name: String,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    pub kind: String,
    pub url: String,
    /// Absent on an edit: keep the stored one. Empty: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Absent on an edit: keep the stored one. Empty: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// A latitude or longitude as a person types it (a comma or a point; empty: none), for the form
/// and the CSV import alike.
pub fn coordinate(field: &str, raw: &str) -> Result<Option<f64>, FieldText> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.replace(',', ".").parse::<f64>().map(Some).map_err(|_| {
        FieldText::new(
            field,
            format!("{raw:?} bukan angka / {raw:?} is not a number"),
        )
    })
}

/// `POST /api/cameras/{id}/enabled` (Admin)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnableBody {
    pub enabled: bool,
}

/// One CSV row the import could not take, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub field: String,
    /// "Indonesian / English".
    pub message: String,
}

/// `POST /api/cameras/import` (Admin)
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportAnswer {
    pub added: u32,
    pub updated: u32,
    pub errors: Vec<RowError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coordinate_takes_a_comma_or_a_point_and_names_its_field_when_wrong() {
        assert_eq!(coordinate("latitude", " 0,9 "), Ok(Some(0.9)));
        assert_eq!(coordinate("latitude", "108.98"), Ok(Some(108.98)));
        assert_eq!(coordinate("latitude", "  "), Ok(None));
        let wrong = coordinate("longitude", "timur").unwrap_err();
        assert_eq!(wrong.field, "longitude");
        assert_eq!(wrong.text.en, "\"timur\" is not a number");
    }
}
