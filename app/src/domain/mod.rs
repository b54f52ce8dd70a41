//! The SOP "CCTV Monitoring" (Diskominfo Kota Singkawang, SOP no. 000.8.3.3/17/Al-A/2023) as plain Rust.
//! No I/O and no Leptos types: this module compiles for the server and for wasm32 alike.

pub mod demo;
pub mod flow;
#[cfg(test)]
mod flow_props;
pub mod request;
pub mod sla;
pub mod sop;

pub use flow::{
    Board, Card, CardId, Change, Envelope, Event, Mutation, MutationId, Refusal, Stage, StepOutput,
};
pub use request::{Field, FieldError, Problem, Request, RequestInput, Window};
pub use sla::{Calendar, OfficeHours, Sla, SlaConfig, SlaState};
pub use sop::{EndState, FLOW, Role, StepDef, StepId, Target};

/// `GET /api/board`: every card, the sequence number they reflect, the server's clock and the SLA settings.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BoardSnapshot {
    pub seq: u64,
    pub server_time: chrono::DateTime<chrono::Utc>,
    pub sla: SlaConfig,
    pub cards: Vec<Card>,
}
