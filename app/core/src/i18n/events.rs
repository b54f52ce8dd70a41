//! What an event did, in words: the card history and the reports read this.

use super::Lang;
use crate::domain::flow::{Change, Review, Stage, StepOutput};
use crate::domain::request::wib;
use crate::domain::{StepId, Target};
use crate::i18n::format::date_time;

fn target(to: Target, lang: Lang) -> String {
    match (Stage::from(to), lang) {
        (Stage::Step(step), Lang::Id) => format!("ke langkah {step} ({})", step.def().name.id),
        (Stage::Step(step), Lang::En) => format!("to step {step} ({})", step.def().name.en),
        (Stage::Ended(end), lang) => format!("→ {}", end.label().get(lang)),
    }
}

fn step_name(step: StepId, lang: Lang) -> String {
    format!("{step} ({})", step.def().name.get(lang))
}

pub fn describe(change: &Change, lang: Lang) -> String {
    let id = lang == Lang::Id;
    match change {
        Change::Created { received: true, .. } if id => "Surat dari Srikandi didaftarkan".into(),
        Change::Created { received: true, .. } => "Letter from Srikandi registered".into(),
        Change::Created { .. } if id => "Permohonan diajukan".into(),
        Change::Created { .. } => "Request submitted".into(),
        Change::StepCompleted { step, output, to } => {
            let detail = match output {
                StepOutput::Disposition(d) => format!(": {}", d.instruction),
                StepOutput::Review(Review::No { reason }) => format!(": {reason}"),
                StepOutput::Review(Review::Yes { instruction }) => format!(": {instruction}"),
                StepOutput::MonitoringReport { summary, .. } => format!(": {summary}"),
                _ => String::new(),
            };
            if id {
                format!(
                    "Langkah {} selesai, {}{detail}",
                    step_name(*step, lang),
                    target(*to, lang)
                )
            } else {
                format!(
                    "Step {} done, {}{detail}",
                    step_name(*step, lang),
                    target(*to, lang)
                )
            }
        }
        Change::Failed { step, reason } if id => {
            format!("Dinyatakan gagal di langkah {step}: {reason}")
        }
        Change::Failed { step, reason } => format!("Failed at step {step}: {reason}"),
        Change::Rescheduled { window, reason, .. } if id => {
            format!(
                "Dijadwalkan ulang mulai {}: {reason}",
                date_time(window.start, wib(), lang)
            )
        }
        Change::Rescheduled { window, reason, .. } => {
            format!(
                "Rescheduled to start {}: {reason}",
                date_time(window.start, wib(), lang)
            )
        }
        Change::Edited { .. } if id => "Data permohonan diubah".into(),
        Change::Edited { .. } => "Request data edited".into(),
        Change::NoteAdded { text } if id => format!("Catatan: {text}"),
        Change::NoteAdded { text } => format!("Note: {text}"),
        Change::WaitingSet { waiting: true, .. } if id => "Menunggu pemohon (waktu dijeda)".into(),
        Change::WaitingSet { waiting: true, .. } => {
            "Waiting for the applicant (clock paused)".into()
        }
        Change::WaitingSet { .. } if id => "Pemohon sudah menanggapi".into(),
        Change::WaitingSet { .. } => "The applicant answered".into(),
        Change::MovedBack { to, reason, .. } if id => {
            format!("Koreksi admin: kembali ke langkah {to}: {reason}")
        }
        Change::MovedBack { to, reason, .. } => {
            format!("Admin correction: back to step {to}: {reason}")
        }
    }
}

/// What a step produced, beyond the line [`describe`] gives: every output of the SOP shows in the
/// card's history (the agenda number, each camera's state at 5a, the confirmed schedule, the trial).
pub fn output_lines(change: &Change, lang: Lang) -> Vec<String> {
    use crate::domain::camera::Health;
    use crate::i18n::Text;
    let Change::StepCompleted { output, .. } = change else {
        return Vec::new();
    };
    let say = |label: Text, value: &dyn std::fmt::Display| format!("{}: {value}", label.get(lang));
    let note = |note: &Option<crate::domain::request::LongText>| {
        note.as_ref().map(|n| say(Text::new("Catatan", "Note"), n))
    };
    let health = |h: Health| h.label().get(lang);
    let mut lines = Vec::new();
    match output {
        StepOutput::Submitted | StepOutput::Review(_) => {}
        StepOutput::Received {
            agenda_number,
            note: n,
        } => {
            let agenda = agenda_number
                .as_ref()
                .map_or("—".to_owned(), ToString::to_string);
            lines.push(say(Text::new("Nomor agenda", "Agenda number"), &agenda));
            lines.extend(note(n));
        }
        StepOutput::Disposition(d) => {
            lines.push(say(Text::new("Kepada", "To"), &d.to.label().get(lang)));
            lines.extend(note(&d.note));
        }
        StepOutput::CheckReport(report) => {
            lines.push(say(
                Text::new("Jaringan internet", "Internet network"),
                &health(report.network),
            ));
            for camera in &report.cameras {
                let mut line = format!("{}: {}", camera.camera, health(camera.status));
                if let Some(n) = &camera.note {
                    line.push_str(&format!(" ({n})"));
                }
                lines.push(line);
            }
            if report.faults_confirmed {
                lines.push(
                    Text::new(
                        "Operator menyatakan ada perangkat mati: Subkor ILE memutuskan",
                        "The operator stated a device is down: Subkor ILE decides",
                    )
                    .get(lang)
                    .to_owned(),
                );
            }
            if let Some(live) = &report.live {
                lines.push(format!(
                    "{} {}",
                    Text::new(
                        "Status langsung Pantau tercatat pada",
                        "Pantau's live status recorded at"
                    )
                    .get(lang),
                    date_time(live.at, wib(), lang)
                ));
            }
            lines.extend(note(&report.note));
        }
        StepOutput::ScheduleConfirmed {
            schedule,
            trial,
            over_standard,
        } => {
            lines.push(format!(
                "{}: {} – {} ({})",
                Text::new("Jadwal dikonfirmasi", "Schedule confirmed").get(lang),
                date_time(schedule.start, wib(), lang),
                date_time(schedule.end, wib(), lang),
                crate::i18n::format::duration(schedule.seconds(), lang)
            ));
            if let Some(reason) = over_standard {
                lines.push(say(
                    Text::new(
                        "Melebihi standar 120 menit, alasan",
                        "Exceeds the 120-minute standard, reason",
                    ),
                    reason,
                ));
            }
            let result = if trial.ok {
                Text::new("berhasil", "succeeded")
            } else {
                Text::new("gagal", "failed")
            };
            lines.push(say(
                Text::new("Uji coba CCTV", "CCTV trial"),
                &result.get(lang),
            ));
            lines.extend(note(&trial.note));
        }
        StepOutput::MonitoringReport { note: n, .. } => lines.extend(note(n)),
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::demo::text;
    use crate::domain::flow::Disposition;
    use crate::domain::{EndState, Role};

    #[test]
    fn events_read_as_sentences_in_both_languages() {
        let change = Change::StepCompleted {
            step: StepId::S3,
            output: StepOutput::Disposition(Disposition {
                to: Role::KabidAptika,
                instruction: text("Tindak lanjuti"),
                note: None,
            }),
            to: Target::Step(StepId::S4),
        };
        assert_eq!(
            describe(&change, Lang::Id),
            "Langkah 3 (Disposisi Kepala Dinas) selesai, ke langkah 4 (Disposisi Kabid Aptika): Tindak lanjuti"
        );
        let returned = Change::StepCompleted {
            step: StepId::S5,
            output: StepOutput::Review(Review::No {
                reason: text("Data kurang"),
            }),
            to: Target::End(EndState::Dikembalikan),
        };
        assert_eq!(
            describe(&returned, Lang::En),
            "Step 5 (Subkor ILE's review) done, → Returned: Data kurang"
        );
    }
}
