//! What completing a step produces (the SOP's "Output" column) and what goes into it.

use serde::{Deserialize, Serialize};

use crate::domain::camera::{Health, LiveCheck};
use crate::domain::request::{Bounded, CameraRef, LongText, Window};
use crate::domain::sop::{Role, StepId};
use crate::i18n::Text;

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

    pub(super) fn fits(&self, step: StepId) -> bool {
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
