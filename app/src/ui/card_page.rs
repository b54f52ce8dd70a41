//! `/kartu/<id>`: a card's own page, where a notification's link leads. Its letter, step, timer and
//! the one large action of this step (its move dialog opens at once when it is this person's
//! turn), then everything known of it: the fields, the time per step, the records, the history.
//! A link to no card, or (for an applicant's account) to another agency's letter, says which.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::board::{LetterNumber, SlaBadge, Timer, state_class, where_it_is};
use super::screen::{Connection, use_screen};
use super::{t, use_lang};
use crate::domain::{Card, CardId};
use crate::i18n::Text;
use crate::i18n::ui as txt;

const MY_WORK: Text = Text::new("Tugas saya", "My work");

#[component]
pub fn CardPage() -> impl IntoView {
    let params = use_params_map();
    let screen = use_screen();
    let id = Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|s| uuid::Uuid::parse_str(&s).ok())
            .map(CardId)
    });
    let card = Memo::new(move |_| {
        id.get()
            .and_then(|id| screen.board.with(|b| b.card(id).cloned()))
    });
    let loaded = Memo::new(move |_| {
        !matches!(
            screen.connection.get(),
            Connection::Loading | Connection::Failed(_)
        )
    });
    // Why the card is not here, asked of the server once the board is loaded without it.
    let absent = LocalResource::new(move || {
        let (id, wanted) = (id.get(), loaded.get() && card.with(Option::is_none));
        async move { wanted.then_some(why_absent(id).await) }
    });
    // The move dialog opens by itself once, when it is this person's turn.
    let opened = RwSignal::new(false);
    Effect::new(move |_| {
        if opened.get_untracked() {
            return;
        }
        let Some(waits_for) = card.with(|c| c.as_ref().map(Card::who_must_act)) else {
            return;
        };
        let Some(mine) = screen.me.with(|me| {
            me.as_ref()
                .map(|me| waits_for.is_some_and(|role| me.roles.contains(&role)))
        }) else {
            return;
        };
        opened.set(true);
        if let (true, Some(id)) = (mine, id.get_untracked()) {
            screen.moving.set(Some((id, None)));
        }
    });
    view! {
        <main class="card-page" data-testid="card-page">
            <nav class="card-page-nav">
                <a href="/tugas">{t(MY_WORK)}</a>
                <a href="/">{t(txt::NAV_BOARD)}</a>
            </nav>
            {move || match card.get() {
                Some(card) => view! { <CardSheet card/> }.into_any(),
                None => {
                    let why = absent.get().flatten();
                    match why {
                        Some(why) => view! {
                            <p class="card-missing" role="alert" data-testid="card-missing">{t(why)}</p>
                        }
                            .into_any(),
                        None => view! { <p class="card-loading">{t(txt::LOADING)}</p> }.into_any(),
                    }
                }
            }}
            <super::moves::MoveDialog/>
            <super::moves::Notices/>
        </main>
    }
}

/// What to say of a card the board does not hold: the server knows whether there is such a card
/// and whether it is another agency's (403 `other_agency`); nothing of the card itself is read.
async fn why_absent(id: Option<CardId>) -> Text {
    let Some(id) = id else {
        return txt::CARD_NOT_FOUND;
    };
    match super::client::http::status_of(&format!("/api/cards/{}", id.0)).await {
        Some(403) => txt::CARD_OTHER_AGENCY,
        Some(400 | 404) => txt::CARD_NOT_FOUND,
        _ => txt::CARD_NOT_CHECKED,
    }
}

/// The card on its page: its title, where it stands and its timer, the step's action, then its
/// sections as the drawer shows them.
#[component]
fn CardSheet(card: Card) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let id = card.id;
    let status = screen.live_status(card.clone());
    let state = Memo::new(move |_| status.get().map(|s| s.state));
    let step = card.current_step();
    let stage = card.stage;
    let schedule = card.schedule.map(|w| w.start);
    view! {
        <header
            class="card-page-head"
            data-card=id.0.to_string()
            data-status=move || state.get().map(state_class).unwrap_or("ended")
        >
            <div class="card-top">
                <LetterNumber number=card.request.letter_number.to_string()/>
                <SlaBadge state/>
            </div>
            <h1>{card.request.subject.to_string()}</h1>
            <p class="agency">{card.request.agency.to_string()}</p>
            <p class="task-step" data-testid="card-step">{move || where_it_is(stage, lang.get())}</p>
            <Timer status starts_at=schedule/>
            <div class="task-actions">
                <super::moves::MoveButton card=id step big=true/>
            </div>
        </header>
        <super::card_detail::CardSections card/>
    }
}
