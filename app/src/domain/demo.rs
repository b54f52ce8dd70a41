//! Demo data: realistic requests of Singkawang's agencies, and valid outputs for every step.
//! Used by the demo mode of the run command, the benchmarks and the tests.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::flow::{
    CameraCheck, Card, CardId, CheckReport, Disposition, Health, Mutation, Review, StepOutput,
    TrialResult,
};
use super::request::{Bounded, Field, RequestInput, wib};
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

/// How far each demo card goes: the number of steps completed after TU registers it, or an ending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoPath {
    /// Submitted by the applicant in Pantau: waits at step 1.
    ByApplicant,
    Steps(usize),
    ReturnedAtStep5,
    FailedAtCheck,
}

/// The demo board: cards in every column and in every end state.
pub const DEMO_PATHS: [DemoPath; 13] = [
    DemoPath::ByApplicant,
    DemoPath::Steps(0),
    DemoPath::Steps(0),
    DemoPath::Steps(1),
    DemoPath::Steps(2),
    DemoPath::Steps(3),
    DemoPath::Steps(3),
    DemoPath::Steps(4),
    DemoPath::Steps(5),
    DemoPath::Steps(6),
    DemoPath::Steps(7),
    DemoPath::ReturnedAtStep5,
    DemoPath::FailedAtCheck,
];

impl DemoPath {
    /// Who creates the card: the applicant, or TU registering a letter from Srikandi.
    pub fn creator(self) -> Role {
        if self == DemoPath::ByApplicant {
            Role::Pemohon
        } else {
            Role::Tu
        }
    }
}

/// The mutation that takes `card` one step further along `path`, with the role that may do it;
/// `None` when the card has gone as far as the path says.
pub fn next_demo_move(card: &Card, path: DemoPath) -> Option<(Role, Mutation)> {
    let step = card.current_step()?;
    let done = card.visits.len().saturating_sub(2); // steps completed after registration at step 2
    let id = card.id;
    let complete = |output| {
        Some((
            step.def().performer,
            Mutation::CompleteStep {
                card: id,
                step,
                output,
            },
        ))
    };
    match path {
        DemoPath::Steps(n) if done < n => complete(sample_output(step, card)),
        DemoPath::ReturnedAtStep5 if step < StepId::S5 => complete(sample_output(step, card)),
        DemoPath::ReturnedAtStep5 => complete(StepOutput::Review(Review::No {
            reason: text("Lokasi kamera yang diminta tidak disebutkan dalam surat"),
        })),
        DemoPath::FailedAtCheck if step < StepId::S5a => complete(sample_output(step, card)),
        DemoPath::FailedAtCheck => Some((
            Role::SubkorIle,
            Mutation::Fail {
                card: id,
                step,
                reason: text("Jaringan ke lokasi kamera terputus, perbaikan lebih dari seminggu"),
            },
        )),
        DemoPath::Steps(_) | DemoPath::ByApplicant => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::flow::tests::Client;
    use crate::domain::flow::{Board, Stage};
    use crate::domain::sop::EndState;

    #[test]
    fn the_demo_board_has_cards_in_every_column_and_every_end_state() {
        let mut client = Client::new();
        let mut board = Board::new();
        for (n, path) in DEMO_PATHS.iter().enumerate() {
            let id = demo_card_id(n);
            let request = sample_request(n, client.now, 3 + n as i64);
            board
                .execute(
                    &client.envelope(
                        path.creator(),
                        Mutation::CreateRequest { card: id, request },
                    ),
                    client.now,
                )
                .unwrap();
            while let Some((role, mutation)) = next_demo_move(board.card(id).unwrap(), *path) {
                board
                    .execute(&client.envelope(role, mutation), client.now)
                    .unwrap();
            }
        }
        let stages: Vec<Stage> = board.cards.values().map(|c| c.stage).collect();
        for step in StepId::ALL {
            assert!(
                stages.contains(&Stage::Step(step)),
                "a demo card at step {step}"
            );
        }
        for end in EndState::ALL {
            assert!(stages.contains(&Stage::Ended(end)), "a demo card {end:?}");
        }
    }
}
