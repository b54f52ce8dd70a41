//! Live events: one broadcaster per process, and a Server-Sent Events stream per client.
//!
//! The broadcaster wakes when this process commits, when PostgreSQL notifies a commit of another
//! instance, or every [`POLL_FALLBACK`] in case a notification was lost; it reads the events after
//! the last one it sent, in order, and hands them to every subscriber.
//!
//! A client stream first reads the log after the client's last event from the database, then
//! follows the broadcast. It subscribes before it reads, and drops anything at or below what it
//! sent: no gap and no duplicate. A subscriber that falls behind goes back to the database.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures::Stream;
use tokio::sync::{broadcast, watch};

use super::store::{NOTIFY_CHANNEL, Store};
use crate::db::Backend;

/// An event ready to send: its sequence number and its JSON; its JSON for wall screens is made
/// when the first wall needs it, then shared by every wall.
#[derive(Debug)]
pub struct Published {
    pub seq: u64,
    pub json: String,
    kiosk: std::sync::OnceLock<String>,
}

impl Published {
    /// The event as a wall screen is sent it, without personal data (`pantau_core::domain::kiosk`).
    pub fn kiosk_json(&self) -> &str {
        self.kiosk.get_or_init(|| redacted(&self.json))
    }
}

/// Who a board, a page of the log or a stream is for, and so what of it they are sent.
#[derive(Clone, Debug)]
pub enum Audience {
    /// Staff: everything.
    Staff,
    /// A wall screen (a kiosk token): every card and event without personal data.
    Wall,
    /// An applicant's account: its own agency's letters only (`pantau_core::domain::own_agency`).
    Agency(pantau_core::domain::own_agency::OwnAgency),
}

impl Audience {
    /// The JSON of this event as this audience is sent it, if at all; events are taken in log order.
    pub fn sent<'a>(&mut self, item: &'a Published) -> Option<&'a str> {
        match self {
            Audience::Staff => Some(&item.json),
            Audience::Wall => Some(item.kiosk_json()),
            Audience::Agency(view) => {
                let event = serde_json::from_str::<pantau_core::domain::Event>(&item.json).ok()?;
                view.admits(&event).then_some(item.json.as_str())
            }
        }
    }

    /// Whether this audience is given this card (of the board it was made from).
    pub fn shows(&self, card: &pantau_core::domain::Card) -> bool {
        match self {
            Audience::Staff | Audience::Wall => true,
            Audience::Agency(view) => view.sees(card.id),
        }
    }

    /// A card's JSON as this audience is given it, if at all.
    pub fn card(&self, card: &pantau_core::domain::Card) -> Option<String> {
        let json = |card| serde_json::to_string(card).expect("a card serializes");
        match self {
            Audience::Wall => Some(json(&pantau_core::domain::kiosk::card(card))),
            _ => self.shows(card).then(|| json(card)),
        }
    }

    /// A page of the log as this audience is sent it.
    pub fn events(
        &mut self,
        events: Vec<pantau_core::domain::Event>,
    ) -> Vec<pantau_core::domain::Event> {
        match self {
            Audience::Staff => events,
            Audience::Wall => events
                .iter()
                .map(pantau_core::domain::kiosk::event)
                .collect(),
            Audience::Agency(view) => events.into_iter().filter(|e| view.admits(e)).collect(),
        }
    }
}

/// How long the broadcaster waits for a notification before it looks anyway.
pub const POLL_FALLBACK: Duration = Duration::from_secs(2);

/// Heartbeat comment interval of the SSE streams (the issue asks for at most 25 s).
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// Events the broadcaster reads from the log at a time.
const PAGE: u32 = 500;
/// Events one client stream reads from the log at a time while it catches up: what it holds beside
/// hyper's bounded buffer ([`crate::serve::MAX_BUF`]) when its client does not read. A client that
/// stops reading altogether is cut by the write-stall timeout and resumes with `Last-Event-ID`.
pub const CLIENT_PAGE: u32 = 100;

#[derive(Clone)]
pub struct Hub {
    pub store: Store,
    sender: broadcast::Sender<Arc<Published>>,
    /// Flips to true when the server shuts down: every stream ends.
    shutdown: watch::Receiver<bool>,
}

impl Hub {
    /// Starts the broadcaster of this process.
    pub async fn start(
        store: Store,
        database_url: Option<String>,
        shutdown: watch::Receiver<bool>,
        tasks: &crate::health::Tasks,
    ) -> Hub {
        let (sender, _) = broadcast::channel(4096);
        let start = store.last_seq().await.unwrap_or(0);
        let hub = Hub {
            store: store.clone(),
            sender: sender.clone(),
            shutdown: shutdown.clone(),
        };
        let wake = Arc::new(tokio::sync::Notify::new());
        if store.db.backend == Backend::Postgres
            && let Some(url) = database_url
        {
            tasks.spawn(
                "PostgreSQL listener",
                listen_postgres(url, wake.clone(), shutdown.clone()),
            );
        }
        tasks.spawn(
            "event broadcaster",
            broadcast_loop(store, sender, start, wake, shutdown),
        );
        hub
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.sender.subscribe()
    }

    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }

    /// The SSE response for a client whose last event is `after`. The stream ends when `ended`
    /// resolves (the client's session or kiosk token stopped being valid) or the server shuts down.
    /// Each event comes as `audience` is sent it (a wall without personal data, an applicant only
    /// its own agency's).
    pub fn sse(
        &self,
        after: u64,
        ended: Pin<Box<dyn Future<Output = ()> + Send>>,
        mut audience: Audience,
    ) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>> + use<>> {
        use futures::StreamExt;
        use std::sync::atomic::{AtomicBool, Ordering};
        // Ended because the credential ended (not the server stopping): the last thing sent says
        // so, and the browser acts at once instead of after its reconnect delay (a revoked wall
        // clears its board within about a second).
        let revoked = Arc::new(AtomicBool::new(false));
        let flag = revoked.clone();
        let ended = Box::pin(async move {
            ended.await;
            flag.store(true, Ordering::SeqCst);
        });
        let stream =
            self.events_for(after, ended)
                .filter_map(move |item| {
                    let sent = audience
                        .sent(&item)
                        .map(|json| Ok(SseEvent::default().id(item.seq.to_string()).data(json)));
                    async move { sent }
                })
                .chain(
                    futures::stream::once(async move { revoked.load(Ordering::SeqCst) })
                        .filter_map(|revoked| async move {
                            revoked.then(|| {
                                Ok(SseEvent::default()
                                    .event("ended")
                                    .data(r#"{"reason":"credential"}"#))
                            })
                        }),
                );
        Sse::new(stream).keep_alive(KeepAlive::new().interval(HEARTBEAT).text("heartbeat"))
    }

    /// The events a client whose last event is `after` is sent, in order, until `ended` resolves
    /// or the server shuts down: what [`Hub::sse`] frames.
    pub fn events_for(
        &self,
        after: u64,
        ended: Pin<Box<dyn Future<Output = ()> + Send>>,
    ) -> impl Stream<Item = Arc<Published>> + Send + use<> {
        use futures::StreamExt;
        let state = ClientStream {
            store: self.store.clone(),
            rx: self.subscribe(),
            last: after,
            backlog: std::collections::VecDeque::new(),
            catching_up: true,
        };
        futures::stream::unfold(state, |mut s| async move {
            let item = s.next().await?;
            Some((item, s))
        })
        // Looked at before every event, so a revoked stream stops even while it is busy catching up.
        .take_until(stream_end(self.shutdown.clone(), ended))
    }
}

/// Resolves when the server shuts down or `ended` does: what ends every event stream (with
/// `StreamExt::take_until`).
pub async fn stream_end(mut shutdown: watch::Receiver<bool>, ended: impl Future<Output = ()>) {
    tokio::select! {
        _ = shutdown.wait_for(|stop| *stop) => {}
        () = ended => {}
    }
}

struct ClientStream {
    store: Store,
    rx: broadcast::Receiver<Arc<Published>>,
    last: u64,
    backlog: std::collections::VecDeque<Arc<Published>>,
    catching_up: bool,
}

impl ClientStream {
    fn event(&mut self, item: Arc<Published>) -> Arc<Published> {
        self.last = item.seq;
        item
    }

    /// The next event for this client, in order and without gaps (the stream's end is
    /// [`stream_end`]'s).
    async fn next(&mut self) -> Option<Arc<Published>> {
        loop {
            if let Some(item) = self.backlog.pop_front() {
                return Some(self.event(item));
            }
            if self.catching_up {
                // Boxed: the query's large state machine is then not part of every idle stream.
                match Box::pin(self.store.events_after(self.last, CLIENT_PAGE)).await {
                    Ok(events) if events.is_empty() => self.catching_up = false,
                    Ok(events) => {
                        self.backlog
                            .extend(events.iter().map(|e| Arc::new(publish(e))));
                        continue;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "event stream cannot read the log; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                }
            }
            match self.rx.recv().await {
                Ok(item) if item.seq <= self.last => continue,
                Ok(item) if item.seq == self.last + 1 => return Some(self.event(item)),
                // A gap or a lag: read what was missed from the log.
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => self.catching_up = true,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

/// An event's JSON as a wall screen is sent it.
fn redacted(json: &str) -> String {
    match serde_json::from_str::<pantau_core::domain::Event>(json) {
        Ok(event) => serde_json::to_string(&pantau_core::domain::kiosk::event(&event))
            .expect("an event serializes"),
        // Published events are made from parsed events; this cannot happen. Send nothing personal.
        Err(e) => {
            tracing::error!(error = %e, "a published event does not read back");
            "{}".to_owned()
        }
    }
}

pub fn publish(event: &pantau_core::domain::Event) -> Published {
    Published {
        seq: event.seq.unwrap_or(0),
        json: serde_json::to_string(event).expect("an event serializes"),
        kiosk: std::sync::OnceLock::new(),
    }
}

async fn broadcast_loop(
    store: Store,
    sender: broadcast::Sender<Arc<Published>>,
    mut last: u64,
    wake: Arc<tokio::sync::Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let committed = store.committed.notified();
        let woken = wake.notified();
        tokio::pin!(committed, woken);
        // Read first, then wait: a commit between the two is caught by the next poll at worst.
        loop {
            match store.events_after(last, PAGE).await {
                Ok(events) if events.is_empty() => break,
                Ok(events) => {
                    for event in &events {
                        last = event.seq.unwrap_or(last);
                        let _ = sender.send(Arc::new(publish(event)));
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "broadcaster cannot read the log");
                    break;
                }
            }
        }
        tokio::select! {
            _ = &mut committed => {}
            _ = &mut woken => {}
            _ = tokio::time::sleep(POLL_FALLBACK) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Wakes the broadcaster when another instance commits (PostgreSQL LISTEN/NOTIFY); reconnects by itself.
async fn listen_postgres(
    url: String,
    wake: Arc<tokio::sync::Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let listener = async {
            let mut listener = sqlx::postgres::PgListener::connect(&url).await?;
            listener.listen(NOTIFY_CHANNEL).await?;
            loop {
                listener.recv().await?;
                wake.notify_waiters();
            }
            #[allow(unreachable_code)]
            Ok::<(), sqlx::Error>(())
        };
        tokio::select! {
            result = listener => {
                if let Err(e) = result {
                    tracing::warn!(error = %e, "LISTEN connection lost; reconnecting");
                }
            }
            _ = shutdown.changed() => return,
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
    }
}
