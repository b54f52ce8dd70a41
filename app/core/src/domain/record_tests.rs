use super::*;
use crate::domain::CardId;
use crate::domain::camera::{LiveCamera, LiveCheck};
use crate::domain::flow::tests::{Client, card_id, output_for, text};
use crate::domain::flow::{Board, CameraCheck, CheckReport, Mutation};
use crate::domain::request::tests::{at, complete_input};

/// A card's life, keeping every event as the log would.
struct Life {
    board: Board,
    client: Client,
    events: Vec<Event>,
    id: CardId,
}

impl Life {
    fn registered() -> Life {
        let mut life = Life {
            board: Board::new(),
            client: Client::new(),
            events: Vec::new(),
            id: card_id(7),
        };
        life.send(
            Role::Tu,
            Mutation::CreateRequest {
                card: life.id,
                request: complete_input(),
            },
        );
        life
    }

    fn at(&mut self, t: &str) -> &mut Life {
        self.client.now = at(t);
        self
    }

    fn send(&mut self, role: Role, mutation: Mutation) {
        let env = self.client.envelope(role, mutation);
        let event = self.board.execute(&env, self.client.now).unwrap().unwrap();
        self.events.push(event);
    }

    fn complete_with(&mut self, output: StepOutput) {
        let step = self.card().current_step().unwrap();
        let mutation = Mutation::CompleteStep {
            card: self.id,
            step,
            output,
        };
        self.send(step.def().performer, mutation);
    }

    /// Completes the current step with the demo's output.
    fn done(&mut self) {
        let step = self.card().current_step().unwrap();
        // A monitoring is reported once it has happened.
        if let (StepId::S7, Some(schedule)) = (step, self.card().schedule)
            && self.client.now < schedule.start
        {
            self.client.now = schedule.end;
        }
        let output = output_for(step, self.card());
        self.complete_with(output);
    }

    fn until(&mut self, step: StepId) {
        while self.card().current_step() != Some(step) {
            self.done();
        }
    }

    fn card(&self) -> &Card {
        self.board.card(self.id).unwrap()
    }

    fn reply(&self) -> Result<ReplyLetter, NotYet> {
        ReplyLetter::of(self.card(), &self.events)
    }

    fn report(&self) -> Result<MonitoringReport, NotYet> {
        MonitoringReport::of(self.card(), &self.events)
    }
}

#[test]
fn no_reply_letter_before_the_schedule_is_confirmed() {
    let mut life = Life::registered();
    life.until(StepId::S6);
    assert_eq!(life.reply(), Err(NotYet::NoReplyYet));
    assert_eq!(life.report(), Err(NotYet::NotMonitoredYet));
}

#[test]
fn reply_letter_answers_their_letter_with_the_confirmed_schedule_dated_at_confirmation() {
    let mut life = Life::registered();
    life.until(StepId::S6);
    life.at("2026-11-28T13:20").done();
    let letter = life.reply().unwrap();
    assert_eq!(letter.dated, at("2026-11-28T13:20"));
    assert_eq!(letter.to.number, "000.8.3.3/123/Dishub");
    assert_eq!(letter.to.date.to_string(), "2026-11-27");
    assert_eq!(letter.to.agency, "Dinas Perhubungan");
    assert_eq!(
        letter.to.contact.as_deref(),
        Some("Budi Santoso (0812 3456 7890)")
    );
    assert_eq!(letter.to.cameras, ["Simpang Tugu Naga", "Jl. Diponegoro"]);
    assert_eq!(
        letter.outcome,
        ReplyOutcome::Scheduled {
            schedule: Window {
                start: at("2026-12-01T08:00"),
                end: at("2026-12-01T12:00"),
            },
            trial_ok: true,
            trial_note: Some("Semua kamera tampil".into()),
        }
    );
}

#[test]
fn a_reschedule_moves_the_reply_letters_time_and_date() {
    let mut life = Life::registered();
    life.until(StepId::S7);
    let window = Window {
        start: at("2026-12-03T09:00"),
        end: at("2026-12-03T11:00"),
    };
    let card = life.id;
    life.at("2026-11-29T08:00").send(
        Role::SubkorIle,
        Mutation::Reschedule {
            card,
            step: StepId::S7,
            window,
            reason: text("Perbaikan kabel fiber"),
        },
    );
    let letter = life.reply().unwrap();
    assert_eq!(letter.dated, at("2026-11-29T08:00"));
    assert!(
        matches!(letter.outcome, ReplyOutcome::Scheduled { schedule, .. } if schedule == window)
    );
}

#[test]
fn a_returned_request_gets_a_reply_letter_with_the_reason() {
    let mut life = Life::registered();
    life.until(StepId::S5);
    life.at("2026-11-28T11:00")
        .complete_with(StepOutput::Review(Review::No {
            reason: text("Lampiran denah lokasi belum ada"),
        }));
    let letter = life.reply().unwrap();
    assert_eq!(letter.dated, at("2026-11-28T11:00"));
    assert_eq!(
        letter.outcome,
        ReplyOutcome::Returned {
            reason: "Lampiran denah lokasi belum ada".into()
        }
    );
    assert_eq!(life.report(), Err(NotYet::NotMonitoredYet));
}

#[test]
fn a_failed_request_gets_a_reply_letter_with_the_reason() {
    let mut life = Life::registered();
    life.until(StepId::S5a);
    let card = life.id;
    life.at("2026-11-28T12:30").send(
        Role::SubkorIle,
        Mutation::Fail {
            card,
            step: StepId::S5a,
            reason: text("Jaringan internet ke kamera terputus"),
        },
    );
    let letter = life.reply().unwrap();
    assert_eq!(letter.dated, at("2026-11-28T12:30"));
    assert_eq!(
        letter.outcome,
        ReplyOutcome::Failed {
            reason: "Jaringan internet ke kamera terputus".into()
        }
    );
}

#[test]
fn monitoring_report_gathers_the_check_the_trial_the_schedule_and_who_signed() {
    let mut life = Life::registered();
    life.until(StepId::S5a);
    let live = LiveCheck {
        at: at("2026-11-28T10:30"),
        cameras: vec![LiveCamera {
            camera: text("Jl. Diponegoro"),
            status: CameraStatus::Offline,
            since: None,
            last_frame_at: None,
            latency_ms: None,
            simulated: false,
            registered: true,
        }],
        network: Vec::new(),
    };
    life.at("2026-11-28T10:40")
        .complete_with(StepOutput::CheckReport(CheckReport {
            network: Health::Ok,
            cameras: vec![
                CameraCheck {
                    camera: text("Simpang Tugu Naga"),
                    status: Health::Ok,
                    note: None,
                },
                CameraCheck {
                    camera: text("Jl. Diponegoro"),
                    status: Health::Degraded,
                    note: Some(text("Gambar buram")),
                },
            ],
            note: Some(text("Diperiksa dari TCM Room")),
            live: Some(live),
            faults_confirmed: false,
        }));
    life.at("2026-11-28T13:00").done();
    assert_eq!(life.report(), Err(NotYet::NotMonitoredYet));
    life.at("2026-12-01T12:10")
        .complete_with(StepOutput::MonitoringReport {
            summary: text("Arus lalu lintas lancar, tidak ada kejadian"),
            note: Some(text("Rekaman disimpan 7 hari")),
        });
    let report = life.report().unwrap();
    assert_eq!(
        report.summary,
        "Arus lalu lintas lancar, tidak ada kejadian"
    );
    assert_eq!(report.note.as_deref(), Some("Rekaman disimpan 7 hari"));
    assert_eq!(report.network, Some(Health::Ok));
    assert_eq!(
        report.check_note.as_deref(),
        Some("Diperiksa dari TCM Room")
    );
    assert_eq!(report.live_at, Some(at("2026-11-28T10:30")));
    assert_eq!(
        report.cameras,
        [
            CameraLine {
                camera: "Simpang Tugu Naga".into(),
                checked: Some(Health::Ok),
                note: None,
                live: None,
            },
            CameraLine {
                camera: "Jl. Diponegoro".into(),
                checked: Some(Health::Degraded),
                note: Some("Gambar buram".into()),
                live: Some(CameraStatus::Offline),
            },
        ]
    );
    assert!(report.trial.as_ref().is_some_and(|t| t.ok));
    assert_eq!(report.operator.role, Role::OperatorTcmr);
    assert_eq!(report.operator.name, "OperatorTcmr");
    assert_eq!(report.operator.at, at("2026-12-01T12:10"));
    let ack = report.acknowledged_by.unwrap();
    assert_eq!(
        (ack.role, ack.at),
        (Role::SubkorIle, at("2026-11-28T13:00"))
    );
    assert!(report.reschedules.is_empty());
}

#[test]
fn signatures_carry_full_names_where_they_are_known() {
    let mut life = Life::registered();
    life.until(StepId::S7);
    life.done();
    let record = RequestRecord::new(
        Letterhead::default(),
        life.card().clone(),
        life.events.clone(),
        Vec::new(),
        "admin".into(),
        life.client.now,
    )
    .with_full_names(|user| (user == "OperatorTcmr").then(|| "Andi Pratama".to_owned()));
    let report = record.monitoring_report.unwrap();
    assert_eq!(report.operator.name, "Andi Pratama");
    assert_eq!(
        report.acknowledged_by.unwrap().name,
        "SubkorIle",
        "unknown: kept"
    );
}

#[test]
fn the_whole_record_holds_the_log_the_times_and_both_documents() {
    let mut life = Life::registered();
    life.until(StepId::S7);
    life.done();
    let card = life.card().clone();
    let times = crate::domain::SlaConfig::default().time_in_steps(&card, life.client.now);
    let record = RequestRecord::new(
        Letterhead::default(),
        card.clone(),
        life.events.clone(),
        times.clone(),
        "admin".into(),
        life.client.now,
    );
    assert_eq!(record.format, RECORD_FORMAT);
    assert_eq!(record.events.len(), life.events.len());
    assert_eq!(record.time_in_steps, times);
    assert!(record.reply_letter.is_some());
    assert!(record.monitoring_report.is_some());
    // The file reads back as it was written.
    let json = serde_json::to_string(&record).unwrap();
    let back: RequestRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, record);
    assert_eq!(back.card, card);
}
