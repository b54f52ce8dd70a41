//! The SOP "CCTV Monitoring" (Diskominfo Kota Singkawang, SOP no. 000.8.3.3/17/Al-A/2023) as plain Rust.
//! No I/O and no Leptos types: this module compiles for the server and for wasm32 alike.

pub mod agency;
pub mod camera;
pub mod demo;
pub mod flow;
#[cfg(test)]
mod flow_props;
pub mod holidays;
pub mod kiosk;
pub mod moves;
pub mod record;
pub mod report;
pub mod request;
pub mod sla;
pub mod sop;
pub mod tracking;
pub mod utc;

pub use flow::{
    Applicant, Board, Card, CardId, Change, Envelope, Event, Mutation, MutationId, Refusal, Stage,
    StepOutput,
};
pub use request::{Field, FieldError, Problem, Request, RequestInput, Window};
pub use sla::{Calendar, OfficeHours, Sla, SlaConfig, SlaState};
pub use sop::{EndState, FLOW, Role, StepDef, StepId, Target};

/// The name a value has in JSON (`"kabid_aptika"`, `"dikembalikan"`): the serde renames are the one
/// definition of these names, for storage, the API and CSS classes alike.
pub fn wire_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// The body of every error answer of the API: a code for programs, the message in both languages
/// (`text`, for a screen to show in its person's language; `message`, both joined, for a person
/// reading the raw answer), and each field's problem for a form.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ErrorAnswer {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    pub text: crate::i18n::Both,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldText>,
}

/// One field of a form and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldText {
    pub field: String,
    pub message: String,
    pub text: crate::i18n::Both,
}

impl ErrorAnswer {
    /// The answer of `code` saying `message` ("Indonesian / English").
    pub fn new(code: &str, message: String, fields: Vec<FieldText>) -> ErrorAnswer {
        ErrorAnswer {
            error: ErrorDetail {
                code: code.to_owned(),
                text: crate::i18n::Both::split(&message),
                message,
                fields,
            },
        }
    }
}

/// `GET /api/board`: every card, the sequence number they reflect, the server's clock and the SLA settings.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BoardSnapshot {
    pub seq: u64,
    #[serde(with = "utc")]
    pub server_time: chrono::DateTime<chrono::Utc>,
    pub sla: SlaConfig,
    pub cards: Vec<Card>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_the_serde_names() {
        assert_eq!(wire_name(&Role::KabidAptika), "kabid_aptika");
        assert_eq!(wire_name(&EndState::Dikembalikan), "dikembalikan");
        assert_eq!(wire_name(&StepId::S5a), "5a");
    }
}
