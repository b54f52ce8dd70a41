//! The card: a request and where it stands, a projection of its events.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{Actor, CardId, Stage};
use super::output::{Fault, StepOutput};
use crate::domain::request::{LongText, Request, Window};
use crate::domain::sop::{Role, StepId};

/// A span of time; `end` is `None` while it lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    #[serde(with = "crate::domain::utc")]
    pub start: DateTime<Utc>,
    #[serde(with = "crate::domain::utc::option", default)]
    pub end: Option<DateTime<Utc>>,
}

/// One stay of a card in a step (a card moved back visits a step again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub step: StepId,
    #[serde(with = "crate::domain::utc")]
    pub entered: DateTime<Utc>,
    #[serde(with = "crate::domain::utc::option", default)]
    pub left: Option<DateTime<Utc>>,
    /// Times spent waiting for the applicant: the clock does not run.
    pub waits: Vec<Span>,
}

/// Something recorded on a card, with who and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded<T> {
    pub value: T,
    pub step: Option<StepId>,
    pub actor: Actor,
    pub role: Role,
    #[serde(with = "crate::domain::utc")]
    pub at: DateTime<Utc>,
}

/// The card: a request and where it stands. A projection of its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub id: CardId,
    pub request: Request,
    pub stage: Stage,
    #[serde(with = "crate::domain::utc")]
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    pub visits: Vec<Visit>,
    pub outputs: Vec<Recorded<StepOutput>>,
    /// The confirmed schedule (step 6 onward).
    pub schedule: Option<Window>,
    /// What step 5a found down, until Subkor ILE reschedules, confirms the trial or ends the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<Fault>,
    pub end_reason: Option<LongText>,
    pub notes: Vec<Recorded<LongText>>,
    pub waiting: bool,
    /// Who last moved the card, for "already moved by …" messages.
    pub last_move: Option<Recorded<Stage>>,
    /// How many events built this card.
    pub version: u32,
    /// The server sequence number of the last stored event applied to this card (0: none yet).
    pub seq: u64,
}

impl Card {
    pub fn current_step(&self) -> Option<StepId> {
        match self.stage {
            Stage::Step(step) => Some(step),
            Stage::Ended(_) => None,
        }
    }

    /// The visit to the current step.
    pub fn current_visit(&self) -> Option<&Visit> {
        self.visits.last().filter(|v| v.left.is_none())
    }

    /// Whom the card waits for: the current step's performer.
    pub fn who_must_act(&self) -> Option<Role> {
        self.current_step().map(|s| s.def().performer)
    }

    pub(super) fn leave_step(&mut self, at: DateTime<Utc>) {
        if let Some(visit) = self.visits.last_mut().filter(|v| v.left.is_none()) {
            visit.left = Some(at);
            for wait in visit.waits.iter_mut().filter(|w| w.end.is_none()) {
                wait.end = Some(at);
            }
        }
        self.waiting = false;
    }

    pub(super) fn enter(&mut self, stage: Stage, at: DateTime<Utc>) {
        self.leave_step(at);
        self.stage = stage;
        if let Stage::Step(step) = stage {
            self.visits.push(Visit {
                step,
                entered: at,
                left: None,
                waits: Vec::new(),
            });
        }
    }
}
