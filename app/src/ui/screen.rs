//! What this screen knows, as signals the components read: the board (the server's and this
//! browser's pending changes), the SLA settings, one clock for every timer, the connection, the
//! camera feed, notices. The browser client ([`super::client`]) loads and follows it; nothing here
//! speaks to the server or to storage.

use std::collections::HashMap;
use std::sync::Arc;

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

/// A moment shown to this person while the page is open ("Untuk Anda", `super::for_you`).
#[derive(Clone, Debug, PartialEq)]
pub struct ForYouItem {
    pub id: u32,
    pub card: CardId,
    pub due: crate::domain::notify::Due,
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

/// The shown board's cards as shared handles ([`Screen::shared`]): a card that did not change from
/// one board to the next keeps its handle, so the columns' lists copy and compare pointers, not
/// cards (a move on a 2,000-card board redraws in well under a frame).
#[derive(Clone, Default)]
pub struct SharedCards(pub Arc<HashMap<CardId, Arc<Card>>>);

impl PartialEq for SharedCards {
    fn eq(&self, other: &SharedCards) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl SharedCards {
    /// `board`'s cards, reusing the handles of `before` for every card that is unchanged.
    fn of(board: &Board, before: Option<&SharedCards>) -> SharedCards {
        let cards = board
            .cards
            .iter()
            .map(|(id, card)| {
                let kept = before
                    .and_then(|b| b.0.get(id))
                    // The whole card, not its version only: a pending move executed again on a
                    // new confirmed board keeps its version but may differ (its time).
                    .filter(|old| old.version == card.version && ***old == *card);
                (*id, kept.cloned().unwrap_or_else(|| Arc::new(card.clone())))
            })
            .collect();
        SharedCards(Arc::new(cards))
    }
}

/// What this screen knows (one per page, in the context: [`use_screen`]).
#[derive(Clone, Copy)]
pub struct Screen {
    /// What the board shows: the server's board with this browser's pending changes applied.
    pub board: RwSignal<Board>,
    /// The same cards, as shared handles: what the columns read.
    pub shared: Memo<SharedCards>,
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
    /// What the server tells people of (the board snapshot's `notify`).
    pub notify: RwSignal<crate::domain::notify::NotifyRules>,
    /// The moments shown to this person while the page is open (`super::for_you`).
    pub for_you: RwSignal<Vec<ForYouItem>>,
}

impl Screen {
    /// The cards at a stage that pass the filter, oldest first.
    /// A card's clock, on the one clock of the page.
    pub fn live_status(&self, card: Card) -> Memo<Option<crate::domain::Sla>> {
        let screen = *self;
        Memo::new(move |_| {
            let now = screen.now.get();
            screen.sla.with(|sla| sla.status(&card, now))
        })
    }

    pub fn cards_at(&self, stage: Stage) -> Vec<Arc<Card>> {
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
            self.shared.with(|shared| {
                let mut cards: Vec<Arc<Card>> = shared
                    .0
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
        // The few names, not one copy per card: it runs at every move.
        self.board.with(|b| {
            b.cards
                .values()
                .map(|c| c.request.agency.as_str())
                .collect::<std::collections::BTreeSet<&str>>()
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
    }
}

impl Screen {
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
    /// Drops from the queue what the server's board now holds, then shows board + queue; the
    /// board is drawn again only when `changed` or the queue shrank.
    pub fn settle(&self, changed: bool) {
        let done = self.confirmed.with_untracked(|b| {
            self.pending.with_untracked(|p| {
                p.iter()
                    .filter(|p| {
                        b.has_applied(p.envelope.id) || p.accepted.is_some_and(|seq| b.seq >= seq)
                    })
                    .map(|p| p.envelope.id)
                    .collect::<Vec<_>>()
            })
        });
        if !done.is_empty() {
            self.pending
                .update(|p| p.retain(|x| !done.contains(&x.envelope.id)));
        }
        if changed || !done.is_empty() {
            self.rebuild();
        }
    }

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
        Ok(())
    }
}

/// A read-only board: a wall screen with a kiosk token. Cards cannot be moved or opened.
#[derive(Clone, Copy)]
pub struct ReadOnly;

/// Which card is being dragged, as a selector: a card's view is told only when it starts or stops
/// being the dragged one, not at every pointer move.
#[derive(Clone)]
pub struct Dragged(pub leptos::reactive::computed::Selector<Option<CardId>>);

pub fn use_screen() -> Screen {
    expect_context::<Screen>()
}

/// Provides what this screen knows to every component; the browser client fills and follows it
/// (`client::start`).
pub fn provide_screen() -> Screen {
    let board = RwSignal::new(Board::new());
    let screen = Screen {
        board,
        shared: Memo::new(move |before: Option<&SharedCards>| {
            board.with(|b| SharedCards::of(b, before))
        }),
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
        notify: RwSignal::new(Default::default()),
        for_you: RwSignal::new(Vec::new()),
    };
    provide_context(screen);
    provide_context(Dragged(leptos::reactive::computed::Selector::new(
        move || screen.drag.with(|d| d.map(|d| d.card)),
    )));
    screen
}

/// Server time minus this browser's clock.
#[derive(Clone, Copy, Default)]
pub struct ClockOffset(pub Duration);
