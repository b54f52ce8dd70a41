//! Search and filters of the board: free text (letter number, agency, subject, cameras, contact),
//! the applicant agency, and "only warning or breached".

use crate::domain::sla::{SlaConfig, SlaState};
use crate::domain::{Card, Role};
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
    /// Exact agency name; empty for all.
    pub agency: String,
    pub only_late: bool,
    /// Only cards waiting for one of the signed-in person's roles.
    pub my_turn: bool,
}

impl Filter {
    pub fn is_active(&self) -> bool {
        !self.text.trim().is_empty() || !self.agency.is_empty() || self.only_late || self.my_turn
    }

    /// Whether `card` stays on the board. Every word of the text must appear somewhere, in any case.
    pub fn keeps(&self, card: &Card, sla: &SlaConfig, now: DateTime<Utc>, roles: &[Role]) -> bool {
        let r = &card.request;
        if self.my_turn && !card.who_must_act().is_some_and(|who| roles.contains(&who)) {
            return false;
        }
        if !self.agency.is_empty() && r.agency.as_str() != self.agency {
            return false;
        }
        if self.only_late
            && !sla
                .status(card, now)
                .is_some_and(|s| matches!(s.state, SlaState::Warning | SlaState::Breached))
        {
            return false;
        }
        let words: Vec<String> = self
            .text
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        if words.is_empty() {
            return true;
        }
        let mut haystack = format!("{} {} {}", r.letter_number, r.agency, r.subject).to_lowercase();
        for camera in &r.cameras {
            haystack.push(' ');
            haystack.push_str(&camera.as_str().to_lowercase());
        }
        if let Some(name) = &r.contact_name {
            haystack.push(' ');
            haystack.push_str(&name.as_str().to_lowercase());
        }
        words.iter().all(|w| haystack.contains(w.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::demo::sample_request;
    use crate::domain::demo::text;
    use crate::domain::request::{Field, parse_date_time};
    use crate::domain::{Board, CardId, Envelope, Mutation, MutationId, Role};
    use chrono::{DateTime, Utc};

    fn at(s: &str) -> DateTime<Utc> {
        parse_date_time(Field::WindowStart, s).unwrap()
    }

    /// The time the test's cards are made at.
    struct Client {
        now: DateTime<Utc>,
    }

    /// Demo request `n`, registered by TU on 2026-11-28 10:00 WIB (so at step 2).
    fn card(n: usize) -> (Card, Client) {
        let client = Client {
            now: at("2026-11-28T10:00"),
        };
        let mut board = Board::new();
        let id = CardId(uuid::Uuid::from_u128(n as u128));
        let env = Envelope {
            id: MutationId(uuid::Uuid::from_u128(1_000_000 + n as u128)),
            actor: text("tu"),
            role: Role::Tu,
            device: text("test-device"),
            client_time: client.now,
            override_reason: None,
            mutation: Mutation::CreateRequest {
                card: id,
                request: sample_request(n, client.now, 5),
            },
        };
        board.execute(&env, client.now).unwrap();
        (board.card(id).unwrap().clone(), client)
    }

    #[test]
    fn text_search_finds_letter_agency_subject_cameras_and_contact_in_any_case() {
        let (card, client) = card(0); // Dinas Perhubungan, Simpang Tugu Naga, Budi Santoso
        let sla = SlaConfig::default();
        let keeps = |text: &str| {
            Filter {
                text: text.into(),
                ..Filter::default()
            }
            .keeps(&card, &sla, client.now, &[])
        };
        assert!(keeps(""));
        assert!(keeps("perhubungan"));
        assert!(keeps("TUGU naga"));
        assert!(keeps("000.8.3.3/100"));
        assert!(keeps("budi cap go meh"));
        assert!(!keeps("satpol"));
        assert!(!keeps("perhubungan satpol"), "every word must match");
    }

    #[test]
    fn the_agency_filter_is_exact_and_the_late_filter_keeps_warning_and_breached() {
        let (card, client) = card(2); // Satpol PP, at step 2 (5 minutes, office hours)
        let sla = SlaConfig::default();
        let by_agency = |agency: &str| {
            Filter {
                agency: agency.into(),
                ..Filter::default()
            }
            .keeps(&card, &sla, client.now, &[])
        };
        assert!(by_agency("Satpol PP"));
        assert!(!by_agency("Satpol"));
        let late = Filter {
            only_late: true,
            ..Filter::default()
        };
        // 2026-11-28 is a Saturday: the office-hours clock is paused, so the card is not late…
        assert!(!late.keeps(&card, &sla, client.now, &[]));
        // …until Monday's working time runs past 80 % of its 5 minutes.
        let monday = at("2026-11-30T07:35");
        assert!(late.keeps(&card, &sla, monday, &[]));
        assert!(late.is_active() && !Filter::default().is_active());
    }

    #[test]
    fn my_turn_keeps_the_cards_waiting_for_one_of_my_roles() {
        let (card, client) = card(2); // at step 2: TU's turn
        let sla = SlaConfig::default();
        let mine = Filter {
            my_turn: true,
            ..Filter::default()
        };
        assert!(mine.keeps(&card, &sla, client.now, &[Role::Tu, Role::Admin]));
        assert!(!mine.keeps(&card, &sla, client.now, &[Role::KepalaDinas]));
        assert!(!mine.keeps(&card, &sla, client.now, &[]));
    }
}
