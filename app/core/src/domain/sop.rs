//! The SOP as data: its steps, performers, required inputs, standard times, outputs and the allowed
//! next steps. Everything else (board columns, the SLA clock, reports) reads this one definition.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::i18n::Text;

/// A step of the flow, in SOP order. `S5a` is the TCMR team's network and CCTV check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StepId {
    #[serde(rename = "1")]
    S1,
    #[serde(rename = "2")]
    S2,
    #[serde(rename = "3")]
    S3,
    #[serde(rename = "4")]
    S4,
    #[serde(rename = "5")]
    S5,
    #[serde(rename = "5a")]
    S5a,
    #[serde(rename = "6")]
    S6,
    #[serde(rename = "7")]
    S7,
}

impl StepId {
    pub const ALL: [StepId; 8] = [
        StepId::S1,
        StepId::S2,
        StepId::S3,
        StepId::S4,
        StepId::S5,
        StepId::S5a,
        StepId::S6,
        StepId::S7,
    ];

    /// The step number as the SOP writes it: "1" … "5", "5a", "6", "7".
    pub fn code(self) -> &'static str {
        match self {
            StepId::S1 => "1",
            StepId::S2 => "2",
            StepId::S3 => "3",
            StepId::S4 => "4",
            StepId::S5 => "5",
            StepId::S5a => "5a",
            StepId::S6 => "6",
            StepId::S7 => "7",
        }
    }

    /// This step's definition.
    pub fn def(self) -> &'static StepDef {
        // FLOW is in the same order as ALL; the test `flow_is_in_sop_order` holds them together.
        &FLOW[self as usize]
    }
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for StepId {
    type Err = UnknownStep;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StepId::ALL
            .into_iter()
            .find(|step| step.code().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownStep(s.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("langkah SOP tidak dikenal / unknown SOP step: {0:?}")]
pub struct UnknownStep(pub String);

/// Who does what. The SOP's "Pelaksana" column, plus Admin for corrections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    /// OPD or Forum Lalu Lintas: the applicant.
    Pemohon,
    /// Tata Usaha: receives and registers letters.
    Tu,
    KepalaDinas,
    KabidAptika,
    SubkorIle,
    /// Staff / operator of the TCM Room.
    OperatorTcmr,
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Pemohon,
        Role::Tu,
        Role::KepalaDinas,
        Role::KabidAptika,
        Role::SubkorIle,
        Role::OperatorTcmr,
        Role::Admin,
    ];

    pub fn label(self) -> Text {
        match self {
            Role::Pemohon => Text::new(
                "Pemohon (OPD / Forum Lalu Lintas)",
                "Applicant (OPD / Traffic Forum)",
            ),
            Role::Tu => Text::new("TU", "Administration (TU)"),
            Role::KepalaDinas => Text::new("Kepala Dinas", "Head of Agency"),
            Role::KabidAptika => Text::new("Kabid Aptika", "Head of Apps & Informatics"),
            Role::SubkorIle => Text::new("Subkor ILE", "Subkor ILE"),
            Role::OperatorTcmr => Text::new("Operator TCMR", "TCMR Operator"),
            Role::Admin => Text::new("Admin", "Admin"),
        }
    }

    /// The role in a few words, for a screen read from across the room.
    pub fn short_label(self) -> Text {
        match self {
            Role::Pemohon => Text::new("Pemohon", "Applicant"),
            Role::Tu => Text::new("TU", "TU"),
            Role::KepalaDinas => Text::new("Kepala Dinas", "Head of Agency"),
            Role::KabidAptika => Text::new("Kabid Aptika", "Kabid Aptika"),
            other => other.label(),
        }
    }
}

/// Where a request ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum EndState {
    /// Monitoring carried out and reported.
    Selesai,
    /// The "no" at step 5: request data incomplete or inappropriate; returned with the reason.
    Dikembalikan,
    /// Network or camera fault that cannot be fixed in time (the SOP's Warning); ended with the reason.
    Gagal,
}

impl EndState {
    pub const ALL: [EndState; 3] = [EndState::Selesai, EndState::Dikembalikan, EndState::Gagal];

    pub fn label(self) -> Text {
        match self {
            EndState::Selesai => Text::new("Selesai", "Done"),
            EndState::Dikembalikan => Text::new("Dikembalikan", "Returned"),
            EndState::Gagal => Text::new("Gagal", "Failed"),
        }
    }
}

/// Where a step may lead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Step(StepId),
    End(EndState),
}

/// One row of the SOP's flow table.
#[derive(Debug, PartialEq, Eq)]
pub struct StepDef {
    pub id: StepId,
    /// Short name, for column headers.
    pub name: Text,
    /// The SOP's activity, in full.
    pub activity: Text,
    /// The role that completes the step.
    pub performer: Role,
    /// Another role that takes part (step 7: the applicant, accompanied by the operator).
    pub with: Option<Role>,
    /// "Kelengkapan": what must be at hand. `None` where the SOP leaves it blank.
    pub inputs: Option<Text>,
    /// "Waktu": the standard time.
    pub standard_minutes: u32,
    /// "Output": the document the step produces.
    pub output: Text,
    /// The allowed next steps and end states, the normal one first.
    pub next: &'static [Target],
}

impl StepDef {
    pub fn standard_seconds(&self) -> i64 {
        i64::from(self.standard_minutes) * 60
    }
}

const LETTER_AND_DISPOSITION: Text = Text::new(
    "Surat permohonan + Disposisi",
    "Request letter + disposition",
);
const REQUEST_LETTER: Text = Text::new("Surat permohonan dari OPD", "Request letter from the OPD");
const DISPOSITION: Text = Text::new("Disposisi", "Disposition");

/// The flow, in SOP order (1, 2, 3, 4, 5, 5a, 6, 7).
pub static FLOW: [StepDef; 8] = [
    StepDef {
        id: StepId::S1,
        name: Text::new("Pengajuan permohonan", "Request submitted"),
        activity: Text::new(
            "Pimpinan OPD / Forum Lalu Lintas mengajukan surat permohonan kepada Kepala Dinas Kominfo melalui Srikandi",
            "The head of an OPD or the traffic forum submits a request letter to the Head of Diskominfo through Srikandi",
        ),
        performer: Role::Pemohon,
        with: None,
        inputs: Some(REQUEST_LETTER),
        standard_minutes: 5,
        output: REQUEST_LETTER,
        next: &[Target::Step(StepId::S2)],
    },
    StepDef {
        id: StepId::S2,
        name: Text::new("Penerimaan oleh TU", "Received by TU"),
        activity: Text::new(
            "TU menerima permohonan CCTV Monitoring dari OPD / Forum Lalu Lintas",
            "TU receives the CCTV Monitoring request from the OPD / traffic forum",
        ),
        performer: Role::Tu,
        with: None,
        inputs: Some(LETTER_AND_DISPOSITION),
        standard_minutes: 5,
        output: REQUEST_LETTER,
        next: &[Target::Step(StepId::S3)],
    },
    StepDef {
        id: StepId::S3,
        name: Text::new("Disposisi Kepala Dinas", "Head of Agency's disposition"),
        activity: Text::new(
            "Kepala Dinas memberikan disposisi kepada Kabid Aptika untuk menindaklanjuti permohonan di TCM Room",
            "The Head of Agency instructs Kabid Aptika to follow up the request in the TCM Room",
        ),
        performer: Role::KepalaDinas,
        with: None,
        inputs: Some(LETTER_AND_DISPOSITION),
        standard_minutes: 30,
        output: DISPOSITION,
        next: &[Target::Step(StepId::S4)],
    },
    StepDef {
        id: StepId::S4,
        name: Text::new("Disposisi Kabid Aptika", "Kabid Aptika's disposition"),
        activity: Text::new(
            "Kabid Aptika mendisposisikan kepada Subkor ILE untuk memproses permohonan",
            "Kabid Aptika instructs Subkor ILE to process the request",
        ),
        performer: Role::KabidAptika,
        with: None,
        inputs: Some(LETTER_AND_DISPOSITION),
        standard_minutes: 30,
        output: DISPOSITION,
        next: &[Target::Step(StepId::S5)],
    },
    StepDef {
        id: StepId::S5,
        name: Text::new("Pemeriksaan Subkor ILE", "Subkor ILE's review"),
        activity: Text::new(
            "Subkor ILE memeriksa surat permohonan (ya / tidak) dan mengarahkan tim TCMR mengecek jaringan dan CCTV",
            "Subkor ILE checks the request letter (yes / no) and directs the TCMR team to check the network and CCTV",
        ),
        performer: Role::SubkorIle,
        with: None,
        inputs: Some(Text::new("Ya / Tidak", "Yes / No")),
        standard_minutes: 30,
        output: DISPOSITION,
        next: &[
            Target::Step(StepId::S5a),
            Target::End(EndState::Dikembalikan),
        ],
    },
    StepDef {
        id: StepId::S5a,
        name: Text::new("Cek jaringan & CCTV", "Network & CCTV check"),
        activity: Text::new(
            "Tim TCMR mengecek jaringan internet dan kondisi perangkat CCTV, lalu melapor kepada Subkor ILE",
            "The TCMR team checks the internet network and the CCTV devices, and reports to Subkor ILE",
        ),
        performer: Role::OperatorTcmr,
        with: None,
        inputs: None,
        standard_minutes: 120,
        output: Text::new("Laporan pengecekan", "Check report"),
        next: &[Target::Step(StepId::S6), Target::End(EndState::Gagal)],
    },
    StepDef {
        id: StepId::S6,
        name: Text::new("Konfirmasi jadwal", "Schedule confirmed"),
        activity: Text::new(
            "Subkor ILE mengonfirmasi waktu pelaksanaan CCTV Monitoring kepada pemohon",
            "Subkor ILE confirms the time of the monitoring to the applicant",
        ),
        performer: Role::SubkorIle,
        with: None,
        inputs: None,
        standard_minutes: 300,
        output: Text::new("Hasil uji coba CCTV", "CCTV trial result"),
        next: &[Target::Step(StepId::S7), Target::End(EndState::Gagal)],
    },
    StepDef {
        id: StepId::S7,
        name: Text::new("Pelaksanaan monitoring", "Monitoring carried out"),
        activity: Text::new(
            "Pelaksanaan monitoring CCTV didampingi operator TCM Room",
            "The monitoring is carried out, accompanied by a TCM Room operator",
        ),
        performer: Role::OperatorTcmr,
        with: Some(Role::Pemohon),
        inputs: None,
        standard_minutes: 120,
        output: Text::new("Laporan hasil pelaksanaan monitoring", "Monitoring report"),
        next: &[Target::End(EndState::Selesai), Target::End(EndState::Gagal)],
    },
];

/// The sum of every step's standard time, as the SOP adds it up (640 minutes).
pub fn total_standard_minutes() -> u32 {
    FLOW.iter().map(|s| s.standard_minutes).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_is_in_sop_order() {
        let codes: Vec<&str> = FLOW.iter().map(|s| s.id.code()).collect();
        assert_eq!(codes, ["1", "2", "3", "4", "5", "5a", "6", "7"]);
        for step in StepId::ALL {
            assert_eq!(step.def().id, step);
        }
    }

    #[test]
    fn standard_times_are_the_sops() {
        let minutes: Vec<u32> = FLOW.iter().map(|s| s.standard_minutes).collect();
        assert_eq!(minutes, [5, 5, 30, 30, 30, 120, 300, 120]);
        assert_eq!(total_standard_minutes(), 640);
        assert_eq!(StepId::S6.def().standard_seconds(), 18_000);
    }

    #[test]
    fn each_step_is_done_by_the_sops_performer() {
        let performers: Vec<Role> = FLOW.iter().map(|s| s.performer).collect();
        assert_eq!(
            performers,
            [
                Role::Pemohon,
                Role::Tu,
                Role::KepalaDinas,
                Role::KabidAptika,
                Role::SubkorIle,
                Role::OperatorTcmr,
                Role::SubkorIle,
                Role::OperatorTcmr,
            ]
        );
        assert_eq!(StepId::S7.def().with, Some(Role::Pemohon));
    }

    #[test]
    fn step_five_no_returns_the_request_and_the_check_can_fail() {
        assert!(
            StepId::S5
                .def()
                .next
                .contains(&Target::End(EndState::Dikembalikan))
        );
        assert!(
            StepId::S5a
                .def()
                .next
                .contains(&Target::End(EndState::Gagal))
        );
        // Only step 5 may return a request: it is the SOP's only decision.
        for step in FLOW.iter().filter(|s| s.id != StepId::S5) {
            assert!(
                !step.next.contains(&Target::End(EndState::Dikembalikan)),
                "step {}",
                step.id
            );
        }
    }

    #[test]
    fn every_step_leads_forward_and_the_flow_ends_done() {
        for step in &FLOW {
            assert!(!step.next.is_empty(), "step {} leads nowhere", step.id);
            for target in step.next {
                if let Target::Step(next) = target {
                    assert!(*next > step.id, "step {} goes back to {next}", step.id);
                }
            }
        }
        assert_eq!(StepId::S7.def().next[0], Target::End(EndState::Selesai));
    }

    #[test]
    fn step_codes_parse_back() {
        for step in StepId::ALL {
            assert_eq!(step.code().parse::<StepId>(), Ok(step));
        }
        assert_eq!("5A".parse::<StepId>(), Ok(StepId::S5a));
        assert!("8".parse::<StepId>().is_err());
    }

    #[test]
    fn step_ids_serialize_as_the_sop_writes_them() {
        assert_eq!(serde_json::to_string(&StepId::S5a).unwrap(), "\"5a\"");
        assert_eq!(serde_json::from_str::<StepId>("\"7\"").unwrap(), StepId::S7);
    }
}
