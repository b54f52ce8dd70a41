//! Every card, as the log built them: deciding a mutation and applying its event.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};

use super::card::{Card, Recorded, Span, Visit};
use super::event::{Change, Event};
use super::ids::{CardId, MutationId, Stage};
use super::mutation::{Envelope, Mutation};
use super::output::{Review, StepOutput};
use super::refusal::{MAX_NOTES, Refusal};
use crate::domain::request::{Field, FieldError, Problem, Request};
use crate::domain::sop::{EndState, Role, StepId, Target};

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

    /// Folds one event into the board. Deterministic; an event already applied changes nothing,
    /// nor does one of a card the board does not hold.
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
        // An event of a card this board does not hold changes nothing, and is not counted as
        // applied: it applies once the card's earlier events are here (a letter edited into an
        // applicant's agency reaches its board with the edit; its history is fetched after).
        let creates = matches!(event.change, Change::Created { .. });
        if creates == self.cards.contains_key(&event.card) {
            return;
        }
        if !self.applied.insert(event.mutation_id) {
            return;
        }
        let at = event.at();

        if let Change::Created { request, received } = &event.change {
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
