//! What a client asks for, and the envelope it comes in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::card::Card;
use super::ids::{Actor, CardId, DeviceId, MutationId};
use super::output::StepOutput;
use super::refusal::Refusal;
use crate::domain::request::{LongText, RequestInput, Window};
use crate::domain::sop::{Role, StepId};

/// What a client asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Mutation {
    /// A new request. By the applicant: it starts at step 1. By TU or Admin registering a letter that
    /// arrived through Srikandi: step 1 is done, it starts at step 2.
    CreateRequest {
        card: CardId,
        request: RequestInput,
    },
    /// Complete `step` (the step the client saw the card in) with its output.
    CompleteStep {
        card: CardId,
        step: StepId,
        output: StepOutput,
    },
    /// End the request as failed (the SOP's Warning), with the reason.
    Fail {
        card: CardId,
        step: StepId,
        reason: LongText,
    },
    /// A new monitoring window after a repair; at step 7 it moves the confirmed schedule.
    Reschedule {
        card: CardId,
        step: StepId,
        window: Window,
        reason: LongText,
    },
    /// Correct the letter's data: only before step 5's decision.
    EditRequest {
        card: CardId,
        request: RequestInput,
    },
    AddNote {
        card: CardId,
        text: LongText,
    },
    /// Waiting for the applicant (the clock pauses), or no longer.
    SetWaiting {
        card: CardId,
        step: StepId,
        waiting: bool,
        #[serde(default)]
        note: Option<LongText>,
    },
    /// Admin correction: move the card back to an earlier step, with the reason.
    MoveBack {
        card: CardId,
        to: StepId,
        reason: LongText,
    },
}

impl Mutation {
    pub fn card(&self) -> CardId {
        match self {
            Mutation::CreateRequest { card, .. }
            | Mutation::CompleteStep { card, .. }
            | Mutation::Fail { card, .. }
            | Mutation::Reschedule { card, .. }
            | Mutation::EditRequest { card, .. }
            | Mutation::AddNote { card, .. }
            | Mutation::SetWaiting { card, .. }
            | Mutation::MoveBack { card, .. } => *card,
        }
    }
}

/// A mutation with who sent it, from where and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub id: MutationId,
    pub actor: Actor,
    pub role: Role,
    pub device: DeviceId,
    #[serde(with = "crate::domain::utc")]
    pub client_time: DateTime<Utc>,
    /// Required when an Admin does another role's step; the card's history shows it.
    #[serde(default)]
    pub override_reason: Option<LongText>,
    pub mutation: Mutation,
}

impl Envelope {
    /// Whether the signed-in person may act in the role this envelope claims. The server checks it
    /// before [`Board::decide`]; the browser checks it before applying a move optimistically.
    pub fn authorize(&self, held: &[Role]) -> Result<(), Refusal> {
        if held.contains(&self.role) {
            Ok(())
        } else {
            Err(Refusal::RoleNotHeld { role: self.role })
        }
    }

    /// In the applicant's role, a person acts only on requests of its own agency (or that it
    /// made itself), and registers or corrects requests only in its own agency's name when its
    /// account names one. `card` is the card the mutation is for, as it stands. Other roles pass.
    pub fn authorize_applicant(
        &self,
        card: Option<&Card>,
        who: &Applicant<'_>,
    ) -> Result<(), Refusal> {
        if self.role != Role::Pemohon {
            return Ok(());
        }
        let named = match &self.mutation {
            Mutation::CreateRequest { request, .. } | Mutation::EditRequest { request, .. } => {
                Some(request.agency.as_str())
            }
            _ => None,
        };
        if let (Some(named), Some(own)) = (named, who.agency)
            && !same_agency(named, own)
        {
            return Err(Refusal::OtherAgency);
        }
        match card {
            Some(card) if !who.may_see(card) => Err(Refusal::OtherAgency),
            _ => Ok(()),
        }
    }
}

/// An applicant's account: its user name and the agency it belongs to, if it names one.
#[derive(Clone, Copy, Debug)]
pub struct Applicant<'a> {
    pub username: &'a str,
    pub agency: Option<&'a str>,
}

impl Applicant<'_> {
    /// A request of this applicant: one it made, or one of its agency.
    pub fn may_see(&self, card: &Card) -> bool {
        card.created_by.as_str() == self.username
            || self
                .agency
                .is_some_and(|own| same_agency(card.request.agency.as_str(), own))
    }
}

/// Agency names as people type them: the same when equal but for case and surrounding space.
pub fn same_agency(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}
