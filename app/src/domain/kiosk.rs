//! What a wall screen (a kiosk token) is shown: the board without personal data. A TV in the TCM
//! Room, or anyone who reads its token off it, needs the letters, agencies, steps and clocks, not
//! who did what, the applicant's contact, the notes people wrote or the documents' references.
//!
//! The same rule applies to a card and to an event, so a wall that folds redacted events into a
//! redacted snapshot (with the shared reducer) holds exactly the redacted card the server would
//! give it: [`tests::a_redacted_log_folds_into_the_redacted_board`].

use super::flow::{Actor, Card, Change, DeviceId, Event, Recorded};
use super::request::{Bounded, Field, LongText, Request};

/// The name every person is shown under on a wall: the role is kept beside it.
pub const SOMEONE: &str = "staf";
/// What a note reads on a wall.
pub const NOTE: &str = "(catatan)";

fn someone() -> Actor {
    Bounded::parse(Field::Note, SOMEONE).expect("a valid name")
}

fn device() -> DeviceId {
    Bounded::parse(Field::Note, "-").expect("a valid device")
}

fn note() -> LongText {
    Bounded::parse(Field::Note, NOTE).expect("a valid note")
}

fn request(request: &Request) -> Request {
    Request {
        contact_name: None,
        contact_phone: None,
        documents: Vec::new(),
        ..request.clone()
    }
}

fn recorded<T: Clone>(r: &Recorded<T>) -> Recorded<T> {
    Recorded {
        actor: someone(),
        ..r.clone()
    }
}

/// A card as a wall sees it.
pub fn card(card: &Card) -> Card {
    Card {
        request: request(&card.request),
        created_by: someone(),
        outputs: card.outputs.iter().map(recorded).collect(),
        notes: card
            .notes
            .iter()
            .map(|n| Recorded {
                value: note(),
                ..recorded(n)
            })
            .collect(),
        last_move: card.last_move.as_ref().map(recorded),
        ..card.clone()
    }
}

/// An event as a wall sees it.
pub fn event(event: &Event) -> Event {
    let change = match &event.change {
        Change::Created {
            request: r,
            received,
        } => Change::Created {
            request: request(r),
            received: *received,
        },
        Change::Edited { request: r } => Change::Edited {
            request: request(r),
        },
        Change::NoteAdded { .. } => Change::NoteAdded { text: note() },
        Change::WaitingSet { step, waiting, .. } => Change::WaitingSet {
            step: *step,
            waiting: *waiting,
            note: None,
        },
        other => other.clone(),
    };
    Event {
        actor: someone(),
        device: device(),
        override_reason: None,
        change,
        ..event.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::domain::demo::{self, DEMO_PATHS, next_demo_move, sample_request, text};
    use crate::domain::flow::{Board, Envelope, Mutation, MutationId};
    use chrono::Utc;

    /// The demo board's log, with a note, a wait and an admin's override on the way: each
    /// mutation by a person of its own name.
    fn demo_events() -> (Board, Vec<Event>) {
        let now = Utc::now();
        let mut board = Board::new();
        let mut events = Vec::new();
        let mut push = |board: &mut Board, role: Role, mutation: Mutation, override_reason| {
            let envelope = Envelope {
                id: MutationId(uuid::Uuid::from_u128(events.len() as u128 + 1)),
                actor: text(&format!("Ibu {role:?} Rahasia")),
                role,
                device: text("laptop-rahasia"),
                client_time: now,
                override_reason,
                mutation,
            };
            let change = board
                .decide(&envelope, now)
                .expect("accepted")
                .expect("a change");
            let event =
                Event::from_envelope(&envelope, change).stamped(events.len() as u64 + 1, now);
            board.apply(&event);
            events.push(event);
        };
        for (n, path) in DEMO_PATHS.iter().enumerate() {
            let card = demo::demo_card_id(n);
            let request = sample_request(n, now, 5);
            push(
                &mut board,
                path.creator(),
                Mutation::CreateRequest { card, request },
                None,
            );
            push(
                &mut board,
                Role::Tu,
                Mutation::AddNote {
                    card,
                    text: text("Hubungi 0812-9999-0000"),
                },
                None,
            );
            while let Some((role, mutation)) = next_demo_move(board.card(card).unwrap(), *path) {
                push(&mut board, role, mutation, None);
            }
        }
        (board, events)
    }

    #[test]
    fn a_redacted_log_folds_into_the_redacted_board() {
        let (full, events) = demo_events();
        let redacted: Vec<Event> = events.iter().map(event).collect();
        let wall = Board::from_events(&redacted);
        let mut compared = 0;
        for c in full.cards.values() {
            let seen = wall.card(c.id).expect("the wall has every card");
            assert_eq!(*seen, card(c));
            compared += 1;
        }
        assert!(compared > 5);
    }

    #[test]
    fn a_wall_sees_no_names_contacts_or_notes() {
        let (board, events) = demo_events();
        let text = serde_json::to_string(&board.cards.values().map(card).collect::<Vec<_>>())
            .unwrap()
            + &serde_json::to_string(&events.iter().map(event).collect::<Vec<_>>()).unwrap();
        for e in &events {
            if e.actor.as_str() != SOMEONE {
                assert!(!text.contains(&format!("\"{}\"", e.actor)), "{}", e.actor);
            }
        }
        assert!(!text.contains("Rahasia"), "no person's name");
        assert!(!text.contains("laptop-rahasia"), "no device");
        assert!(!text.contains("0812-9999"), "no note");
        for c in board.cards.values() {
            if let Some(phone) = &c.request.contact_phone {
                assert!(!text.contains(phone.as_str()), "{phone:?}");
            }
            if let Some(name) = &c.request.contact_name {
                assert!(!text.contains(&format!("\"{name}\"")), "{name}");
            }
        }
    }
}
