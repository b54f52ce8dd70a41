use super::*;
use crate::domain::camera::Health;
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use crate::domain::demo::{sample_output as output_for, text};
use crate::domain::request::tests::{at, complete_input};
use crate::domain::request::{Field, Problem, RequestInput, Window};
use crate::domain::sop::{EndState, Role, StepId};
use crate::i18n::Lang;

pub fn card_id(n: u128) -> CardId {
    CardId(Uuid::from_u128(n))
}

/// Builds envelopes with fresh mutation ids, like a client would.
pub struct Client {
    pub now: DateTime<Utc>,
}

/// Mutation ids unique across every client of a test run.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Client {
    pub fn new() -> Client {
        Client {
            now: at("2026-11-28T10:00"),
        }
    }

    pub fn envelope(&mut self, role: Role, mutation: Mutation) -> Envelope {
        let n = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Envelope {
            id: MutationId(Uuid::from_u128(1_000_000 + u128::from(n))),
            actor: text(&format!("{role:?}")),
            role,
            device: text("test-device"),
            client_time: self.now,
            override_reason: None,
            mutation,
        }
    }
}

/// TU registering a complete letter as card `id`.
fn registered_by_tu(client: &mut Client, id: CardId) -> Envelope {
    client.envelope(
        Role::Tu,
        Mutation::CreateRequest {
            card: id,
            request: complete_input(),
        },
    )
}

/// A board holding one card registered by TU (so at step 2).
pub fn board_with_card(client: &mut Client) -> (Board, CardId) {
    let mut board = Board::new();
    let id = card_id(1);
    let env = registered_by_tu(client, id);
    board.execute(&env, client.now).unwrap();
    (board, id)
}

/// Completes the card's current step by its performer.
pub fn complete(
    board: &mut Board,
    client: &mut Client,
    id: CardId,
) -> Result<Option<Event>, Refusal> {
    let card = board.card(id).unwrap();
    let step = card.current_step().unwrap();
    // The monitoring's report comes once it has happened: time passes to the window's end.
    if let (StepId::S7, Some(schedule)) = (step, card.schedule)
        && client.now < schedule.start
    {
        client.now = schedule.end;
    }
    let output = output_for(step, card);
    let env = client.envelope(
        step.def().performer,
        Mutation::CompleteStep {
            card: id,
            step,
            output,
        },
    );
    board.execute(&env, client.now)
}

fn stage(board: &Board, id: CardId) -> Stage {
    board.card(id).unwrap().stage
}

/// A board with one card registered by TU and moved on by its performers until it stands at `step`.
pub fn board_at(client: &mut Client, step: StepId) -> (Board, CardId) {
    let (mut board, id) = board_with_card(client);
    while stage(&board, id) != Stage::Step(step) {
        complete(&mut board, client, id).unwrap();
    }
    // At step 7 the monitoring is under way: its report may be given.
    if let (StepId::S7, Some(schedule)) = (step, board.card(id).unwrap().schedule) {
        client.now = client
            .now
            .max(schedule.start + chrono::Duration::minutes(30));
    }
    (board, id)
}

/// What the board answers to `role` completing `step` of the card with `output`.
fn try_complete(
    board: &Board,
    client: &mut Client,
    role: Role,
    card: CardId,
    step: StepId,
    output: StepOutput,
) -> Result<Option<Change>, Refusal> {
    board.decide(
        &client.envelope(role, Mutation::CompleteStep { card, step, output }),
        client.now,
    )
}

#[test]
fn tu_registering_a_letter_starts_it_at_step_2_with_step_1_done() {
    let mut client = Client::new();
    let (board, id) = board_with_card(&mut client);
    let card = board.card(id).unwrap();
    assert_eq!(card.stage, Stage::Step(StepId::S2));
    assert_eq!(card.visits.len(), 2);
    assert_eq!(card.visits[0].left, Some(client.now));
    assert_eq!(card.outputs[0].value, StepOutput::Submitted);
    assert_eq!(card.who_must_act(), Some(Role::Tu));
}

#[test]
fn applicant_submitting_a_request_starts_it_at_step_1() {
    let mut client = Client::new();
    let mut board = Board::new();
    let env = client.envelope(
        Role::Pemohon,
        Mutation::CreateRequest {
            card: card_id(9),
            request: complete_input(),
        },
    );
    board.execute(&env, client.now).unwrap();
    assert_eq!(stage(&board, card_id(9)), Stage::Step(StepId::S1));
    complete(&mut board, &mut client, card_id(9)).unwrap();
    assert_eq!(stage(&board, card_id(9)), Stage::Step(StepId::S2));
}

#[test]
fn only_applicants_tu_and_admin_may_create_requests() {
    let mut client = Client::new();
    for role in [
        Role::KepalaDinas,
        Role::KabidAptika,
        Role::SubkorIle,
        Role::OperatorTcmr,
    ] {
        let env = client.envelope(
            role,
            Mutation::CreateRequest {
                card: card_id(5),
                request: complete_input(),
            },
        );
        assert_eq!(
            Board::new().decide(&env, client.now),
            Err(Refusal::RoleNotAllowed { role })
        );
    }
}

#[test]
fn invalid_request_is_refused_with_every_field_error() {
    let mut client = Client::new();
    let request = RequestInput {
        letter_number: String::new(),
        contact_phone: "12".into(),
        ..complete_input()
    };
    let env = client.envelope(
        Role::Tu,
        Mutation::CreateRequest {
            card: card_id(5),
            request,
        },
    );
    let Err(Refusal::InvalidRequest { errors }) = Board::new().decide(&env, client.now) else {
        panic!()
    };
    let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, [Field::LetterNumber, Field::ContactPhone]);
}

#[test]
fn request_goes_through_every_step_by_its_performer_to_selesai() {
    let mut client = Client::new();
    let (mut board, id) = board_with_card(&mut client);
    let mut seen = vec![];
    while let Stage::Step(step) = stage(&board, id) {
        seen.push(step);
        client.now += chrono::Duration::minutes(10);
        complete(&mut board, &mut client, id).unwrap();
    }
    assert_eq!(
        seen,
        [
            StepId::S2,
            StepId::S3,
            StepId::S4,
            StepId::S5,
            StepId::S5a,
            StepId::S6,
            StepId::S7
        ]
    );
    let card = board.card(id).unwrap();
    assert_eq!(card.stage, Stage::Ended(EndState::Selesai));
    assert_eq!(card.visits.len(), 8);
    assert!(card.visits.iter().all(|v| v.left.is_some()));
    assert_eq!(card.schedule, card.request.window);
    assert_eq!(card.outputs.len(), 8);
}

#[test]
fn each_step_is_completed_only_by_its_performer_or_an_admin_with_a_reason() {
    for step in StepId::ALL.into_iter().skip(1) {
        for role in Role::ALL {
            let mut client = Client::new();
            let (mut board, id) = board_at(&mut client, step);
            let output = output_for(step, board.card(id).unwrap());
            let result = try_complete(&board, &mut client, role, id, step, output.clone());
            let performer = step.def().performer;
            match role {
                r if r == performer => assert!(result.is_ok(), "{role:?} at {step}"),
                Role::Admin => {
                    assert_eq!(result, Err(Refusal::OverrideNeedsReason));
                    let mut env = client.envelope(
                        role,
                        Mutation::CompleteStep {
                            card: id,
                            step,
                            output,
                        },
                    );
                    env.override_reason = Some(text("Kabid cuti"));
                    let event = board.execute(&env, client.now).unwrap().unwrap();
                    assert_eq!(
                        event.override_reason,
                        Some(text("Kabid cuti")),
                        "the override is recorded"
                    );
                }
                _ => assert_eq!(
                    result,
                    Err(Refusal::NotPerformer {
                        step,
                        performer,
                        role
                    }),
                    "{role:?} at {step}"
                ),
            }
        }
    }
}

#[test]
fn card_cannot_leave_a_step_without_that_steps_output() {
    let mut client = Client::new();
    let (board, id) = board_with_card(&mut client);
    let refusal = try_complete(
        &board,
        &mut client,
        Role::Tu,
        id,
        StepId::S2,
        StepOutput::Submitted,
    )
    .unwrap_err();
    assert_eq!(refusal, Refusal::WrongOutput { step: StepId::S2 });
    assert_eq!(
        refusal.message(Lang::Id),
        "Langkah 2 memerlukan tanda terima surat"
    );
}

#[test]
fn a_card_moved_by_someone_else_is_refused_saying_where_and_by_whom() {
    let mut client = Client::new();
    let (board, id) = board_at(&mut client, StepId::S5); // Kabid Aptika moved it from 4 to 5
    // A second screen still shows the card at step 4.
    let output = output_for(StepId::S4, board.card(id).unwrap());
    let refusal = try_complete(
        &board,
        &mut client,
        Role::KabidAptika,
        id,
        StepId::S4,
        output,
    )
    .unwrap_err();
    assert_eq!(refusal.code(), "moved");
    assert_eq!(
        refusal.message(Lang::Id),
        "Kartu sudah dipindahkan ke langkah 5 oleh Kabid Aptika"
    );
    assert_eq!(
        refusal.message(Lang::En),
        "The card was already moved to step 5 by Head of Apps & Informatics"
    );
}

#[test]
fn step_5_no_returns_the_request_to_the_applicant_with_the_reason() {
    let mut client = Client::new();
    let (mut board, id) = board_at(&mut client, StepId::S5);
    let output = StepOutput::Review(Review::No {
        reason: text("Lokasi kamera tidak disebutkan"),
    });
    let env = client.envelope(
        Role::SubkorIle,
        Mutation::CompleteStep {
            card: id,
            step: StepId::S5,
            output,
        },
    );
    board.execute(&env, client.now).unwrap();
    let card = board.card(id).unwrap();
    assert_eq!(card.stage, Stage::Ended(EndState::Dikembalikan));
    assert_eq!(
        card.end_reason,
        Some(text("Lokasi kamera tidak disebutkan"))
    );
}

#[test]
fn an_incomplete_request_cannot_get_past_step_5s_yes() {
    let mut client = Client::new();
    let mut board = Board::new();
    let id = card_id(3);
    let request = RequestInput {
        cameras: vec![],
        contact_phone: String::new(),
        ..complete_input()
    };
    board
        .execute(
            &client.envelope(Role::Tu, Mutation::CreateRequest { card: id, request }),
            client.now,
        )
        .unwrap();
    for _ in 0..3 {
        complete(&mut board, &mut client, id).unwrap();
    }
    let refusal = complete(&mut board, &mut client, id).unwrap_err();
    let Refusal::Incomplete { errors } = &refusal else {
        panic!("{refusal:?}")
    };
    assert_eq!(
        errors.iter().map(|e| e.field).collect::<Vec<_>>(),
        [Field::ContactPhone, Field::Cameras]
    );
    assert!(
        refusal
            .message(Lang::Id)
            .starts_with("Permohonan belum lengkap")
    );
    assert_eq!(stage(&board, id), Stage::Step(StepId::S5));

    // Completed before the decision, it passes.
    let env = client.envelope(
        Role::Tu,
        Mutation::EditRequest {
            card: id,
            request: complete_input(),
        },
    );
    board.execute(&env, client.now).unwrap();
    complete(&mut board, &mut client, id).unwrap();
    assert_eq!(stage(&board, id), Stage::Step(StepId::S5a));
}

#[test]
fn a_disposition_goes_to_the_next_steps_performer() {
    let mut client = Client::new();
    let (board, id) = board_at(&mut client, StepId::S3);
    let output = StepOutput::Disposition(Disposition {
        to: Role::SubkorIle,
        instruction: text("Proses"),
        note: None,
    });
    let result = try_complete(
        &board,
        &mut client,
        Role::KepalaDinas,
        id,
        StepId::S3,
        output,
    );
    let Err(Refusal::InvalidOutput { errors }) = result else {
        panic!("{result:?}")
    };
    assert_eq!(errors[0].problem, Problem::WrongAddressee);
}

#[test]
fn the_check_report_covers_exactly_the_requested_cameras() {
    let mut client = Client::new();
    let (board, id) = board_at(&mut client, StepId::S5a);
    let mut output = output_for(StepId::S5a, board.card(id).unwrap());
    if let StepOutput::CheckReport(report) = &mut output {
        report.cameras.pop();
    }
    let result = try_complete(
        &board,
        &mut client,
        Role::OperatorTcmr,
        id,
        StepId::S5a,
        output,
    );
    let Err(Refusal::InvalidOutput { errors }) = result else {
        panic!("{result:?}")
    };
    assert_eq!(errors[0].problem, Problem::CamerasDoNotMatch);
}

#[test]
fn a_check_report_keeps_the_live_snapshot_of_the_requested_cameras_only() {
    use crate::domain::camera::{CameraFeed, CameraStatus};
    let mut client = Client::new();
    let (board, id) = board_at(&mut client, StepId::S5a);
    let card = board.card(id).unwrap();
    let live = CameraFeed::default().snapshot(&card.request.cameras, client.now);
    let with_live = |live| {
        let mut output = output_for(StepId::S5a, card);
        if let StepOutput::CheckReport(report) = &mut output {
            report.live = Some(live);
        }
        output
    };
    let kept = try_complete(
        &board,
        &mut client,
        Role::OperatorTcmr,
        id,
        StepId::S5a,
        with_live(live.clone()),
    )
    .unwrap()
    .unwrap();
    let Change::StepCompleted {
        output: StepOutput::CheckReport(report),
        ..
    } = kept
    else {
        panic!("{kept:?}")
    };
    assert_eq!(
        report.live.unwrap().cameras[0].status,
        CameraStatus::Unknown
    );

    let mut other = live;
    other.cameras[0].camera = text("Kamera lain");
    let result = try_complete(
        &board,
        &mut client,
        Role::OperatorTcmr,
        id,
        StepId::S5a,
        with_live(other),
    );
    let Err(Refusal::InvalidOutput { errors }) = result else {
        panic!("{result:?}")
    };
    assert_eq!(errors[0].problem, Problem::CamerasDoNotMatch);
}

#[test]
fn the_monitoring_report_cannot_come_before_the_confirmed_start() {
    let mut client = Client::new();
    let (board, id) = board_at(&mut client, StepId::S7);
    let card = board.card(id).unwrap();
    let start = card.schedule.unwrap().start;
    let output = output_for(StepId::S7, card);
    client.now = start - chrono::Duration::minutes(1);
    let early = try_complete(
        &board,
        &mut client,
        Role::OperatorTcmr,
        id,
        StepId::S7,
        output.clone(),
    );
    assert_eq!(early, Err(Refusal::NotStarted { start }));
    assert_eq!(
        early.unwrap_err().message(Lang::Id),
        "Monitoring belum dimulai: laporannya dapat diberikan mulai 01-12-2026 08:00 WIB"
    );
    client.now = start;
    assert!(
        try_complete(
            &board,
            &mut client,
            Role::OperatorTcmr,
            id,
            StepId::S7,
            output
        )
        .is_ok()
    );
}

#[test]
fn a_window_longer_than_step_7s_standard_needs_a_reason() {
    let mut client = Client::new();
    let (board, id) = board_at(&mut client, StepId::S6);
    let schedule = board.card(id).unwrap().request.window.unwrap();
    assert!(schedule.seconds() > StepId::S7.def().standard_seconds());
    let confirm = |over_standard| StepOutput::ScheduleConfirmed {
        schedule,
        trial: TrialResult {
            ok: true,
            note: None,
        },
        over_standard,
    };
    let result = try_complete(
        &board,
        &mut client,
        Role::SubkorIle,
        id,
        StepId::S6,
        confirm(None),
    );
    let Err(Refusal::InvalidOutput { errors }) = result else {
        panic!("{result:?}")
    };
    assert_eq!(
        (errors[0].field, &errors[0].problem),
        (Field::OverStandard, &Problem::Required)
    );
    let reason = Some(text("Festival berlangsung empat jam"));
    assert!(
        try_complete(
            &board,
            &mut client,
            Role::SubkorIle,
            id,
            StepId::S6,
            confirm(reason)
        )
        .is_ok()
    );
}

#[test]
fn a_check_with_a_camera_down_must_say_so_and_marks_the_card_for_subkor() {
    let mut client = Client::new();
    let (mut board, id) = board_at(&mut client, StepId::S5a);
    let card = board.card(id).unwrap();
    let StepOutput::CheckReport(mut report) = output_for(StepId::S5a, card) else {
        unreachable!()
    };
    report.cameras[0].status = Health::Down;
    let unsaid = try_complete(
        &board,
        &mut client,
        Role::OperatorTcmr,
        id,
        StepId::S5a,
        StepOutput::CheckReport(report.clone()),
    );
    let Err(Refusal::InvalidOutput { errors }) = unsaid else {
        panic!("{unsaid:?}")
    };
    assert_eq!(errors[0].problem, Problem::FaultNotConfirmed);
    report.faults_confirmed = true;
    let env = client.envelope(
        Role::OperatorTcmr,
        Mutation::CompleteStep {
            card: id,
            step: StepId::S5a,
            output: StepOutput::CheckReport(report.clone()),
        },
    );
    board.execute(&env, client.now).unwrap();
    let card = board.card(id).unwrap();
    assert_eq!(card.stage, Stage::Step(StepId::S6));
    let fault = card
        .fault
        .clone()
        .expect("marked for Subkor ILE's decision");
    assert_eq!(fault.cameras, [report.cameras[0].camera.clone()]);
    assert!(!fault.network_down);
    // Subkor reschedules after the repair: the mark goes.
    let window = card.request.window.unwrap();
    let env = client.envelope(
        Role::SubkorIle,
        Mutation::Reschedule {
            card: id,
            step: StepId::S6,
            window,
            reason: text("Kamera diperbaiki, uji ulang"),
        },
    );
    board.execute(&env, client.now).unwrap();
    assert_eq!(board.card(id).unwrap().fault, None);
}

#[test]
fn a_failed_trial_cannot_go_on_to_monitoring() {
    let mut client = Client::new();
    let (board, id) = board_at(&mut client, StepId::S6);
    let schedule = board.card(id).unwrap().request.window.unwrap();
    let output = StepOutput::ScheduleConfirmed {
        schedule,
        trial: TrialResult {
            ok: false,
            note: None,
        },
        over_standard: Some(text("Acara empat jam")),
    };
    let result = try_complete(&board, &mut client, Role::SubkorIle, id, StepId::S6, output);
    assert_eq!(result, Err(Refusal::TrialFailed));
}

#[test]
fn subkor_fails_a_request_at_the_check_with_the_reason_but_not_before() {
    let mut client = Client::new();
    let (mut board, id) = board_with_card(&mut client);
    let reason = text::<2000, true>("Jaringan ke Simpang Tugu Naga putus");
    let early = client.envelope(
        Role::SubkorIle,
        Mutation::Fail {
            card: id,
            step: StepId::S2,
            reason: reason.clone(),
        },
    );
    assert_eq!(
        board.decide(&early, client.now),
        Err(Refusal::NotAtThisStep { step: StepId::S2 })
    );
    for _ in 0..4 {
        complete(&mut board, &mut client, id).unwrap();
    }
    let by_operator = client.envelope(
        Role::OperatorTcmr,
        Mutation::Fail {
            card: id,
            step: StepId::S5a,
            reason: reason.clone(),
        },
    );
    assert_eq!(
        board.decide(&by_operator, client.now),
        Err(Refusal::RoleNotAllowed {
            role: Role::OperatorTcmr
        })
    );
    let env = client.envelope(
        Role::SubkorIle,
        Mutation::Fail {
            card: id,
            step: StepId::S5a,
            reason: reason.clone(),
        },
    );
    board.execute(&env, client.now).unwrap();
    let card = board.card(id).unwrap();
    assert_eq!(card.stage, Stage::Ended(EndState::Gagal));
    assert_eq!(card.end_reason, Some(reason));
}

#[test]
fn rescheduling_at_step_7_moves_the_confirmed_schedule() {
    let mut client = Client::new();
    let (mut board, id) = board_at(&mut client, StepId::S7);
    let window = Window {
        start: at("2026-12-02T08:00"),
        end: at("2026-12-02T10:00"),
    };
    let env = client.envelope(
        Role::SubkorIle,
        Mutation::Reschedule {
            card: id,
            step: StepId::S7,
            window,
            reason: text("Perbaikan kabel"),
        },
    );
    board.execute(&env, client.now).unwrap();
    assert_eq!(board.card(id).unwrap().schedule, Some(window));
    let past = Window {
        start: at("2026-11-01T08:00"),
        end: at("2026-11-01T10:00"),
    };
    let env = client.envelope(
        Role::SubkorIle,
        Mutation::Reschedule {
            card: id,
            step: StepId::S7,
            window: past,
            reason: text("x"),
        },
    );
    assert!(matches!(
        board.decide(&env, client.now),
        Err(Refusal::InvalidOutput { .. })
    ));
}

#[test]
fn the_request_cannot_be_edited_after_step_5_decided() {
    let mut client = Client::new();
    let (board, id) = board_at(&mut client, StepId::S5a);
    let env = client.envelope(
        Role::Admin,
        Mutation::EditRequest {
            card: id,
            request: complete_input(),
        },
    );
    assert_eq!(board.decide(&env, client.now), Err(Refusal::EditClosed));
}

#[test]
fn a_duplicated_mutation_applies_once() {
    let mut client = Client::new();
    let (mut board, id) = board_with_card(&mut client);
    let output = output_for(StepId::S2, board.card(id).unwrap());
    let env = client.envelope(
        Role::Tu,
        Mutation::CompleteStep {
            card: id,
            step: StepId::S2,
            output,
        },
    );
    let first = board.execute(&env, client.now).unwrap();
    assert!(first.is_some());
    let after_first = board.clone();
    assert_eq!(board.execute(&env, client.now), Ok(None));
    board.apply(&first.unwrap());
    assert_eq!(board, after_first);
}

#[test]
fn a_refused_mutation_changes_nothing() {
    let mut client = Client::new();
    let (mut board, id) = board_with_card(&mut client);
    let before = board.clone();
    let output = output_for(StepId::S3, board.card(id).unwrap());
    let env = client.envelope(
        Role::KepalaDinas,
        Mutation::CompleteStep {
            card: id,
            step: StepId::S3,
            output,
        },
    );
    assert!(board.execute(&env, client.now).is_err());
    assert_eq!(board, before);
    assert!(
        !board.was_applied(env.id),
        "a refused id may be retried after a fix"
    );
}

#[test]
fn replaying_the_log_gives_the_same_board() {
    let mut client = Client::new();
    let mut board = Board::new();
    let mut log = vec![];
    for n in [1, 2] {
        let env = client.envelope(
            Role::Tu,
            Mutation::CreateRequest {
                card: card_id(n),
                request: complete_input(),
            },
        );
        log.push(board.execute(&env, client.now).unwrap().unwrap());
    }
    for _ in 0..5 {
        client.now += chrono::Duration::minutes(7);
        log.push(
            complete(&mut board, &mut client, card_id(1))
                .unwrap()
                .unwrap(),
        );
    }
    assert_eq!(Board::from_events(&log), board);
}

#[test]
fn admin_moves_a_card_back_with_a_reason_and_only_backwards() {
    let mut client = Client::new();
    let (mut board, id) = board_at(&mut client, StepId::S5);
    let forward = client.envelope(
        Role::Admin,
        Mutation::MoveBack {
            card: id,
            to: StepId::S6,
            reason: text("x"),
        },
    );
    assert_eq!(
        board.decide(&forward, client.now),
        Err(Refusal::NotBackwards { to: StepId::S6 })
    );
    let by_tu = client.envelope(
        Role::Tu,
        Mutation::MoveBack {
            card: id,
            to: StepId::S3,
            reason: text("x"),
        },
    );
    assert_eq!(
        board.decide(&by_tu, client.now),
        Err(Refusal::RoleNotAllowed { role: Role::Tu })
    );
    let env = client.envelope(
        Role::Admin,
        Mutation::MoveBack {
            card: id,
            to: StepId::S3,
            reason: text("Disposisi salah alamat"),
        },
    );
    board.execute(&env, client.now).unwrap();
    let card = board.card(id).unwrap();
    assert_eq!(card.stage, Stage::Step(StepId::S3));
    assert_eq!(
        card.notes.last().unwrap().value,
        text("Disposisi salah alamat")
    );
    assert_eq!(
        card.visits.iter().filter(|v| v.step == StepId::S3).count(),
        2
    );
}

#[test]
fn waiting_for_the_applicant_is_recorded_as_a_pause_in_the_visit() {
    let mut client = Client::new();
    let (mut board, id) = board_with_card(&mut client);
    let wait = |waiting| Mutation::SetWaiting {
        card: id,
        step: StepId::S2,
        waiting,
        note: None,
    };
    board
        .execute(&client.envelope(Role::Tu, wait(true)), client.now)
        .unwrap();
    assert_eq!(
        board.decide(&client.envelope(Role::Tu, wait(true)), client.now),
        Err(Refusal::AlreadyWaiting)
    );
    let start = client.now;
    client.now += chrono::Duration::minutes(45);
    board
        .execute(&client.envelope(Role::Tu, wait(false)), client.now)
        .unwrap();
    let visit = board.card(id).unwrap().current_visit().unwrap().clone();
    assert_eq!(
        visit.waits,
        [Span {
            start,
            end: Some(client.now)
        }]
    );
}

#[test]
fn mutations_with_unknown_fields_are_refused_when_read() {
    let json = r#"{"type":"add_note","card":"00000000-0000-0000-0000-000000000001","text":"hi","extra":1}"#;
    assert!(serde_json::from_str::<Mutation>(json).is_err());
    let json = r#"{"type":"add_note","card":"00000000-0000-0000-0000-000000000001","text":"hi"}"#;
    assert!(serde_json::from_str::<Mutation>(json).is_ok());
    let json = r#"{"type":"add_note","card":"00000000-0000-0000-0000-000000000001","text":"   "}"#;
    assert!(
        serde_json::from_str::<Mutation>(json).is_err(),
        "blank text is refused at the boundary"
    );
}

#[test]
fn events_round_trip_through_json() {
    let mut client = Client::new();
    let (mut board, id) = board_with_card(&mut client);
    let event = complete(&mut board, &mut client, id).unwrap().unwrap();
    let json = serde_json::to_string(&event).unwrap();
    assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
}

#[test]
fn a_board_from_a_snapshot_does_not_apply_again_what_the_snapshot_holds() {
    let mut client = Client::new();
    let mut server = Board::new();
    let mut log = vec![];
    let id = card_id(1);
    let create = client.envelope(
        Role::Tu,
        Mutation::CreateRequest {
            card: id,
            request: complete_input(),
        },
    );
    let event = Event::from_envelope(
        &create,
        server.decide(&create, client.now).unwrap().unwrap(),
    )
    .stamped(1, client.now);
    server.apply(&event);
    log.push(event);
    let card = server.card(id).unwrap();
    let step = card.current_step().unwrap();
    let env = client.envelope(
        Role::Tu,
        Mutation::CompleteStep {
            card: id,
            step,
            output: output_for(step, card),
        },
    );
    let event = Event::from_envelope(&env, server.decide(&env, client.now).unwrap().unwrap())
        .stamped(2, client.now);
    server.apply(&event);
    log.push(event);

    // A client loads the snapshot at seq 2, then pulls "events after 1" (an overlap).
    let mut client_board = Board::from_cards(2, server.cards.values().cloned());
    client_board.apply(&log[1]);
    assert_eq!(client_board.cards, server.cards);
    assert_eq!(client_board.card(id).unwrap().seq, 2);
}

#[test]
fn a_card_holds_a_bounded_number_of_notes() {
    let now = chrono::Utc::now();
    let mut board = Board::new();
    let card = crate::domain::demo::demo_card_id(1);
    let push = |board: &mut Board, n: u128, role: Role, mutation: Mutation| {
        let envelope = Envelope {
            id: MutationId(uuid::Uuid::from_u128(n)),
            actor: text("budi"),
            role,
            device: text("uji"),
            client_time: now,
            override_reason: None,
            mutation,
        };
        let change = board.decide(&envelope, now)?.expect("a change");
        board.apply(&Event::from_envelope(&envelope, change).stamped(n as u64, now));
        Ok::<(), Refusal>(())
    };
    let request = crate::domain::demo::sample_request(1, now, 5);
    push(
        &mut board,
        1,
        Role::Tu,
        Mutation::CreateRequest { card, request },
    )
    .unwrap();
    let note = || Mutation::AddNote {
        card,
        text: text("catatan"),
    };
    for n in 0..super::MAX_NOTES as u128 {
        push(&mut board, n + 2, Role::Tu, note()).unwrap();
    }
    let refused = push(&mut board, 9999, Role::Tu, note()).unwrap_err();
    assert_eq!(
        refused,
        Refusal::TooManyNotes {
            max: super::MAX_NOTES
        }
    );
    assert!(
        refused
            .message(crate::i18n::Lang::Id)
            .contains("200 catatan")
    );
}

#[test]
fn an_event_of_a_card_the_board_lacks_applies_once_the_cards_history_comes() {
    // An applicant's board is sent the edit that brings a letter into its agency, and fetches the
    // letter's history after: the edit must then count, not be skipped as seen.
    let mut client = Client::new();
    let mut whole = Board::new();
    let id = card_id(7);
    let create = registered_by_tu(&mut client, id);
    let mut created = whole.execute(&create, client.now).unwrap().unwrap();
    let mut edited_request = complete_input();
    edited_request.agency = "Satlantas Polres Singkawang".into();
    let edit = client.envelope(
        Role::Tu,
        Mutation::EditRequest {
            card: id,
            request: edited_request,
        },
    );
    let mut edited = whole.execute(&edit, client.now).unwrap().unwrap();
    created.seq = Some(1);
    edited.seq = Some(2);
    let whole = Board::from_events([&created, &edited]);

    let mut late = Board::new();
    late.apply(&edited);
    assert!(late.card(id).is_none());
    late.apply(&created);
    late.apply(&edited);
    assert_eq!(late, whole);
    assert_eq!(
        late.card(id).unwrap().request.agency.as_str(),
        "Satlantas Polres Singkawang"
    );
}
