//! The board as this browser knows it: the cards, the SLA settings, one clock for every timer, and
//! the connection to the server. Loaded from `/api/board`, kept current by `/api/events`.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;

use super::filter::Filter;
use crate::account::Me;
use crate::domain::moves::{Move, acting_role, move_to, moves_from};
use crate::domain::{Board, Card, CardId, Envelope, Refusal, SlaConfig, Stage, Target};
use crate::i18n::Lang;

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
    /// Nothing to show: why, in both languages (a kiosk token revoked, the server unreachable
    /// with nothing saved).
    Failed(crate::i18n::Both),
}

/// A move the SOP allows, with the role this person would make it in (and whether as an Admin
/// override), or why they may not.
pub type MoveOption = (Move, Result<(crate::domain::Role, bool), Refusal>);

/// A change this browser made that the server has not confirmed yet.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Pending {
    pub envelope: Envelope,
    /// The server accepted it at this sequence number; it leaves the queue once the board has it.
    #[serde(default)]
    pub accepted: Option<u64>,
}

/// What a message reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    /// A change was made.
    Done,
    /// Not allowed here; nothing changed.
    Blocked,
    /// The server refused a change shown before: it is undone.
    Refused,
    /// A change the server cannot store yet: it stays queued (and shown), the others go on.
    Held,
}

/// A message for the user (a move done, a move refused), also read out by screen readers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub id: u32,
    pub text_id: String,
    pub text_en: String,
    pub kind: NoticeKind,
}

/// A card being dragged with a pointer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Drag {
    pub card: CardId,
    pub dx: f64,
    pub dy: f64,
    /// The column or lane under the pointer.
    pub over: Option<Target>,
}

#[derive(Clone, Copy)]
pub struct Store {
    /// What the board shows: the server's board with this browser's pending changes applied.
    pub board: RwSignal<Board>,
    /// The server's board: the snapshot and every event after it.
    pub confirmed: RwSignal<Board>,
    pub pending: RwSignal<Vec<Pending>>,
    pub me: RwSignal<Option<Me>>,
    pub notices: RwSignal<Vec<Notice>>,
    /// The move dialog: the card, and the target when the card was dropped on one.
    pub moving: RwSignal<Option<(CardId, Option<Target>)>>,
    pub drag: RwSignal<Option<Drag>>,
    pub sla: RwSignal<SlaConfig>,
    /// The one clock every timer reads: server time, ticking each second.
    pub now: RwSignal<DateTime<Utc>>,
    pub connection: RwSignal<Connection>,
    /// Search and filters of the board.
    pub filter: RwSignal<Filter>,
    /// The card whose details are open.
    pub selected: RwSignal<Option<crate::domain::CardId>>,
    /// The live CCTV status feed.
    pub cameras: RwSignal<crate::domain::camera::CameraFeed>,
    /// The card that keeps the keyboard's focus after a move, until the person puts the focus or
    /// the pointer elsewhere (`board::keep_focus_on_moved_card`).
    pub focus_card: StoredValue<Option<CardId>>,
}

impl Store {
    /// The cards at a stage that pass the filter, oldest first.
    /// A card's clock, on the one clock of the page.
    pub fn live_status(&self, card: Card) -> Memo<Option<crate::domain::Sla>> {
        let store = *self;
        Memo::new(move |_| {
            let now = store.now.get();
            store.sla.with(|sla| sla.status(&card, now))
        })
    }

    pub fn cards_at(&self, stage: Stage) -> Vec<Card> {
        let filter = self.filter.get();
        // Only the "late" filter depends on the clock; others need not re-run every second.
        let now = if filter.only_late {
            self.now.get()
        } else {
            self.now.get_untracked()
        };
        let roles = if filter.my_turn {
            self.roles()
        } else {
            Vec::new()
        };
        self.sla.with(|sla| {
            self.board.with(|b| {
                let mut cards: Vec<Card> = b
                    .cards
                    .values()
                    .filter(|c| {
                        c.stage == stage
                            && (!filter.is_active() || filter.keeps(c, sla, now, &roles))
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

impl Store {
    /// The roles of the signed-in person (none while unknown).
    pub fn roles(&self) -> Vec<crate::domain::Role> {
        self.me
            .with(|me| me.as_ref().map(|m| m.roles.clone()))
            .unwrap_or_default()
    }

    /// Every move of `card` the SOP allows, each with whether this person may make it (and why not).
    pub fn moves_of(&self, card: &Card) -> Vec<MoveOption> {
        card.current_step()
            .map(|step| self.moves_at(step))
            .unwrap_or_default()
    }

    /// Every move the SOP allows from `step`, each with whether this person may make it.
    pub fn moves_at(&self, step: crate::domain::StepId) -> Vec<MoveOption> {
        let held = self.roles();
        moves_from(step)
            .into_iter()
            .map(|m| (m, acting_role(&held, &m)))
            .collect()
    }

    pub fn moves_of_card(&self, id: CardId) -> Vec<MoveOption> {
        self.board
            .with_untracked(|b| b.card(id).map(|c| self.moves_of(c)))
            .unwrap_or_default()
    }

    /// Whether `card` may be dropped on `target` by this person; the reason when not.
    pub fn can_drop(&self, card: CardId, target: Target) -> Result<(), Refusal> {
        let held = self.roles();
        self.board.with_untracked(|b| {
            let card = b.card(card).ok_or(Refusal::UnknownCard)?;
            let step = card.current_step().ok_or(Refusal::UnknownCard)?;
            let mv = move_to(card, target).ok_or(Refusal::NotAtThisStep { step })?;
            acting_role(&held, &mv).map(|_| ())
        })
    }

    /// Shows a message (and reads it out); it goes away by itself after a while.
    pub fn notify(&self, text_id: String, text_en: String, kind: NoticeKind) {
        let id = self
            .notices
            .with_untracked(|n| n.last().map(|n| n.id + 1).unwrap_or(1));
        self.notices.update(|n| {
            n.push(Notice {
                id,
                text_id,
                text_en,
                kind,
            });
            // Only the last few stay on screen.
            let extra = n.len().saturating_sub(4);
            n.drain(..extra);
        });
        #[cfg(feature = "hydrate")]
        {
            let notices = self.notices;
            set_timeout(
                move || notices.update(|n| n.retain(|x| x.id != id)),
                std::time::Duration::from_secs(if kind == NoticeKind::Done { 6 } else { 20 }),
            );
        }
    }

    pub fn notify_refusal(&self, refusal: &Refusal) {
        self.notify(
            refusal.message(Lang::Id),
            refusal.message(Lang::En),
            NoticeKind::Blocked,
        );
    }

    /// The board shown: the server's, then every pending change that still applies, in order.
    pub fn rebuild(&self) {
        let now = self.now.get_untracked();
        let mut board = self.confirmed.get_untracked();
        self.pending.with_untracked(|pending| {
            for p in pending {
                // One the server already has is a no-op; one that no longer applies waits for
                // the server's answer (which says why).
                let _ = board.execute(&p.envelope, now);
            }
        });
        self.board.set(board);
    }

    /// Applies a move here at once (with the same rules the server uses) and queues it for the
    /// server. Refused here: nothing changes, the reason is returned.
    pub fn submit(&self, envelope: Envelope) -> Result<(), Refusal> {
        envelope.authorize(&self.roles())?;
        let now = self.now.get_untracked();
        // Decided first: a refusal changes nothing, so nothing needs to be notified.
        self.board.with_untracked(|b| b.decide(&envelope, now))?;
        self.board.update(|b| {
            let _ = b.execute(&envelope, now);
        });
        self.pending.update(|p| {
            p.push(Pending {
                envelope,
                accepted: None,
            })
        });
        #[cfg(feature = "hydrate")]
        browser::kick(*self);
        Ok(())
    }
}

/// Which card is being dragged, as a selector: a card's view is told only when it starts or stops
/// being the dragged one, not at every pointer move.
#[derive(Clone)]
pub struct Dragged(pub leptos::reactive::computed::Selector<Option<CardId>>);

pub fn use_store() -> Store {
    expect_context::<Store>()
}

pub fn provide_store() {
    let store = Store {
        board: RwSignal::new(Board::new()),
        confirmed: RwSignal::new(Board::new()),
        pending: RwSignal::new(Vec::new()),
        me: RwSignal::new(None),
        notices: RwSignal::new(Vec::new()),
        moving: RwSignal::new(None),
        drag: RwSignal::new(None),
        sla: RwSignal::new(SlaConfig::default()),
        now: RwSignal::new(Utc::now()),
        connection: RwSignal::new(Connection::Loading),
        filter: RwSignal::new(Filter::default()),
        selected: RwSignal::new(None),
        cameras: RwSignal::new(Default::default()),
        focus_card: StoredValue::new(None),
    };
    provide_context(store);
    provide_context(Dragged(leptos::reactive::computed::Selector::new(
        move || store.drag.with(|d| d.map(|d| d.card)),
    )));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::start(store));
}

/// Forgets what this browser saved of the board (after signing out). Unsent changes stay, for
/// the same person's next sign-in.
#[cfg(feature = "hydrate")]
pub fn forget_saved() {
    saved::forget();
    crate::ui::cameras::browser::forget();
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// This screen is signing out: the end of its own session is not news to it.
    static LEAVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Called before this screen ends its own session.
#[cfg(feature = "hydrate")]
pub fn leaving() {
    LEAVING.with(|l| l.set(true));
}

#[cfg(feature = "hydrate")]
pub use browser::api_url;

/// `GET` an API address (with the kiosk token on a wall) and read its JSON answer; a refusal gives
/// the server's message. Only in the browser; on the server it answers an empty error.
pub async fn get_json<T: serde::de::DeserializeOwned>(path: &str) -> Result<T, crate::i18n::Both> {
    #[cfg(feature = "hydrate")]
    {
        use crate::ui::session::browser::unreachable;
        let res = gloo_net::http::Request::get(&api_url(path))
            .send()
            .await
            .map_err(unreachable)?;
        if !res.ok() {
            return Err(crate::ui::session::browser::error_message(res).await);
        }
        res.json().await.map_err(unreachable)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = path;
        Err(crate::i18n::Both::new("", ""))
    }
}

/// After a sign-in: when another person used this browser before, nothing of theirs is kept,
/// not even their unsent changes (the server would refuse them under this person's name).
#[cfg(feature = "hydrate")]
pub fn signed_in_as(me: &Me) {
    if saved::load_me().map(|m| m.username) != Some(me.username.clone()) {
        saved::forget();
        saved::save_pending(&[]);
    }
    saved::save_me(me);
}

/// Server time minus this browser's clock.
#[derive(Clone, Copy, Default)]
pub struct ClockOffset(pub Duration);

#[cfg(feature = "hydrate")]
mod saved {
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

    use super::{Pending, Store};
    use crate::account::Me;
    use crate::domain::{Board, BoardSnapshot, Event};
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
    fn save(store: Store, raw: StoredValue<Raw, ThreadLocal>) {
        let head = raw.with_value(|raw| {
            if raw.snapshot.is_empty() || raw.events.len() > MAX_EVENTS {
                return None;
            }
            // The server's texts are JSON already: written inline as they came.
            let head = HeadOut {
                version: VERSION,
                saved_at: store.now.get_untracked(),
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
    pub fn keep(store: Store, raw: StoredValue<Raw, ThreadLocal>) {
        let handle = window_event_listener(leptos::ev::pagehide, move |_| save(store, raw));
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
            store.confirmed.track();
            if pending.get_value() {
                return;
            }
            pending.set_value(true);
            set_timeout(
                move || {
                    pending.set_value(false);
                    save(store, raw);
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
    use std::cell::Cell;

    use futures::StreamExt;
    use gloo_net::eventsource::State;
    use gloo_net::eventsource::futures::EventSource;
    use leptos::task::spawn_local;

    use super::saved::{Raw, ThreadLocal};
    use super::*;
    use crate::domain::{BoardSnapshot, Event, MutationId};
    use crate::ui::session::browser as session;
    use serde_json::value::RawValue;

    thread_local! {
        /// Whether the push loop runs (one per tab).
        static PUSHING: Cell<bool> = const { Cell::new(false) };
        /// Whether the saved texts are being replaced by a fresh snapshot.
        static COMPACTING: Cell<bool> = const { Cell::new(false) };
        /// A wall screen's kiosk token: sent with every read; there is nobody signed in.
        static KIOSK: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    }

    const KIOSK_KEY: &str = "pantau.kiosk";

    /// On `/wall`: the token of `?token=…` (kept for reloads), else the one kept before.
    fn kiosk_token() -> Option<String> {
        use gloo_storage::{LocalStorage, Storage};
        let search = window().location().search().unwrap_or_default();
        let given = web_sys::UrlSearchParams::new_with_str(&search)
            .ok()
            .and_then(|p| p.get("token"))
            .filter(|t| !t.is_empty());
        if let Some(token) = &given {
            let _ = LocalStorage::set(KIOSK_KEY, token);
        }
        given.or_else(|| LocalStorage::get(KIOSK_KEY).ok())
    }

    fn is_kiosk() -> bool {
        KIOSK.with(|k| k.borrow().is_some())
    }

    /// An API address, with the kiosk token on a wall screen.
    pub fn api_url(path: &str) -> String {
        KIOSK.with(|k| match &*k.borrow() {
            Some(token) => {
                let sep = if path.contains('?') { '&' } else { '?' };
                format!("{path}{sep}token={}", js_sys::encode_uri_component(token))
            }
            None => path.to_owned(),
        })
    }

    /// The server no longer accepts this screen: staff sign in again; a wall says so and stops.
    fn refused_access(store: Store, message: crate::i18n::Both) {
        // Signing out on this screen: the page is on its way to the login page already.
        if LEAVING.with(std::cell::Cell::get) {
            return;
        }
        if is_kiosk() {
            // A wall whose token is revoked shows nothing it showed: not on screen, not saved
            // for the next start.
            saved::forget();
            crate::ui::cameras::browser::forget();
            store.pending.set(Vec::new());
            store.confirmed.set(Board::new());
            store.cameras.set(Default::default());
            store.rebuild();
            store.connection.set(Connection::Failed(message));
        } else {
            session::to_login();
        }
    }

    pub fn start(store: Store) {
        let path = window().location().pathname().unwrap_or_default();
        // The sign-in page and the applicant's tracking page have no board and nobody signed in.
        if path.starts_with(crate::ui::session::LOGIN_PATH) || path.starts_with("/lacak") {
            return;
        }
        if path.starts_with("/wall") {
            match kiosk_token() {
                Some(token) => KIOSK.with(|k| *k.borrow_mut() = Some(token)),
                None => {
                    store
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
            store.sla.set(snapshot.sla);
            store.confirmed.set(board);
            saved_raw = Some(raw);
        }
        store.me.set(saved::load_me());
        store.pending.set(saved::load_pending());
        if let Some(feed) = crate::ui::cameras::browser::load_saved() {
            store.cameras.set(feed);
        }
        store.rebuild();
        share_between_tabs(store);
        Effect::new(move |_| {
            store.pending.with(|p| saved::save_pending(p));
        });
        let raw = StoredValue::new_local(Raw::default());
        spawn_local(async move {
            // Who is signed in; offline, whoever was (the server checks every push anyway).
            // A wall screen has a kiosk token and nobody signed in.
            if !is_kiosk() {
                match session::me().await {
                    Ok(Some(me)) => {
                        // The same person as saved: nothing to redraw (every card's move
                        // buttons depend on the roles).
                        if store.me.with_untracked(|m| m.as_ref() != Some(&me)) {
                            saved::save_me(&me);
                            store.me.set(Some(me));
                        }
                    }
                    Ok(None) => return session::to_login(),
                    Err(_) => {}
                }
            }
            // Until the server answers, show what this browser saved; try again every few seconds.
            // With a saved board only the events since it are fetched; else the whole snapshot.
            let seq_before = store.confirmed.with_untracked(|b| b.seq);
            let (text, offset, fresh) = loop {
                let attempt = match &saved_raw {
                    Some(saved) => resume(store, saved.clone())
                        .await
                        .map(|(t, o)| (t, o, false)),
                    None => snapshot(store).await.map(|(t, o)| (t, o, true)),
                };
                match attempt {
                    Ok(loaded) => break loaded,
                    Err(LoadError::SignedOut(message)) => return refused_access(store, message),
                    Err(LoadError::TooFarBehind) => saved_raw = None,
                    Err(LoadError::Other(message)) => {
                        store.connection.set(match data_from {
                            Some(data_from) => Connection::Offline { data_from },
                            None => Connection::Failed(crate::i18n::Both::split(&message)),
                        });
                        sleep(std::time::Duration::from_secs(5)).await;
                    }
                }
            };
            raw.set_value(text);
            store.now.set(Utc::now() + offset.0);
            // A saved board with nothing new is already on screen: no second drawing of it.
            let changed = fresh || store.confirmed.with_untracked(|b| b.seq) != seq_before;
            settle_with(store, changed);
            tick(store, offset);
            follow(store, store.confirmed.with_untracked(|b| b.seq), raw);
            crate::ui::cameras::browser::follow(store);
            saved::keep(store, raw);
            kick(store);
        });
    }

    /// Drops from the queue what the server's board now holds, then shows board + queue.
    fn settle(store: Store) {
        settle_with(store, true);
    }

    /// As [`settle`]; the board is drawn again only when `changed` or the queue shrank.
    fn settle_with(store: Store, changed: bool) {
        let done = store.confirmed.with_untracked(|b| {
            store.pending.with_untracked(|p| {
                p.iter()
                    .filter(|p| {
                        b.has_applied(p.envelope.id) || p.accepted.is_some_and(|seq| b.seq >= seq)
                    })
                    .map(|p| p.envelope.id)
                    .collect::<Vec<_>>()
            })
        });
        if !done.is_empty() {
            store
                .pending
                .update(|p| p.retain(|x| !done.contains(&x.envelope.id)));
        }
        if changed || !done.is_empty() {
            store.rebuild();
        }
    }

    /// Another tab of this browser changed the queue: take it over (the server makes repeats harmless).
    fn share_between_tabs(store: Store) {
        let handle = window_event_listener(leptos::ev::storage, move |ev| {
            if ev.key().as_deref() == Some(saved::PENDING_KEY) {
                let theirs = saved::load_pending();
                if store.pending.with_untracked(|p| *p != theirs) {
                    store.pending.set(theirs);
                    settle(store);
                    kick(store);
                }
            }
        });
        std::mem::forget(handle);
    }

    /// Starts pushing the queue, unless this tab already is.
    pub fn kick(store: Store) {
        if is_kiosk() || PUSHING.with(|p| p.replace(true)) {
            return;
        }
        spawn_local(async move {
            push_queue(store).await;
            PUSHING.with(|p| p.set(false));
        });
    }

    /// The most mutations one push carries (the server takes up to 200).
    const BATCH: usize = 50;

    #[derive(serde::Deserialize)]
    struct PushAnswer {
        results: Vec<PushResult>,
    }

    #[derive(serde::Deserialize)]
    #[serde(tag = "status", rename_all = "snake_case")]
    enum PushResult {
        Accepted {
            id: uuid::Uuid,
            seq: u64,
        },
        Refused {
            id: uuid::Uuid,
            message: crate::i18n::Both,
        },
    }

    /// Sends the queue in order until it is empty; waits and tries again while the server is away.
    ///
    /// One mutation never holds back the rest:
    /// - away (no network, 503 "database unavailable", 408, 429): wait and send again, as long as it takes;
    /// - a batch refused whole (a 4xx): send one at a time, so only the bad mutation is dropped, with
    ///   the server's words;
    /// - a batch failing with 500 three times: send one at a time; a mutation that alone fails three
    ///   times is set aside (it stays queued, shown as waiting, and is tried again on the next start)
    ///   and the person is told, while the rest goes on.
    async fn push_queue(store: Store) {
        let mut single = false;
        let mut failures = 0u32;
        let mut stuck: std::collections::HashSet<MutationId> = Default::default();
        loop {
            let batch: Vec<Envelope> = store.pending.with_untracked(|p| {
                p.iter()
                    .filter(|p| p.accepted.is_none() && !stuck.contains(&p.envelope.id))
                    .take(if single { 1 } else { BATCH })
                    .map(|p| p.envelope.clone())
                    .collect()
            });
            if batch.is_empty() {
                return;
            }
            let sent = gloo_net::http::Request::post("/api/sync/push")
                .json(&serde_json::json!({ "mutations": batch }))
                .expect("mutations serialize")
                .send()
                .await;
            let res = match sent {
                Ok(res) => res,
                Err(_) => {
                    sleep(std::time::Duration::from_secs(3)).await;
                    continue;
                }
            };
            match res.status() {
                200 => failures = 0,
                401 => return session::to_login(),
                503 | 408 | 429 => {
                    sleep(std::time::Duration::from_secs(3)).await;
                    continue;
                }
                status if status >= 500 => {
                    failures += 1;
                    if failures < 3 {
                        sleep(std::time::Duration::from_secs(3)).await;
                    } else if batch.len() > 1 {
                        single = true;
                        failures = 0;
                    } else {
                        failures = 0;
                        stuck.insert(batch[0].id);
                        store.notify(
                            format!(
                                "server tidak dapat menyimpan satu perubahan (HTTP {status}); perubahan lain \
                                 tetap dikirim, yang ini tetap menunggu dan dicoba lagi saat halaman dibuka kembali"
                            ),
                            format!(
                                "the server cannot store one change (HTTP {status}); the others go on, this one \
                                 stays waiting and is tried again when the page is next opened"
                            ),
                            NoticeKind::Held,
                        );
                    }
                    continue;
                }
                _ if batch.len() > 1 => {
                    // Refused whole: find the one it was about.
                    single = true;
                    continue;
                }
                _ => {
                    // The server refused this mutation (a bug or a stale page): say so, drop it.
                    let why = session::error_message(res).await;
                    store.notify(why.id, why.en, NoticeKind::Refused);
                    let id = batch[0].id;
                    store.pending.update(|p| p.retain(|x| x.envelope.id != id));
                    settle(store);
                    continue;
                }
            }
            let Ok(answer) = res.json::<PushAnswer>().await else {
                sleep(std::time::Duration::from_secs(3)).await;
                continue;
            };
            store.pending.update(|pending| {
                for result in &answer.results {
                    match result {
                        PushResult::Accepted { id, seq } => {
                            if let Some(p) = pending.iter_mut().find(|p| p.envelope.id.0 == *id) {
                                p.accepted = Some(*seq);
                            }
                        }
                        PushResult::Refused { id, .. } => {
                            pending.retain(|p| p.envelope.id.0 != *id);
                        }
                    }
                }
            });
            for result in answer.results {
                if let PushResult::Refused { message, .. } = result {
                    store.notify(message.id, message.en, NoticeKind::Refused);
                }
            }
            settle(store);
        }
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

    enum LoadError {
        /// 401: the session ended, or the kiosk token is unknown or revoked (the server's words).
        SignedOut(crate::i18n::Both),
        /// The saved board is too old to catch up event by event: take a snapshot.
        TooFarBehind,
        Other(String),
    }

    /// The whole board from the server: the snapshot becomes the server's board.
    async fn snapshot(store: Store) -> Result<(Raw, ClockOffset), LoadError> {
        let (text, snapshot) = load().await?;
        let offset = ClockOffset(snapshot.server_time - Utc::now());
        store.sla.set(snapshot.sla);
        store
            .confirmed
            .set(Board::from_cards(snapshot.seq, snapshot.cards));
        Ok((Raw::fresh(text, snapshot.seq), offset))
    }

    #[derive(serde::Deserialize)]
    struct PullPage {
        events: Vec<Event>,
        next: u64,
        more: bool,
        last: u64,
    }

    /// Catches the saved board up with the events since it (far less to fetch and read than a
    /// snapshot of every card). The clock offset comes from the answer's `Date` (to the second).
    async fn resume(store: Store, mut saved: Raw) -> Result<(Raw, ClockOffset), LoadError> {
        let mut since = store.confirmed.with_untracked(|b| b.seq);
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
            let page: PullPage = res
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
            store.confirmed.update(|b| {
                for event in &events {
                    b.apply(event);
                }
            });
        }
        saved.events.extend(
            events
                .iter()
                .map(|e| serde_json::value::to_raw_value(e).expect("an event serializes")),
        );
        Ok((saved, offset))
    }

    /// A GET of the read API (with the kiosk token on a wall): a 2xx answer, or why not.
    async fn read(path: &str) -> Result<gloo_net::http::Response, LoadError> {
        let res = gloo_net::http::Request::get(&api_url(path))
            .send()
            .await
            .map_err(|e| LoadError::Other(e.to_string()))?;
        if res.status() == 401 {
            return Err(LoadError::SignedOut(session::error_message(res).await));
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
    fn tick(store: Store, offset: ClockOffset) {
        let _ = set_interval_with_handle(
            move || store.now.set(Utc::now() + offset.0),
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
                        serde_json::from_str::<Event>(e.get())
                            .is_ok_and(|e| e.seq > Some(snapshot.seq))
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
    fn follow(store: Store, seq: u64, raw: StoredValue<Raw, ThreadLocal>) {
        let source = StoredValue::new_local(None::<EventSource>);
        let generation = StoredValue::new(0u64);
        let offline = window_event_listener(leptos::ev::offline, move |_| {
            generation.update_value(|g| *g += 1);
            source.set_value(None);
            if !matches!(store.connection.get_untracked(), Connection::Failed(_)) {
                store.connection.set(Connection::Reconnecting {
                    since: store.now.get_untracked(),
                });
            }
        });
        let online = window_event_listener(leptos::ev::online, move |_| {
            let seq = store.confirmed.with_untracked(|b| b.seq);
            listen(store, seq, raw, source, generation);
        });
        std::mem::forget((offline, online));
        listen(store, seq, raw, source, generation);
        watch_connection(store, source);
    }

    /// Checks the stream twice a second: live, reconnecting since when, or closed for good.
    fn watch_connection(store: Store, source: StoredValue<Option<EventSource>, ThreadLocal>) {
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
                            refused_access(store, message);
                        } else {
                            probing.set_value(false);
                        }
                    });
                    return;
                }
                if matches!(store.connection.get_untracked(), Connection::Failed(_)) {
                    return;
                }
                let open = state == Some(State::Open);
                // Only a change is told to the screen (twice a second, for days).
                store.connection.maybe_update(|c| match (open, &*c) {
                    (true, Connection::Live) | (false, Connection::Reconnecting { .. }) => false,
                    (true, _) => {
                        *c = Connection::Live;
                        // Back online: send what waited.
                        kick(store);
                        true
                    }
                    (false, _) => {
                        *c = Connection::Reconnecting {
                            since: store.now.get_untracked(),
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
        store: Store,
        seq: u64,
        raw: StoredValue<Raw, ThreadLocal>,
        source: StoredValue<Option<EventSource>, ThreadLocal>,
        generation: StoredValue<u64>,
    ) {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let Ok(mut opened) = EventSource::new(&api_url(&format!("/api/events?since={seq}"))) else {
            store
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
                    refused_access(store, message);
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
                    store.confirmed.update(|b| b.apply(&event));
                    // The shown board is rebuilt (server's board + queue) only when this event
                    // touches a card with waiting changes made by someone else; otherwise it takes
                    // the event as it is (its own changes come back as no-ops).
                    let (ours, touches) = store.pending.with_untracked(|p| {
                        (
                            p.iter().any(|p| p.envelope.id == event.mutation_id),
                            p.iter().any(|p| p.envelope.mutation.card() == event.card),
                        )
                    });
                    if touches && !ours {
                        settle(store);
                    } else {
                        store.board.update(|b| b.apply(&event));
                        if ours {
                            store
                                .pending
                                .update(|p| p.retain(|x| x.envelope.id != event.mutation_id));
                        }
                    }
                }
            }
        });
    }
}
