//! Benchmark of the SOP domain: prints figures, asserts nothing.
//!
//!     cargo run --release -p pantau-core --example domain_bench
//!
//! - folding 100,000 events into a board (what a server start or a browser's full resync does);
//! - the SLA status of 2,000 open cards at one instant (what a wall screen does every second).

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use pantau_core::domain::demo::{sample_output, sample_request, text};
use pantau_core::domain::request::{Field, parse_date_time};
use pantau_core::domain::{
    Board, Card, CardId, Envelope, Event, Mutation, MutationId, Role, SlaConfig,
};
use uuid::Uuid;

struct Writer {
    board: Board,
    log: Vec<Event>,
    next: u128,
    now: DateTime<Utc>,
    /// Clock advance per mutation.
    step_seconds: i64,
}

impl Writer {
    fn send(&mut self, role: Role, mutation: Mutation) {
        self.next += 1;
        self.now += chrono::Duration::seconds(self.step_seconds);
        let envelope = Envelope {
            id: MutationId(Uuid::from_u128(self.next)),
            actor: text("bench"),
            role,
            device: text("bench"),
            client_time: self.now,
            override_reason: None,
            mutation,
        };
        let mut event = self
            .board
            .execute(&envelope, self.now)
            .expect("accepted")
            .expect("new");
        event.seq = Some(self.log.len() as u64 + 1);
        event.server_time = Some(self.now);
        self.log.push(event);
    }

    /// Creates a card (registered by TU, so at step 2) and completes `steps` more steps.
    fn card(&mut self, n: u128, steps: usize) {
        let id = CardId(Uuid::from_u128(n));
        self.send(
            Role::Tu,
            Mutation::CreateRequest {
                card: id,
                request: sample_request(n as usize, self.now, 40),
            },
        );
        for _ in 0..steps {
            let card = self.board.card(id).expect("card");
            let Some(step) = card.current_step() else {
                break;
            };
            let out = sample_output(step, card);
            self.send(
                step.def().performer,
                Mutation::CompleteStep {
                    card: id,
                    step,
                    output: out,
                },
            );
        }
    }
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .expect("runs > 0")
}

fn main() {
    let start = parse_date_time(Field::WindowStart, "2026-11-30T07:30").expect("time");
    let mut writer = Writer {
        board: Board::new(),
        log: Vec::new(),
        next: 0,
        now: start,
        step_seconds: 7,
    };

    let t = Instant::now();
    let mut n = 0u128;
    while writer.log.len() < 100_000 {
        n += 1;
        writer.card(n, 7); // 8 events: created, then steps 2, 3, 4, 5, 5a, 6, 7 to Selesai
    }
    let decide_time = t.elapsed();
    let events = writer.log.len();
    println!(
        "built {events} events for {n} cards through decide + apply in {decide_time:.2?} ({:.0} mutations/s)",
        events as f64 / decide_time.as_secs_f64()
    );

    let fold = best_of(5, || {
        let board = Board::from_events(&writer.log);
        assert_eq!(board.cards.len(), n as usize);
    });
    println!(
        "fold of {events} events into a board: {fold:.2?} (best of 5), {:.0} events/s",
        events as f64 / fold.as_secs_f64()
    );

    // 2,000 open cards spread over the steps.
    let mut open = Writer {
        board: Board::new(),
        log: Vec::new(),
        next: 10_000_000,
        now: start,
        step_seconds: 1,
    };
    for i in 0..2_000u128 {
        open.card(1_000_000 + i, (i % 7) as usize);
    }
    let sla = SlaConfig::default();
    let cards: Vec<&Card> = open.board.cards.values().collect();
    // Monday mid-morning: office-hours steps count, some cards fresh, some late.
    let at = open.now + chrono::Duration::minutes(5);
    let mut states = std::collections::BTreeMap::new();
    for card in &cards {
        if let Some(s) = sla.status(card, at) {
            *states.entry(format!("{:?}", s.state)).or_insert(0) += 1;
        }
    }
    let tick = best_of(50, || {
        let mut breached = 0;
        for card in &cards {
            if let Some(s) = sla.status(card, at) {
                breached += usize::from(s.state == pantau_core::domain::SlaState::Breached);
            }
        }
        std::hint::black_box(breached);
    });
    println!(
        "SLA status of {} open cards at one instant: {tick:.2?} (best of 50); states {states:?}",
        cards.len()
    );
    println!(
        "goal: under 5 ms for 2,000 cards -> {}",
        if tick < Duration::from_millis(5) {
            "met"
        } else {
            "NOT met"
        }
    );
}
