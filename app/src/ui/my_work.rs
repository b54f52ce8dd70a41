//! `/tugas` ("Tugas saya" / "My work"): the cards whose turn it is for the signed-in person, most
//! urgent first (breached, warning, then by the time left), each with the letter, the agency, the
//! step, its timer and one large button that opens this step's move dialog. The cards other
//! people must act on are not here; the whole board is one link away. Where a phone lands after
//! signing in.

use leptos::prelude::*;

use super::board::{LetterNumber, SlaBadge, Timer, where_it_is};
use super::screen::{Connection, use_screen};
use super::{t, use_lang};
use crate::domain::CardId;
use crate::domain::sla::SlaState;
use crate::i18n::Text;

const TITLE: Text = Text::new("Tugas saya", "My work");
const NOTHING: Text = Text::new(
    "Tidak ada surat yang menunggu Anda saat ini.",
    "No letter is waiting for you right now.",
);
const WHOLE_BOARD: Text = Text::new("Lihat seluruh papan", "See the whole board");
const DETAILS: Text = Text::new("Rincian", "Details");

#[component]
pub fn MyWorkPage() -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    // The order changes with the clock; the list is drawn again only when it (or how many are
    // late) does. Each card with whether it is late.
    let mine = Memo::new(move |_| {
        let roles = screen.roles();
        let now = screen.now.get();
        screen.sla.with(|sla| {
            screen.board.with(|b| {
                sla.waiting_for(b.cards.values(), &roles, now)
                    .into_iter()
                    .map(|(c, s)| (c.id, s.state == SlaState::Breached))
                    .collect::<Vec<(CardId, bool)>>()
            })
        })
    });
    let counts = move || mine.with(|m| (m.len(), m.iter().filter(|(_, late)| *late).count()));
    let summary = move || {
        let (n, late) = counts();
        match lang.get() {
            crate::i18n::Lang::Id if late > 0 => format!("{n} menunggu Anda · {late} terlambat"),
            crate::i18n::Lang::Id => format!("{n} menunggu Anda"),
            crate::i18n::Lang::En if late > 0 => format!("{n} waiting for you · {late} late"),
            crate::i18n::Lang::En => format!("{n} waiting for you"),
        }
    };
    let loaded = move || !matches!(screen.connection.get(), Connection::Loading);
    view! {
        <main class="my-work-page">
            <h1>{t(TITLE)}</h1>
            <p class="my-work-summary" data-testid="my-work-summary">{summary}</p>
            <Show when=move || loaded() && mine.with(Vec::is_empty)>
                <p class="my-work-empty" data-testid="my-work-empty">{t(NOTHING)}</p>
            </Show>
            <ol class="my-work-list" data-testid="my-work">
                <For each=move || mine.get().into_iter().map(|(id, _)| id) key=|id| *id let:id>
                    <TaskCard id/>
                </For>
            </ol>
            <p><a href="/" class="my-work-board">{t(WHOLE_BOARD)}</a></p>
            <super::card_detail::CardDrawer/>
            <super::moves::MoveDialog/>
            <super::moves::Notices/>
        </main>
    }
}

/// One letter that waits for this person: what it is, where, how much time is left, and the
/// button that does this step.
#[component]
fn TaskCard(id: CardId) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let card = screen.board.with_untracked(|b| b.card(id).cloned())?;
    let status = screen.live_status(card.clone());
    let state = Memo::new(move |_| status.get().map(|s| s.state));
    let step = card.current_step();
    let stage = card.stage;
    let schedule = card.schedule.map(|w| w.start);
    Some(view! {
        <li
            class="task-card"
            data-card=id.0.to_string()
            data-status=move || state.get().map(super::board::state_class).unwrap_or("ended")
        >
            <div class="card-top">
                <LetterNumber number=card.request.letter_number.to_string()/>
                <SlaBadge state/>
            </div>
            <p class="agency">{card.request.agency.to_string()}</p>
            <p class="subject">{card.request.subject.to_string()}</p>
            <p class="task-step">{move || where_it_is(stage, lang.get())}</p>
            <Timer status starts_at=schedule/>
            <div class="task-actions">
                <super::moves::MoveButton card=id step big=true/>
                <button type="button" class="secondary" on:click=move |_| screen.selected.set(Some(id))>
                    {t(DETAILS)}
                </button>
            </div>
        </li>
    })
}
