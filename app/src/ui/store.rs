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
mod browser {
    use futures::StreamExt;
    use gloo_net::eventsource::State;
    use gloo_net::eventsource::futures::EventSource;
    use leptos::task::spawn_local;

    use super::*;
    use crate::domain::{BoardSnapshot, Event};

    pub fn start(store: Store) {
        spawn_local(async move {
            match load().await {
                Ok(snapshot) => {
                    let offset = ClockOffset(snapshot.server_time - Utc::now());
                    store.sla.set(snapshot.sla);
                    store
                        .board
                        .set(Board::from_cards(snapshot.seq, snapshot.cards));
                    store.now.set(Utc::now() + offset.0);
                    tick(store, offset);
                    follow(store, snapshot.seq);
                }
                Err(message) => store.connection.set(Connection::Failed(message)),
            }
        });
    }

    async fn load() -> Result<BoardSnapshot, String> {
        let res = gloo_net::http::Request::get("/api/board")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !res.ok() {
            return Err(format!("HTTP {}", res.status()));
        }
        res.json().await.map_err(|e| e.to_string())
    }

    /// One clock for every timer, and the stream's state, once a second.
    fn tick(store: Store, offset: ClockOffset) {
        let _ = set_interval_with_handle(
            move || store.now.set(Utc::now() + offset.0),
            std::time::Duration::from_secs(1),
        );
    }

    /// Applies every new event; the browser reconnects by itself, resuming with Last-Event-ID.
    fn follow(store: Store, seq: u64) {
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
                    store.board.update(|b| b.apply(&event));
                }
            }
        });
    }
}
