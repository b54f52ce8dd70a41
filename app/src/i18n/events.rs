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
