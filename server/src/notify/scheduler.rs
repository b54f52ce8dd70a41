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

use chrono::{DateTime, NaiveDate, Utc};
use pantau_core::domain::agency::short_form;
use pantau_core::domain::{Board, Card, CardId, Role, Sla, StepId};
use pantau_core::i18n::notify::{Digest, digest_message};
use tokio::sync::{Notify, watch};

use super::plan::{Delivery, Planner, Recipients};
use super::store;
use crate::clock::Clock;
use crate::sync::Store;

/// The longest the scheduler sleeps without looking at the log (other instances' events).
const LOOK: Duration = Duration::from_millis(500);
/// The morning digest goes out this long after the office opens at most (a server started at
/// noon sends none that day).
const DIGEST_WINDOW: chrono::Duration = chrono::Duration::hours(2);

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
        // The office day whose morning digest this instance has written.
        let mut digest_day = None;
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
            match self.digest(&board, now, &mut digest_day).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(n, "morning digests written to the outbox");
                    self.wake.notify_one();
                }
                Err(e) => {
                    digest_day = None;
                    tracing::warn!(error = %e, "the scheduler cannot write the digests");
                }
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

    /// At the office's opening (within [`DIGEST_WINDOW`] of it), once a working day: to each
    /// person, what waits for their roles, the most urgent named. Keyed by the day, so several
    /// instances (or a restart) write each person's once.
    async fn digest(
        &self,
        board: &Board,
        now: DateTime<Utc>,
        done: &mut Option<NaiveDate>,
    ) -> Result<usize, sqlx::Error> {
        let p = &self.planner;
        let office = &p.sla.office;
        let Some(opening) = office.opening_on(now) else {
            return Ok(0);
        };
        let offset = chrono::Duration::seconds(i64::from(office.utc_offset_seconds));
        let day = (opening + offset).date_naive();
        if !p.digest || *done == Some(day) || now < opening || now - opening > DIGEST_WINDOW {
            return Ok(0);
        }
        *done = Some(day);
        let open: Vec<(&Card, Sla)> = board
            .cards
            .values()
            .filter_map(|c| p.sla.status(c, now).map(|s| (c, s)))
            .collect();
        let link = format!("{}/", p.base_url);
        let mut tx = self.store.db.begin_write().await?;
        let mut written = 0;
        for person in store::recipients(&mut tx).await? {
            let mine: Vec<&(&Card, Sla)> = open
                .iter()
                .filter(|(_, s)| {
                    let role = s.step.def().performer;
                    role != Role::Pemohon && person.roles.contains(&role)
                })
                .collect();
            if mine.is_empty() {
                continue;
            }
            let mut per_step: Vec<(StepId, usize)> = Vec::new();
            for (_, s) in &mine {
                match per_step.iter_mut().find(|(step, _)| *step == s.step) {
                    Some((_, n)) => *n += 1,
                    None => per_step.push((s.step, 1)),
                }
            }
            per_step.sort_by_key(|(step, _)| *step as usize);
            let urgent = mine.iter().min_by_key(|(_, s)| s.remaining);
            let agency = urgent.map(|(c, _)| short_form(c.request.agency.as_str()));
            let digest = Digest {
                per_step,
                late: mine.iter().filter(|(_, s)| s.remaining < 0).count(),
                first: urgent.zip(agency.as_deref()).map(|((c, s), agency)| {
                    (
                        c.request.letter_number.as_str(),
                        agency,
                        s.step,
                        s.remaining,
                    )
                }),
                link: &link,
            };
            let text = digest_message(&digest, person.lang);
            let key = format!("digest/{day}");
            let to = Delivery {
                key: &key,
                card: None,
                moment: "digest",
                kind: "digest",
                not_before: now,
            };
            written += to.person(&mut tx, &person, &p.channels, &text, now).await?;
        }
        tx.commit().await?;
        Ok(written)
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
            for note in Planner::reminders(card, now).0 {
                written += self
                    .planner
                    .schedule_note(&mut tx, &mut recipients, card, note, now)
                    .await?;
            }
        }
        tx.commit().await?;
        for id in due {
            let at = board.card(id).and_then(|c| {
                let threshold = self.planner.rules.next_due(sla, c, now);
                let reminder = Planner::reminders(c, now).1;
                threshold.into_iter().chain(reminder).min()
            });
            match at {
                Some(at) => next.insert(id, Some(at)),
                None => next.remove(&id),
            };
        }
        Ok(written)
    }
}
