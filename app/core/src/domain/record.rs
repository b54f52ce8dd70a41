//! The records the SOP asks to keep, made from a card and its log: the reply letter (Surat Balasan)
//! to the applicant, the monitoring report of step 7, and the whole record of a request as one file.
//! The print pages and the export read these; nothing here is typed twice.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::camera::CameraStatus;
use super::camera::Health;
use super::flow::{Card, Change, Event, Review, Stage, StepOutput, TrialResult};
use super::request::Window;
use super::sla::StepTime;
use super::sop::{EndState, Role, StepId};
use crate::i18n::Text;

/// The agency's letterhead (kop surat) and who signs the reply letter: the server's `[agency]` settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letterhead {
    /// `PEMERINTAH KOTA SINGKAWANG`
    pub government: String,
    /// `DINAS KOMUNIKASI DAN INFORMATIKA`
    pub agency: String,
    /// Street, postal code; empty: not printed.
    pub address: String,
    /// Telephone, e-mail, web site; empty: not printed.
    pub contact: String,
    /// Where letters are dated: `Singkawang, 30 November 2026`.
    pub city: String,
    /// Where the monitoring takes place.
    pub place: String,
    /// Above the signature of the reply letter.
    pub signatory_title: String,
    /// Empty: a line to sign and write the name on.
    pub signatory_name: String,
    /// The signatory's NIP (civil servant number); empty: not printed.
    pub signatory_nip: String,
}

impl Default for Letterhead {
    fn default() -> Letterhead {
        Letterhead {
            government: "PEMERINTAH KOTA SINGKAWANG".into(),
            agency: "DINAS KOMUNIKASI DAN INFORMATIKA".into(),
            address: String::new(),
            contact: String::new(),
            city: "Singkawang".into(),
            place: "TCM Room, Dinas Komunikasi dan Informatika Kota Singkawang".into(),
            signatory_title: "Kepala Dinas Komunikasi dan Informatika Kota Singkawang".into(),
            signatory_name: String::new(),
            signatory_nip: String::new(),
        }
    }
}

/// Why a record cannot be made yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotYet {
    /// The reply letter needs the confirmed schedule (step 6), or the request returned or failed.
    NoReplyYet,
    /// The monitoring report needs step 7 done.
    NotMonitoredYet,
}

impl NotYet {
    pub fn text(self) -> Text {
        match self {
            NotYet::NoReplyYet => Text::new(
                "Surat balasan tersedia setelah jadwal dikonfirmasi (tahap 6), atau setelah permohonan dikembalikan atau gagal.",
                "The reply letter is ready once the schedule is confirmed (step 6), or once the request is returned or fails.",
            ),
            NotYet::NotMonitoredYet => Text::new(
                "Laporan hasil monitoring tersedia setelah monitoring (tahap 7) selesai.",
                "The monitoring report is ready once the monitoring (step 7) is done.",
            ),
        }
    }
}

/// The applicant's letter the reply answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TheirLetter {
    pub number: String,
    pub date: NaiveDate,
    pub agency: String,
    pub subject: String,
    pub contact: Option<String>,
    pub purpose: Option<String>,
    pub cameras: Vec<String>,
}

impl TheirLetter {
    fn of(card: &Card) -> TheirLetter {
        let r = &card.request;
        let contact = match (&r.contact_name, &r.contact_phone) {
            (Some(name), Some(phone)) => Some(format!("{name} ({})", phone.national())),
            (Some(name), None) => Some(name.to_string()),
            (None, Some(phone)) => Some(phone.national()),
            (None, None) => None,
        };
        TheirLetter {
            number: r.letter_number.to_string(),
            date: r.letter_date,
            agency: r.agency.to_string(),
            subject: r.subject.to_string(),
            contact,
            purpose: r.purpose.as_ref().map(ToString::to_string),
            cameras: r.cameras.iter().map(ToString::to_string).collect(),
        }
    }
}

/// What the reply letter tells the applicant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReplyOutcome {
    /// The monitoring can take place at the confirmed time.
    Scheduled {
        schedule: Window,
        trial_ok: bool,
        trial_note: Option<String>,
    },
    /// Returned at step 5: the data is incomplete or not appropriate.
    Returned { reason: String },
    /// Failed (the network or the cameras): the monitoring cannot take place.
    Failed { reason: String },
}

/// The reply letter (Surat Balasan): dated when the answer was decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyLetter {
    pub dated: DateTime<Utc>,
    pub to: TheirLetter,
    pub outcome: ReplyOutcome,
}

impl ReplyLetter {
    /// The letter once there is an answer: a confirmed schedule (the latest, rescheduled or not),
    /// a return or a failure.
    pub fn of(card: &Card, events: &[Event]) -> Result<ReplyLetter, NotYet> {
        let to = TheirLetter::of(card);
        let ended_at = |end: EndState| {
            events
                .iter()
                .rev()
                .find(|e| match &e.change {
                    Change::Failed { .. } => end == EndState::Gagal,
                    Change::StepCompleted { output, .. } => {
                        end == EndState::Dikembalikan
                            && matches!(output, StepOutput::Review(Review::No { .. }))
                    }
                    _ => false,
                })
                .map(Event::at)
        };
        match card.stage {
            Stage::Ended(end @ (EndState::Dikembalikan | EndState::Gagal)) => {
                let reason = card
                    .end_reason
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let dated = ended_at(end)
                    .or_else(|| card.visits.last().and_then(|v| v.left))
                    .unwrap_or(card.created_at);
                let outcome = if end == EndState::Gagal {
                    ReplyOutcome::Failed { reason }
                } else {
                    ReplyOutcome::Returned { reason }
                };
                Ok(ReplyLetter { dated, to, outcome })
            }
            _ => {
                let (schedule, confirmed) = card
                    .schedule
                    .zip(latest(card, StepId::S6, |o| {
                        matches!(o, StepOutput::ScheduleConfirmed { .. })
                    }))
                    .ok_or(NotYet::NoReplyYet)?;
                let StepOutput::ScheduleConfirmed { trial, .. } = &confirmed.value else {
                    return Err(NotYet::NoReplyYet);
                };
                // A later reschedule moves the date of the answer too.
                let dated = events
                    .iter()
                    .rev()
                    .find(|e| matches!(e.change, Change::Rescheduled { .. }))
                    .map(Event::at)
                    .filter(|t| *t > confirmed.at)
                    .unwrap_or(confirmed.at);
                Ok(ReplyLetter {
                    dated,
                    to,
                    outcome: ReplyOutcome::Scheduled {
                        schedule,
                        trial_ok: trial.ok,
                        trial_note: trial.note.as_ref().map(ToString::to_string),
                    },
                })
            }
        }
    }
}

/// A person who did a step, as the log names them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    pub name: String,
    pub role: Role,
    pub at: DateTime<Utc>,
}

/// One requested camera in the monitoring report: what the TCMR team found at 5a and what the
/// probes saw then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CameraLine {
    pub camera: String,
    pub checked: Option<Health>,
    pub note: Option<String>,
    pub live: Option<CameraStatus>,
}

/// A change of the confirmed time, with its reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reschedule {
    pub window: Window,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// The monitoring report (Laporan Hasil Monitoring) of step 7.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringReport {
    pub request: TheirLetter,
    pub schedule: Option<Window>,
    pub network: Option<Health>,
    pub check_note: Option<String>,
    pub cameras: Vec<CameraLine>,
    /// When the live camera states were taken (step 5a).
    pub live_at: Option<DateTime<Utc>>,
    pub trial: Option<TrialResult>,
    pub reschedules: Vec<Reschedule>,
    pub summary: String,
    pub note: Option<String>,
    /// The operator who accompanied the monitoring and wrote the report.
    pub operator: Signer,
    /// Subkor ILE, who confirmed the schedule: "Mengetahui".
    pub acknowledged_by: Option<Signer>,
}

impl MonitoringReport {
    pub fn of(card: &Card, events: &[Event]) -> Result<MonitoringReport, NotYet> {
        let done = latest(card, StepId::S7, |o| {
            matches!(o, StepOutput::MonitoringReport { .. })
        })
        .ok_or(NotYet::NotMonitoredYet)?;
        let StepOutput::MonitoringReport { summary, note } = &done.value else {
            return Err(NotYet::NotMonitoredYet);
        };
        let check = latest(card, StepId::S5a, |o| {
            matches!(o, StepOutput::CheckReport(_))
        })
        .and_then(|r| match &r.value {
            StepOutput::CheckReport(report) => Some(report),
            _ => None,
        });
        let confirmed = latest(card, StepId::S6, |o| {
            matches!(o, StepOutput::ScheduleConfirmed { .. })
        });
        let cameras = card
            .request
            .cameras
            .iter()
            .map(|camera| {
                let checked = check.and_then(|c| c.cameras.iter().find(|x| &x.camera == camera));
                let live = check
                    .and_then(|c| c.live.as_ref())
                    .and_then(|l| l.cameras.iter().find(|x| &x.camera == camera));
                CameraLine {
                    camera: camera.to_string(),
                    checked: checked.map(|c| c.status),
                    note: checked.and_then(|c| c.note.as_ref().map(ToString::to_string)),
                    live: live.map(|l| l.status),
                }
            })
            .collect();
        let reschedules = events
            .iter()
            .filter_map(|e| match &e.change {
                Change::Rescheduled { window, reason, .. } => Some(Reschedule {
                    window: *window,
                    reason: reason.to_string(),
                    at: e.at(),
                }),
                _ => None,
            })
            .collect();
        Ok(MonitoringReport {
            request: TheirLetter::of(card),
            schedule: card.schedule,
            network: check.map(|c| c.network),
            check_note: check.and_then(|c| c.note.as_ref().map(ToString::to_string)),
            cameras,
            live_at: check.and_then(|c| c.live.as_ref().map(|l| l.at)),
            trial: confirmed.and_then(|c| match &c.value {
                StepOutput::ScheduleConfirmed { trial, .. } => Some(trial.clone()),
                _ => None,
            }),
            reschedules,
            summary: summary.to_string(),
            note: note.as_ref().map(ToString::to_string),
            operator: Signer::of(done),
            acknowledged_by: confirmed.map(Signer::of),
        })
    }
}

impl Signer {
    fn of<T>(r: &super::flow::Recorded<T>) -> Signer {
        Signer {
            name: r.actor.to_string(),
            role: r.role,
            at: r.at,
        }
    }
}

/// The latest output recorded at `step` that matches.
fn latest(
    card: &Card,
    step: StepId,
    want: impl Fn(&StepOutput) -> bool,
) -> Option<&super::flow::Recorded<StepOutput>> {
    card.outputs
        .iter()
        .rev()
        .find(|o| o.step == Some(step) && want(&o.value))
}

/// The version of [`RequestRecord`]'s layout.
pub const RECORD_FORMAT: &str = "pantau.request-record/1";

/// A request's whole record as one file: the letter's data, every output (dispositions, decision,
/// check report with the camera snapshot, schedule, monitoring report), the log, the time per step,
/// and the reply letter and monitoring report as printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    pub format: String,
    pub exported_at: DateTime<Utc>,
    pub exported_by: String,
    pub letterhead: Letterhead,
    pub card: Card,
    pub time_in_steps: Vec<StepTime>,
    pub reply_letter: Option<ReplyLetter>,
    pub monitoring_report: Option<MonitoringReport>,
    /// The card's events in log order (server sequence numbers).
    pub events: Vec<Event>,
}

impl RequestRecord {
    pub fn new(
        letterhead: Letterhead,
        card: Card,
        events: Vec<Event>,
        time_in_steps: Vec<StepTime>,
        exported_by: String,
        now: DateTime<Utc>,
    ) -> RequestRecord {
        RequestRecord {
            format: RECORD_FORMAT.into(),
            exported_at: now,
            exported_by,
            letterhead,
            reply_letter: ReplyLetter::of(&card, &events).ok(),
            monitoring_report: MonitoringReport::of(&card, &events).ok(),
            card,
            time_in_steps,
            events,
        }
    }
}

impl RequestRecord {
    /// Signatures carry people's full names: the log holds user names, `full_name` knows the rest.
    pub fn with_full_names(mut self, full_name: impl Fn(&str) -> Option<String>) -> RequestRecord {
        if let Some(report) = &mut self.monitoring_report {
            let signers =
                std::iter::once(&mut report.operator).chain(report.acknowledged_by.as_mut());
            for signer in signers {
                if let Some(name) = full_name(&signer.name) {
                    signer.name = name;
                }
            }
        }
        self
    }
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
