//! Mutations, events and the board they build.
//!
//! A client sends an [`Envelope`] (a [`Mutation`] with who, which role, which device, when, and a
//! client mutation id). [`Board::decide`] checks it against the SOP and the card's state and yields
//! one [`Change`], or a [`Refusal`] that says why in words. The change, stamped with the same
//! metadata, is an [`Event`]; [`Board::apply`] folds events into the board, deterministically.
//! The browser runs `decide` + `apply` optimistically; the server runs the same code to accept or
//! refuse, stores the event with a sequence number, and every board is a fold over that log.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::camera::LiveCheck;
use super::request::{
    Bounded, CameraRef, Field, FieldError, LongText, Problem, Request, RequestInput, Window,
};
use super::sop::{EndState, Role, StepId, Target};
use crate::i18n::{Lang, Text};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CardId(pub Uuid);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MutationId(pub Uuid);

/// A person's user name or display name.
pub type Actor = Bounded<100>;
/// The browser or screen a change came from.
pub type DeviceId = Bounded<100>;

/// Where a card is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Step(StepId),
    Ended(EndState),
}

impl From<Target> for Stage {
    fn from(target: Target) -> Stage {
        match target {
            Target::Step(step) => Stage::Step(step),
            Target::End(end) => Stage::Ended(end),
        }
    }
}

/// A network's or a camera's state as the TCMR team found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Ok,
    Degraded,
    Down,
}

impl Health {
    pub fn label(self) -> Text {
        match self {
            Health::Ok => Text::new("Baik", "Good"),
            Health::Degraded => Text::new("Terganggu", "Degraded"),
            Health::Down => Text::new("Mati", "Down"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disposition {
    /// Who is to act next: the next step's performer.
    pub to: Role,
    pub instruction: LongText,
    #[serde(default)]
    pub note: Option<LongText>,
}

/// Step 5's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case", deny_unknown_fields)]
pub enum Review {
    /// The request is complete and appropriate: the TCMR team is directed to check.
    Yes { instruction: LongText },
    /// Incomplete or inappropriate: returned to the applicant with the reason.
    No { reason: LongText },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraCheck {
    pub camera: CameraRef,
    pub status: Health,
    #[serde(default)]
    pub note: Option<LongText>,
}

/// Step 5a's report: the network, each requested camera, notes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckReport {
    pub network: Health,
    pub cameras: Vec<CameraCheck>,
    #[serde(default)]
    pub note: Option<LongText>,
    /// The cameras' and the network's live state as Pantau's probes saw it when the check was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveCheck>,
    /// The operator's explicit statement that a camera or the network is down (required then).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub faults_confirmed: bool,
}

impl CheckReport {
    /// What the check found down, if anything.
    pub fn fault(&self) -> Option<Fault> {
        let cameras: Vec<CameraRef> = self
            .cameras
            .iter()
            .filter(|c| c.status == Health::Down)
            .map(|c| c.camera.clone())
            .collect();
        let network_down = self.network == Health::Down;
        (network_down || !cameras.is_empty()).then_some(Fault {
            network_down,
            cameras,
        })
    }
}

/// What step 5a found down: the card waits for Subkor ILE's decision at step 6 (reschedule after
/// the repair, or fail, as the SOP's Warning says).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    pub network_down: bool,
    pub cameras: Vec<CameraRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrialResult {
    pub ok: bool,
    #[serde(default)]
    pub note: Option<LongText>,
}

/// What completing a step produces: the SOP's "Output" column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StepOutput {
    /// Step 1: the applicant sent the request letter.
    Submitted,
    /// Step 2: TU received and registered the letter.
    Received {
        #[serde(default)]
        agenda_number: Option<Bounded<100>>,
        #[serde(default)]
        note: Option<LongText>,
    },
    /// Steps 3 and 4.
    Disposition(Disposition),
    /// Step 5.
    Review(Review),
    /// Step 5a.
    CheckReport(CheckReport),
    /// Step 6: the monitoring time agreed with the applicant and the CCTV trial.
    ScheduleConfirmed {
        schedule: Window,
        trial: TrialResult,
        /// Why the window is longer than step 7's standard (required then).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        over_standard: Option<LongText>,
    },
    /// Step 7.
    MonitoringReport {
        summary: LongText,
        #[serde(default)]
        note: Option<LongText>,
    },
}

impl StepOutput {
    /// The output each step asks for, as text for messages.
    pub fn expected_at(step: StepId) -> Text {
        match step {
            StepId::S1 => Text::new("pengiriman surat permohonan", "the request letter sent"),
            StepId::S2 => Text::new("tanda terima surat", "the letter's receipt"),
            StepId::S3 | StepId::S4 => Text::new("disposisi", "a disposition"),
            StepId::S5 => Text::new("keputusan ya / tidak", "a yes / no decision"),
            StepId::S5a => Text::new("laporan pengecekan", "a check report"),
            StepId::S6 => Text::new("jadwal dan hasil uji coba", "the schedule and trial result"),
            StepId::S7 => Text::new("laporan hasil monitoring", "the monitoring report"),
        }
    }

    fn fits(&self, step: StepId) -> bool {
        matches!(
            (step, self),
            (StepId::S1, StepOutput::Submitted)
                | (StepId::S2, StepOutput::Received { .. })
                | (StepId::S3 | StepId::S4, StepOutput::Disposition(_))
                | (StepId::S5, StepOutput::Review(_))
                | (StepId::S5a, StepOutput::CheckReport(_))
                | (StepId::S6, StepOutput::ScheduleConfirmed { .. })
                | (StepId::S7, StepOutput::MonitoringReport { .. })
        )
    }
}

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

    fn leave_step(&mut self, at: DateTime<Utc>) {
        if let Some(visit) = self.visits.last_mut().filter(|v| v.left.is_none()) {
            visit.left = Some(at);
            for wait in visit.waits.iter_mut().filter(|w| w.end.is_none()) {
                wait.end = Some(at);
            }
        }
        self.waiting = false;
    }

    fn enter(&mut self, stage: Stage, at: DateTime<Utc>) {
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

/// Every card, as the log built them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Board {
    pub cards: BTreeMap<CardId, Card>,
    applied: HashSet<MutationId>,
    /// The highest server sequence number applied.
    pub seq: u64,
}

impl Board {
    pub fn new() -> Board {
        Board::default()
    }

    /// A board from a snapshot (the server's card projection at `seq`).
    pub fn from_cards(seq: u64, cards: impl IntoIterator<Item = Card>) -> Board {
        Board {
            cards: cards.into_iter().map(|c| (c.id, c)).collect(),
            applied: HashSet::new(),
            seq,
        }
    }

    /// Folds a whole log.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Board {
        let mut board = Board::new();
        for event in events {
            board.apply(event);
        }
        board
    }

    pub fn card(&self, id: CardId) -> Option<&Card> {
        self.cards.get(&id)
    }

    /// Whether this board has folded in the change of mutation `id` (snapshot cards excepted).
    pub fn has_applied(&self, id: MutationId) -> bool {
        self.applied.contains(&id)
    }

    pub fn was_applied(&self, id: MutationId) -> bool {
        self.applied.contains(&id)
    }

    /// Checks a mutation against the SOP and the card as it stands at `now`. Changes nothing.
    /// `Ok(None)`: this mutation id was applied before, there is nothing to do.
    pub fn decide(
        &self,
        envelope: &Envelope,
        now: DateTime<Utc>,
    ) -> Result<Option<Change>, Refusal> {
        if self.applied.contains(&envelope.id) {
            return Ok(None);
        }
        let role = envelope.role;
        let overriding = envelope.override_reason.is_some();
        // The performer of `step`, or an Admin who wrote why.
        let performer_of = |step: StepId| -> Result<(), Refusal> {
            let performer = step.def().performer;
            if role == performer || (role == Role::Admin && overriding) {
                Ok(())
            } else if role == Role::Admin {
                Err(Refusal::OverrideNeedsReason)
            } else {
                Err(Refusal::NotPerformer {
                    step,
                    performer,
                    role,
                })
            }
        };
        // Subkor ILE decides failures and new schedules (the SOP's reading of the Warning).
        let subkor = || -> Result<(), Refusal> {
            match role {
                Role::SubkorIle => Ok(()),
                Role::Admin if overriding => Ok(()),
                Role::Admin => Err(Refusal::OverrideNeedsReason),
                _ => Err(Refusal::RoleNotAllowed { role }),
            }
        };

        let change = match &envelope.mutation {
            Mutation::CreateRequest { card, request } => {
                if self.cards.contains_key(card) {
                    return Err(Refusal::CardExists);
                }
                let received = match role {
                    Role::Pemohon => false,
                    Role::Tu | Role::Admin => true,
                    _ => return Err(Refusal::RoleNotAllowed { role }),
                };
                let request = Request::parse(request, now)
                    .map_err(|errors| Refusal::InvalidRequest { errors })?;
                Change::Created { request, received }
            }
            Mutation::CompleteStep { card, step, output } => {
                let card = self.open_card_at(*card, *step)?;
                performer_of(*step)?;
                if !output.fits(*step) {
                    return Err(Refusal::WrongOutput { step: *step });
                }
                let to = check_output(card, *step, output, now)?;
                Change::StepCompleted {
                    step: *step,
                    output: output.clone(),
                    to,
                }
            }
            Mutation::Fail { card, step, reason } => {
                self.open_card_at(*card, *step)?;
                if !step.def().next.contains(&Target::End(EndState::Gagal)) {
                    return Err(Refusal::NotAtThisStep { step: *step });
                }
                subkor()?;
                Change::Failed {
                    step: *step,
                    reason: reason.clone(),
                }
            }
            Mutation::Reschedule {
                card,
                step,
                window,
                reason,
            } => {
                self.open_card_at(*card, *step)?;
                if !matches!(step, StepId::S5a | StepId::S6 | StepId::S7) {
                    return Err(Refusal::NotAtThisStep { step: *step });
                }
                subkor()?;
                window
                    .check(now)
                    .map_err(|e| Refusal::InvalidOutput { errors: vec![e] })?;
                Change::Rescheduled {
                    step: *step,
                    window: *window,
                    reason: reason.clone(),
                }
            }
            Mutation::EditRequest { card, request } => {
                let card = self.cards.get(card).ok_or(Refusal::UnknownCard)?;
                let step = match card.stage {
                    Stage::Step(step) if step <= StepId::S5 => step,
                    _ => return Err(Refusal::EditClosed),
                };
                let allowed = matches!(role, Role::Pemohon | Role::Tu | Role::Admin)
                    || role == step.def().performer;
                if !allowed {
                    return Err(Refusal::RoleNotAllowed { role });
                }
                let request = Request::parse(request, now)
                    .map_err(|errors| Refusal::InvalidRequest { errors })?;
                Change::Edited { request }
            }
            Mutation::AddNote { card, text } => {
                let card = self.cards.get(card).ok_or(Refusal::UnknownCard)?;
                if card.notes.len() >= MAX_NOTES {
                    return Err(Refusal::TooManyNotes { max: MAX_NOTES });
                }
                Change::NoteAdded { text: text.clone() }
            }
            Mutation::SetWaiting {
                card,
                step,
                waiting,
                note,
            } => {
                let card = self.open_card_at(*card, *step)?;
                performer_of(*step)?;
                match (card.waiting, *waiting) {
                    (true, true) => return Err(Refusal::AlreadyWaiting),
                    (false, false) => return Err(Refusal::NotWaiting),
                    _ => {}
                }
                Change::WaitingSet {
                    step: *step,
                    waiting: *waiting,
                    note: note.clone(),
                }
            }
            Mutation::MoveBack { card, to, reason } => {
                let card = self.cards.get(card).ok_or(Refusal::UnknownCard)?;
                if role != Role::Admin {
                    return Err(Refusal::RoleNotAllowed { role });
                }
                if let Stage::Step(current) = card.stage
                    && *to >= current
                {
                    return Err(Refusal::NotBackwards { to: *to });
                }
                Change::MovedBack {
                    from: card.stage,
                    to: *to,
                    reason: reason.clone(),
                }
            }
        };
        Ok(Some(change))
    }

    /// `decide`, then `apply`: what a browser does optimistically and the server does for real.
    /// Returns the event, or `None` for a duplicate.
    pub fn execute(
        &mut self,
        envelope: &Envelope,
        now: DateTime<Utc>,
    ) -> Result<Option<Event>, Refusal> {
        let Some(change) = self.decide(envelope, now)? else {
            return Ok(None);
        };
        let event = Event::from_envelope(envelope, change);
        self.apply(&event);
        Ok(Some(event))
    }

    /// Folds one event into the board. Deterministic; an event already applied changes nothing.
    pub fn apply(&mut self, event: &Event) {
        if let Some(seq) = event.seq {
            self.seq = self.seq.max(seq);
            // A snapshot already holds what its cards' events did.
            if self
                .cards
                .get(&event.card)
                .is_some_and(|card| card.seq >= seq)
            {
                return;
            }
        }
        if !self.applied.insert(event.mutation_id) {
            return;
        }
        let at = event.at();

        if let Change::Created { request, received } = &event.change {
            if self.cards.contains_key(&event.card) {
                return;
            }
            let mut card = Card {
                id: event.card,
                request: request.clone(),
                stage: Stage::Step(StepId::S1),
                created_at: at,
                created_by: event.actor.clone(),
                visits: vec![Visit {
                    step: StepId::S1,
                    entered: at,
                    left: None,
                    waits: Vec::new(),
                }],
                outputs: Vec::new(),
                schedule: None,
                fault: None,
                end_reason: None,
                notes: Vec::new(),
                waiting: false,
                last_move: None,
                version: 1,
                seq: event.seq.unwrap_or(0),
            };
            if *received {
                // Step 1 happened in Srikandi: the letter is here.
                card.outputs
                    .push(record(event, StepOutput::Submitted, Some(StepId::S1)));
                card.enter(Stage::Step(StepId::S2), at);
            }
            self.cards.insert(event.card, card);
            return;
        }

        let Some(card) = self.cards.get_mut(&event.card) else {
            return;
        };
        card.version += 1;
        if let Some(seq) = event.seq {
            card.seq = seq;
        }
        match &event.change {
            Change::Created { .. } => {}
            Change::StepCompleted { step, output, to } => {
                if let StepOutput::ScheduleConfirmed { schedule, .. } = output {
                    card.schedule = Some(*schedule);
                }
                if let (StepOutput::Review(Review::No { reason }), _) = (output, to) {
                    card.end_reason = Some(reason.clone());
                }
                card.fault = match output {
                    StepOutput::CheckReport(report) => report.fault(),
                    _ => None,
                };
                card.outputs
                    .push(record(event, output.clone(), Some(*step)));
                let stage = Stage::from(*to);
                card.enter(stage, at);
                card.last_move = Some(record(event, stage, Some(*step)));
            }
            Change::Failed { step, reason } => {
                card.end_reason = Some(reason.clone());
                card.fault = None;
                let stage = Stage::Ended(EndState::Gagal);
                card.enter(stage, at);
                card.last_move = Some(record(event, stage, Some(*step)));
            }
            Change::Rescheduled {
                step,
                window,
                reason,
            } => {
                card.request.window = Some(*window);
                card.fault = None;
                if *step == StepId::S7 {
                    card.schedule = Some(*window);
                }
                card.notes.push(record(event, reason.clone(), Some(*step)));
            }
            Change::Edited { request } => card.request = request.clone(),
            Change::NoteAdded { text } => {
                card.notes
                    .push(record(event, text.clone(), card.current_step()))
            }
            Change::WaitingSet {
                waiting,
                note,
                step,
            } => {
                card.waiting = *waiting;
                if let Some(visit) = card.visits.last_mut().filter(|v| v.left.is_none()) {
                    if *waiting {
                        visit.waits.push(Span {
                            start: at,
                            end: None,
                        });
                    } else if let Some(open) = visit.waits.iter_mut().find(|w| w.end.is_none()) {
                        open.end = Some(at);
                    }
                }
                if let Some(note) = note {
                    card.notes.push(record(event, note.clone(), Some(*step)));
                }
            }
            Change::MovedBack { to, reason, .. } => {
                if *to < StepId::S7 {
                    card.schedule = None;
                }
                card.end_reason = None;
                card.fault = None;
                card.notes
                    .push(record(event, reason.clone(), card.current_step()));
                let stage = Stage::Step(*to);
                card.enter(stage, at);
                card.last_move = Some(record(event, stage, None));
            }
        }
    }

    /// The card, if it is open and at `step` (the step the client saw it in).
    fn open_card_at(&self, id: CardId, step: StepId) -> Result<&Card, Refusal> {
        let card = self.cards.get(&id).ok_or(Refusal::UnknownCard)?;
        if card.stage != Stage::Step(step) {
            return Err(Refusal::Moved {
                expected: step,
                current: card.stage,
                by: card.last_move.as_ref().map(|m| m.role),
            });
        }
        Ok(card)
    }
}

fn record<T>(event: &Event, value: T, step: Option<StepId>) -> Recorded<T> {
    Recorded {
        value,
        step,
        actor: event.actor.clone(),
        role: event.role,
        at: event.at(),
    }
}

/// Checks a step's output against the card; returns where the card goes.
fn check_output(
    card: &Card,
    step: StepId,
    output: &StepOutput,
    now: DateTime<Utc>,
) -> Result<Target, Refusal> {
    let invalid = |field, problem| Refusal::InvalidOutput {
        errors: vec![FieldError::new(field, problem)],
    };
    let next = step.def().next[0];
    match output {
        StepOutput::Disposition(d) => {
            let Target::Step(next_step) = next else {
                unreachable!("steps 3 and 4 lead to a step")
            };
            if d.to != next_step.def().performer {
                return Err(invalid(Field::Addressee, Problem::WrongAddressee));
            }
            Ok(next)
        }
        StepOutput::Review(Review::Yes { .. }) => {
            card.request
                .check_complete(now)
                .map_err(|errors| Refusal::Incomplete { errors })?;
            Ok(Target::Step(StepId::S5a))
        }
        StepOutput::Review(Review::No { .. }) => Ok(Target::End(EndState::Dikembalikan)),
        StepOutput::CheckReport(report) => {
            let mut reported: Vec<&str> =
                report.cameras.iter().map(|c| c.camera.as_str()).collect();
            let mut requested: Vec<&str> =
                card.request.cameras.iter().map(|c| c.as_str()).collect();
            reported.sort_unstable();
            requested.sort_unstable();
            let live_fits = report
                .live
                .as_ref()
                .is_none_or(|live| live.fits(&card.request.cameras));
            if reported != requested || !live_fits {
                return Err(invalid(Field::Cameras, Problem::CamerasDoNotMatch));
            }
            if report.fault().is_some() && !report.faults_confirmed {
                return Err(invalid(Field::Faults, Problem::FaultNotConfirmed));
            }
            Ok(next)
        }
        StepOutput::ScheduleConfirmed {
            schedule,
            trial,
            over_standard,
        } => {
            schedule.check(now).map_err(|e| Refusal::InvalidOutput {
                errors: vec![FieldError {
                    field: Field::Schedule,
                    ..e
                }],
            })?;
            if schedule.exceeds_step_7_standard() && over_standard.is_none() {
                return Err(invalid(Field::OverStandard, Problem::Required));
            }
            if !trial.ok {
                return Err(Refusal::TrialFailed);
            }
            Ok(next)
        }
        StepOutput::MonitoringReport { .. } => match card.schedule {
            Some(schedule) if now < schedule.start => Err(Refusal::NotStarted {
                start: schedule.start,
            }),
            _ => Ok(next),
        },
        StepOutput::Submitted | StepOutput::Received { .. } => Ok(next),
    }
}

#[cfg(test)]
#[path = "flow_tests.rs"]
pub(crate) mod tests;
