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

#[cfg(test)]
mod tests {
    use super::*;

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
