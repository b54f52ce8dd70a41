//! What the applicant's tracking link (`/lacak/<token>`) shows of one request: where it is, how long
//! it has been there against the standard, the schedule once confirmed, the steps passed and when.
//! Nothing else: no staff names, roles' people, notes, devices, contact details or other requests.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::flow::{Card, Stage};
use super::request::Window;
use super::sla::{Sla, SlaConfig};
use super::sop::{EndState, StepId};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassedStep {
    pub step: StepId,
    pub done_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackView {
    pub letter_number: String,
    pub agency: String,
    pub subject: String,
    pub submitted_at: DateTime<Utc>,
    pub stage: Stage,
    /// The clock of the current step; `None` once ended.
    pub sla: Option<Sla>,
    /// The confirmed monitoring time (from step 6 on).
    pub schedule: Option<Window>,
    pub passed: Vec<PassedStep>,
    /// Why it was returned or failed: the reason the SOP gives back to the applicant.
    pub end_reason: Option<String>,
    pub as_of: DateTime<Utc>,
}

impl TrackView {
    pub fn of(card: &Card, sla: &SlaConfig, now: DateTime<Utc>) -> TrackView {
        let ended_badly = matches!(
            card.stage,
            Stage::Ended(EndState::Dikembalikan | EndState::Gagal)
        );
        TrackView {
            letter_number: card.request.letter_number.to_string(),
            agency: card.request.agency.to_string(),
            subject: card.request.subject.to_string(),
            submitted_at: card.created_at,
            stage: card.stage,
            sla: sla.status(card, now),
            schedule: card.schedule,
            passed: card
                .visits
                .iter()
                .filter_map(|v| {
                    v.left.map(|done_at| PassedStep {
                        step: v.step,
                        done_at,
                    })
                })
                .collect(),
            end_reason: ended_badly
                .then(|| card.end_reason.as_ref().map(ToString::to_string))
                .flatten(),
            as_of: now,
        }
    }
}
