//! "Untuk Anda" (for you): while a Pantau page is open, its person sees what the channels tell
//! them of the cards that wait for them — a card arriving at their step, its warning, its breach,
//! an escalation to them as the step's supervisor. Decided by the server's own rules
//! (`NotifyRules::arrival`, `crossed`, `tells`, from the board snapshot's `notify`) on this page's
//! board and clock, and worded by the same texts. A moment shows once per page; one that was
//! already reached when the page opened is not shown (the morning digest and the board say it).
//! An item stays until dismissed or until its card leaves the step (no timeout: WCAG 2.2.1).
//! The client's `for_you` watches the board and the clock and fills `Screen::for_you`.

use leptos::prelude::*;

use super::screen::{ForYouItem, use_screen};
use super::{t, use_lang};
use crate::domain::agency::short_form;
use crate::domain::notify::{Due, told_remaining};
use crate::domain::{Card, SlaConfig};
use crate::i18n::Lang;
use crate::i18n::notify::{Facts, message, waiting_for};
use crate::i18n::ui as txt;

/// The stack of "for you" items, read out as they come (aria-live), each with its card's link.
#[component]
pub fn ForYou() -> impl IntoView {
    let screen = use_screen();
    view! {
        <section class="for-you" aria-live="polite" aria-label=t(txt::FOR_YOU) data-testid="for-you">
            <For each=move || screen.for_you.get() key=|i| i.id let:item>
                <ForYouEntry item/>
            </For>
        </section>
    }
}

/// One moment: its title and text (the time left as of now), "open the card", "dismiss".
#[component]
fn ForYouEntry(item: ForYouItem) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let ForYouItem { id, card, due } = item;
    let text = Memo::new(move |_| {
        let now = screen.now.get();
        let lang = lang.get();
        screen.sla.with(|sla| {
            screen.confirmed.with(|b| {
                b.card(card)
                    .map(|c| words(sla, c, &due, now, lang))
                    .unwrap_or_default()
            })
        })
    });
    let dismiss = move || screen.for_you.update(|items| items.retain(|i| i.id != id));
    let href = format!("/kartu/{}", card.0);
    view! {
        <article class="for-you-item" data-testid="for-you-item">
            <p class="for-you-title"><strong>{move || text.get().0}</strong></p>
            <p>{move || text.get().1}</p>
            <div class="for-you-actions">
                <a class="button" href=href on:click=move |_| dismiss()>{t(txt::OPEN_CARD)}</a>
                <button type="button" class="secondary" on:click=move |_| dismiss()>
                    {t(txt::DISMISS)}
                </button>
            </div>
        </article>
    }
}

/// The title and the body of `due` for `card` at `now`, as the channels word it.
fn words(
    sla: &SlaConfig,
    card: &Card,
    due: &Due,
    now: chrono::DateTime<chrono::Utc>,
    lang: Lang,
) -> (String, String) {
    let agency = short_form(card.request.agency.as_str());
    let waiting = waiting_for(due.step.def().performer, &[], lang);
    let link = format!("/kartu/{}", card.id.0);
    let facts = Facts {
        letter_number: card.request.letter_number.as_str(),
        agency: &agency,
        step: due.step,
        remaining: told_remaining(sla, card, due, now),
        standard: sla.standard(card, due.step),
        waiting_for: &waiting,
        link: &link,
    };
    let m = message(due.moment, due.audience, &facts, lang);
    (m.title, m.body)
}
