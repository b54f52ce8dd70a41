//! What this browser keeps of the board, its queue and who is signed in (localStorage), with the
//! layout versions it reads.

//! What this browser keeps in localStorage, each under a versioned key:
//! - `pantau.board`: the server's snapshot and the events after it, as the texts the server sent
//!   (the browser then needs no code to write the domain's types, only to read them);
//! - `pantau.pending`: the changes made here that the server has not confirmed, in order;
//! - `pantau.me`: who was signed in, for working offline.
//!
//! A layout this version cannot read is dropped: the server has the truth.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::account::Me;
use crate::api::sync::BoardSnapshot;
use crate::domain::{Board, Event};
use crate::ui::screen::{Pending, Screen};
use chrono::{DateTime, Utc};

const KEY: &str = "pantau.board";
/// The snapshot's text, as the server sent it (version 4 on).
const SNAPSHOT_KEY: &str = "pantau.board.snapshot";
/// 4: the head under `pantau.board` (`{"version":4,"saved_at":…,"snapshot_seq":…,"events":[…]}`)
/// and the snapshot under its own key, written only when it is a new one: a save after a move
/// writes kilobytes, not the whole board, and reading needs no scan for the snapshot's end.
/// 3 held the snapshot inside the head; 2 held the texts as escaped strings. Both are read,
/// and written as 4 at the next save.
const VERSION: u32 = 4;
pub const PENDING_KEY: &str = "pantau.pending";
const PENDING_VERSION: u32 = 1;
const ME_KEY: &str = "pantau.me";
/// After this many events the next page load starts from a fresh snapshot anyway; beyond it,
/// saving stops growing.
pub const MAX_EVENTS: usize = 2_000;

/// What the server sent, as text. The events' texts are JSON by construction (each was read as
/// an event, or written from one), so a save writes them as they are.
#[derive(Clone, Default)]
pub struct Raw {
    pub snapshot: String,
    pub events: Vec<Box<RawValue>>,
    /// The snapshot's sequence number.
    pub snapshot_seq: u64,
    /// Whether `snapshot` is the one saved in this browser.
    pub snapshot_saved: bool,
}

impl Raw {
    /// A snapshot just fetched (not saved yet), and its sequence number.
    pub fn fresh(snapshot: String, seq: u64) -> Raw {
        Raw {
            snapshot,
            events: Vec::new(),
            snapshot_seq: seq,
            snapshot_saved: false,
        }
    }
}

/// The head of the saved board, read without copying: the texts stay JSON until read.
#[derive(Deserialize)]
struct Head<'a> {
    version: u32,
    saved_at: DateTime<Utc>,
    /// Version 4: the sequence number of the snapshot saved under [`SNAPSHOT_KEY`].
    #[serde(default)]
    snapshot_seq: Option<u64>,
    /// Versions 2 and 3: the snapshot itself.
    #[serde(borrow, default)]
    snapshot: Option<&'a RawValue>,
    #[serde(borrow)]
    events: Vec<&'a RawValue>,
}

impl Head<'_> {
    /// A text the server sent: inline JSON (versions 3 and 4), or a JSON string holding it
    /// (version 2).
    fn text(&self, raw: &RawValue) -> Option<Box<RawValue>> {
        match self.version {
            3 | VERSION => Some(raw.to_owned()),
            2 => RawValue::from_string(serde_json::from_str(raw.get()).ok()?).ok(),
            _ => None,
        }
    }
}

#[derive(Serialize)]
struct HeadOut<'a> {
    version: u32,
    saved_at: DateTime<Utc>,
    snapshot_seq: u64,
    events: &'a [Box<RawValue>],
}

#[derive(Serialize, Deserialize)]
struct SavedPending {
    version: u32,
    items: Vec<Pending>,
}

/// The saved board and when it was saved. (Version 1 held cards re-serialized by the browser;
/// it is not read back.)
pub fn load() -> Option<(BoardSnapshot, Board, DateTime<Utc>, Raw)> {
    let loaded = stored_bytes(KEY).and_then(|head| read(&head));
    if loaded.is_none() {
        LocalStorage::delete(KEY);
        LocalStorage::delete(SNAPSHOT_KEY);
    }
    loaded
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = localStorage, js_name = getItem)]
    fn stored_text(key: &str) -> Result<Option<js_sys::JsString>, wasm_bindgen::JsValue>;
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    /// Writes `text` as UTF-8 straight into `into` (the bundle's memory).
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, text: &js_sys::JsString, into: &mut [u8]) -> Encoded;
    type Encoded;
    /// How much of the text was written, in UTF-16 units.
    #[wasm_bindgen(method, getter)]
    fn read(this: &Encoded) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &Encoded) -> u32;
}

/// A stored text as UTF-8, written by the browser straight into this bundle's memory:
/// megabytes handed over as a string would be copied a character at a time.
fn stored_bytes(key: &str) -> Option<Vec<u8>> {
    let mut text = stored_text(key).ok().flatten()?;
    let encoder = TextEncoder::new();
    let length = text.length() as usize;
    // Mostly ASCII: a little room for the rest, more when it runs out.
    let mut bytes = vec![0; length + length / 8 + 64];
    let mut written = 0;
    loop {
        let done = encoder.encode_into(&text, &mut bytes[written..]);
        written += done.written() as usize;
        if done.read() >= text.length() {
            bytes.truncate(written);
            return Some(bytes);
        }
        text = text.slice(done.read(), text.length());
        bytes.resize(written + text.length() as usize * 3, 0);
    }
}

fn read(head: &[u8]) -> Option<(BoardSnapshot, Board, DateTime<Utc>, Raw)> {
    // The head marks where each event's text is; each text is then read once, straight into
    // the domain's types (a 2,000-card board is megabytes).
    let head = serde_json::from_slice::<Head>(head).ok()?;
    let (snapshot_text, snapshot_saved) = match (head.version, head.snapshot) {
        (VERSION, None) => (String::from_utf8(stored_bytes(SNAPSHOT_KEY)?).ok()?, true),
        (2 | 3, Some(inside)) => (Box::<str>::from(head.text(inside)?).into_string(), false),
        _ => return None,
    };
    let mut snapshot: BoardSnapshot = serde_json::from_str(&snapshot_text).ok()?;
    if head.version == VERSION && head.snapshot_seq.is_none_or(|seq| snapshot.seq < seq) {
        // Older than the one this head's events follow (another tab of this browser may have
        // saved a newer one since: the events it already holds are skipped below).
        return None;
    }
    let raw = Raw {
        snapshot: snapshot_text,
        events: head
            .events
            .iter()
            .map(|e| head.text(e))
            .collect::<Option<_>>()?,
        snapshot_seq: snapshot.seq,
        snapshot_saved,
    };
    // The cards move into the board; the snapshot keeps the rest (the SLA settings).
    let cards = std::mem::take(&mut snapshot.cards);
    let mut board = Board::from_cards(snapshot.seq, cards);
    for text in &raw.events {
        if let Ok(event) = serde_json::from_str::<Event>(text.get()) {
            board.apply(&event);
        }
    }
    Some((snapshot, board, head.saved_at, raw))
}

pub fn load_pending() -> Vec<Pending> {
    match LocalStorage::get::<SavedPending>(PENDING_KEY) {
        Ok(saved) if saved.version == PENDING_VERSION => saved.items,
        _ => Vec::new(),
    }
}

pub fn save_pending(items: &[Pending]) {
    // Full storage must not lose the queue silently: the notice says so.
    let _ = LocalStorage::set(
        PENDING_KEY,
        SavedPending {
            version: PENDING_VERSION,
            items: items.to_vec(),
        },
    );
}

pub fn load_me() -> Option<Me> {
    LocalStorage::get(ME_KEY).ok()
}

pub fn save_me(me: &Me) {
    let _ = LocalStorage::set(ME_KEY, me);
}

pub fn forget() {
    LocalStorage::delete(KEY);
    LocalStorage::delete(SNAPSHOT_KEY);
    LocalStorage::delete(ME_KEY);
}

/// Writes the head, and the snapshot first when it is not saved yet. Full storage is not
/// fatal (the server still has everything): what was saved before stays whole.
fn save(screen: Screen, raw: StoredValue<Raw, ThreadLocal>) {
    let head = raw.with_value(|raw| {
        if raw.snapshot.is_empty() || raw.events.len() > MAX_EVENTS {
            return None;
        }
        // The server's texts are JSON already: written inline as they came.
        let head = HeadOut {
            version: VERSION,
            saved_at: screen.now.get_untracked(),
            snapshot_seq: raw.snapshot_seq,
            events: &raw.events,
        };
        Some((serde_json::to_string(&head).ok()?, raw.snapshot_saved))
    });
    let Some((head, snapshot_saved)) = head else {
        return;
    };
    let storage = LocalStorage::raw();
    if !snapshot_saved {
        let written = raw.with_value(|raw| storage.set_item(SNAPSHOT_KEY, &raw.snapshot));
        if written.is_err() {
            return;
        }
        raw.update_value(|raw| raw.snapshot_saved = true);
    }
    let _ = storage.set_item(KEY, &head);
}

/// Saves whenever the board changes (at most every 2 s) and when the page goes away.
pub fn keep(screen: Screen, raw: StoredValue<Raw, ThreadLocal>) {
    let handle = window_event_listener(leptos::ev::pagehide, move |_| save(screen, raw));
    // Another tab saved its snapshot over this one's: the next save here writes this tab's
    // again, so the head never names events that do not follow the stored snapshot.
    let other_tab = window_event_listener(leptos::ev::storage, move |ev| {
        if ev.key().as_deref() == Some(SNAPSHOT_KEY) {
            raw.update_value(|raw| raw.snapshot_saved = false);
        }
    });
    std::mem::forget((handle, other_tab));
    let pending = StoredValue::new(false);
    Effect::new(move |_| {
        screen.confirmed.track();
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        set_timeout(
            move || {
                pending.set_value(false);
                save(screen, raw);
            },
            std::time::Duration::from_secs(2),
        );
    });
}

/// Storage of values that stay on this thread (browser objects, plain texts): not Send.
pub type ThreadLocal = leptos::reactive::owner::LocalStorage;
