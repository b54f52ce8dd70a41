//! Fills the "for you" items (`crate::ui::for_you`) of a signed-in page: the arrivals the live
//! events make at this person's steps, and every few seconds the thresholds the clock reached,
//! by the server's own rules (`NotifyRules::arrival`, `owed_to`).

use leptos::prelude::*;

use crate::domain::notify::Due;
use crate::domain::{Board, Card, CardId};
use crate::ui::screen::{ForYouItem, Screen};

/// At most this many on screen; an older one makes room for a new one.
const SHOWN: usize = 3;

/// A moment's identity: the server's outbox keys on the same (card, visit, moment).
type Key = (CardId, i64, String);

fn key(card: CardId, due: &Due) -> Key {
    (card, due.entered.timestamp_millis(), due.moment.key())
}

/// Whether this page has someone to tell (a wall has a kiosk token and nobody signed in).
pub fn watching(screen: Screen) -> bool {
    screen.me.with_untracked(Option::is_some)
}

/// Whether `due` is still the card's current visit (a card that moved on is no news).
fn still_current(board: &Board, card: CardId, due: &Due) -> bool {
    board
        .card(card)
        .and_then(Card::current_visit)
        .is_some_and(|v| v.step == due.step && v.entered == due.entered)
}

thread_local! {
    /// The moments this page has shown (or found reached when it opened).
    static SEEN: std::cell::RefCell<std::collections::HashSet<Key>> = Default::default();
}

/// Shows `due` of `card` unless this page showed it already.
fn show(screen: Screen, card: CardId, due: Due) {
    let new = SEEN.with(|s| s.borrow_mut().insert(key(card, &due)));
    if !new {
        return;
    }
    screen.for_you.update(|items| {
        let id = items.iter().map(|i| i.id).max().unwrap_or(0) + 1;
        items.insert(0, ForYouItem { id, card, due });
        items.truncate(SHOWN);
    });
}

/// A live event from the server: the arrival it makes at a step of this person's, unless it
/// was their own move (the server does not tell them either). `before`: the card as it was.
pub fn arrived(screen: Screen, before: Option<&Card>, event: &crate::domain::Event) {
    let Some(me) = screen.me.get_untracked() else {
        return;
    };
    if event.actor.as_str() == me.username {
        return;
    }
    let due = screen.confirmed.with_untracked(|b| {
        let after = b.card(event.card)?;
        screen
            .notify
            .with_untracked(|rules| crate::domain::notify::arrival(rules, before, after))
            .filter(|due| screen.notify.with_untracked(|r| r.tells(due, &me.roles)))
    });
    if let Some(due) = due {
        show(screen, event.card, due);
    }
}

/// Looks at the clock's thresholds every few seconds; the first look (with someone signed in)
/// only notes what was reached already.
pub fn watch(screen: Screen) {
    let primed = StoredValue::new(false);
    let look = move || {
        let Some(roles) = screen
            .me
            .with_untracked(|m| m.as_ref().map(|m| m.roles.clone()))
        else {
            return;
        };
        let now = screen.now.get_untracked();
        let owed = screen.notify.with_untracked(|rules| {
            screen.sla.with_untracked(|sla| {
                screen
                    .confirmed
                    .with_untracked(|b| rules.owed_to(sla, b.cards.values(), &roles, now))
            })
        });
        if primed.get_value() {
            for (card, due) in owed {
                show(screen, card, due);
            }
        } else {
            SEEN.with(|s| s.borrow_mut().extend(owed.iter().map(|(c, d)| key(*c, d))));
            primed.set_value(true);
        }
        // A card that moved on takes its items with it.
        // (Told to the page only when one went.)
        screen.for_you.maybe_update(|items| {
            let before = items.len();
            screen
                .confirmed
                .with_untracked(|b| items.retain(|i| still_current(b, i.card, &i.due)));
            items.len() != before
        });
    };
    look();
    let _ = set_interval_with_handle(look, std::time::Duration::from_secs(2));
}
