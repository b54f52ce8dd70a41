//! The event store: the log, the refusals, the card projection, and the one writer that appends.
//!
//! Every write goes through one task per process, which takes whatever mutations are waiting and
//! commits them in one transaction (group commit). On PostgreSQL the transaction first takes an
//! advisory lock, so writers of all instances take turns: sequence numbers are handed out and
//! committed in the same order, and a reader of "events after N" can never skip one that commits
//! late. Under the lock the writer first applies events other instances wrote, then decides.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use pantau_core::domain::{
    Board, Card, CardId, Change, Envelope, Event, MutationId, Refusal, Stage,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tokio::sync::{Notify, mpsc, oneshot};

use crate::clock::Clock;
use crate::db::{Backend, Db};
use crate::error::{ApiError, DbFailure};
use crate::notify::plan::{Planner, Recipients};
use pantau_core::domain::notify::arrival;

/// What became of one mutation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Accepted { seq: u64 },
    Refused(Refusal),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("a stored row could not be read: {0}")]
    Corrupt(String),
    #[error("the writer has stopped")]
    WriterGone,
    /// The writer could not commit this job; what kind of failure it was (the cause is logged).
    #[error("the write failed ({0:?})")]
    WriteFailed(DbFailure),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Db(e) => e.into(),
            StoreError::WriteFailed(DbFailure::Unreachable) => ApiError::Unavailable(e.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

struct Job {
    envelopes: Vec<Envelope>,
    reply: oneshot::Sender<Result<Vec<Outcome>, StoreError>>,
}

/// The most mutations one transaction takes.
const GROUP_LIMIT: usize = 1024;
/// Postgres advisory lock key of the writers: "PANTAU" in ASCII, more or less.
const WRITER_LOCK: i64 = 0x50_41_4E_54_41_55;
pub const NOTIFY_CHANNEL: &str = "pantau_events";

/// Handle to the store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub db: Db,
    jobs: mpsc::Sender<Job>,
    /// Poked after every commit of this process; the stream reads new events then.
    pub committed: Arc<Notify>,
}

impl Store {
    /// Folds the log into a board and starts the writer. The database is migrated already
    /// ([`migrate`], by the server's start, before the secret key is checked against it).
    /// Every event is stamped by `clock`; with `outbox`, the arrivals it makes are written to the
    /// notifications' outbox in its transaction, and the sender is rung after the commit.
    pub async fn open(
        db: Db,
        clock: Clock,
        outbox: Option<Outbox>,
        tasks: &crate::health::Tasks,
    ) -> Result<Store, StoreError> {
        let board = load_board(&db).await?;
        let (jobs, rx) = mpsc::channel(4096);
        let committed = Arc::new(Notify::new());
        let writer = Writer {
            db: db.clone(),
            board,
            stale: false,
            committed: committed.clone(),
            clock,
            outbox,
        };
        tasks.spawn("event writer", writer.run(rx));
        Ok(Store {
            db,
            jobs,
            committed,
        })
    }

    /// Applies mutations in order; answers each. Re-sent mutation ids get their first answer again.
    pub async fn push(&self, envelopes: Vec<Envelope>) -> Result<Vec<Outcome>, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { envelopes, reply })
            .await
            .map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Writes a history that happened before this server saw it (the demo's past weeks): each
    /// envelope decided and stamped at its own instant, in one transaction, into an empty log only.
    /// Returns how many events it wrote (0 when the log already had some). The writer picks them
    /// up as it picks up another instance's events.
    pub async fn seed_history(
        &self,
        history: Vec<(Envelope, DateTime<Utc>)>,
    ) -> Result<usize, StoreError> {
        let mut tx = begin_locked(&self.db).await?;
        if last_seq(&mut tx).await? > 0 {
            return Ok(0);
        }
        let mut board = Board::new();
        let mut events = Vec::with_capacity(history.len());
        for (envelope, at) in &history {
            let at = millis(at.timestamp_millis())?;
            let change = board
                .decide(envelope, at)
                .map_err(|r| StoreError::Corrupt(format!("history refused: {r:?}")))?;
            let Some(change) = change else { continue };
            let event = Event::from_envelope(envelope, change).stamped(events.len() as u64 + 1, at);
            board.apply(&event);
            events.push(event);
        }
        insert_events(&mut tx, &events).await?;
        upsert_cards(&mut tx, &board.cards.values().collect::<Vec<_>>()).await?;
        tx.commit().await?;
        self.committed.notify_waiters();
        Ok(events.len())
    }

    /// Events after `since`, at most `limit`, in order.
    pub async fn events_after(&self, since: u64, limit: u32) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(&format!(
            "{EVENT_COLUMNS} WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(since.min(i64::MAX as u64) as i64)
        .bind(i64::from(limit))
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// One card's events, in order: its history.
    pub async fn card_events(&self, card: CardId) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(&format!("{EVENT_COLUMNS} WHERE card_id = $1 ORDER BY seq"))
            .bind(card.0.to_string())
            .fetch_all(&self.db.pool)
            .await?;
        rows.iter().map(event_from_row).collect()
    }

    pub async fn card(&self, card: CardId) -> Result<Option<Card>, StoreError> {
        let row = sqlx::query("SELECT data FROM cards WHERE id = $1")
            .bind(card.0.to_string())
            .fetch_optional(&self.db.pool)
            .await?;
        row.map(|r| parse_json::<Card>(&r.try_get::<String, _>("data")?))
            .transpose()
    }

    /// The card projection and the sequence number it reflects, read as one snapshot.
    /// Cards come as their stored JSON, ready to send.
    pub async fn snapshot(&self) -> Result<(u64, Vec<String>), StoreError> {
        let mut tx = self.db.pool.begin().await?;
        if self.db.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .execute(&mut *tx)
                .await?;
        }
        let seq = last_seq(&mut tx).await?;
        let cards = sqlx::query("SELECT data FROM cards ORDER BY id")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>("data"))
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit().await?;
        Ok((seq, cards))
    }

    pub async fn last_seq(&self) -> Result<u64, StoreError> {
        let mut conn = self.db.pool.acquire().await?;
        let seq: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events")
            .fetch_one(&mut *conn)
            .await?;
        Ok(seq as u64)
    }
}

/// Applies the embedded migrations of the database's backend.
pub async fn migrate(db: &Db) -> Result<(), StoreError> {
    let migrator = match db.backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
    };
    migrator
        .run(&db.pool)
        .await
        .map_err(|e| StoreError::Db(e.into()))
}

async fn load_board(db: &Db) -> Result<Board, StoreError> {
    let rows = sqlx::query(&format!("{EVENT_COLUMNS} ORDER BY seq"))
        .fetch_all(&db.pool)
        .await?;
    let events = rows
        .iter()
        .map(event_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Board::from_events(&events))
}

/// A write transaction holding the writers' lock (on PostgreSQL, where several instances write).
async fn begin_locked(db: &Db) -> Result<Transaction<'static, Any>, StoreError> {
    let mut tx = db.begin_write().await?;
    if db.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITER_LOCK)
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

async fn last_seq(tx: &mut Transaction<'static, Any>) -> Result<u64, StoreError> {
    let seq: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events")
        .fetch_one(&mut **tx)
        .await?;
    Ok(seq as u64)
}

/// Where the writer puts the notifications its events make.
#[derive(Clone)]
pub struct Outbox {
    pub planner: Arc<Planner>,
    /// Rung after a commit that wrote to the outbox.
    pub written: Arc<Notify>,
}

struct Writer {
    db: Db,
    board: Board,
    /// The in-memory board may hold uncommitted changes: reload before the next batch.
    stale: bool,
    committed: Arc<Notify>,
    clock: Clock,
    outbox: Option<Outbox>,
}

impl Writer {
    async fn run(mut self, mut rx: mpsc::Receiver<Job>) {
        while let Some(first) = rx.recv().await {
            let mut jobs = vec![first];
            let mut count = jobs[0].envelopes.len();
            while count < GROUP_LIMIT {
                match rx.try_recv() {
                    Ok(job) => {
                        count += job.envelopes.len();
                        jobs.push(job);
                    }
                    Err(_) => break,
                }
            }
            let envelopes: Vec<&Envelope> = jobs.iter().flat_map(|j| j.envelopes.iter()).collect();
            match self.write_guarded(&envelopes).await {
                Ok(mut outcomes) => {
                    self.committed.notify_waiters();
                    for job in jobs {
                        let rest = outcomes.split_off(job.envelopes.len());
                        let _ = job.reply.send(Ok(outcomes));
                        outcomes = rest;
                    }
                }
                Err(failure) if jobs.len() == 1 => {
                    let job = jobs.pop().expect("one job");
                    let _ = job.reply.send(Err(StoreError::WriteFailed(failure)));
                }
                // One job's failure must not fail the others: each is tried again alone.
                Err(_) => {
                    for job in jobs {
                        let envelopes: Vec<&Envelope> = job.envelopes.iter().collect();
                        let answer = self.write_guarded(&envelopes).await;
                        if answer.is_ok() {
                            self.committed.notify_waiters();
                        }
                        let _ = job.reply.send(answer.map_err(StoreError::WriteFailed));
                    }
                }
            }
        }
    }

    /// [`Writer::write`], with a failure (or a panic) logged, the board marked for a reload, and
    /// only the kind of failure kept for the answer.
    async fn write_guarded(&mut self, envelopes: &[&Envelope]) -> Result<Vec<Outcome>, DbFailure> {
        use futures::FutureExt;
        let result = std::panic::AssertUnwindSafe(self.write(envelopes))
            .catch_unwind()
            .await;
        let failure = match result {
            Ok(Ok(outcomes)) => return Ok(outcomes),
            Ok(Err(StoreError::Db(e))) => {
                tracing::warn!(error = %e, mutations = envelopes.len(), "write failed");
                DbFailure::of(&e)
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, mutations = envelopes.len(), "write failed");
                DbFailure::Other
            }
            Err(_) => {
                tracing::error!(
                    mutations = envelopes.len(),
                    "the writer panicked on a batch; it goes on"
                );
                DbFailure::Other
            }
        };
        self.stale = true;
        Err(failure)
    }

    async fn write(&mut self, envelopes: &[&Envelope]) -> Result<Vec<Outcome>, StoreError> {
        if self.stale {
            self.board = load_board(&self.db).await?;
            self.stale = false;
        }
        let mut tx = begin_locked(&self.db).await?;
        // Events that other instances committed since we last looked.
        self.stale = true;
        let rows = sqlx::query(&format!("{EVENT_COLUMNS} WHERE seq > $1 ORDER BY seq"))
            .bind(self.board.seq as i64)
            .fetch_all(&mut *tx)
            .await?;
        for row in &rows {
            self.board.apply(&event_from_row(row)?);
        }
        // Under the lock, with every committed event applied, the board's seq is the log's last.
        let mut seq = self.board.seq;
        let mut outcomes = Vec::with_capacity(envelopes.len());
        let mut recipients = Recipients::default();
        let mut notified = 0;
        let mut refused_here: HashMap<MutationId, Refusal> = HashMap::new();
        // This batch's events and the cards they changed, written together after the loop: a
        // statement per 64 rows, not two per move (each statement is a round trip to SQLite's
        // worker thread or to PostgreSQL, and the writer waits for each).
        let mut written: Vec<Event> = Vec::new();
        let mut accepted_here: HashMap<MutationId, u64> = HashMap::new();
        // Refusals stored earlier (a mutation re-sent after its refusal), read at once for all.
        let fresh: Vec<MutationId> = envelopes
            .iter()
            .map(|e| e.id)
            .filter(|id| !self.board.was_applied(*id))
            .collect();
        let stored_refusals = stored_refusals(&mut tx, &fresh).await?;
        for envelope in envelopes {
            let outcome = if let Some(refusal) = refused_here.get(&envelope.id) {
                Outcome::Refused(refusal.clone())
            } else if let Some(&seq) = accepted_here.get(&envelope.id) {
                Outcome::Accepted { seq }
            } else if self.board.was_applied(envelope.id) {
                Outcome::Accepted {
                    seq: stored_seq(&mut tx, envelope.id).await?,
                }
            } else if let Some(refusal) = stored_refusals.get(&envelope.id) {
                Outcome::Refused(refusal.clone())
            } else {
                // In the log's own precision (milliseconds), so the stored card is exactly its
                // log folded, as every browser folds it.
                let now = millis(self.clock.now().timestamp_millis())?;
                match self.board.decide(envelope, now) {
                    Ok(Some(change)) => {
                        seq += 1;
                        let event = Event::from_envelope(envelope, change).stamped(seq, now);
                        let before = match &self.outbox {
                            Some(_) => self.board.card(event.card).cloned(),
                            None => None,
                        };
                        self.board.apply(&event);
                        accepted_here.insert(envelope.id, seq);
                        let card = self
                            .board
                            .card(event.card)
                            .expect("the event's card exists");
                        if let Some(outbox) = &self.outbox
                            && let Some(due) = arrival(&outbox.planner.rules, before.as_ref(), card)
                        {
                            notified += outbox
                                .planner
                                .enqueue(
                                    &mut tx,
                                    &mut recipients,
                                    card,
                                    &due,
                                    Some(event.actor.as_str()),
                                    now,
                                )
                                .await?;
                            // Step 6 confirmed the schedule: the applicant hears it.
                            if due.step == pantau_core::domain::StepId::S7 {
                                notified += outbox
                                    .planner
                                    .schedule_note(
                                        &mut tx,
                                        &mut recipients,
                                        card,
                                        pantau_core::i18n::notify::ScheduleNote::Confirmed,
                                        now,
                                    )
                                    .await?;
                            }
                        }
                        written.push(event);
                        Outcome::Accepted { seq }
                    }
                    Ok(None) => Outcome::Accepted {
                        seq: stored_seq(&mut tx, envelope.id).await?,
                    },
                    Err(refusal) => {
                        insert_refusal(&mut tx, envelope, &refusal, now).await?;
                        refused_here.insert(envelope.id, refusal.clone());
                        Outcome::Refused(refusal)
                    }
                }
            };
            outcomes.push(outcome);
        }
        insert_events(&mut tx, &written).await?;
        // Each changed card once, as it stands after the batch.
        let mut seen = std::collections::HashSet::new();
        let cards: Vec<&Card> = written
            .iter()
            .filter(|e| seen.insert(e.card))
            .map(|e| self.board.card(e.card).expect("a changed card exists"))
            .collect();
        upsert_cards(&mut tx, &cards).await?;
        if self.db.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(NOTIFY_CHANNEL)
                .bind(seq.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.stale = false;
        if notified > 0
            && let Some(outbox) = &self.outbox
        {
            outbox.written.notify_one();
        }
        Ok(outcomes)
    }
}

const EVENT_COLUMNS: &str = "SELECT seq, mutation_id, card_id, payload, actor, role, device, override_reason, \
     client_time, server_time FROM events";

/// Rows per statement of a bulk write, largest first: a batch of any size takes few statements,
/// and only these four texts of each statement are ever prepared (and cached).
const CHUNKS: [usize; 4] = [64, 16, 4, 1];

/// `rows` split into runs of [`CHUNKS`] sizes, in order.
fn chunked<T>(mut rows: &[T]) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        let size = CHUNKS.into_iter().find(|&c| c <= rows.len())?;
        let (chunk, rest) = rows.split_at(size);
        rows = rest;
        Some(chunk)
    })
}

/// `head` followed by `rows` tuples of `columns` numbered placeholders (`($1, $2), ($3, $4)`),
/// which SQLite and PostgreSQL both read.
fn values_sql(head: &str, columns: usize, rows: usize, tail: &str) -> String {
    use std::fmt::Write;
    let mut sql = String::from(head);
    sql.push_str(" VALUES ");
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "${}", row * columns + column + 1);
        }
        sql.push(')');
    }
    sql.push_str(tail);
    sql
}

async fn insert_events(
    tx: &mut Transaction<'static, Any>,
    events: &[Event],
) -> Result<(), StoreError> {
    for chunk in chunked(events) {
        let sql = values_sql(
            "INSERT INTO events (seq, mutation_id, card_id, kind, payload, actor, role, device, \
             override_reason, client_time, server_time)",
            11,
            chunk.len(),
            "",
        );
        let mut query = sqlx::query(&sql);
        for event in chunk {
            let payload = serde_json::to_string(&event.change).expect("a change serializes");
            query = query
                .bind(event.seq.expect("stamped") as i64)
                .bind(event.mutation_id.0.to_string())
                .bind(event.card.0.to_string())
                .bind(change_kind(&event.change))
                .bind(payload)
                .bind(event.actor.to_string())
                .bind(event.role.as_str())
                .bind(event.device.to_string())
                .bind(event.override_reason.as_ref().map(ToString::to_string))
                .bind(event.client_time.timestamp_millis())
                .bind(event.server_time.expect("stamped").timestamp_millis());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Writes each card's projection; each card once (PostgreSQL refuses a statement that updates a
/// row twice).
async fn upsert_cards(
    tx: &mut Transaction<'static, Any>,
    cards: &[&Card],
) -> Result<(), StoreError> {
    for chunk in chunked(cards) {
        let sql = values_sql(
            "INSERT INTO cards (id, stage, seq, data)",
            4,
            chunk.len(),
            " ON CONFLICT (id) DO UPDATE SET stage = excluded.stage, seq = excluded.seq, \
             data = excluded.data",
        );
        let mut query = sqlx::query(&sql);
        for card in chunk {
            query = query
                .bind(card.id.0.to_string())
                .bind(stage_name(card.stage))
                .bind(card.seq as i64)
                .bind(serde_json::to_string(card).expect("a card serializes"));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn insert_refusal(
    tx: &mut Transaction<'static, Any>,
    envelope: &Envelope,
    refusal: &Refusal,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO refusals (mutation_id, card_id, code, refusal, envelope, server_time) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(envelope.id.0.to_string())
    .bind(envelope.mutation.card().0.to_string())
    .bind(refusal.code())
    .bind(serde_json::to_string(refusal).expect("a refusal serializes"))
    .bind(serde_json::to_string(envelope).expect("an envelope serializes"))
    .bind(now.timestamp_millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn stored_seq(tx: &mut Transaction<'static, Any>, id: MutationId) -> Result<u64, StoreError> {
    let seq: i64 = sqlx::query_scalar("SELECT seq FROM events WHERE mutation_id = $1")
        .bind(id.0.to_string())
        .fetch_one(&mut **tx)
        .await?;
    Ok(seq as u64)
}

/// The stored refusals of these mutations, by id.
async fn stored_refusals(
    tx: &mut Transaction<'static, Any>,
    ids: &[MutationId],
) -> Result<HashMap<MutationId, Refusal>, StoreError> {
    let mut found = HashMap::new();
    for chunk in chunked(ids) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT mutation_id, refusal FROM refusals WHERE mutation_id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(id.0.to_string());
        }
        for row in query.fetch_all(&mut **tx).await? {
            let id: String = row.try_get("mutation_id")?;
            let id = id
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("mutation_id: {id}")))?;
            found.insert(
                MutationId(id),
                parse_json(&row.try_get::<String, _>("refusal")?)?,
            );
        }
    }
    Ok(found)
}

fn parse_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse_text<const N: usize, const L: bool>(
    s: String,
) -> Result<pantau_core::domain::request::Bounded<N, L>, StoreError> {
    pantau_core::domain::request::Bounded::parse(pantau_core::domain::Field::Note, &s)
        .map_err(|e| StoreError::Corrupt(e.message(pantau_core::i18n::Lang::En)))
}

fn millis(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .ok_or_else(|| StoreError::Corrupt(format!("time {ms}")))
}

pub(crate) fn event_from_row(row: &AnyRow) -> Result<Event, StoreError> {
    let uuid = |col: &str| -> Result<uuid::Uuid, StoreError> {
        let s: String = row.try_get(col)?;
        s.parse()
            .map_err(|_| StoreError::Corrupt(format!("{col}: {s}")))
    };
    let override_reason: Option<String> = row.try_get("override_reason")?;
    Ok(Event {
        seq: Some(row.try_get::<i64, _>("seq")? as u64),
        server_time: Some(millis(row.try_get("server_time")?)?),
        mutation_id: MutationId(uuid("mutation_id")?),
        card: CardId(uuid("card_id")?),
        actor: parse_text(row.try_get("actor")?)?,
        role: parse_json(&format!("\"{}\"", row.try_get::<String, _>("role")?))?,
        device: parse_text(row.try_get("device")?)?,
        client_time: millis(row.try_get("client_time")?)?,
        override_reason: override_reason.map(parse_text).transpose()?,
        change: parse_json(&row.try_get::<String, _>("payload")?)?,
    })
}

/// The change's type, as stored in the `kind` column.
fn change_kind(change: &Change) -> String {
    serde_json::to_value(change)
        .ok()
        .and_then(|v| v["type"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Step(step) => step.code(),
        Stage::Ended(end) => end.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_of_any_size_is_written_in_few_statements_in_order() {
        let sizes = |n: usize| -> Vec<usize> {
            let rows: Vec<usize> = (0..n).collect();
            let chunks: Vec<&[usize]> = chunked(&rows).collect();
            assert_eq!(chunks.concat(), rows, "every row once, in order");
            chunks.iter().map(|c| c.len()).collect()
        };
        assert_eq!(sizes(0), Vec::<usize>::new());
        assert_eq!(sizes(1), [1]);
        assert_eq!(sizes(32), [16, 16]);
        assert_eq!(sizes(71), [64, 4, 1, 1, 1]);
        assert_eq!(sizes(1024).len(), 16);
    }

    #[test]
    fn bulk_statements_number_every_placeholder() {
        assert_eq!(
            values_sql("INSERT INTO t (a, b)", 2, 2, " ON CONFLICT DO NOTHING"),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING"
        );
    }
}
