//! Keeping the board in step with the server: the saved board caught up by its events, or a
//! snapshot; then the event stream; the queue shared between tabs; the service worker.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use gloo_net::eventsource::State;
use gloo_net::eventsource::futures::EventSource;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::value::RawValue;

use super::account::{self, is_leaving};
use super::for_you;
use super::http::{api_url, error_message, is_kiosk, kiosk_token, sleep, use_kiosk_token};
use super::push::kick;
use super::saved::{self, Raw, ThreadLocal};
use crate::api::sync::{BoardSnapshot, CardAnswer, PullAnswer};
use crate::domain::{Board, CardId, Event};
use crate::ui::screen::{ClockOffset, Connection, Screen};

thread_local! {
    /// Whether the saved texts are being replaced by a fresh snapshot.
    static COMPACTING: Cell<bool> = const { Cell::new(false) };
    /// Cards whose history is being fetched, with their events that came meanwhile.
    static FETCHING: RefCell<HashMap<CardId, Vec<Event>>> = RefCell::default();
}

/// The server no longer accepts this screen: staff sign in again; a wall says so and stops.
fn refused_access(screen: Screen, message: crate::i18n::Both) {
    // Signing out on this screen: the page is on its way to the login page already.
    if is_leaving() {
        return;
    }
    if is_kiosk() {
        // A wall whose token is revoked shows nothing it showed: not on screen, not saved
        // for the next start.
        saved::forget();
        super::feed::forget();
        screen.pending.set(Vec::new());
        screen.confirmed.set(Board::new());
        screen.cameras.set(Default::default());
        screen.rebuild();
        screen.connection.set(Connection::Failed(message));
    } else {
        account::to_login();
    }
}

/// Fills what the screen knows and keeps it current, from this browser's storage and the server.
pub fn start(screen: Screen) {
    let path = window().location().pathname().unwrap_or_default();
    // The sign-in page has no board and nobody signed in.
    if path.starts_with(crate::account::LOGIN_PATH) {
        return;
    }
    if path.starts_with("/wall") {
        match kiosk_token() {
            Some(token) => use_kiosk_token(token),
            None => {
                screen
                    .connection
                    .set(Connection::Failed(crate::i18n::Both::new(
                        "token kiosk diperlukan: buka /wall?token=…",
                        "a kiosk token is needed: open /wall?token=…",
                    )));
                return;
            }
        }
    }
    register_service_worker();
    let saved = saved::load();
    let data_from = saved.as_ref().map(|(_, _, at, _)| *at);
    let mut saved_raw = None;
    if let Some((snapshot, board, _, raw)) = saved {
        screen.sla.set(snapshot.sla);
        screen.notify.set(snapshot.notify);
        screen.confirmed.set(board);
        saved_raw = Some(raw);
    }
    screen.me.set(saved::load_me());
    screen.pending.set(saved::load_pending());
    if let Some(feed) = super::feed::load_saved() {
        screen.cameras.set(feed);
    }
    screen.rebuild();
    share_between_tabs(screen);
    Effect::new(move |_| {
        screen.pending.with(|p| saved::save_pending(p));
    });
    let raw = StoredValue::new_local(Raw::default());
    spawn_local(async move {
        // Who is signed in; offline, whoever was (the server checks every push anyway).
        // A wall screen has a kiosk token and nobody signed in.
        if !is_kiosk() {
            match account::me().await {
                Ok(Some(me)) => {
                    // The same person as saved: nothing to redraw (every card's move
                    // buttons depend on the roles).
                    if screen.me.with_untracked(|m| m.as_ref() != Some(&me)) {
                        saved::save_me(&me);
                        screen.me.set(Some(me));
                    }
                }
                Ok(None) => return account::to_login(),
                Err(_) => {}
            }
        }
        // Until the server answers, show what this browser saved; try again every few seconds.
        // With a saved board only the events since it are fetched; else the whole snapshot.
        let seq_before = screen.confirmed.with_untracked(|b| b.seq);
        let (text, offset, fresh, missing) = loop {
            let attempt = match &saved_raw {
                Some(saved) => resume(screen, saved.clone())
                    .await
                    .map(|(t, o, missing)| (t, o, false, missing)),
                None => snapshot(screen)
                    .await
                    .map(|(t, o)| (t, o, true, Vec::new())),
            };
            match attempt {
                Ok(loaded) => break loaded,
                Err(LoadError::SignedOut(message)) => return refused_access(screen, message),
                Err(LoadError::TooFarBehind) => saved_raw = None,
                Err(LoadError::Other(message)) => {
                    screen.connection.set(match data_from {
                        Some(data_from) => Connection::Offline { data_from },
                        None => Connection::Failed(crate::i18n::Both::split(&message)),
                    });
                    sleep(std::time::Duration::from_secs(5)).await;
                }
            }
        };
        raw.set_value(text);
        for event in missing {
            fetch_card(screen, raw, event);
        }
        screen.now.set(Utc::now() + offset.0);
        // A saved board with nothing new is already on screen: no second drawing of it.
        let changed = fresh || screen.confirmed.with_untracked(|b| b.seq) != seq_before;
        screen.settle(changed);
        tick(screen, offset);
        follow(screen, screen.confirmed.with_untracked(|b| b.seq), raw);
        if !is_kiosk() {
            for_you::watch(screen);
        }
        super::feed::follow(screen);
        saved::keep(screen, raw);
        kick(screen);
    });
}

/// Another tab of this browser changed the queue: take it over (the server makes repeats harmless).
fn share_between_tabs(screen: Screen) {
    let handle = window_event_listener(leptos::ev::storage, move |ev| {
        if ev.key().as_deref() == Some(saved::PENDING_KEY) {
            let theirs = saved::load_pending();
            if screen.pending.with_untracked(|p| *p != theirs) {
                screen.pending.set(theirs);
                screen.settle(true);
                kick(screen);
            }
        }
    });
    std::mem::forget(handle);
}

fn register_service_worker() {
    let navigator = window().navigator();
    if js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        let _ = navigator.service_worker().register("/sw.js");
    }
}

enum LoadError {
    /// 401: the session ended, or the kiosk token is unknown or revoked (the server's words).
    SignedOut(crate::i18n::Both),
    /// The saved board is too old to catch up event by event: take a snapshot.
    TooFarBehind,
    Other(String),
}

/// The whole board from the server: the snapshot becomes the server's board.
async fn snapshot(screen: Screen) -> Result<(Raw, ClockOffset), LoadError> {
    let (text, snapshot) = load().await?;
    let offset = ClockOffset(snapshot.server_time - Utc::now());
    screen.sla.set(snapshot.sla);
    screen.notify.set(snapshot.notify);
    screen
        .confirmed
        .set(Board::from_cards(snapshot.seq, snapshot.cards));
    Ok((Raw::fresh(text, snapshot.seq), offset))
}

/// Catches the saved board up with the events since it (far less to fetch and read than a
/// snapshot of every card). The clock offset comes from the answer's `Date` (to the second).
/// Also gives the events of cards the board does not hold (see [`fetch_card`]).
async fn resume(
    screen: Screen,
    mut saved: Raw,
) -> Result<(Raw, ClockOffset, Vec<Event>), LoadError> {
    let mut since = screen.confirmed.with_untracked(|b| b.seq);
    let mut events = Vec::new();
    let mut offset = ClockOffset::default();
    loop {
        let res = read(&format!("/api/sync/pull?since={since}&limit=1000")).await?;
        if let Some(date) = res
            .headers()
            .get("date")
            .and_then(|d| DateTime::parse_from_rfc2822(&d).ok())
        {
            offset = ClockOffset(date.with_timezone(&Utc) - Utc::now());
        }
        let page: PullAnswer = res
            .json()
            .await
            .map_err(|e| LoadError::Other(e.to_string()))?;
        if page.last < since {
            // The saved board is of another database (restored or reset): start afresh.
            return Err(LoadError::TooFarBehind);
        }
        events.extend(page.events);
        since = page.next;
        if saved.events.len() + events.len() > saved::MAX_EVENTS {
            return Err(LoadError::TooFarBehind);
        }
        if !page.more {
            break;
        }
    }
    if !events.is_empty() {
        screen.confirmed.update(|b| {
            for event in &events {
                b.apply(event);
            }
        });
    }
    saved.events.extend(events.iter().map(event_text));
    let missing: Vec<Event> = screen.confirmed.with_untracked(|b| {
        events
            .into_iter()
            .filter(|e| b.card(e.card).is_none())
            .collect()
    });
    Ok((saved, offset, missing))
}

fn event_text(event: &Event) -> Box<RawValue> {
    serde_json::value::to_raw_value(event).expect("an event serializes")
}

/// An event came of a card this board does not hold: a letter edited into an applicant's agency
/// (its account was never sent the letter's earlier events). The card's history is fetched once,
/// applied with whatever of its events came meanwhile, and kept with the saved events.
fn fetch_card(screen: Screen, raw: StoredValue<Raw, ThreadLocal>, event: Event) {
    let card = event.card;
    let first = FETCHING.with(|f| {
        let mut fetching = f.borrow_mut();
        let first = !fetching.contains_key(&card);
        fetching.entry(card).or_default().push(event);
        first
    });
    if !first {
        return;
    }
    spawn_local(async move {
        let history = match read(&format!("/api/cards/{}", card.0)).await {
            Ok(res) => res.json::<CardAnswer>().await.ok().map(|a| a.events),
            Err(_) => None,
        };
        let waited = FETCHING
            .with(|f| f.borrow_mut().remove(&card))
            .unwrap_or_default();
        let Some(history) = history else {
            // Not readable (any more): the next snapshot has it if it should.
            return;
        };
        screen.confirmed.update(|b| {
            for event in history.iter().chain(&waited) {
                b.apply(event);
            }
        });
        raw.update_value(|r| r.events.extend(history.iter().map(event_text)));
        screen.settle(true);
    });
}

/// A GET of the read API (with the kiosk token on a wall): a 2xx answer, or why not.
async fn read(path: &str) -> Result<gloo_net::http::Response, LoadError> {
    let res = gloo_net::http::Request::get(&api_url(path))
        .send()
        .await
        .map_err(|e| LoadError::Other(e.to_string()))?;
    if res.status() == 401 {
        return Err(LoadError::SignedOut(error_message(res).await));
    }
    if !res.ok() {
        return Err(LoadError::Other(format!("HTTP {}", res.status())));
    }
    Ok(res)
}

/// The snapshot, as text (kept for offline use) and parsed.
async fn load() -> Result<(String, BoardSnapshot), LoadError> {
    let res = read("/api/board").await?;
    let text = res
        .text()
        .await
        .map_err(|e| LoadError::Other(e.to_string()))?;
    let snapshot = serde_json::from_str(&text).map_err(|e| LoadError::Other(e.to_string()))?;
    Ok((text, snapshot))
}

/// One clock for every timer, once a second.
fn tick(screen: Screen, offset: ClockOffset) {
    let _ = set_interval_with_handle(
        move || screen.now.set(Utc::now() + offset.0),
        std::time::Duration::from_secs(1),
    );
}

/// A screen that runs for days would keep every event's text: past the saved maximum, the
/// texts are replaced by a fresh snapshot (and the few events after it), so memory stays flat.
fn compact(raw: StoredValue<Raw, ThreadLocal>) {
    if raw.with_value(|r| r.events.len()) <= saved::MAX_EVENTS
        || COMPACTING.with(|c| c.replace(true))
    {
        return;
    }
    spawn_local(async move {
        if let Ok((text, snapshot)) = load().await {
            raw.update_value(|r| {
                r.events.retain(|e| {
                    serde_json::from_str::<Event>(e.get()).is_ok_and(|e| e.seq > Some(snapshot.seq))
                });
                r.snapshot = text;
                r.snapshot_seq = snapshot.seq;
                r.snapshot_saved = false;
            });
        }
        COMPACTING.with(|c| c.set(false));
    });
}

/// Applies every new event; the browser reconnects by itself, resuming with Last-Event-ID.
/// When the browser says the network is gone, the stream is closed at once (the screen then
/// says since when its data is) and opened again from the last event when it is back.
fn follow(screen: Screen, seq: u64, raw: StoredValue<Raw, ThreadLocal>) {
    let source = StoredValue::new_local(None::<EventSource>);
    let generation = StoredValue::new(0u64);
    let offline = window_event_listener(leptos::ev::offline, move |_| {
        generation.update_value(|g| *g += 1);
        source.set_value(None);
        if !matches!(screen.connection.get_untracked(), Connection::Failed(_)) {
            screen.connection.set(Connection::Reconnecting {
                since: screen.now.get_untracked(),
            });
        }
    });
    let online = window_event_listener(leptos::ev::online, move |_| {
        let seq = screen.confirmed.with_untracked(|b| b.seq);
        listen(screen, seq, raw, source, generation);
    });
    std::mem::forget((offline, online));
    listen(screen, seq, raw, source, generation);
    watch_connection(screen, source);
}

/// Checks the stream twice a second: live, reconnecting since when, or closed for good.
fn watch_connection(screen: Screen, source: StoredValue<Option<EventSource>, ThreadLocal>) {
    let probing = StoredValue::new(false);
    let _ = set_interval_with_handle(
        move || {
            let state = source.with_value(|s| s.as_ref().map(EventSource::state));
            // Closed for good: the server answered the reconnect with an error (a session
            // ended, a kiosk token revoked). Ask the board once to learn which.
            if state == Some(State::Closed) && !probing.get_value() {
                probing.set_value(true);
                spawn_local(async move {
                    if let Err(LoadError::SignedOut(message)) = load().await {
                        refused_access(screen, message);
                    } else {
                        probing.set_value(false);
                    }
                });
                return;
            }
            if matches!(screen.connection.get_untracked(), Connection::Failed(_)) {
                return;
            }
            let open = state == Some(State::Open);
            // Only a change is told to the screen (twice a second, for days).
            screen.connection.maybe_update(|c| match (open, &*c) {
                (true, Connection::Live) | (false, Connection::Reconnecting { .. }) => false,
                (true, _) => {
                    *c = Connection::Live;
                    // Back online: send what waited.
                    kick(screen);
                    true
                }
                (false, _) => {
                    *c = Connection::Reconnecting {
                        since: screen.now.get_untracked(),
                    };
                    true
                }
            })
        },
        std::time::Duration::from_millis(500),
    );
}

/// Opens the stream from `seq` (closing any before it) and applies what it brings.
fn listen(
    screen: Screen,
    seq: u64,
    raw: StoredValue<Raw, ThreadLocal>,
    source: StoredValue<Option<EventSource>, ThreadLocal>,
    generation: StoredValue<u64>,
) {
    generation.update_value(|g| *g += 1);
    let mine = generation.get_value();
    let Ok(mut opened) = EventSource::new(&api_url(&format!("/api/events?since={seq}"))) else {
        screen
            .connection
            .set(Connection::Failed(crate::i18n::Both::split("EventSource")));
        return;
    };
    let Ok(mut messages) = opened.subscribe("message") else {
        return;
    };
    // The server's last word when the session or the kiosk token ended: learn which at once.
    let ended = opened.subscribe("ended").ok();
    source.set_value(Some(opened));
    if let Some(mut ended) = ended {
        spawn_local(async move {
            if ended.next().await.is_some()
                && generation.get_value() == mine
                && let Err(LoadError::SignedOut(message)) = load().await
            {
                refused_access(screen, message);
            }
        });
    }
    spawn_local(async move {
        while let Some(Ok((_, message))) = messages.next().await {
            if generation.get_value() != mine {
                // A newer stream took over (after the network came back).
                break;
            }
            if let Some(data) = message.data().as_string()
                && let Ok(event) = serde_json::from_str::<Event>(&data)
                && let Ok(text) = RawValue::from_string(data)
            {
                raw.update_value(|raw| raw.events.push(text));
                compact(raw);
                let watching = for_you::watching(screen);
                let before = watching
                    .then(|| {
                        screen
                            .confirmed
                            .with_untracked(|b| b.card(event.card).cloned())
                    })
                    .flatten();
                screen.confirmed.update(|b| b.apply(&event));
                if screen
                    .confirmed
                    .with_untracked(|b| b.card(event.card).is_none())
                {
                    fetch_card(screen, raw, event);
                    continue;
                }
                if watching {
                    for_you::arrived(screen, before.as_ref(), &event);
                }
                // The shown board is rebuilt (server's board + queue) only when this event
                // touches a card with waiting changes made by someone else; otherwise it takes
                // the event as it is (its own changes come back as no-ops).
                let (ours, touches) = screen.pending.with_untracked(|p| {
                    (
                        p.iter().any(|p| p.envelope.id == event.mutation_id),
                        p.iter().any(|p| p.envelope.mutation.card() == event.card),
                    )
                });
                if touches && !ours {
                    screen.settle(true);
                } else {
                    screen.board.update(|b| b.apply(&event));
                    if ours {
                        screen
                            .pending
                            .update(|p| p.retain(|x| x.envelope.id != event.mutation_id));
                    }
                }
            }
        }
    });
}
