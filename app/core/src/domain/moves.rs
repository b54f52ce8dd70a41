//! Where a card can go from its step, who may take it there, and in which role: what the board
//! highlights while dragging and lists under "Pindahkan / Move". Pure; the server's authority is
//! still [`Board::decide`](super::Board::decide), which the browser runs before it shows a move.

use super::camera::Health;
use super::camera::{CameraFeed, LiveCheck};
use super::flow::{
    CameraCheck, Card, CardId, CheckReport, Disposition, Mutation, Refusal, Review, StepOutput,
    TrialResult,
};
use super::request::{Bounded, CameraRef, Field, FieldError, LongText, Problem, Window, wib};
use super::sop::{EndState, Role, StepId, Target};

/// How a card leaves its step for a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Complete the step with its output (step 5's "no" included: it returns the request).
    Complete,
    /// End the request as failed (the SOP's Warning), decided by Subkor ILE.
    Fail,
}

/// A possible move of a card: its target, how, and the role that does it by the SOP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    pub from: StepId,
    pub to: Target,
    pub exit: Exit,
    pub role: Role,
}

/// Every move the SOP allows from `step`, the normal one first.
pub fn moves_from(step: StepId) -> Vec<Move> {
    let def = step.def();
    def.next
        .iter()
        .map(|&to| match to {
            Target::End(EndState::Gagal) => Move {
                from: step,
                to,
                exit: Exit::Fail,
                role: Role::SubkorIle,
            },
            _ => Move {
                from: step,
                to,
                exit: Exit::Complete,
                role: def.performer,
            },
        })
        .collect()
}

/// The move of `card` to `to`, if the SOP has one.
pub fn move_to(card: &Card, to: Target) -> Option<Move> {
    let step = card.current_step()?;
    moves_from(step).into_iter().find(|m| m.to == to)
}

/// The role a person holding `held` acts in for `mv`: its own role if held, else Admin (who must
/// write a reason, `true`). Otherwise the refusal the server would give, to show as the reason.
pub fn acting_role(held: &[Role], mv: &Move) -> Result<(Role, bool), Refusal> {
    if held.contains(&mv.role) {
        Ok((mv.role, false))
    } else if held.contains(&Role::Admin) {
        Ok((Role::Admin, true))
    } else {
        let role = held.first().copied().unwrap_or(Role::Pemohon);
        Err(match mv.exit {
            Exit::Complete => Refusal::NotPerformer {
                step: mv.from,
                performer: mv.role,
                role,
            },
            Exit::Fail => Refusal::RoleNotAllowed { role },
        })
    }
}

/// The value, or `None` with its problem noted.
fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// What the move dialog's fields hold, as typed. [`MoveForm::mutation`] parses them into the
/// step's output; every problem comes back with its field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MoveForm {
    pub agenda_number: String,
    pub instruction: String,
    pub reason: String,
    pub note: String,
    /// Step 5a: the network's state as the operator found it; `None` until chosen.
    pub network: Option<Health>,
    /// Each requested camera with the status found; `None` until chosen.
    pub cameras: Vec<(String, Option<Health>)>,
    /// Step 5a: the operator's statement that a device is down.
    pub faults_confirmed: bool,
    /// `datetime-local` values, read as WIB.
    pub schedule_start: String,
    pub schedule_end: String,
    /// Step 6: the trial's result; `None` until chosen.
    pub trial_ok: Option<bool>,
    /// Step 6: why the window is longer than step 7's standard.
    pub over_standard: String,
    pub summary: String,
    /// Step 5a: the live state of the cameras and the network when the dialog opened, offered as a
    /// suggestion ([`MoveForm::take_live`]) and kept with the report.
    pub live: Option<LiveCheck>,
    /// Step 5a: the network's state as Pantau's checks saw it when the dialog opened.
    pub live_network: Option<Health>,
}

/// The instruction usually written for `mv`: offered as a choice, never filled in.
pub fn suggested_instruction(mv: &Move) -> Option<&'static str> {
    match (mv.exit, mv.from, mv.to) {
        (Exit::Fail, _, _) => None,
        (_, StepId::S3, _) => Some("Mohon ditindaklanjuti di TCM Room"),
        (_, StepId::S4, _) => Some("Mohon diproses"),
        (_, StepId::S5, Target::Step(_)) => Some("Mohon cek jaringan dan kondisi CCTV"),
        _ => None,
    }
}

impl MoveForm {
    /// The starting form of `mv` of `card`: what the SOP asks a person to decide starts empty
    /// (instructions, each camera's and the network's state, the trial's result); the schedule
    /// starts at the requested time, which step 6 confirms or changes.
    pub fn for_move(card: &Card, mv: &Move) -> MoveForm {
        let _ = mv;
        let wib_input = |t: chrono::DateTime<chrono::Utc>| {
            t.with_timezone(&wib()).format("%Y-%m-%dT%H:%M").to_string()
        };
        let window = card.schedule.or(card.request.window);
        MoveForm {
            cameras: card
                .request
                .cameras
                .iter()
                .map(|c| (c.to_string(), None))
                .collect(),
            schedule_start: window.map(|w| wib_input(w.start)).unwrap_or_default(),
            schedule_end: window.map(|w| wib_input(w.end)).unwrap_or_default(),
            ..MoveForm::default()
        }
    }

    /// Step 5a: keeps what Pantau's probes see now, to offer it and to attach it to the report.
    pub fn with_live(
        mut self,
        card: &Card,
        feed: &CameraFeed,
        now: chrono::DateTime<chrono::Utc>,
    ) -> MoveForm {
        self.live = Some(feed.snapshot(&card.request.cameras, now));
        self.live_network = feed.network_health();
        self
    }

    /// Step 5a: the live state of each camera and of the network, where Pantau knows it, taken as
    /// the operator's findings (a button, never the starting value). Others keep their choice.
    pub fn take_live(&mut self) {
        let Some(live) = &self.live else { return };
        for (name, health) in &mut self.cameras {
            let status = live
                .cameras
                .iter()
                .find(|c| c.camera.as_str() == name.as_str())
                .and_then(|c| c.status.health());
            if status.is_some() {
                *health = status;
            }
        }
        if self.live_network.is_some() {
            self.network = self.live_network;
        }
    }

    /// Step 5a: whether the findings so far include a device down (the statement is then asked).
    pub fn finds_fault(&self) -> bool {
        self.network == Some(Health::Down)
            || self.cameras.iter().any(|(_, h)| *h == Some(Health::Down))
    }

    /// The mutation for `mv`, or every field's problem.
    pub fn mutation(
        &self,
        card: CardId,
        mv: &Move,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Mutation, Vec<FieldError>> {
        let mut errors = Vec::new();
        let note = keep(
            &mut errors,
            LongText::parse_optional(Field::Note, &self.note),
        )
        .flatten();
        let step = mv.from;
        let output = match (mv.exit, step, mv.to) {
            (Exit::Fail, _, _) => {
                let reason = keep(&mut errors, LongText::parse(Field::Reason, &self.reason));
                return match reason {
                    Some(reason) if errors.is_empty() => Ok(Mutation::Fail { card, step, reason }),
                    _ => Err(errors),
                };
            }
            (_, StepId::S1, _) => Some(StepOutput::Submitted),
            (_, StepId::S2, _) => {
                let agenda_number = keep(
                    &mut errors,
                    Bounded::parse_optional(Field::Note, &self.agenda_number),
                )
                .flatten();
                Some(StepOutput::Received {
                    agenda_number,
                    note: note.clone(),
                })
            }
            (_, StepId::S3 | StepId::S4, Target::Step(next)) => keep(
                &mut errors,
                LongText::parse(Field::Instruction, &self.instruction),
            )
            .map(|instruction| {
                StepOutput::Disposition(Disposition {
                    to: next.def().performer,
                    instruction,
                    note: note.clone(),
                })
            }),
            (_, StepId::S5, Target::End(_)) => {
                keep(&mut errors, LongText::parse(Field::Reason, &self.reason))
                    .map(|reason| StepOutput::Review(Review::No { reason }))
            }
            (_, StepId::S5, _) => keep(
                &mut errors,
                LongText::parse(Field::Instruction, &self.instruction),
            )
            .map(|instruction| StepOutput::Review(Review::Yes { instruction })),
            (_, StepId::S5a, _) => {
                let network = self.network.or_else(|| {
                    errors.push(FieldError::new(Field::Network, Problem::Required));
                    None
                });
                let mut unchosen = false;
                let cameras: Vec<CameraCheck> = self
                    .cameras
                    .iter()
                    .filter_map(|(name, status)| {
                        let camera = keep(&mut errors, CameraRef::parse(Field::Cameras, name))?;
                        let Some(status) = *status else {
                            unchosen = true;
                            return None;
                        };
                        Some(CameraCheck {
                            camera,
                            status,
                            note: None,
                        })
                    })
                    .collect();
                if unchosen {
                    errors.push(FieldError::new(Field::Cameras, Problem::Required));
                }
                network.map(|network| {
                    StepOutput::CheckReport(CheckReport {
                        network,
                        cameras,
                        note: note.clone(),
                        live: self.live.clone(),
                        faults_confirmed: self.faults_confirmed && self.finds_fault(),
                    })
                })
            }
            (_, StepId::S6, _) => {
                let over_standard = keep(
                    &mut errors,
                    LongText::parse_optional(Field::OverStandard, &self.over_standard),
                )
                .flatten();
                let ok = self.trial_ok.or_else(|| {
                    errors.push(FieldError::new(Field::Trial, Problem::Required));
                    None
                });
                match Window::parse(&self.schedule_start, &self.schedule_end, now) {
                    Ok(schedule) => ok.map(|ok| StepOutput::ScheduleConfirmed {
                        schedule,
                        trial: TrialResult {
                            ok,
                            note: note.clone(),
                        },
                        over_standard,
                    }),
                    Err(e) => {
                        errors.extend(e);
                        None
                    }
                }
            }
            (_, StepId::S7, _) => keep(&mut errors, LongText::parse(Field::Report, &self.summary))
                .map(|summary| StepOutput::MonitoringReport {
                    summary,
                    note: note.clone(),
                }),
            _ => None,
        };
        match output {
            Some(output) if errors.is_empty() => Ok(Mutation::CompleteStep { card, step, output }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_5_can_go_on_be_returned_or_fail_and_only_subkor_fails() {
        let moves = moves_from(StepId::S5);
        let targets: Vec<Target> = moves.iter().map(|m| m.to).collect();
        assert!(targets.contains(&Target::Step(StepId::S5a)));
        assert!(targets.contains(&Target::End(EndState::Dikembalikan)));
        for m in &moves {
            assert_eq!(m.role, Role::SubkorIle);
        }
        let from_6 = moves_from(StepId::S6);
        let fail = from_6
            .iter()
            .find(|m| m.to == Target::End(EndState::Gagal))
            .unwrap();
        assert_eq!((fail.exit, fail.role), (Exit::Fail, Role::SubkorIle));
    }

    #[test]
    fn a_role_not_held_is_refused_with_the_performer_named_and_admin_overrides() {
        let mv = moves_from(StepId::S3)[0];
        assert_eq!(
            acting_role(&[Role::KepalaDinas], &mv),
            Ok((Role::KepalaDinas, false))
        );
        assert_eq!(
            acting_role(&[Role::Tu, Role::Admin], &mv),
            Ok((Role::Admin, true))
        );
        let refusal = acting_role(&[Role::Tu], &mv).unwrap_err();
        assert_eq!(
            refusal.message(crate::i18n::Lang::Id),
            "Langkah 3 dikerjakan oleh Kepala Dinas, bukan TU"
        );
    }

    #[test]
    fn the_form_of_each_step_makes_a_move_the_domain_accepts() {
        use crate::domain::demo::{sample_request, text};
        use crate::domain::{Board, Envelope, MutationId, RequestInput};
        let now = chrono::Utc::now();
        let mut board = Board::new();
        let card = CardId(uuid::Uuid::from_u128(7));
        let request: RequestInput = sample_request(1, now, 5);
        let next_id = std::cell::Cell::new(100u128);
        let envelope = |role, mutation| Envelope {
            id: MutationId(uuid::Uuid::from_u128(next_id.replace(next_id.get() + 1))),
            actor: text("uji"),
            role,
            device: text("uji"),
            client_time: now,
            override_reason: None,
            mutation,
        };
        board
            .execute(
                &envelope(Role::Pemohon, Mutation::CreateRequest { card, request }),
                now,
            )
            .unwrap();
        while let Some(step) = board.card(card).unwrap().current_step() {
            let c = board.card(card).unwrap();
            let mv = moves_from(step)[0];
            // What each person fills in: nothing is prefilled but the requested schedule.
            let form = MoveForm {
                summary: "Monitoring berjalan lancar".into(),
                instruction: suggested_instruction(&mv).unwrap_or("").into(),
                network: Some(Health::Ok),
                cameras: c
                    .request
                    .cameras
                    .iter()
                    .map(|cam| (cam.to_string(), Some(Health::Ok)))
                    .collect(),
                trial_ok: Some(true),
                over_standard: "Acara empat jam".into(),
                ..MoveForm::for_move(c, &mv)
            };
            // The monitoring is reported after it took place.
            let at = match (step, c.schedule) {
                (StepId::S7, Some(schedule)) => schedule.end,
                _ => now,
            };
            let mutation = form.mutation(card, &mv, at).unwrap();
            board.execute(&envelope(mv.role, mutation), at).unwrap();
        }
        assert_eq!(
            board.card(card).unwrap().stage,
            crate::domain::Stage::Ended(EndState::Selesai)
        );
    }

    #[test]
    fn what_the_sop_asks_a_person_to_decide_starts_empty() {
        use crate::domain::demo::sample_request;
        use crate::domain::{Board, Envelope, MutationId};
        let now = chrono::Utc::now();
        let mut board = Board::new();
        let card = CardId(uuid::Uuid::from_u128(8));
        let envelope = Envelope {
            id: MutationId(uuid::Uuid::from_u128(1)),
            actor: crate::domain::demo::text("uji"),
            role: Role::Tu,
            device: crate::domain::demo::text("uji"),
            client_time: now,
            override_reason: None,
            mutation: Mutation::CreateRequest {
                card,
                request: sample_request(1, now, 5),
            },
        };
        board.execute(&envelope, now).unwrap();
        let c = board.card(card).unwrap();
        for step in [StepId::S3, StepId::S4, StepId::S5] {
            let mv = moves_from(step)[0];
            let errors = MoveForm::for_move(c, &mv)
                .mutation(card, &mv, now)
                .unwrap_err();
            assert_eq!(errors[0].field, Field::Instruction, "step {step}");
            assert!(
                suggested_instruction(&mv).is_some(),
                "a suggestion is offered at {step}"
            );
        }
        let check = moves_from(StepId::S5a)[0];
        let errors = MoveForm::for_move(c, &check)
            .mutation(card, &check, now)
            .unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::Network, Field::Cameras]);
        let confirm = moves_from(StepId::S6)[0];
        let errors = MoveForm::for_move(c, &confirm)
            .mutation(card, &confirm, now)
            .unwrap_err();
        assert_eq!(
            errors[0].field,
            Field::Trial,
            "the trial's result is chosen, not ticked"
        );
    }

    #[test]
    fn blank_required_fields_come_back_with_their_field() {
        let mv = moves_from(StepId::S5)[1]; // return to the applicant
        let errors = MoveForm::default()
            .mutation(CardId(uuid::Uuid::nil()), &mv, chrono::Utc::now())
            .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].message(crate::i18n::Lang::Id),
            "Alasan wajib diisi"
        );
    }
}
