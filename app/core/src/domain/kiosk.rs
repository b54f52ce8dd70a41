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
        contact_email: None,
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
        // A note is kept as "(catatan)": the card a wall folds has it where the server's has it.
        Change::WaitingSet {
            step,
            waiting,
            note: n,
        } => Change::WaitingSet {
            step: *step,
            waiting: *waiting,
            note: n.as_ref().map(|_| note()),
        },
        Change::Rescheduled { step, window, .. } => Change::Rescheduled {
            step: *step,
            window: *window,
            reason: note(),
        },
        Change::MovedBack { from, to, .. } => Change::MovedBack {
            from: *from,
            to: *to,
            reason: note(),
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
pub(crate) mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::domain::demo::{self, text};
    use crate::domain::flow::{Board, Envelope, Mutation, MutationId};
    use chrono::{DateTime, Utc};

    /// The demo's log, with a note on every card and a wait on the way: each mutation by a person
    /// of its own name.
    pub(crate) fn demo_events() -> (Board, Vec<Event>) {
        let now = Utc::now();
        let mut board = Board::new();
        let mut events = Vec::new();
        let mut push = |board: &mut Board, at: DateTime<Utc>, role: Role, mutation: Mutation| {
            let envelope = Envelope {
                id: MutationId(uuid::Uuid::from_u128(events.len() as u128 + 1)),
                actor: text(&format!("Ibu {role:?} Rahasia")),
                role,
                device: text("laptop-rahasia"),
                client_time: at,
                override_reason: None,
                mutation,
            };
            let change = board
                .decide(&envelope, at)
                .expect("accepted")
                .expect("a change");
            let event =
                Event::from_envelope(&envelope, change).stamped(events.len() as u64 + 1, at);
            board.apply(&event);
            events.push(event);
        };
        for seeded in demo::history(now, &crate::domain::SlaConfig::default()) {
            let card = seeded.mutation.card();
            let created = matches!(seeded.mutation, Mutation::CreateRequest { .. });
            push(&mut board, seeded.at, seeded.role, seeded.mutation);
            if created {
                push(
                    &mut board,
                    seeded.at,
                    Role::Tu,
                    Mutation::AddNote {
                        card,
                        text: text("Hubungi 0812-9999-0000"),
                    },
                );
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
            if let Some(email) = &c.request.contact_email {
                assert!(!text.contains(email.as_str()), "{email:?}");
            }
            if let Some(name) = &c.request.contact_name {
                assert!(!text.contains(&format!("\"{name}\"")), "{name}");
            }
        }
    }
}
