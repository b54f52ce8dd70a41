//! Demo data: realistic requests of Singkawang's agencies, and valid outputs for every step.
//! Used by the demo mode of the run command, the benchmarks and the tests.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::camera::Health;
use super::flow::{
    CameraCheck, Card, CardId, CheckReport, Disposition, Mutation, Review, StepOutput, TrialResult,
};
use super::request::{Bounded, Field, RequestInput, wib};
use super::sla::SlaConfig;
use super::sop::{Role, StepId};

/// Text for demo values; panics on text the domain would refuse (a bug in this file).
pub fn text<const N: usize, const L: bool>(s: &str) -> Bounded<N, L> {
    Bounded::parse(Field::Note, s).expect("demo text is valid")
}

/// A valid output for `step` of `card`: what its performer would record on an ordinary day.
pub fn sample_output(step: StepId, card: &Card) -> StepOutput {
    match step {
        StepId::S1 => StepOutput::Submitted,
        StepId::S2 => StepOutput::Received {
            agenda_number: Some(text("AG-17")),
            note: None,
        },
        StepId::S3 => StepOutput::Disposition(Disposition {
            to: Role::KabidAptika,
            instruction: text("Tindak lanjuti di TCM Room"),
            note: None,
        }),
        StepId::S4 => StepOutput::Disposition(Disposition {
            to: Role::SubkorIle,
            instruction: text("Proses permohonan"),
            note: None,
        }),
        StepId::S5 => StepOutput::Review(Review::Yes {
            instruction: text("Tim TCMR cek jaringan dan CCTV"),
        }),
        StepId::S5a => StepOutput::CheckReport(CheckReport {
            network: Health::Ok,
            cameras: card
                .request
                .cameras
                .iter()
                .map(|c| CameraCheck {
                    camera: c.clone(),
                    status: Health::Ok,
                    note: None,
                })
                .collect(),
            note: None,
            live: None,
            faults_confirmed: false,
        }),
        StepId::S6 => StepOutput::ScheduleConfirmed {
            schedule: card
                .request
                .window
                .expect("a card past step 5 has a window"),
            trial: TrialResult {
                ok: true,
                note: Some(text("Semua kamera tampil")),
            },
            over_standard: Some(text("Kegiatan pemohon berlangsung empat jam")),
        },
        StepId::S7 => StepOutput::MonitoringReport {
            summary: text("Monitoring berjalan lancar"),
            note: None,
        },
    }
}

/// A complete request from an agency, dated relative to `now`: the letter yesterday, the monitoring
/// `days_ahead` days from now, 08:00–12:00 WIB.
pub fn sample_request(n: usize, now: DateTime<Utc>, days_ahead: i64) -> RequestInput {
    const AGENCIES: [(&str, &str, &str); 6] = [
        (
            "Dinas Perhubungan",
            "Budi Santoso",
            "Monitoring arus lalu lintas perayaan Cap Go Meh",
        ),
        (
            "Forum Lalu Lintas Kota Singkawang",
            "Siti Rahmawati",
            "Pemantauan kepadatan saat libur sekolah",
        ),
        (
            "Satpol PP",
            "Andreas Wijaya",
            "Pengamanan pasar malam Jalan Niaga",
        ),
        (
            "BPBD Kota Singkawang",
            "Nur Aisyah",
            "Pemantauan genangan saat hujan lebat",
        ),
        (
            "Dinas Pariwisata",
            "Hendra Lim",
            "Pemantauan keramaian Pantai Pasir Panjang",
        ),
        (
            "Polres Singkawang",
            "Agus Salim",
            "Pengamanan kegiatan Festival Tatung",
        ),
    ];
    const CAMERAS: [&str; 6] = [
        "Simpang Tugu Naga",
        "Jl. Diponegoro",
        "Jl. Niaga",
        "Pasar Hongkong",
        "Bundaran Tugu Bambu",
        "Jl. GM Situt",
    ];
    let (agency, contact, subject) = AGENCIES[n % AGENCIES.len()];
    let local = now.with_timezone(&wib());
    let day = (local + Duration::days(days_ahead)).format("%Y-%m-%d");
    RequestInput {
        letter_number: format!("000.8.3.3/{}/{}", 100 + n, local.format("%Y")),
        letter_date: (local - Duration::days(1)).format("%Y-%m-%d").to_string(),
        agency: agency.into(),
        contact_name: contact.into(),
        contact_phone: format!("0812-5670-{:04}", 1000 + n % 9000),
        contact_email: String::new(),
        subject: subject.into(),
        purpose: format!("{subject}: pemantauan real-time oleh petugas {agency}"),
        cameras: vec![
            CAMERAS[n % CAMERAS.len()].into(),
            CAMERAS[(n + 2) % CAMERAS.len()].into(),
        ],
        window_start: format!("{day}T08:00"),
        window_end: format!("{day}T12:00"),
        documents: vec![],
    }
}

/// The id of the demo card `n`: fixed, so seeding twice adds nothing.
pub fn demo_card_id(n: usize) -> CardId {
    CardId(Uuid::from_u128(
        0xDE40_0000_0000_0000_0000_0000_0000_0000 + n as u128,
    ))
}

/// A small deterministic generator (SplitMix64): the demo is the same on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `[0, n)`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A share of a standard time: mostly well inside it, one time in six over it.
    fn share(&mut self) -> f64 {
        if self.below(6) == 0 {
            1.1 + self.below(150) as f64 / 100.0
        } else {
            0.15 + self.below(80) as f64 / 100.0
        }
    }
}

/// How a demo request went.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Course {
    Finished,
    /// Step 5's "no": returned to the applicant.
    Returned,
    /// A camera down at 5a; Subkor ILE fails it at step 6.
    FailedAfterFault,
    /// Still open at this step, this share of its standard in.
    Open(StepId, f64),
    /// Step 5a found a camera down; waiting for Subkor ILE's decision at step 6.
    OpenWithFault,
    /// Waiting for the applicant at step 3.
    OpenWaiting,
}

/// The open requests of the demo: a few in each step, at different ages (under the standard,
/// near it, over it), one marked with a camera down, one waiting for the applicant.
const OPEN: [Course; 16] = [
    Course::Open(StepId::S1, 0.4),
    Course::Open(StepId::S2, 0.5),
    Course::Open(StepId::S2, 1.6),
    Course::Open(StepId::S3, 0.3),
    Course::Open(StepId::S3, 0.9),
    Course::OpenWaiting,
    Course::Open(StepId::S4, 0.6),
    Course::Open(StepId::S4, 2.2),
    Course::Open(StepId::S5, 0.85),
    Course::Open(StepId::S5a, 0.3),
    Course::Open(StepId::S5a, 1.3),
    Course::Open(StepId::S6, 0.5),
    Course::OpenWithFault,
    Course::Open(StepId::S6, 0.95),
    // Step 7: one scheduled for tomorrow, one under way.
    Course::Open(StepId::S7, -1.0),
    Course::Open(StepId::S7, 0.5),
];

/// How many finished (or returned, or failed) requests the past weeks hold.
const PAST: usize = 54;
/// Over how many days before now they were registered.
const PAST_DAYS: i64 = 42;

/// A mutation of the demo, with the instant it happens and who does it.
#[derive(Clone, Debug)]
pub struct Seeded {
    pub at: DateTime<Utc>,
    pub role: Role,
    pub mutation: Mutation,
}

/// The demo: six weeks of requests of Singkawang's agencies at the office's hours, most on time,
/// some late, some returned or failed, and a few waiting in every step at different ages, all in
/// the order they happened. Every mutation is one the domain accepts at its instant.
pub fn history(now: DateTime<Utc>, sla: &SlaConfig) -> Vec<Seeded> {
    let mut all = Vec::new();
    let mut dice = Dice(0x5EED_CAFE);
    for n in 0..PAST {
        let course = match dice.below(12) {
            0 | 1 => Course::Returned,
            2 => Course::FailedAfterFault,
            _ => Course::Finished,
        };
        // Registered on a working day of the past weeks, during office hours.
        let day = now - Duration::days(PAST_DAYS - (n as i64 * (PAST_DAYS - 10)) / PAST as i64);
        let created = sla
            .office
            .after_working(
                sla.office.before_working(day, 1),
                dice.below(7 * 3600) as i64,
            )
            .min(now);
        let shares = shares(&mut dice);
        all.extend(card_story(n, created, course, &shares, now, sla, &mut dice));
    }
    for (k, course) in OPEN.into_iter().enumerate() {
        let n = PAST + k;
        let mut dice = Dice(n as u64);
        let shares = shares(&mut dice);
        let created = open_since(course, &shares, now, sla);
        all.extend(card_story(n, created, course, &shares, now, sla, &mut dice));
    }
    all.sort_by_key(|s| s.at);
    all
}

/// How much of each step's standard a request takes, in SOP order.
fn shares(dice: &mut Dice) -> [f64; 8] {
    std::array::from_fn(|_| dice.share())
}

/// The step an open course stops at, and the share of that step's standard it has used.
fn stops_at(course: Course) -> Option<(StepId, f64)> {
    match course {
        Course::Open(step, share) => Some((step, share)),
        Course::OpenWithFault => Some((StepId::S6, 0.4)),
        Course::OpenWaiting => Some((StepId::S3, 0.5)),
        _ => None,
    }
}

/// When an open card was registered so that it stands where its course says now: each earlier
/// step's time counted back from now, on its calendar.
fn open_since(
    course: Course,
    shares: &[f64; 8],
    now: DateTime<Utc>,
    sla: &SlaConfig,
) -> DateTime<Utc> {
    let Some((stop, share)) = stops_at(course) else {
        return now;
    };
    let first = if stop == StepId::S1 {
        StepId::S1
    } else {
        StepId::S2
    };
    let mut t = if stop == StepId::S7 {
        // Step 7 waits for its schedule; the card reached it a few hours ago.
        now - Duration::hours(3)
    } else {
        let age = (stop.def().standard_seconds() as f64 * share) as i64;
        sla.before(sla.calendar(stop), now, age)
    };
    for step in StepId::ALL
        .into_iter()
        .rev()
        .filter(|s| *s >= first && *s < stop)
    {
        let d = (step.def().standard_seconds() as f64 * shares[step as usize]) as i64;
        t = sla.before(sla.calendar(step), t, d);
    }
    t
}

/// One request's mutations from its registration, along its course, up to `now`.
fn card_story(
    n: usize,
    created: DateTime<Utc>,
    course: Course,
    shares: &[f64; 8],
    now: DateTime<Utc>,
    sla: &SlaConfig,
    dice: &mut Dice,
) -> Vec<Seeded> {
    let id = demo_card_id(n);
    let stop = stops_at(course);
    let by_applicant = matches!(stop, Some((StepId::S1, _)));
    let mut board = crate::domain::Board::new();
    let mut story: Vec<Seeded> = Vec::new();
    let mut t = created;
    let mut act =
        |board: &mut crate::domain::Board, at: DateTime<Utc>, role: Role, mutation: Mutation| {
            let envelope = crate::domain::Envelope {
                id: crate::domain::MutationId(Uuid::from_u128(
                    0xDE41_0000_0000_0000_0000_0000_0000_0000
                        + (n as u128) * 1000
                        + story.len() as u128,
                )),
                actor: text(&format!("demo-{role:?}")),
                role,
                device: text("demo"),
                client_time: at,
                override_reason: None,
                mutation: mutation.clone(),
            };
            board
                .execute(&envelope, at)
                .unwrap_or_else(|r| panic!("demo card {n} at {at}: {r:?}"));
            story.push(Seeded { at, role, mutation });
        };
    let request = sample_request(n, created, 7 + (n % 5) as i64);
    let creator = if by_applicant {
        Role::Pemohon
    } else {
        Role::Tu
    };
    act(
        &mut board,
        t,
        creator,
        Mutation::CreateRequest { card: id, request },
    );
    loop {
        let card = board.card(id).expect("the demo card").clone();
        let Some(step) = card.current_step() else {
            break;
        };
        if let Some((stop_step, _)) = stop
            && stop_step == step
        {
            if course == Course::OpenWaiting {
                let at = sla.after(sla.calendar(step), t, 20 * 60).min(now);
                act(
                    &mut board,
                    at,
                    step.def().performer,
                    Mutation::SetWaiting {
                        card: id,
                        step,
                        waiting: true,
                        note: Some(text("Menunggu denah titik kamera dari pemohon")),
                    },
                );
            }
            break;
        }
        let calendar = sla.calendar(step);
        let mut share = shares[step as usize];
        // Step 5 sometimes waits for the applicant first: that time does not count.
        if step == StepId::S5 && stop.is_none() && dice.below(5) == 0 {
            let asked = sla.after(calendar, t, 10 * 60);
            let answered = sla.after(calendar, asked, 3 * 3600);
            if answered > now {
                break; // an open card at step 5; it waits as it is
            }
            act(
                &mut board,
                asked,
                Role::SubkorIle,
                Mutation::SetWaiting {
                    card: id,
                    step,
                    waiting: true,
                    note: Some(text("Menunggu konfirmasi lokasi dari pemohon")),
                },
            );
            act(
                &mut board,
                answered,
                Role::SubkorIle,
                Mutation::SetWaiting {
                    card: id,
                    step,
                    waiting: false,
                    note: None,
                },
            );
            t = answered;
            share = share.min(0.6);
        }
        let mut done = sla.after(
            calendar,
            t,
            (step.def().standard_seconds() as f64 * share) as i64,
        );
        let (role, mutation) = match (step, course) {
            (StepId::S5, Course::Returned) => (
                Role::SubkorIle,
                Mutation::CompleteStep {
                    card: id,
                    step,
                    output: StepOutput::Review(Review::No {
                        reason: text("Titik kamera yang diminta belum tercantum dalam surat"),
                    }),
                },
            ),
            (StepId::S5a, Course::FailedAfterFault | Course::OpenWithFault) => {
                let mut report = match sample_output(step, &card) {
                    StepOutput::CheckReport(report) => report,
                    _ => unreachable!("5a's output is a check report"),
                };
                report.cameras[0].status = Health::Down;
                report.cameras[0].note = Some(text("Tidak ada gambar; catu daya tiang padam"));
                report.faults_confirmed = true;
                (
                    Role::OperatorTcmr,
                    Mutation::CompleteStep {
                        card: id,
                        step,
                        output: StepOutput::CheckReport(report),
                    },
                )
            }
            (StepId::S6, Course::FailedAfterFault) => (
                Role::SubkorIle,
                Mutation::Fail {
                    card: id,
                    step,
                    reason: text(
                        "Kamera rusak, perbaikan lebih dari seminggu; pemohon diberi tahu",
                    ),
                },
            ),
            (StepId::S6, _) => {
                // The monitoring, confirmed for a working morning after the confirmation.
                let day = sla.office.after_working(done + Duration::hours(12), 1);
                let start = (day.with_timezone(&wib()).date_naive())
                    .and_hms_opt(8, 0, 0)
                    .expect("08:00")
                    .and_local_timezone(wib())
                    .single()
                    .expect("WIB has no gaps")
                    .with_timezone(&Utc)
                    .max(done);
                let long = n.is_multiple_of(3);
                let end = start + Duration::hours(if long { 4 } else { 2 });
                let schedule = crate::domain::Window { start, end };
                (
                    Role::SubkorIle,
                    Mutation::CompleteStep {
                        card: id,
                        step,
                        output: StepOutput::ScheduleConfirmed {
                            schedule,
                            trial: TrialResult {
                                ok: true,
                                note: Some(text("Semua kamera tampil saat uji coba")),
                            },
                            over_standard: long
                                .then(|| text("Kegiatan pemohon berlangsung empat jam")),
                        },
                    },
                )
            }
            (StepId::S7, _) => {
                let schedule = card.schedule.expect("step 7 has a schedule");
                // The report when the session ends; one in six an hour or more after it.
                done = if dice.below(6) == 0 {
                    schedule.end + Duration::minutes(60 + dice.below(180) as i64)
                } else {
                    schedule.end - Duration::minutes(dice.below(20) as i64)
                };
                (
                    Role::OperatorTcmr,
                    Mutation::CompleteStep {
                        card: id,
                        step,
                        output: sample_output(step, &card),
                    },
                )
            }
            _ => (
                step.def().performer,
                Mutation::CompleteStep {
                    card: id,
                    step,
                    output: sample_output(step, &card),
                },
            ),
        };
        if done > now {
            break; // not yet: the card waits here
        }
        act(&mut board, done, role, mutation);
        t = done;
    }
    // Open step 7 cards: one scheduled for tomorrow morning, one under way now (moved by
    // rescheduling: the confirmed window follows what was agreed).
    if let Some((StepId::S7, share)) = stop {
        let start = if share < 0.0 {
            now + Duration::hours(20)
        } else {
            now - Duration::minutes(50)
        };
        let window = crate::domain::Window {
            start,
            end: start + Duration::hours(2),
        };
        if board.card(id).and_then(|c| c.current_step()) == Some(StepId::S7) && start >= t {
            act(
                &mut board,
                t.max(now - Duration::hours(1)).min(start),
                Role::SubkorIle,
                Mutation::Reschedule {
                    card: id,
                    step: StepId::S7,
                    window,
                    reason: text("Jadwal disepakati ulang dengan pemohon"),
                },
            );
        }
    }
    story
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::flow::{Board, Envelope, MutationId, Stage};
    use crate::domain::sla::SlaState;
    use crate::domain::sop::EndState;

    fn demo_board(now: DateTime<Utc>) -> Board {
        let sla = SlaConfig::default();
        let mut board = Board::new();
        for (k, s) in history(now, &sla).into_iter().enumerate() {
            assert!(s.at <= now, "nothing happens in the future: {s:?}");
            let envelope = Envelope {
                id: MutationId(Uuid::from_u128(k as u128 + 1)),
                actor: text("demo"),
                role: s.role,
                device: text("demo"),
                client_time: s.at,
                override_reason: None,
                mutation: s.mutation,
            };
            board.execute(&envelope, s.at).unwrap();
        }
        board
    }

    #[test]
    fn the_demo_has_cards_in_every_column_every_end_state_and_every_clock_state() {
        for now in ["2026-12-01T10:00", "2026-12-05T22:00", "2026-12-07T08:10"] {
            let now = crate::domain::request::tests::at(now);
            let board = demo_board(now);
            let stages: Vec<Stage> = board.cards.values().map(|c| c.stage).collect();
            for step in StepId::ALL {
                assert!(
                    stages.contains(&Stage::Step(step)),
                    "a demo card at step {step} at {now}"
                );
            }
            for end in EndState::ALL {
                assert!(stages.contains(&Stage::Ended(end)), "a demo card {end:?}");
            }
            assert!(
                board.cards.values().any(|c| c.fault.is_some()),
                "a card marked with a fault"
            );
            let sla = SlaConfig::default();
            let states: Vec<SlaState> = board
                .cards
                .values()
                .filter_map(|c| sla.status(c, now))
                .map(|s| s.state)
                .collect();
            assert!(states.contains(&SlaState::Breached), "{now}: {states:?}");
            assert!(states.contains(&SlaState::Scheduled), "{now}: {states:?}");
            if sla.office.is_working(now) {
                assert!(states.contains(&SlaState::OnTime), "{now}: {states:?}");
                assert!(states.contains(&SlaState::Warning), "{now}: {states:?}");
            }
        }
    }

    #[test]
    fn the_demos_past_weeks_give_the_reports_something_to_measure() {
        let now = crate::domain::request::tests::at("2026-12-01T10:00");
        let board = demo_board(now);
        let sla = SlaConfig::default();
        let ended = board
            .cards
            .values()
            .filter(|c| c.current_step().is_none())
            .count();
        assert!(ended >= 40, "{ended} ended");
        let mut late = 0;
        let mut on_time = 0;
        for card in board.cards.values() {
            for t in sla.time_in_steps(card, now) {
                if t.elapsed > t.standard {
                    late += 1;
                } else if t.elapsed > 0 {
                    on_time += 1;
                }
            }
        }
        assert!(
            late > 10 && on_time > late * 3,
            "late {late}, on time {on_time}"
        );
        let months: std::collections::BTreeSet<u32> = board
            .cards
            .values()
            .map(|c| chrono::Datelike::month(&c.created_at.with_timezone(&wib())))
            .collect();
        assert!(months.len() >= 2, "more than one month: {months:?}");
    }
}
