//! Why a mutation was refused, in words.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::Stage;
use super::output::StepOutput;
use crate::domain::request::FieldError;
use crate::domain::sop::{Role, StepId};
use crate::i18n::Lang;

/// Why a mutation was refused: a code for programs, a message for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    UnknownCard,
    CardExists,
    /// The card is no longer where the client saw it.
    Moved {
        expected: StepId,
        current: Stage,
        by: Option<Role>,
    },
    /// This role does not perform this step.
    NotPerformer {
        step: StepId,
        performer: Role,
        role: Role,
    },
    /// An Admin acting for another role must say why.
    OverrideNeedsReason,
    /// This role may not do this at all.
    RoleNotAllowed {
        role: Role,
    },
    /// This cannot be done at this step.
    NotAtThisStep {
        step: StepId,
    },
    /// Edits are closed once step 5 has decided.
    EditClosed,
    InvalidRequest {
        errors: Vec<FieldError>,
    },
    /// Step 5's "yes" needs a complete request.
    Incomplete {
        errors: Vec<FieldError>,
    },
    WrongOutput {
        step: StepId,
    },
    InvalidOutput {
        errors: Vec<FieldError>,
    },
    /// Step 6 cannot go on with a failed trial: reschedule or fail.
    TrialFailed,
    /// A correction goes back, not forward.
    NotBackwards {
        to: StepId,
    },
    AlreadyWaiting,
    NotWaiting,
    /// The signed-in person does not hold the role the mutation claims.
    RoleNotHeld {
        role: Role,
    },
    /// An applicant acting on (or creating) a request of another agency.
    OtherAgency,
    /// A card holds at most this many notes.
    /// Step 7's report before the monitoring's confirmed start.
    NotStarted {
        #[serde(with = "crate::domain::utc")]
        start: DateTime<Utc>,
    },
    TooManyNotes {
        max: usize,
    },
}

/// The most notes one card holds: a request's notes are for people to read, and every note makes
/// every later change of the card (stored whole) a little dearer.
pub const MAX_NOTES: usize = 200;

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::UnknownCard => "unknown_card",
            Refusal::CardExists => "card_exists",
            Refusal::Moved { .. } => "moved",
            Refusal::NotPerformer { .. } => "not_performer",
            Refusal::OverrideNeedsReason => "override_needs_reason",
            Refusal::RoleNotAllowed { .. } => "role_not_allowed",
            Refusal::NotAtThisStep { .. } => "not_at_this_step",
            Refusal::EditClosed => "edit_closed",
            Refusal::InvalidRequest { .. } => "invalid_request",
            Refusal::Incomplete { .. } => "incomplete",
            Refusal::WrongOutput { .. } => "wrong_output",
            Refusal::InvalidOutput { .. } => "invalid_output",
            Refusal::TrialFailed => "trial_failed",
            Refusal::NotBackwards { .. } => "not_backwards",
            Refusal::AlreadyWaiting => "already_waiting",
            Refusal::NotWaiting => "not_waiting",
            Refusal::RoleNotHeld { .. } => "role_not_held",
            Refusal::OtherAgency => "other_agency",
            Refusal::TooManyNotes { .. } => "too_many_notes",
            Refusal::NotStarted { .. } => "not_started",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let id = lang == Lang::Id;
        let role = |r: Role| r.label().get(lang);
        let errors = |errors: &[FieldError]| {
            errors
                .iter()
                .map(|e| e.message(lang))
                .collect::<Vec<_>>()
                .join("; ")
        };
        match self {
            Refusal::UnknownCard if id => "Kartu tidak ditemukan".into(),
            Refusal::UnknownCard => "No such card".into(),
            Refusal::CardExists if id => "Kartu dengan id ini sudah ada".into(),
            Refusal::CardExists => "A card with this id already exists".into(),
            Refusal::Moved { current, by, .. } => {
                let place = match current {
                    Stage::Step(step) if id => format!("dipindahkan ke langkah {step}"),
                    Stage::Step(step) => format!("moved to step {step}"),
                    Stage::Ended(end) if id => format!("berakhir: {}", end.label().id),
                    Stage::Ended(end) => format!("ended: {}", end.label().en),
                };
                match (by, id) {
                    (Some(by), true) => format!("Kartu sudah {place} oleh {}", role(*by)),
                    (Some(by), false) => format!("The card was already {place} by {}", role(*by)),
                    (None, true) => format!("Kartu sudah {place}"),
                    (None, false) => format!("The card was already {place}"),
                }
            }
            Refusal::NotPerformer {
                step,
                performer,
                role: r,
            } if id => {
                format!(
                    "Langkah {step} dikerjakan oleh {}, bukan {}",
                    role(*performer),
                    role(*r)
                )
            }
            Refusal::NotPerformer {
                step,
                performer,
                role: r,
            } => {
                format!(
                    "Step {step} is done by {}, not {}",
                    role(*performer),
                    role(*r)
                )
            }
            Refusal::OverrideNeedsReason if id => {
                "Admin yang mengerjakan langkah orang lain wajib menulis alasan".into()
            }
            Refusal::OverrideNeedsReason => {
                "An Admin doing another role's step must write a reason".into()
            }
            Refusal::RoleNotAllowed { role: r } if id => {
                format!("{} tidak berwenang melakukan ini", role(*r))
            }
            Refusal::RoleNotAllowed { role: r } => format!("{} may not do this", role(*r)),
            Refusal::NotAtThisStep { step } if id => {
                format!("Tidak dapat dilakukan di langkah {step}")
            }
            Refusal::NotAtThisStep { step } => format!("Cannot be done at step {step}"),
            Refusal::EditClosed if id => {
                "Data permohonan tidak dapat diubah setelah keputusan langkah 5".into()
            }
            Refusal::EditClosed => "The request cannot be edited after step 5's decision".into(),
            Refusal::InvalidRequest { errors: e } if id => {
                format!("Data permohonan tidak sah: {}", errors(e))
            }
            Refusal::InvalidRequest { errors: e } => format!("Invalid request: {}", errors(e)),
            Refusal::Incomplete { errors: e } if id => {
                format!(
                    "Permohonan belum lengkap, tidak dapat disetujui (kembalikan ke pemohon): {}",
                    errors(e)
                )
            }
            Refusal::Incomplete { errors: e } => {
                format!(
                    "The request is incomplete and cannot be approved (return it to the applicant): {}",
                    errors(e)
                )
            }
            Refusal::WrongOutput { step } if id => {
                format!(
                    "Langkah {step} memerlukan {}",
                    StepOutput::expected_at(*step).id
                )
            }
            Refusal::WrongOutput { step } => {
                format!("Step {step} needs {}", StepOutput::expected_at(*step).en)
            }
            Refusal::InvalidOutput { errors: e } if id => format!("Isian tidak sah: {}", errors(e)),
            Refusal::InvalidOutput { errors: e } => format!("Invalid entry: {}", errors(e)),
            Refusal::TrialFailed if id => {
                "Uji coba CCTV gagal: jadwalkan ulang atau nyatakan gagal".into()
            }
            Refusal::TrialFailed => {
                "The CCTV trial failed: reschedule or mark the request failed".into()
            }
            Refusal::NotBackwards { to } if id => {
                format!("Koreksi hanya boleh mundur; langkah {to} bukan langkah sebelumnya")
            }
            Refusal::NotBackwards { to } => {
                format!("A correction only goes back; step {to} is not earlier")
            }
            Refusal::AlreadyWaiting if id => "Kartu sudah menunggu pemohon".into(),
            Refusal::AlreadyWaiting => "The card is already waiting for the applicant".into(),
            Refusal::NotWaiting if id => "Kartu tidak sedang menunggu pemohon".into(),
            Refusal::NotWaiting => "The card is not waiting for the applicant".into(),
            Refusal::RoleNotHeld { role: r } if id => {
                format!("Akun Anda tidak memegang peran {}", role(*r))
            }
            Refusal::RoleNotHeld { role: r } => {
                format!("Your account does not hold the role {}", role(*r))
            }
            Refusal::OtherAgency if id => {
                "Permohonan ini milik instansi lain: pemohon hanya dapat \
                mengurus permohonan instansinya sendiri"
                    .into()
            }
            Refusal::OtherAgency => "This request belongs to another agency: an applicant acts \
                only on its own agency's requests"
                .into(),
            Refusal::NotStarted { start } => {
                let at = start.with_timezone(&crate::domain::request::wib());
                let at = at.format("%d-%m-%Y %H:%M");
                if id {
                    format!("Monitoring belum dimulai: laporannya dapat diberikan mulai {at} WIB")
                } else {
                    format!("The monitoring has not started: its report can be given from {at} WIB")
                }
            }
            Refusal::TooManyNotes { max } if id => {
                format!("Kartu ini sudah memuat {max} catatan, batas terbanyak")
            }
            Refusal::TooManyNotes { max } => {
                format!("This card already holds {max} notes, the most it may")
            }
        }
    }
}
