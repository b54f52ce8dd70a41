//! The card's details in a drawer: every field of the letter, the time in each step against its
//! standard, notes, and the full history from the event log (who, which role, when, what, device).

use leptos::prelude::*;

use super::screen::use_screen;
use super::{t, use_lang};
use crate::domain::request::wib;
use crate::domain::{Card, CardId, Event};
use crate::i18n::events::{describe, output_lines};
use crate::i18n::format::{date_time, duration};
use crate::i18n::ui as txt;

/// The card's history from `/api/cards/{id}`; only in the browser.
async fn fetch_history(id: CardId) -> Result<Vec<Event>, crate::i18n::Both> {
    super::client::http::get_json::<crate::api::sync::CardAnswer>(&format!("/api/cards/{}", id.0))
        .await
        .map(|a| a.events)
}

#[component]
pub fn CardDrawer() -> impl IntoView {
    let screen = use_screen();
    let card = Memo::new(move |_| {
        screen
            .selected
            .get()
            .and_then(|id| screen.board.with(|b| b.card(id).cloned()))
    });
    let close = move || screen.selected.set(None);
    view! {
        <Show when=move || card.with(Option::is_some)>
            <DrawerPanel card close/>
        </Show>
    }
}

/// The open drawer: a modal dialog (focus inside, Escape closes, focus back to the card).
#[component]
fn DrawerPanel(
    card: Memo<Option<Card>>,
    close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Aside>::new();
    let return_to = card
        .get_untracked()
        .map(|c| format!("[data-card=\"{}\"]", c.id.0));
    let (keys, close) = super::dialog::modal(node, close, return_to);
    view! {
        <div class="drawer-backdrop" on:click=move |_| close()></div>
        <aside
            class="drawer"
            role="dialog"
            aria-modal="true"
            aria-labelledby="drawer-title"
            data-testid="card-drawer"
            node_ref=node
            on:keydown=keys
        >
            {move || card.get().map(|card| view! { <CardDetails card close=Callback::new(move |_| close())/> })}
        </aside>
    }
}

#[component]
fn CardDetails(card: Card, close: Callback<()>) -> impl IntoView {
    // Focus moves into the dialog, so Escape and screen readers work from the start.
    let close_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = close_button.get() {
            let _ = button.focus();
        }
    });
    let (number, subject, agency) = (
        card.request.letter_number.to_string(),
        card.request.subject.to_string(),
        card.request.agency.to_string(),
    );
    view! {
        <header class="drawer-head">
            <div>
                <p class="letter-number">{number}</p>
                <h2 id="drawer-title">{subject}</h2>
                <p class="agency">{agency}</p>
            </div>
            <button type="button" class="drawer-close" node_ref=close_button on:click=move |_| close.run(())>
                {t(txt::CLOSE)}
            </button>
        </header>
        <CardSections card/>
    }
}

/// Everything known of a card below its title: the letter's fields, the time in each step, the
/// tracking link, the records and the history. The drawer's and the card's own page's.
#[component]
pub(super) fn CardSections(card: Card) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let id = card.id;
    let version = card.version;
    // Fetched again when the card changes.
    let history = LocalResource::new(move || {
        let _ = version;
        fetch_history(id)
    });
    let times = {
        let card = card.clone();
        Memo::new(move |_| {
            let now = screen.now.get();
            screen.sla.with(|sla| sla.time_in_steps(&card, now))
        })
    };
    let r = card.request.clone();
    let window = r.window.map(|w| (w.start, w.end));
    let field = |label: crate::i18n::Text, value: String| {
        view! {
            <dt>{t(label)}</dt>
            <dd>{value}</dd>
        }
    };
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    view! {
        <section>
            <h3>{t(txt::THE_LETTER)}</h3>
            <dl class="fields">
                {field(crate::domain::Field::LetterDate.label(), r.letter_date.format("%d-%m-%Y").to_string())}
                {field(crate::domain::Field::ContactName.label(), or_dash(r.contact_name.as_ref().map(|n| n.to_string())))}
                {field(crate::domain::Field::ContactPhone.label(), or_dash(r.contact_phone.as_ref().map(|p| p.as_str().to_owned())))}
                {r.contact_email.as_ref().map(|e| field(crate::domain::Field::ContactEmail.label(), e.as_str().to_owned()))}
                {field(crate::domain::Field::Purpose.label(), or_dash(r.purpose.as_ref().map(|p| p.to_string())))}
                {field(
                    crate::domain::Field::Cameras.label(),
                    r.cameras.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "),
                )}
                <dt>{t(txt::WINDOW)}</dt>
                <dd>
                    {move || {
                        window
                            .map(|(s, e)| {
                                format!("{} – {}", date_time(s, wib(), lang.get()), date_time(e, wib(), lang.get()))
                            })
                            .unwrap_or_else(|| "—".into())
                    }}
                </dd>
                <dt>{t(crate::domain::Field::Documents.label())}</dt>
                <dd>
                    {if r.documents.is_empty() {
                        "—".into_any()
                    } else {
                        view! {
                            <ul class="documents">
                                {r
                                    .documents
                                    .iter()
                                    .map(|d| view! { <li>{d.title.to_string()} " · " <code>{d.reference.to_string()}</code></li> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                </dd>
            </dl>
        </section>
        <section>
            <h3>{t(txt::TIME_PER_STEP)}</h3>
            <table class="step-times" data-testid="step-times">
                <thead>
                    <tr>
                        <th scope="col">{t(txt::STEP)}</th>
                        <th scope="col">{t(txt::TIME_SPENT)}</th>
                        <th scope="col">{t(txt::STANDARD_TIME)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || times.get() key=|s| (s.step, s.elapsed / 60) let:s>
                        <tr class:over={s.elapsed > s.standard}>
                            <th scope="row">{s.step.code()} " " {t(s.step.def().name)}</th>
                            <td>{move || duration(s.elapsed, lang.get())}</td>
                            <td>{move || duration(s.standard, lang.get())}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
        <super::tracking::TrackingLinkControls card=card.id/>
        <super::records::RecordLinks card=card.clone()/>
        <section>
            <h3>{t(txt::HISTORY)}</h3>
            <Suspense fallback=move || view! { <p>{t(txt::LOADING)}</p> }>
                {move || {
                    history
                        .get()
                        .map(|loaded| match loaded {
                            Err(e) => view! { <p class="error">{t(txt::LOAD_FAILED)} ": " {super::say(e)}</p> }.into_any(),
                            Ok(events) => {
                                view! {
                                    <ol class="history" data-testid="history">
                                        {events.into_iter().map(|e| view! { <HistoryEntry event=e/> }).collect_view()}
                                    </ol>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn HistoryEntry(event: Event) -> impl IntoView {
    let lang = use_lang();
    let at = event.at();
    let who = format!("{} ", event.actor);
    let role = event.role.label();
    let device = event.device.to_string();
    let over = event.override_reason.as_ref().map(|r| r.to_string());
    view! {
        <li>
            <p class="history-what">{
                let change = event.change.clone();
                move || describe(&change, lang.get())
            }</p>
            {
                let change = event.change.clone();
                move || {
                    let lines = output_lines(&change, lang.get());
                    (!lines.is_empty()).then(|| view! {
                        <ul class="history-details">
                            {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                        </ul>
                    })
                }
            }
            <p class="history-meta">
                {move || date_time(at, wib(), lang.get())}
                " · "
                {who}
                "("
                {t(role)}
                ") · "
                {t(txt::DEVICE)}
                ": "
                {device}
            </p>
            {over.map(|r| view! { <p class="history-override">{t(txt::OVERRIDE)} ": " {r}</p> })}
        </li>
    }
}
