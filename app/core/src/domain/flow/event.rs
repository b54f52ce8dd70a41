//! What an accepted mutation changed, and the log's entries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{Actor, CardId, DeviceId, MutationId, Stage};
use super::mutation::Envelope;
use super::output::StepOutput;
use crate::domain::request::{LongText, Request, Window};
use crate::domain::sop::{Role, StepId, Target};

/// What an accepted mutation changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    Created {
        request: Request,
        received: bool,
    },
    StepCompleted {
        step: StepId,
        output: StepOutput,
        to: Target,
    },
    Failed {
        step: StepId,
        reason: LongText,
    },
    Rescheduled {
        step: StepId,
        window: Window,
        reason: LongText,
    },
    Edited {
        request: Request,
    },
    NoteAdded {
        text: LongText,
    },
    WaitingSet {
        step: StepId,
        waiting: bool,
        note: Option<LongText>,
    },
    MovedBack {
        from: Stage,
        to: StepId,
        reason: LongText,
    },
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The server's sequence number; `None` while only applied optimistically in a browser.
    pub seq: Option<u64>,
    #[serde(with = "crate::domain::utc::option", default)]
    pub server_time: Option<DateTime<Utc>>,
    pub mutation_id: MutationId,
    pub card: CardId,
    pub actor: Actor,
    pub role: Role,
    pub device: DeviceId,
    #[serde(with = "crate::domain::utc")]
    pub client_time: DateTime<Utc>,
    pub override_reason: Option<LongText>,
    pub change: Change,
}

impl Event {
    /// When it happened: the server's time once stored, the client's before.
    pub fn at(&self) -> DateTime<Utc> {
        self.server_time.unwrap_or(self.client_time)
    }

    /// The same event as the server stores it: with its sequence number and the server's time.
    pub fn stamped(self, seq: u64, server_time: DateTime<Utc>) -> Event {
        Event {
            seq: Some(seq),
            server_time: Some(server_time),
            ..self
        }
    }

    /// The event of an accepted mutation, not yet stored.
    pub fn from_envelope(envelope: &Envelope, change: Change) -> Event {
        Event {
            seq: None,
            server_time: None,
            mutation_id: envelope.id,
            card: envelope.mutation.card(),
            actor: envelope.actor.clone(),
            role: envelope.role,
            device: envelope.device.clone(),
            client_time: envelope.client_time,
            override_reason: envelope.override_reason.clone(),
            change,
        }
    }
}
