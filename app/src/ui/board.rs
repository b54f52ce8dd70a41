//! The board: one column per SOP step with its cards, each timed against the step's standard;
//! the end states as lanes below.

use leptos::prelude::*;

use super::icon::{Icon, IconView};
use super::screen::{Connection, use_screen};
use super::{t, use_lang};
use crate::domain::request::wib;
use crate::domain::sla::{Sla, SlaCounts, SlaState};
use crate::domain::{Card, EndState, FLOW, Stage, StepDef, StepId, Target};
use crate::i18n::format::{clock, date_time, duration, remaining};
use crate::i18n::ui as txt;

#[component]
pub fn BoardPage() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    keep_focus_on_moved_card(use_screen());
    super::new_request::preload();
    view! {
        <main class="board-page">
            <h1 class="visually-hidden">{t(txt::BOARD_TITLE)}</h1>
            <div class="board-actions">
                <super::new_request::NewRequestButton/>
            </div>
            <BoardTools/>
            <StepSwitcher/>
            <div class="board" role="list">
                {FLOW.iter().map(|step| view! { <StepColumn step/> }).collect_view()}
            </div>
            <EndLanes/>
            <super::card_detail::CardDrawer/>
            <super::moves::MoveDialog/>
            <super::moves::Notices/>
        </main>
    }
}

/// After a move, the moved card keeps the keyboard's focus through every redraw of the board: in
/// its new column, and when the server's confirmation draws it anew or puts it elsewhere in the
/// column (moving a focused element loses its focus). It stops when the person puts the focus or
/// the pointer elsewhere. The one place that gives a moved card its focus back, so that nothing
/// left from an earlier move can take it to another card.
#[cfg(feature = "hydrate")]
fn keep_focus_on_moved_card(screen: super::screen::Screen) {
    use wasm_bindgen::JsCast;
    let selector = move || {
        screen
            .focus_card
            .try_get_value()
            .flatten()
            .map(|id| format!("[data-card=\"{}\"]", id.0))
    };
    Effect::new(move |_| {
        screen.board.track();
        // After the frame that draws the change.
        request_animation_frame(move || {
            if let Some(selector) = selector()
                && super::dialog::focus_lost()
                && let Some(card) = document().query_selector(&selector).ok().flatten()
            {
                super::dialog::focus(&card);
            }
        });
    });
    let forget = move || screen.focus_card.set_value(None);
    let pointer = window_event_listener(leptos::ev::pointerdown, move |_| forget());
    let focus = window_event_listener(leptos::ev::focusin, move |ev| {
        let Some(selector) = selector() else { return };
        let on_card = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(&selector).ok().flatten())
            .is_some();
        if !on_card {
            forget();
        }
    });
    on_cleanup(move || {
        pointer.remove();
        focus.remove();
    });
}

/// What the board is folded behind on a phone.
const TOOLS: crate::i18n::Text = crate::i18n::Text::new("Saring & kamera", "Filters & cameras");

/// The filters and the camera strip: above the board on a wide screen; on a phone folded behind
/// one button, so the first screen shows the cards; the button says when a filter hides some.
#[component]
fn BoardTools() -> impl IntoView {
    let screen = use_screen();
    let open = RwSignal::new(false);
    let active = move || screen.filter.with(|f| f.is_active());
    view! {
        <div class="board-tools" class:open=move || open.get()>
            <button
                type="button"
                class="tools-toggle"
                data-testid="tools-toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls="board-tools"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {t(TOOLS)}
                <Show when=active>
                    <span class="tools-active">" · " {t(txt::FILTER_ACTIVE)}</span>
                </Show>
            </button>
            <div class="board-tools-body" id="board-tools">
                <FilterBar/>
                <super::cameras::CameraStrip shown=6 link=true/>
            </div>
        </div>
    }
}

/// Search, agency and "only late" above the board.
#[component]
fn FilterBar() -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let agencies = Memo::new(move |_| screen.agencies());
    let set_text = move |ev| screen.filter.update(|f| f.text = event_target_value(&ev));
    let set_agency = move |ev| screen.filter.update(|f| f.agency = event_target_value(&ev));
    let set_late = move |ev| {
        screen
            .filter
            .update(|f| f.only_late = event_target_checked(&ev))
    };
    let clear = move |_| screen.filter.set(Default::default());
    view! {
        <form class="filter-bar" role="search" on:submit=|ev| ev.prevent_default()>
            <label class="filter-text">
                <span>{t(txt::SEARCH)}</span>
                <input
                    type="search"
                    data-testid="filter-text"
                    placeholder=t(txt::SEARCH_HINT)
                    prop:value=move || screen.filter.with(|f| f.text.clone())
                    on:input=set_text
                />
            </label>
            <label class="filter-agency">
                <span>{t(txt::AGENCY)}</span>
                <select
                    data-testid="filter-agency"
                    on:change=set_agency
                    prop:value=move || screen.filter.with(|f| f.agency.clone())
                >
                    <option value="">{t(txt::ALL_AGENCIES)}</option>
                    <For each=move || agencies.get() key=|a| a.clone() let:agency>
                        <option value=agency.clone()>{agency.clone()}</option>
                    </For>
                </select>
            </label>
            <label class="filter-late">
                <input
                    type="checkbox"
                    data-testid="filter-late"
                    prop:checked=move || screen.filter.with(|f| f.only_late)
                    on:change=set_late
                />
                <span>{t(txt::ONLY_LATE)}</span>
            </label>
            <label class="filter-mine">
                <input
                    type="checkbox"
                    data-testid="filter-mine"
                    prop:checked=move || screen.filter.with(|f| f.my_turn)
                    on:change=move |ev| screen.filter.update(|f| f.my_turn = event_target_checked(&ev))
                />
                <span>{t(txt::MY_TURN)}</span>
            </label>
            <Show when=move || screen.filter.with(|f| f.is_active())>
                <span class="filter-active" role="status">{move || txt::FILTER_ACTIVE.get(lang.get())}</span>
                <button type="button" class="filter-clear" on:click=clear>{t(txt::CLEAR_FILTER)}</button>
            </Show>
        </form>
    }
}

/// On a phone the board shows one column at a time (it snaps column by column when swiped):
/// one button per step with its count brings that column into view. Hidden on wider screens.
#[component]
fn StepSwitcher() -> impl IntoView {
    let screen = use_screen();
    let current = RwSignal::new(StepId::S1);
    let show = move |step: StepId| {
        current.set(step);
        #[cfg(feature = "hydrate")]
        if let Some(column) = document()
            .query_selector(&format!(".board section[data-step=\"{}\"]", step.code()))
            .ok()
            .flatten()
        {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            options.set_inline(web_sys::ScrollLogicalPosition::Start);
            column.scroll_into_view_with_scroll_into_view_options(&options);
        }
    };
    view! {
        <nav class="step-switcher" aria-label=t(txt::STEPS) data-testid="step-switcher">
            {FLOW
                .iter()
                .map(|def| {
                    let step = def.id;
                    let count = Memo::new(move |_| screen.cards_at(Stage::Step(step)).len());
                    view! {
                        <button
                            type="button"
                            data-show-step=step.code()
                            aria-current=move || (current.get() == step).then_some("true")
                            on:click=move |_| show(step)
                        >
                            <span class="visually-hidden">{t(txt::STEP)} " "</span>
                            <strong>{step.code()}</strong>
                            <span class="step-count">{move || count.get()}</span>
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// How many cards a column draws at first, and how many more each "show more" adds.
const COLUMN_PAGE: usize = 60;
/// How many of those are drawn before the board's first paint: more than a screen holds (a card
/// is about 300 px tall, and a column's cards start some 450 px down: two or three on a 1080p
/// screen, three on 1440p); the rest follow right after it, a column at a time, so a large board
/// shows at once.
const FIRST_PAINT: usize = 6;

/// One SOP step: its number, name, performer, standard time and counts, then its cards.
#[component]
fn StepColumn(step: &'static StepDef) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let heading_id = format!("step-{}-title", step.id.code());
    let labelled_by = heading_id.clone();
    let minutes = t(txt::MINUTES_SHORT);
    let cards = Memo::new(move |_| screen.cards_at(Stage::Step(step.id)));
    // The longest-waiting cards first; the rest on request (the counts above cover them all).
    let shown = RwSignal::new(FIRST_PAINT);
    #[cfg(feature = "hydrate")]
    draw_rest_after_paint(step, cards, shown);
    // Counts of warning and breached cards, on the one clock.
    let counts = Memo::new(move |_| {
        let now = screen.now.get();
        screen
            .sla
            .with(|sla| cards.with(|cards| SlaCounts::of(sla, cards.iter().map(|c| &**c), now)))
    });
    let drop = move || super::moves::drop_class(screen, Target::Step(step.id));
    view! {
        <section
            class=move || format!("column {}", drop())
            role="listitem"
            data-step=step.id.code()
            aria-labelledby=labelled_by
        >
            <header class="column-head">
                <h2 id=heading_id class="column-title">
                    <span class="step-no" aria-hidden="true">{step.id.code()}</span>
                    <span class="visually-hidden">{t(txt::STEP)} " " {step.id.code()} ": "</span>
                    {t(step.name)}
                </h2>
                <dl class="column-facts">
                    <div>
                        <dt>{t(txt::PERFORMER)}</dt>
                        <dd class="performer">{t(step.performer.label())}</dd>
                    </div>
                    <div class="fact-inputs">
                        <dt>{t(txt::INPUTS)}</dt>
                        <dd>{step.inputs.map(t).map(|f| f.into_any()).unwrap_or_else(|| "—".into_any())}</dd>
                    </div>
                    <div class="fact-output">
                        <dt>{t(txt::OUTPUT)}</dt>
                        <dd>{t(step.output)}</dd>
                    </div>
                    <div>
                        <dt>{t(txt::STANDARD_TIME)}</dt>
                        <dd class="standard">{move || format!("{} {}", step.standard_minutes, minutes())}</dd>
                    </div>
                </dl>
                <p class="column-counts" data-testid="column-counts">
                    <span class="count-total">
                        {move || {
                            let n = cards.with(Vec::len);
                            let word = if n == 1 { txt::CARD } else { txt::CARDS };
                            format!("{n} {}", word.get(lang.get()))
                        }}
                    </span>
                    <Show when=move || { counts.get().warning > 0 }>
                        <span class="count-warning">
                            <IconView icon=Icon::Warning/>
                            {move || counts.get().warning}
                        </span>
                    </Show>
                    <Show when=move || { counts.get().breached > 0 }>
                        <span class="count-breached">
                            <IconView icon=Icon::Alarm/>
                            {move || counts.get().breached}
                        </span>
                    </Show>
                </p>
            </header>
            <ol class="cards">
                <For each=move || cards.with(|c| c.iter().take(shown.get()).cloned().collect::<Vec<_>>()) key=|c| (c.id, c.version) let:card>
                    <CardView card=Card::clone(&card)/>
                </For>
                <Show when=move || { cards.with(Vec::len) > shown.get() }>
                    <li class="more">
                        <button type="button" class="secondary" data-testid="show-more" on:click=move |_| shown.update(|n| *n += COLUMN_PAGE)>
                            {move || format!("{} {} {}", txt::SHOW.get(lang.get()), cards.with(Vec::len) - shown.get(), txt::MORE.get(lang.get()))}
                        </button>
                    </li>
                </Show>
                <Show when=move || cards.with(Vec::is_empty)>
                    <li class="empty">
                        {move || {
                            // Until the first snapshot, "no requests" would be untrue.
                            let text = screen.connection.with(|c| match c {
                                Connection::Loading => txt::LOADING,
                                Connection::Failed(_) => txt::LOAD_FAILED,
                                _ => txt::NO_CARDS,
                            });
                            text.get(lang.get())
                        }}
                    </li>
                </Show>
            </ol>
        </section>
    }
}

/// Once the column has cards, and after the frame that paints them: the rest of its first page.
#[cfg(feature = "hydrate")]
fn draw_rest_after_paint(
    step: &'static StepDef,
    cards: Memo<Vec<std::sync::Arc<Card>>>,
    shown: RwSignal<usize>,
) {
    let column = FLOW.iter().position(|s| s.id == step.id).unwrap_or(0) as u64;
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || cards.with(Vec::len) <= FIRST_PAINT {
            return done == Some(true);
        }
        request_animation_frame(move || {
            // One task per column: the page stays responsive between them.
            set_timeout(
                move || shown.update(|n| *n = (*n).max(COLUMN_PAGE)),
                std::time::Duration::from_millis(column),
            )
        });
        true
    });
}

pub(super) fn state_icon(state: SlaState) -> Icon {
    match state {
        SlaState::OnTime => Icon::Check,
        SlaState::Warning => Icon::Warning,
        SlaState::Breached => Icon::Alarm,
        SlaState::Paused => Icon::Pause,
        SlaState::Scheduled => Icon::Calendar,
    }
}

pub(super) fn state_class(state: SlaState) -> &'static str {
    match state {
        SlaState::OnTime => "on-time",
        SlaState::Warning => "warning",
        SlaState::Breached => "breached",
        SlaState::Paused => "paused",
        SlaState::Scheduled => "scheduled",
    }
}

/// A request on the board: the letter, who must act, and its timer against the step's standard.
#[component]
fn CardView(card: Card) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let status = screen.live_status(card.clone());
    let who = card.who_must_act();
    let id = card.id;
    let cameras = card
        .request
        .cameras
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    // The status changes every second; what is drawn from it is built once per card and only
    // updated (a view rebuilt every second would also leave a few bytes behind each time in the
    // signals its closures read that never change, such as the language).
    let sla_state = Memo::new(move |_| status.get().map(|s| s.state));
    let timed = Memo::new(move |_| status.with(Option::is_some));
    let read_only = use_context::<super::screen::ReadOnly>();
    let (down, moved, up, is_click) = super::moves::drag_handlers(screen, id);
    let dragged = StoredValue::new(expect_context::<super::screen::Dragged>().0);
    let is_dragged = move || dragged.with_value(|d| d.selected(&Some(id)));
    // Only the dragged card follows the pointer (and so reads every move).
    let dragging = move || {
        if is_dragged() {
            screen.drag.get()
        } else {
            None
        }
    };
    // A memo: the queue changes with every move; only the cards whose own state changed redraw.
    let pending = Memo::new(move |_| {
        screen.pending.with(|p| {
            p.iter()
                .any(|p| p.envelope.mutation.card() == id && p.accepted.is_none())
        })
    });
    let step = card.current_step();
    view! {
        <li
            class=move || {
                let mut class = String::from("card");
                if is_dragged() {
                    class.push_str(" dragging");
                }
                if pending.get() {
                    class.push_str(" pending");
                }
                class
            }
            style=move || {
                dragging()
                    .map(|d| format!("transform: translate({}px, {}px)", d.dx, d.dy))
                    .unwrap_or_default()
            }
            data-card=card.id.0.to_string()
            data-status=move || sla_state.get().map(state_class).unwrap_or("ended")
            data-pending=move || pending.get().to_string()
            tabindex="0"
            on:pointerdown=down
            on:pointermove=moved
            on:pointerup=up
            on:pointercancel=move |_| screen.drag.set(None)
            on:click=move |_| {
                // The click that ends a drag is not a request to open the details.
                if read_only.is_none() && is_click() && screen.drag.with_untracked(Option::is_none) {
                    screen.selected.set(Some(id));
                }
            }
            on:keydown=move |ev| {
                if ev.key() == "Enter" {
                    // Otherwise the key's keypress reaches the drawer's Close button, now focused.
                    ev.prevent_default();
                    screen.selected.set(Some(id));
                }
            }
        >
            <div class="card-top">
                <LetterNumber number=card.request.letter_number.to_string()/>
                <SlaBadge state=sla_state/>
            </div>
            <p class="agency">{card.request.agency.to_string()}</p>
            <p class="subject">{card.request.subject.to_string()}</p>
            <Show when={
                let empty = cameras.is_empty();
                move || !empty
            }>
                <p class="cameras">
                    <IconView icon=Icon::Camera/>
                    {cameras.clone()}
                </p>
            </Show>
            <super::cameras::CameraWarning card=card.clone()/>
            {card.fault.clone().map(|fault| view! { <super::moves::FaultNotice fault/> })}
            {card
                .schedule
                .filter(|w| step.is_some_and(|s| s >= StepId::S6) && w.exceeds_step_7_standard())
                .map(|w| view! {
                    <p class="over-standard" data-testid="over-standard">
                        {move || format!("{} · {}", duration(w.seconds(), lang.get()), txt::OVER_STANDARD.get(lang.get()))}
                    </p>
                })}
            {who.map(|role| view! { <p class="who">{t(txt::WAITING_FOR)} ": " {t(role.label())}</p> })}
            {move || timed.get().then(|| view! { <Timer status starts_at=card.schedule.map(|w| w.start)/> })}
            {read_only.is_none().then(|| view! { <super::moves::MoveButton card=id step/> })}
        </li>
    }
}

/// Elapsed and remaining against the standard, with a bar; "starts in …" for a scheduled step 7.
/// Built once; every part follows the card's live status.
#[component]
pub(super) fn Timer(
    status: Memo<Option<Sla>>,
    starts_at: Option<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let lang = use_lang();
    let text = move || {
        let lang = lang.get();
        status.get().map(|sla| match (sla.starts_in, starts_at) {
            (Some(seconds), Some(at)) => {
                format!(
                    "{} {} ({})",
                    txt::STARTS_IN.get(lang),
                    duration(seconds, lang),
                    date_time(at, wib(), lang)
                )
            }
            _ => format!(
                "{} / {} · {}",
                duration(sla.elapsed, lang),
                duration(sla.standard, lang),
                remaining(sla.remaining, lang)
            ),
        })
    };
    let percent = Memo::new(move |_| status.with(|s| s.map_or(0, |s| s.percent().clamp(0, 100))));
    let pause = Memo::new(move |_| status.with(|s| s.and_then(|s| s.pause)));
    view! {
        <div class="timer">
            <p class="timer-text">{text}</p>
            {move || {
                let lang = lang.get();
                pause.get().map(|p| view! { <p class="timer-pause">{p.label().get(lang)}</p> })
            }}
            <div
                class="bar"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || percent.get().to_string()
            >
                <div class="bar-fill" style=move || format!("width: {}%", percent.get())></div>
            </div>
        </div>
    }
}

/// A letter number that may wrap after its slashes (`000.8.3.3/101/2026`), not inside a number.
/// A letter number that may wrap after each "/" (`<wbr>`), with no character added to its text:
/// copied into Srikandi it is the same number.
/// A card's SLA state as a badge, its icon beside its word; nothing once the card has ended.
#[component]
pub(super) fn SlaBadge(state: Memo<Option<SlaState>>) -> impl IntoView {
    let lang = use_lang();
    move || {
        let lang = lang.get();
        state.get().map(|state| {
            view! {
                <span class=format!("sla-badge {}", state_class(state))>
                    <IconView icon=state_icon(state)/>
                    {state.label().get(lang)}
                </span>
            }
        })
    }
}

/// Where a card stands, in words: "Langkah 3 · Disposisi Kepala Dinas", or how it ended.
pub(super) fn where_it_is(stage: Stage, lang: crate::i18n::Lang) -> String {
    match stage {
        Stage::Step(s) => format!(
            "{} {} · {}",
            txt::STEP.get(lang),
            s.code(),
            s.def().name.get(lang)
        ),
        Stage::Ended(end) => end.label().get(lang).to_owned(),
    }
}

#[component]
pub fn LetterNumber(number: String) -> impl IntoView {
    let parts: Vec<String> = number.split_inclusive('/').map(str::to_owned).collect();
    view! {
        <span class="letter-number">
            {parts
                .into_iter()
                .map(|part| {
                    let wraps = part.ends_with('/');
                    view! { {part}{wraps.then(|| view! { <wbr/> })} }
                })
                .collect_view()}
        </span>
    }
}

/// Selesai, Dikembalikan, Gagal: collapsible, with the most recent cards.
#[component]
fn EndLanes() -> impl IntoView {
    view! {
        <section class="end-lanes" aria-label=t(txt::FINISHED)>
            {EndState::ALL.into_iter().map(|end| view! { <EndLane end/> }).collect_view()}
        </section>
    }
}

/// How many finished cards each lane shows.
const RECENT: usize = 12;

#[component]
fn EndLane(end: EndState) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let cards = Memo::new(move |_| {
        let mut cards = screen.cards_at(Stage::Ended(end));
        cards.sort_by_key(|c| std::cmp::Reverse(c.visits.last().and_then(|v| v.left)));
        cards
    });
    let name = end.as_str();
    let drop = move || super::moves::drop_class(screen, Target::End(end));
    let class = format!("end-lane {name}");
    view! {
        <details class=move || format!("{class} {}", drop()) data-end=name>
            <summary>
                <span class="lane-name">{t(end.label())}</span>
                " "
                <span class="lane-count">{move || cards.with(Vec::len)}</span>
            </summary>
            <ol class="lane-cards">
                <For each=move || cards.get().into_iter().take(RECENT) key=|c| (c.id, c.version) let:card>
                    <li class="lane-card" data-card=card.id.0.to_string()>
                        // Opens the details: the history and the records of an ended request.
                        <button type="button" class="lane-card-open" on:click={
                            let id = card.id;
                            move |_| screen.selected.set(Some(id))
                        }>
                            <LetterNumber number=card.request.letter_number.to_string()/>
                            " · "
                            <span class="agency">{card.request.agency.to_string()}</span>
                        </button>
                        {card.end_reason.as_ref().map(|r| view! { <p class="end-reason">{r.to_string()}</p> })}
                        {card
                            .visits
                            .last()
                            .and_then(|v| v.left)
                            .map(|at| view! { <p class="ended-at">{move || date_time(at, wib(), lang.get())}</p> })}
                    </li>
                </For>
            </ol>
        </details>
    }
}

/// Live / reconnecting since hh.mm / not loaded: always visible in the top bar.
#[component]
pub fn ConnectionBadge() -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let on_wall = use_context::<super::screen::ReadOnly>().is_some();
    let view_of = move || {
        let lang = lang.get();
        match screen.connection.get() {
            Connection::Loading => ("loading", txt::LOADING.get(lang).to_owned()),
            Connection::Live => ("live", txt::LIVE.get(lang).to_owned()),
            Connection::Reconnecting { since } => (
                "reconnecting",
                format!(
                    "{} {}",
                    txt::RECONNECTING_SINCE.get(lang),
                    clock(since, wib(), lang)
                ),
            ),
            Connection::Offline { data_from } => (
                "offline",
                format!(
                    "{} {}",
                    txt::OFFLINE_DATA_FROM.get(lang),
                    clock(data_from, wib(), lang)
                ),
            ),
            // The wall says why in its own box; its badge stays short.
            Connection::Failed(_) if on_wall => ("failed", txt::LOAD_FAILED.get(lang).to_owned()),
            Connection::Failed(why) => (
                "failed",
                format!("{}: {}", txt::LOAD_FAILED.get(lang), why.get(lang)),
            ),
        }
    };
    let waiting = move || {
        screen
            .pending
            .with(|p| p.iter().filter(|p| p.accepted.is_none()).count())
    };
    view! {
        <span class=move || format!("connection {}", view_of().0) data-testid="connection" role="status">
            {move || view_of().1}
            <span class="sync-state" data-testid="sync-state" data-pending=move || waiting().to_string()>
                {move || match waiting() {
                    0 => String::new(),
                    n => format!(" · {n} {}", txt::PENDING.get(lang.get())),
                }}
            </span>
        </span>
    }
}
