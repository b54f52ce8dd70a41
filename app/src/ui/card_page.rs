//! `/kartu/<id>`: a card's own page, where a notification's link leads. The board, with the
//! card's move dialog open when it is this person's turn, else its details.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::board::BoardPage;
use super::screen::{Connection, use_screen};
use super::t;
use crate::domain::CardId;
use crate::i18n::ui as txt;

#[component]
pub fn CardPage() -> impl IntoView {
    let params = use_params_map();
    let screen = use_screen();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|s| uuid::Uuid::parse_str(&s).ok())
            .map(CardId)
    };
    let opened = RwSignal::new(false);
    // Once the board is loaded: a card it does not hold (a wrong link, another agency's letter).
    let missing = Memo::new(move |_| {
        let loaded = !matches!(
            screen.connection.get(),
            Connection::Loading | Connection::Failed(_)
        );
        loaded && id().is_none_or(|id| screen.board.with(|b| b.card(id).is_none()))
    });
    Effect::new(move |_| {
        if opened.get_untracked() {
            return;
        }
        let Some(id) = id() else { return };
        let Some(waits_for) = screen.board.with(|b| b.card(id).map(|c| c.who_must_act())) else {
            return;
        };
        let Some(mine) = screen.me.with(|me| {
            me.as_ref()
                .map(|me| waits_for.is_some_and(|role| me.roles.contains(&role)))
        }) else {
            return;
        };
        opened.set(true);
        if mine {
            screen.moving.set(Some((id, None)));
        } else {
            screen.selected.set(Some(id));
        }
    });
    view! {
        <Show when=move || missing.get()>
            <p class="card-missing" role="alert" data-testid="card-missing">
                {t(txt::CARD_NOT_FOUND)}
            </p>
        </Show>
        <BoardPage/>
    }
}
