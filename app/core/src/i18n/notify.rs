//! The texts of notifications: short enough for a phone's lock screen, with the letter number,
//! the agency, the step, the time left or the lateness, and the link that opens the card.

use serde::{Deserialize, Serialize};

use super::Lang;
use super::format::duration;
use crate::domain::notify::{Audience, Moment};
use crate::domain::sop::StepId;

/// What a message says about its card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts<'a> {
    pub letter_number: &'a str,
    /// The agency's short form (`Dishub`).
    pub agency: &'a str,
    pub step: StepId,
    /// Seconds of the standard left; negative once late.
    pub remaining: i64,
    pub standard: i64,
    /// For an escalation: whom the card waits for (the performers' names, or their role).
    pub waiting_for: &'a str,
    /// The card's own page, absolute.
    pub link: &'a str,
}

/// A rendered notification: a title (a push's or an e-mail's subject), a body, and the link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub title: String,
    pub body: String,
    pub link: String,
    /// The language it is written in.
    pub lang: Lang,
}

/// `sisa 6 mnt`, `waktu habis` (under a minute either side), `terlambat 12 mnt`.
fn left_or_late(remaining: i64, lang: Lang) -> String {
    match (remaining.signum(), remaining.abs() < 60, lang) {
        (_, true, Lang::Id) => "waktu habis".into(),
        (_, true, Lang::En) => "time is up".into(),
        (1, _, Lang::Id) => format!("sisa {}", duration(remaining, lang)),
        (1, _, Lang::En) => format!("{} left", duration(remaining, lang)),
        (_, _, Lang::Id) => format!("terlambat {}", duration(-remaining, lang)),
        (_, _, Lang::En) => format!("{} late", duration(-remaining, lang)),
    }
}

/// Whom a late card waits for, in an escalation: the performer's role and, when known, their
/// names (`Kepala Dinas (Drs. A, B)`).
pub fn waiting_for(performer: crate::domain::sop::Role, names: &[&str], lang: Lang) -> String {
    let role = performer.short_label().get(lang);
    if names.is_empty() {
        role.to_owned()
    } else {
        format!("{role} ({})", names.join(", "))
    }
}

/// The message of a moment for an audience, in `lang`.
pub fn message(moment: Moment, audience: Audience, facts: &Facts, lang: Lang) -> Message {
    let Facts {
        letter_number: letter,
        agency,
        step,
        remaining,
        standard,
        waiting_for,
        link,
    } = facts;
    let code = step.code();
    let name = step.def().name.get(lang);
    let time = left_or_late(*remaining, lang);
    let standard = duration(*standard, lang);
    let (title, body) = match (moment, audience, lang) {
        (Moment::Arrived, _, Lang::Id) => (
            format!("Menunggu Anda: langkah {code} · {name}"),
            format!(
                "Surat {letter} dari {agency} menunggu Anda di langkah {code} ({name}) · {time}"
            ),
        ),
        (Moment::Arrived, _, Lang::En) => (
            format!("Waiting for you: step {code} · {name}"),
            format!("Letter {letter} from {agency} waits for you at step {code} ({name}) · {time}"),
        ),
        (Moment::Warning, _, Lang::Id) => (
            format!("Peringatan: langkah {code} · {time}"),
            format!(
                "Peringatan: surat {letter} dari {agency} di langkah {code} ({name}) · {time} dari standar {standard}"
            ),
        ),
        (Moment::Warning, _, Lang::En) => (
            format!("Warning: step {code} · {time}"),
            format!(
                "Warning: letter {letter} from {agency} at step {code} ({name}) · {time} of the {standard} standard"
            ),
        ),
        (Moment::Breached, Audience::Performer, Lang::Id) => (
            format!("Terlambat: langkah {code}"),
            format!(
                "Terlambat: surat {letter} dari {agency} di langkah {code} ({name}) melewati standar {standard} · {time}"
            ),
        ),
        (Moment::Breached, Audience::Performer, Lang::En) => (
            format!("Breached: step {code}"),
            format!(
                "Breached: letter {letter} from {agency} at step {code} ({name}) is past its {standard} standard · {time}"
            ),
        ),
        (_, _, Lang::Id) => (
            format!("Eskalasi: langkah {code} · {time}"),
            format!(
                "Eskalasi: surat {letter} dari {agency} di langkah {code} ({name}, standar {standard}) · {time}, menunggu {waiting_for}"
            ),
        ),
        (_, _, Lang::En) => (
            format!("Escalation: step {code} · {time}"),
            format!(
                "Escalation: letter {letter} from {agency} at step {code} ({name}, standard {standard}) · {time}, waiting for {waiting_for}"
            ),
        ),
    };
    Message {
        title,
        body,
        link: link.to_string(),
        lang,
    }
}

/// The body of a channel's test message.
pub fn test_message(link: &str, lang: Lang) -> Message {
    let (title, body) = match lang {
        Lang::Id => (
            "Pesan uji Pantau",
            "Pesan uji dari Pantau: saluran ini sampai ke Anda.",
        ),
        Lang::En => (
            "Pantau test message",
            "A test message from Pantau: this channel reaches you.",
        ),
    };
    Message {
        title: title.into(),
        body: body.into(),
        link: link.into(),
        lang,
    }
}

/// The morning's digest for one person: what waits for them, the most urgent first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digest<'a> {
    /// Cards per step, in SOP order.
    pub per_step: Vec<(StepId, usize)>,
    pub late: usize,
    /// The most urgent: its letter, agency, step and seconds left (negative: late).
    pub first: Option<(&'a str, &'a str, StepId, i64)>,
    pub link: &'a str,
}

pub fn digest_message(d: &Digest, lang: Lang) -> Message {
    let total: usize = d.per_step.iter().map(|(_, n)| n).sum();
    let steps: Vec<String> = d
        .per_step
        .iter()
        .map(|(step, n)| match lang {
            Lang::Id => format!("langkah {}: {n}", step.code()),
            Lang::En => format!("step {}: {n}", step.code()),
        })
        .collect();
    let (title, mut body) = match lang {
        Lang::Id => (
            format!("Pagi ini {total} surat menunggu Anda"),
            format!("{}.", steps.join(" · ")),
        ),
        Lang::En => (
            format!("This morning {total} letters wait for you"),
            format!("{}.", steps.join(" · ")),
        ),
    };
    if d.late > 0 {
        body.push_str(&match lang {
            Lang::Id => format!(" {} sudah terlambat.", d.late),
            Lang::En => format!(" {} already late.", d.late),
        });
    }
    if let Some((letter, agency, step, remaining)) = d.first {
        let when = left_or_late(remaining, lang);
        body.push_str(&match lang {
            Lang::Id => format!(
                " Paling mendesak: {letter} dari {agency}, langkah {}, {when}.",
                step.code()
            ),
            Lang::En => format!(
                " Most urgent: {letter} from {agency}, step {}, {when}.",
                step.code()
            ),
        });
    }
    Message {
        title,
        body,
        link: d.link.into(),
        lang,
    }
}

/// What a confirmed monitoring schedule (step 6 → 7) brings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScheduleNote {
    /// To the applicant's contact: the reply, with the schedule.
    Confirmed,
    /// To the applicant's contact: tomorrow.
    DayBefore,
    /// To the operators: the monitoring starts soon.
    StartsSoon,
}

impl ScheduleNote {
    pub fn key(self) -> &'static str {
        match self {
            ScheduleNote::Confirmed => "schedule-confirmed",
            ScheduleNote::DayBefore => "schedule-day-before",
            ScheduleNote::StartsSoon => "schedule-starts-soon",
        }
    }
}

/// `07-12-2026 09:00–11:00 WIB` (the end's date too when it is another day).
pub fn window_text(start: chrono::NaiveDateTime, end: chrono::NaiveDateTime, zone: &str) -> String {
    if start.date() == end.date() {
        format!(
            "{}–{} {zone}",
            start.format("%d-%m-%Y %H:%M"),
            end.format("%H:%M")
        )
    } else {
        format!(
            "{} – {} {zone}",
            start.format("%d-%m-%Y %H:%M"),
            end.format("%d-%m-%Y %H:%M")
        )
    }
}

/// A schedule's message: `window` as [`window_text`] gives it.
pub fn schedule_message(
    note: ScheduleNote,
    letter: &str,
    agency: &str,
    window: &str,
    link: &str,
    lang: Lang,
) -> Message {
    let (title, body) = match (note, lang) {
        (ScheduleNote::Confirmed, Lang::Id) => (
            "Jadwal monitoring CCTV dikonfirmasi".to_owned(),
            format!(
                "Permohonan monitoring CCTV surat {letter} ({agency}) dijadwalkan {window}. Diskominfo, Ruang TCM."
            ),
        ),
        (ScheduleNote::Confirmed, Lang::En) => (
            "CCTV monitoring schedule confirmed".to_owned(),
            format!(
                "The CCTV monitoring asked for by letter {letter} ({agency}) is scheduled for {window}. Diskominfo, TCM Room."
            ),
        ),
        (ScheduleNote::DayBefore, Lang::Id) => (
            "Pengingat: monitoring CCTV besok".to_owned(),
            format!("Monitoring CCTV untuk surat {letter} ({agency}) berlangsung {window}."),
        ),
        (ScheduleNote::DayBefore, Lang::En) => (
            "Reminder: CCTV monitoring tomorrow".to_owned(),
            format!("The CCTV monitoring for letter {letter} ({agency}) takes place {window}."),
        ),
        (ScheduleNote::StartsSoon, Lang::Id) => (
            format!("Monitoring segera mulai: {letter}"),
            format!(
                "Monitoring CCTV surat {letter} ({agency}) mulai {window}: siapkan kamera dan ruang TCM."
            ),
        ),
        (ScheduleNote::StartsSoon, Lang::En) => (
            format!("Monitoring starts soon: {letter}"),
            format!(
                "The CCTV monitoring for letter {letter} ({agency}) starts {window}: get the cameras and the TCM room ready."
            ),
        ),
    };
    Message {
        title,
        body,
        link: link.into(),
        lang,
    }
}

/// What the camera feed tells the operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CameraAlert {
    /// Down for this many probes in a row.
    Offline { probes: u32 },
    /// Up again after this many seconds down.
    Recovered { down_for: i64 },
    /// Went down this many times within the hour: its next alerts wait an hour.
    Flapping { times: u32 },
}

impl CameraAlert {
    /// `camera-offline`, `camera-recovered`, `camera-flapping`.
    pub fn key(self) -> &'static str {
        match self {
            CameraAlert::Offline { .. } => "camera-offline",
            CameraAlert::Recovered { .. } => "camera-recovered",
            CameraAlert::Flapping { .. } => "camera-flapping",
        }
    }
}

/// A camera alert for the operators: the camera's name, what happened, the letters that asked
/// for it, the link to the cameras page.
pub fn camera_message(
    alert: CameraAlert,
    camera: &str,
    letters: &[String],
    link: &str,
    lang: Lang,
) -> Message {
    let (title, mut body) = match (alert, lang) {
        (CameraAlert::Offline { probes }, Lang::Id) => (
            format!("Kamera putus: {camera}"),
            format!("Kamera {camera} tidak menjawab {probes} kali berturut-turut."),
        ),
        (CameraAlert::Offline { probes }, Lang::En) => (
            format!("Camera down: {camera}"),
            format!("Camera {camera} did not answer {probes} times in a row."),
        ),
        (CameraAlert::Recovered { down_for }, Lang::Id) => (
            format!("Kamera pulih: {camera}"),
            format!(
                "Kamera {camera} menjawab lagi setelah putus {}.",
                duration(down_for.max(60), lang)
            ),
        ),
        (CameraAlert::Recovered { down_for }, Lang::En) => (
            format!("Camera back: {camera}"),
            format!(
                "Camera {camera} answers again after {} down.",
                duration(down_for.max(60), lang)
            ),
        ),
        (CameraAlert::Flapping { times }, Lang::Id) => (
            format!("Kamera tidak stabil: {camera}"),
            format!(
                "Kamera {camera} putus {times} kali dalam 1 jam; pesan berikutnya untuk kamera ini ditahan 1 jam."
            ),
        ),
        (CameraAlert::Flapping { times }, Lang::En) => (
            format!("Camera unstable: {camera}"),
            format!(
                "Camera {camera} went down {times} times within an hour; its next alerts wait an hour."
            ),
        ),
    };
    if !letters.is_empty() {
        let list = letters.join(", ");
        body.push_str(&match lang {
            Lang::Id => format!(" Diminta surat {list}."),
            Lang::En => format!(" Asked for by letter {list}."),
        });
    }
    Message {
        title,
        body,
        link: link.into(),
        lang,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_reads_as_a_person_writes_it() {
        let d = |h, m| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
                .unwrap()
                .and_hms_opt(h, m, 0)
                .unwrap()
        };
        assert_eq!(
            window_text(d(9, 0), d(11, 30), "WIB"),
            "07-12-2026 09:00–11:30 WIB"
        );
        let m = schedule_message(
            ScheduleNote::Confirmed,
            "000.8.3.3/101/2026",
            "Dishub",
            "07-12-2026 09:00–11:30 WIB",
            "",
            Lang::Id,
        );
        assert_eq!(
            m.body,
            "Permohonan monitoring CCTV surat 000.8.3.3/101/2026 (Dishub) dijadwalkan 07-12-2026 09:00–11:30 WIB. Diskominfo, Ruang TCM."
        );
    }

    #[test]
    fn the_morning_digest_counts_per_step_and_names_the_most_urgent() {
        let d = Digest {
            per_step: vec![(StepId::S3, 2), (StepId::S5, 1)],
            late: 1,
            first: Some(("000.8.3.3/101/2026", "Dishub", StepId::S3, -720)),
            link: "https://p/",
        };
        let m = digest_message(&d, Lang::Id);
        assert_eq!(m.title, "Pagi ini 3 surat menunggu Anda");
        assert_eq!(
            m.body,
            "langkah 3: 2 · langkah 5: 1. 1 sudah terlambat. Paling mendesak: 000.8.3.3/101/2026 dari Dishub, langkah 3, terlambat 12 mnt."
        );
    }

    #[test]
    fn a_camera_alert_names_the_camera_and_the_letters_that_asked_for_it() {
        let m = camera_message(
            CameraAlert::Offline { probes: 2 },
            "Simpang Jl. Diponegoro",
            &["000.8.3.3/101/2026".into()],
            "https://p/kamera",
            Lang::Id,
        );
        assert_eq!(m.title, "Kamera putus: Simpang Jl. Diponegoro");
        assert!(
            m.body.contains("2 kali berturut-turut") && m.body.contains("surat 000.8.3.3/101/2026"),
            "{}",
            m.body
        );
        let back = camera_message(
            CameraAlert::Recovered { down_for: 600 },
            "X",
            &[],
            "l",
            Lang::En,
        );
        assert_eq!(back.body, "Camera X answers again after 10 min down.");
    }

    fn facts(remaining: i64) -> Facts<'static> {
        Facts {
            letter_number: "000.8.3.3/101/2026",
            agency: "Satpol PP",
            step: StepId::S3,
            remaining,
            standard: 1800,
            waiting_for: "Kepala Dinas (Drs. Hendra)",
            link: "https://pantau.example.go.id/kartu/1",
        }
    }

    #[test]
    fn an_arrival_names_the_letter_the_agency_the_step_and_the_time_left() {
        let m = message(Moment::Arrived, Audience::Performer, &facts(1800), Lang::Id);
        assert_eq!(
            m.body,
            "Surat 000.8.3.3/101/2026 dari Satpol PP menunggu Anda di langkah 3 (Disposisi Kepala Dinas) · sisa 30 mnt"
        );
        assert_eq!(m.link, "https://pantau.example.go.id/kartu/1");
        let en = message(Moment::Arrived, Audience::Performer, &facts(1800), Lang::En);
        assert!(
            en.body
                .starts_with("Letter 000.8.3.3/101/2026 from Satpol PP waits for you at step 3"),
            "{}",
            en.body
        );
    }

    #[test]
    fn an_escalation_says_who_is_late_and_by_how_much() {
        let m = message(
            Moment::Escalated(200),
            Audience::Supervisors,
            &facts(-1800),
            Lang::Id,
        );
        assert!(m.body.contains("terlambat 30 mnt"), "{}", m.body);
        assert!(
            m.body.contains("menunggu Kepala Dinas (Drs. Hendra)"),
            "{}",
            m.body
        );
        let breach = message(Moment::Breached, Audience::Supervisors, &facts(0), Lang::En);
        assert!(
            breach.title.starts_with("Escalation: step 3"),
            "{}",
            breach.title
        );
        assert!(
            breach.body.contains("· time is up, waiting for"),
            "{}",
            breach.body
        );
    }
}
