//! The board as this browser knows it: the cards, the SLA settings, one clock for every timer, and
//! the connection to the server. Loaded from `/api/board`, kept current by `/api/events`.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;

use super::filter::Filter;
use crate::domain::{Board, Card, SlaConfig, Stage};

/// How this screen stands with the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    /// Not yet loaded (and always so while rendering on the server).
    Loading,
    Live,
    /// The stream dropped; the browser is reconnecting.
    Reconnecting {
        since: DateTime<Utc>,
    },
    /// The server cannot be reached: showing what this browser saved at `data_from`.
    Offline {
        data_from: DateTime<Utc>,
    },
    Failed(String),
}

#[derive(Clone, Copy)]
pub struct Store {
    pub board: RwSignal<Board>,
    pub sla: RwSignal<SlaConfig>,
    /// The one clock every timer reads: server time, ticking each second.
    pub now: RwSignal<DateTime<Utc>>,
    pub connection: RwSignal<Connection>,
    /// Search and filters of the board.
    pub filter: RwSignal<Filter>,
    /// The card whose details are open.
    pub selected: RwSignal<Option<crate::domain::CardId>>,
}

impl Store {
    /// The cards at a stage that pass the filter, oldest first.
    pub fn cards_at(&self, stage: Stage) -> Vec<Card> {
        let filter = self.filter.get();
        // Only the "late" filter depends on the clock; others need not re-run every second.
        let now = if filter.only_late {
            self.now.get()
        } else {
            self.now.get_untracked()
        };
        self.sla.with(|sla| {
            self.board.with(|b| {
                let mut cards: Vec<Card> = b
                    .cards
                    .values()
                    .filter(|c| {
                        c.stage == stage && (!filter.is_active() || filter.keeps(c, sla, now))
                    })
                    .cloned()
                    .collect();
                cards.sort_by_key(|c| (c.visits.last().map(|v| v.entered), c.id));
                cards
            })
        })
    }

    /// Every applicant agency on the board, for the filter.
    pub fn agencies(&self) -> Vec<String> {
        self.board.with(|b| {
            let mut names: Vec<String> = b
                .cards
                .values()
                .map(|c| c.request.agency.to_string())
                .collect();
            names.sort();
            names.dedup();
            names
        })
    }
}

pub fn use_store() -> Store {
    expect_context::<Store>()
}

pub fn provide_store() {
    let store = Store {
        board: RwSignal::new(Board::new()),
        sla: RwSignal::new(SlaConfig::default()),
        now: RwSignal::new(Utc::now()),
        connection: RwSignal::new(Connection::Loading),
        filter: RwSignal::new(Filter::default()),
        selected: RwSignal::new(None),
    };
    provide_context(store);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::start(store));
}

/// Server time minus this browser's clock.
#[derive(Clone, Copy, Default)]
pub struct ClockOffset(pub Duration);

#[cfg(feature = "hydrate")]
mod saved {
    //! The board as this browser last saw it, in localStorage under a versioned key: the server's
    //! snapshot and the events after it, kept as the texts the server sent. The browser then needs no
    //! code to write the domain's types, only to read them, which keeps the bundle smaller.

    use gloo_storage::{LocalStorage, Storage};
    use leptos::prelude::*;
    use serde::{Deserialize, Serialize};

    use super::Store;
    use crate::domain::{Board, BoardSnapshot, Event};
    use chrono::{DateTime, Utc};

    const KEY: &str = "pantau.board";
    const VERSION: u32 = 2;
    /// After this many events the next page load starts from a fresh snapshot anyway; beyond it,
    /// saving stops growing.
    const MAX_EVENTS: usize = 2_000;

    /// What the server sent, as text.
    #[derive(Clone, Default, Serialize, Deserialize)]
    pub struct Raw {
        pub snapshot: String,
        pub events: Vec<String>,
    }

    #[derive(Serialize, Deserialize)]
    struct Saved {
        version: u32,
        saved_at: DateTime<Utc>,
        #[serde(flatten)]
        raw: Raw,
    }

    /// The saved board and when it was saved. A layout this version cannot read is dropped: the server
    /// has the truth. (Version 1 held cards re-serialized by the browser; it is not read back.)
    pub fn load() -> Option<(BoardSnapshot, Board, DateTime<Utc>)> {
        let value: serde_json::Value = LocalStorage::get(KEY).ok()?;
        let saved = match value.get("version").and_then(|v| v.as_u64()) {
            Some(2) => serde_json::from_value::<Saved>(value).ok(),
            _ => None,
        };
        let Some(saved) = saved else {
            LocalStorage::delete(KEY);
            return None;
        };
        let snapshot: BoardSnapshot = serde_json::from_str(&saved.raw.snapshot).ok()?;
        let mut board = Board::from_cards(snapshot.seq, snapshot.cards.clone());
        for text in &saved.raw.events {
            if let Ok(event) = serde_json::from_str::<Event>(text) {
                board.apply(&event);
            }
        }
        Some((snapshot, board, saved.saved_at))
    }

    /// Saves the texts whenever the board changes (at most every 2 s).
    pub fn keep(store: Store, raw: StoredValue<Raw, ThreadLocal>) {
        let pending = StoredValue::new(false);
        Effect::new(move |_| {
            store.board.track();
            if pending.get_value() {
                return;
            }
            pending.set_value(true);
            set_timeout(
                move || {
                    pending.set_value(false);
                    let saved = raw.with_value(|raw| Saved {
                        version: VERSION,
                        saved_at: store.now.get_untracked(),
                        raw: raw.clone(),
                    });
                    if saved.raw.events.len() <= MAX_EVENTS {
                        // Full storage is not fatal: the server still has everything.
                        let _ = LocalStorage::set(KEY, saved);
                    }
                },
                std::time::Duration::from_secs(2),
            );
        });
    }

    /// Storage of values that stay on this thread (browser objects, plain texts): not Send.
    pub type ThreadLocal = leptos::reactive::owner::LocalStorage;
}

#[cfg(feature = "hydrate")]
mod browser {
    use futures::StreamExt;
    use gloo_net::eventsource::State;
    use gloo_net::eventsource::futures::EventSource;
    use leptos::task::spawn_local;

    use super::saved::{Raw, ThreadLocal};
    use super::*;
    use crate::domain::{BoardSnapshot, Event};

    pub fn start(store: Store) {
        register_service_worker();
        let saved = saved::load();
        let data_from = saved.as_ref().map(|(_, _, at)| *at);
        if let Some((snapshot, board, _)) = saved {
            store.sla.set(snapshot.sla);
            store.board.set(board);
        }
        let raw = StoredValue::new_local(Raw::default());
        spawn_local(async move {
            // Until the server answers, show what this browser saved; try again every few seconds.
            let (text, snapshot) = loop {
                match load().await {
                    Ok(loaded) => break loaded,
                    Err(message) => {
                        store.connection.set(match data_from {
                            Some(data_from) => Connection::Offline { data_from },
                            None => Connection::Failed(message),
                        });
                        sleep(std::time::Duration::from_secs(5)).await;
                    }
                }
            };
            raw.set_value(Raw {
                snapshot: text,
                events: Vec::new(),
            });
            let offset = ClockOffset(snapshot.server_time - Utc::now());
            store.sla.set(snapshot.sla);
            store
                .board
                .set(Board::from_cards(snapshot.seq, snapshot.cards));
            store.now.set(Utc::now() + offset.0);
            tick(store, offset);
            follow(store, snapshot.seq, raw);
            saved::keep(store, raw);
        });
    }

    async fn sleep(duration: std::time::Duration) {
        let (tx, rx) = futures::channel::oneshot::channel::<()>();
        set_timeout(
            move || {
                let _ = tx.send(());
            },
            duration,
        );
        let _ = rx.await;
    }

    fn register_service_worker() {
        let navigator = window().navigator();
        if js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
            let _ = navigator.service_worker().register("/sw.js");
        }
    }

    /// The snapshot, as text (kept for offline use) and parsed.
    async fn load() -> Result<(String, BoardSnapshot), String> {
        let res = gloo_net::http::Request::get("/api/board")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !res.ok() {
            return Err(format!("HTTP {}", res.status()));
        }
        let text = res.text().await.map_err(|e| e.to_string())?;
        let snapshot = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        Ok((text, snapshot))
    }

    /// One clock for every timer, once a second.
    fn tick(store: Store, offset: ClockOffset) {
        let _ = set_interval_with_handle(
            move || store.now.set(Utc::now() + offset.0),
            std::time::Duration::from_secs(1),
        );
    }

    /// Applies every new event; the browser reconnects by itself, resuming with Last-Event-ID.
    fn follow(store: Store, seq: u64, raw: StoredValue<Raw, ThreadLocal>) {
        let Ok(mut source) = EventSource::new(&format!("/api/events?since={seq}")) else {
            store
                .connection
                .set(Connection::Failed("EventSource".into()));
            return;
        };
        let Ok(mut messages) = source.subscribe("message") else {
            return;
        };
        let source = StoredValue::new_local(source);
        let _ = set_interval_with_handle(
            move || {
                let open = source.with_value(|s| s.state() == State::Open);
                store.connection.update(|c| match (open, &*c) {
                    (true, Connection::Live) | (false, Connection::Reconnecting { .. }) => {}
                    (true, _) => *c = Connection::Live,
                    (false, _) => {
                        *c = Connection::Reconnecting {
                            since: store.now.get_untracked(),
                        }
                    }
                })
            },
            std::time::Duration::from_millis(500),
        );
        spawn_local(async move {
            while let Some(Ok((_, message))) = messages.next().await {
                if let Some(data) = message.data().as_string()
                    && let Ok(event) = serde_json::from_str::<Event>(&data)
                {
                    raw.update_value(|raw| raw.events.push(data));
                    store.board.update(|b| b.apply(&event));
                }
            }
        });
    }
}
