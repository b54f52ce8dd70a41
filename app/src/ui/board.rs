//! The board: one column per SOP step.

use leptos::prelude::*;

use super::t;
use crate::domain::{FLOW, StepDef};
use crate::i18n::ui as txt;

#[component]
pub fn BoardPage() -> impl IntoView {
    view! {
        <main class="board-page">
            <h1 class="visually-hidden">{t(txt::BOARD_TITLE)}</h1>
            <div class="board" role="list">
                {FLOW.iter().map(|step| view! { <StepColumn step/> }).collect_view()}
            </div>
        </main>
    }
}

/// One SOP step: its number, name, performer and standard time, then its cards.
#[component]
fn StepColumn(step: &'static StepDef) -> impl IntoView {
    let heading_id = format!("step-{}-title", step.id.code());
    let labelled_by = heading_id.clone();
    let minutes = t(txt::MINUTES_SHORT);
    view! {
        <section class="column" role="listitem" data-step=step.id.code() aria-labelledby=labelled_by>
            <header class="column-head">
                <div class="column-title">
                    <span class="step-no" aria-hidden="true">{step.id.code()}</span>
                    <h2 id=heading_id>
                        <span class="visually-hidden">{t(txt::STEP)} " " {step.id.code()} ": "</span>
                        {t(step.name)}
                    </h2>
                </div>
                <dl class="column-facts">
                    <div>
                        <dt>{t(txt::PERFORMER)}</dt>
                        <dd class="performer">{t(step.performer.label())}</dd>
                    </div>
                    <div>
                        <dt>{t(txt::STANDARD_TIME)}</dt>
                        <dd class="standard">{move || format!("{} {}", step.standard_minutes, minutes())}</dd>
                    </div>
                </dl>
            </header>
            <ol class="cards">
                <li class="empty">{t(txt::NO_CARDS)}</li>
            </ol>
        </section>
    }
}
