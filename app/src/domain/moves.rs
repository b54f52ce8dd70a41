//! Where a card can go from its step, who may take it there, and in which role: what the board
//! highlights while dragging and lists under "Pindahkan / Move". Pure; the server's authority is
//! still [`Board::decide`](super::Board::decide), which the browser runs before it shows a move.

use super::camera::{CameraFeed, LiveCheck};
use super::flow::{
    CameraCheck, Card, CardId, CheckReport, Disposition, Health, Mutation, Refusal, Review,
    StepOutput, TrialResult,
};
use super::request::{Bounded, CameraRef, Field, FieldError, LongText, Window, wib};
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
    pub network: Option<Health>,
    /// Each requested camera with the status found.
    pub cameras: Vec<(String, Health)>,
    /// `datetime-local` values, read as WIB.
    pub schedule_start: String,
    pub schedule_end: String,
    pub trial_ok: bool,
    pub summary: String,
    /// Step 5a: the live state of the cameras and the network the form was prefilled from.
    pub live: Option<LiveCheck>,
}

impl MoveForm {
    /// A form with sensible starting values for `mv` of `card`: the standard instruction, every
    /// camera found good, the requested time as the schedule, a successful trial.
    pub fn for_move(card: &Card, mv: &Move) -> MoveForm {
        let instruction = match (mv.from, mv.to) {
            (StepId::S3, _) => "Mohon ditindaklanjuti di TCM Room",
            (StepId::S4, _) => "Mohon diproses",
            (StepId::S5, Target::Step(_)) => "Mohon cek jaringan dan kondisi CCTV",
            _ => "",
        };
        let wib_input = |t: chrono::DateTime<chrono::Utc>| {
            t.with_timezone(&wib()).format("%Y-%m-%dT%H:%M").to_string()
        };
        let window = card.schedule.or(card.request.window);
        MoveForm {
            instruction: instruction.to_owned(),
            network: Some(Health::Ok),
            cameras: card
                .request
                .cameras
                .iter()
                .map(|c| (c.to_string(), Health::Ok))
                .collect(),
            schedule_start: window.map(|w| wib_input(w.start)).unwrap_or_default(),
            schedule_end: window.map(|w| wib_input(w.end)).unwrap_or_default(),
            trial_ok: true,
            ..MoveForm::default()
        }
    }

    /// Step 5a: starts each camera and the network from what Pantau's probes see now, and keeps that
    /// snapshot for the report. Cameras Pantau does not know keep the operator's choice.
    pub fn with_live(
        mut self,
        card: &Card,
        feed: &CameraFeed,
        now: chrono::DateTime<chrono::Utc>,
    ) -> MoveForm {
        let live = feed.snapshot(&card.request.cameras, now);
        for (name, health) in &mut self.cameras {
            let status = live
                .cameras
                .iter()
                .find(|c| c.camera.as_str() == name.as_str())
                .and_then(|c| c.status.health());
            if let Some(status) = status {
                *health = status;
            }
        }
        if let Some(network) = feed.network_health() {
            self.network = Some(network);
        }
        self.live = Some(live);
        self
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
                let cameras = self
                    .cameras
                    .iter()
                    .filter_map(|(name, status)| {
                        keep(&mut errors, CameraRef::parse(Field::Cameras, name)).map(|camera| {
                            CameraCheck {
                                camera,
                                status: *status,
                                note: None,
                            }
                        })
                    })
                    .collect();
                Some(StepOutput::CheckReport(CheckReport {
                    network: self.network.unwrap_or(Health::Ok),
                    cameras,
                    note: note.clone(),
                    live: self.live.clone(),
                }))
            }
            (_, StepId::S6, _) => {
                match Window::parse(&self.schedule_start, &self.schedule_end, now) {
                    Ok(schedule) => Some(StepOutput::ScheduleConfirmed {
                        schedule,
                        trial: TrialResult {
                            ok: self.trial_ok,
                            note: note.clone(),
                        },
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
            let form = MoveForm {
                summary: "Monitoring berjalan lancar".into(),
                ..MoveForm::for_move(c, &mv)
            };
            let mutation = form.mutation(card, &mv, now).unwrap();
            board.execute(&envelope(mv.role, mutation), now).unwrap();
        }
        assert_eq!(
            board.card(card).unwrap().stage,
            crate::domain::Stage::Ended(EndState::Selesai)
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
