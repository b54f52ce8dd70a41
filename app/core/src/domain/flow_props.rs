//! Property tests: random sequences of mutations from random roles.

use proptest::prelude::*;

use super::flow::tests::{Client, card_id, output_for, text};
use super::flow::*;
use super::request::tests::complete_input;
use super::request::{RequestInput, Window};
use super::sla::SlaConfig;
use super::sop::{Role, StepId};

#[derive(Clone, Debug)]
struct Op {
    card: u128,
    /// 0..7: the role that may do it; 7..10: any role (mostly refused).
    role: usize,
    action: u8,
    variant: u8,
    advance_minutes: i64,
}

fn op() -> impl Strategy<Value = Op> {
    (1u128..4, 0usize..10, 0u8..13, any::<u8>(), 0i64..25).prop_map(
        |(card, role, action, variant, advance_minutes)| Op {
            card,
            role,
            action,
            variant,
            advance_minutes,
        },
    )
}

/// Turns a random op into a mutation; mostly sensible, sometimes stale or wrong on purpose.
fn mutation(board: &Board, op: &Op, client: &Client) -> Mutation {
    let card = card_id(op.card);
    let existing = board.card(card);
    let random_step = StepId::ALL[op.variant as usize % 8];
    let step = match existing.and_then(Card::current_step) {
        Some(current) if !op.variant.is_multiple_of(4) => current,
        _ => random_step,
    };
    match op.action {
        0 => {
            let request = if op.variant.is_multiple_of(3) {
                RequestInput {
                    cameras: vec![],
                    ..complete_input()
                }
            } else {
                complete_input()
            };
            Mutation::CreateRequest { card, request }
        }
        1..=5 => {
            let output = match existing {
                Some(_) if op.variant.is_multiple_of(7) && step == StepId::S5 => {
                    StepOutput::Review(Review::No {
                        reason: text("Data tidak lengkap"),
                    })
                }
                Some(c) => output_for(step, c),
                None => StepOutput::Submitted,
            };
            Mutation::CompleteStep { card, step, output }
        }
        6 => Mutation::Fail {
            card,
            step,
            reason: text("Jaringan terganggu"),
        },
        7 => {
            let start = client.now + chrono::Duration::hours(1 + i64::from(op.variant % 5));
            let window = Window {
                start,
                end: start + chrono::Duration::hours(2),
            };
            Mutation::Reschedule {
                card,
                step,
                window,
                reason: text("Perbaikan"),
            }
        }
        8 => Mutation::EditRequest {
            card,
            request: complete_input(),
        },
        9 => Mutation::AddNote {
            card,
            text: text("Catatan"),
        },
        10 => Mutation::SetWaiting {
            card,
            step,
            waiting: op.variant.is_multiple_of(2),
            note: None,
        },
        _ => Mutation::MoveBack {
            card,
            to: random_step,
            reason: text("Koreksi"),
        },
    }
}

/// The role that may do this, so that random sequences get deep into the flow.
fn sensible_role(mutation: &Mutation) -> Role {
    match mutation {
        Mutation::CreateRequest { card, .. } => {
            if card.0.as_u128() % 2 == 0 {
                Role::Pemohon
            } else {
                Role::Tu
            }
        }
        Mutation::CompleteStep { step, .. } | Mutation::SetWaiting { step, .. } => {
            step.def().performer
        }
        Mutation::Fail { .. } | Mutation::Reschedule { .. } => Role::SubkorIle,
        Mutation::EditRequest { .. } => Role::Tu,
        Mutation::AddNote { .. } => Role::OperatorTcmr,
        Mutation::MoveBack { .. } => Role::Admin,
    }
}

/// Every card is in exactly one place: an open step with exactly one open visit to it, or an end with none.
fn assert_consistent(board: &Board) {
    for card in board.cards.values() {
        let open: Vec<&Visit> = card.visits.iter().filter(|v| v.left.is_none()).collect();
        match card.stage {
            Stage::Step(step) => {
                assert_eq!(open.len(), 1, "one open visit: {card:?}");
                assert_eq!(open[0].step, step);
                assert!(std::ptr::eq(open[0], card.visits.last().unwrap()));
            }
            Stage::Ended(_) => {
                assert!(open.is_empty());
                assert!(!card.waiting);
            }
        }
        // Visits never overlap; a gap is the time a card stood ended before an Admin reopened it.
        assert!(
            card.visits
                .windows(2)
                .all(|w| w[0].left.is_some_and(|left| left <= w[1].entered)),
            "{card:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_mutations_keep_the_board_consistent_and_replayable(ops in proptest::collection::vec(op(), 1..160)) {
        let mut client = Client::new();
        let mut board = Board::new();
        let mut log: Vec<Event> = Vec::new();
        let mut last: Option<Envelope> = None;
        let sla = SlaConfig::default();

        for op in &ops {
            client.now += chrono::Duration::minutes(op.advance_minutes);
            // Now and then a client re-sends its last mutation (a lost acknowledgement).
            let envelope = match (&last, op.variant % 11) {
                (Some(previous), 0) => previous.clone(),
                _ => {
                    let m = mutation(&board, op, &client);
                    let role = if op.role < 7 { sensible_role(&m) } else { Role::ALL[op.variant as usize % 7] };
                    client.envelope(role, m)
                }
            };
            let before = board.clone();
            match board.execute(&envelope, client.now) {
                Ok(Some(event)) => log.push(event),
                Ok(None) => prop_assert_eq!(&board, &before, "a duplicate changes nothing"),
                Err(refusal) => {
                    prop_assert_eq!(&board, &before, "a refusal changes nothing");
                    prop_assert!(!refusal.message(crate::i18n::Lang::Id).is_empty());
                }
            }
            last = Some(envelope);
            assert_consistent(&board);
            for card in board.cards.values() {
                if let Some(status) = sla.status(card, client.now) {
                    prop_assert!(status.elapsed >= 0);
                    prop_assert!(status.elapsed <= (client.now - card.created_at).num_seconds());
                }
            }
        }
        prop_assert_eq!(Board::from_events(&log), board.clone(), "replaying the log gives the same board");
        // Applying the whole log twice changes nothing: each mutation applies once.
        let mut twice = Board::from_events(&log);
        for event in &log {
            twice.apply(event);
        }
        prop_assert_eq!(twice, board);
    }
}
