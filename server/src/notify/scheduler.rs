//! The time thresholds: warnings, breaches and escalations, by the shared SLA clock. The scheduler
//! follows the event log into a board of its own, keeps each open card's next due moment
//! ([`NotifyRules::next_due`]), wakes at the earliest one (or when an event comes), and writes
//! what is crossed to the outbox in one transaction. Every instance runs one; the outbox's
//! dedupe key makes each notification exist once.
//!
//! [`NotifyRules::next_due`]: pantau_core::domain::notify::NotifyRules::next_due

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use pantau_core::domain::{Board, CardId};
use tokio::sync::{Notify, watch};

use super::plan::{Planner, Recipients};
use crate::clock::Clock;
use crate::sync::Store;

/// The longest the scheduler sleeps without looking at the log (other instances' events).
const LOOK: Duration = Duration::from_millis(500);

pub struct Scheduler {
    pub store: Store,
    pub planner: Arc<Planner>,
    pub clock: Clock,
    /// Rung after writing to the outbox: the sender looks.
    pub wake: Arc<Notify>,
}

impl Scheduler {
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut board = Board::new();
        // When each open card is next worth looking at; `None`: at once.
        let mut next: HashMap<CardId, Option<DateTime<Utc>>> = HashMap::new();
        loop {
            let committed = self.store.committed.notified();
            if let Err(e) = self.follow(&mut board, &mut next).await {
                tracing::warn!(error = %e, "the scheduler cannot read the log");
            }
            let now = self.clock.now();
            match self.fire(&board, &mut next, now).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::debug!(n, "thresholds written to the outbox");
                    self.wake.notify_one();
                }
                Err(e) => tracing::warn!(error = %e, "the scheduler cannot write the outbox"),
            }
            let earliest = next.values().flatten().min().copied();
            let sleep = earliest
                .map(|at| (at - self.clock.now()).to_std().unwrap_or_default())
                .unwrap_or(LOOK)
                .min(LOOK);
            tokio::select! {
                () = committed => {},
                () = tokio::time::sleep(sleep) => {},
                _ = shutdown.wait_for(|s| *s) => return,
            }
        }
    }

    /// Applies the events after the board's, marking their cards to be looked at.
    async fn follow(
        &self,
        board: &mut Board,
        next: &mut HashMap<CardId, Option<DateTime<Utc>>>,
    ) -> Result<(), crate::sync::store::StoreError> {
        loop {
            let events = self.store.events_after(board.seq, 2000).await?;
            if events.is_empty() {
                return Ok(());
            }
            for event in &events {
                board.apply(event);
                next.insert(event.card, None);
            }
        }
    }

    /// Writes what the cards due by `now` crossed; how many notifications were new.
    async fn fire(
        &self,
        board: &Board,
        next: &mut HashMap<CardId, Option<DateTime<Utc>>>,
        now: DateTime<Utc>,
    ) -> Result<usize, sqlx::Error> {
        let due: Vec<CardId> = next
            .iter()
            .filter(|(_, at)| at.is_none_or(|at| at <= now))
            .map(|(id, _)| *id)
            .collect();
        if due.is_empty() {
            return Ok(0);
        }
        let (rules, sla) = (&self.planner.rules, &self.planner.sla);
        let mut tx = self.store.db.begin_write().await?;
        let mut recipients = Recipients::default();
        let mut written = 0;
        for id in &due {
            let Some(card) = board.card(*id).filter(|c| c.current_visit().is_some()) else {
                continue;
            };
            for d in rules.crossed(sla, card, now) {
                written += self
                    .planner
                    .enqueue(&mut tx, &mut recipients, card, &d, None, now)
                    .await?;
            }
        }
        tx.commit().await?;
        for id in due {
            match board
                .card(id)
                .and_then(|c| self.planner.rules.next_due(sla, c, now))
            {
                Some(at) => next.insert(id, Some(at)),
                None => next.remove(&id),
            };
        }
        Ok(written)
    }
}
