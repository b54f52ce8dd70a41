//! What an applicant's account (an OPD, the traffic forum: no role but [`Role::Pemohon`]) reads:
//! the letters of its own agency and those it made itself, never another agency's. The board it is
//! given holds only those cards, and the log it follows only their events; the same rule
//! ([`Applicant::may_see`]) decides what it may act on.
//!
//! [`Role::Pemohon`]: crate::domain::Role::Pemohon

use std::collections::HashSet;

use super::flow::{Applicant, Card, CardId, Change, Event, same_agency};

/// The cards one applicant may read, followed through the log: a letter created in its agency's
/// name (or by it) joins, one edited into another agency's name leaves.
#[derive(Clone, Debug)]
pub struct OwnAgency {
    username: String,
    agency: Option<String>,
    visible: HashSet<CardId>,
    /// Cards this account made itself: they stay its own whatever agency they name.
    made: HashSet<CardId>,
}

impl OwnAgency {
    /// The view of `who` over a board's cards as they stand.
    pub fn new<'a>(who: &Applicant<'_>, cards: impl IntoIterator<Item = &'a Card>) -> OwnAgency {
        let mut view = OwnAgency {
            username: who.username.to_owned(),
            agency: who.agency.map(str::to_owned),
            visible: HashSet::new(),
            made: HashSet::new(),
        };
        for card in cards {
            if card.created_by.as_str() == who.username {
                view.made.insert(card.id);
            }
            if who.may_see(card) {
                view.visible.insert(card.id);
            }
        }
        view
    }

    fn names_own_agency(&self, agency: &str) -> bool {
        self.agency
            .as_deref()
            .is_some_and(|own| same_agency(agency, own))
    }

    /// Whether this card is one the applicant reads.
    pub fn sees(&self, card: CardId) -> bool {
        self.visible.contains(&card)
    }

    /// Whether the applicant is sent this event; events are taken in log order. An edit that
    /// takes a letter away to another agency is still sent (the applicant held the letter), and
    /// nothing after it.
    pub fn admits(&mut self, event: &Event) -> bool {
        let before = self.sees(event.card);
        match &event.change {
            Change::Created { request, .. } => {
                if event.actor.as_str() == self.username {
                    self.made.insert(event.card);
                }
                if self.made.contains(&event.card) || self.names_own_agency(request.agency.as_str())
                {
                    self.visible.insert(event.card);
                }
            }
            Change::Edited { request } => {
                if self.made.contains(&event.card) || self.names_own_agency(request.agency.as_str())
                {
                    self.visible.insert(event.card);
                } else {
                    self.visible.remove(&event.card);
                }
            }
            _ => {}
        }
        before || self.sees(event.card)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::flow::Board;
    use crate::domain::kiosk::tests::demo_events;

    fn applicant(agency: &str) -> Applicant<'_> {
        Applicant {
            username: "opd",
            agency: Some(agency),
        }
    }

    #[test]
    fn an_applicant_is_sent_only_its_own_agencys_letters() {
        let (board, events) = demo_events();
        let agency = board
            .cards
            .values()
            .next()
            .expect("the demo has cards")
            .request
            .agency
            .to_string();
        let who = applicant(&agency);
        let mut view = OwnAgency::new(&who, std::iter::empty());
        let sent: Vec<&Event> = events.iter().filter(|e| view.admits(e)).collect();
        let own = Board::from_events(sent.iter().copied());
        let expected = board.cards.values().filter(|c| who.may_see(c)).count();
        assert!(expected > 0 && expected < board.cards.len());
        assert_eq!(own.cards.len(), expected);
        for card in own.cards.values() {
            assert!(same_agency(card.request.agency.as_str(), &agency));
            // Each card folded from what was sent is the card of the whole log.
            assert_eq!(Some(card), board.card(card.id));
        }
        // Started from the board as it stands, the view sees the same cards.
        let fresh = OwnAgency::new(&who, board.cards.values());
        assert!(
            board
                .cards
                .values()
                .all(|c| fresh.sees(c.id) == who.may_see(c))
        );
    }

    #[test]
    fn a_letter_edited_into_another_agencys_name_stops_being_sent() {
        let (board, events) = demo_events();
        let card = board.cards.values().next().expect("a card");
        let agency = card.request.agency.to_string();
        let who = applicant(&agency);
        let mut view = OwnAgency::new(&who, board.cards.values());
        let template = events
            .iter()
            .find(|e| e.card == card.id)
            .expect("the card's events");
        let edit = |to: &str| Event {
            change: Change::Edited {
                request: crate::domain::Request {
                    agency: crate::domain::demo::text(to),
                    ..card.request.clone()
                },
            },
            ..template.clone()
        };
        let note = Event {
            change: Change::NoteAdded {
                text: crate::domain::demo::text("nanti"),
            },
            ..template.clone()
        };
        assert!(view.admits(&note));
        assert!(
            view.admits(&edit("Dinas Lain")),
            "the edit that takes it away is sent"
        );
        assert!(!view.admits(&note), "nothing after it");
        assert!(view.admits(&edit(&format!("  {}  ", agency.to_uppercase()))));
        assert!(view.admits(&note));
    }
}
