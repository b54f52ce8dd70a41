//! The TCM Room's wall screen (`/wall?token=…`): the whole board at a glance from across the room.
//! Dark, sized by the screen's width (so 1080p and 4K show the same layout, twice as sharp), each
//! step's most urgent cards, the SLA summary, the breached strip, the clock in WIB and how current
//! the data is. Read-only: a kiosk token cannot move anything.

use leptos::prelude::*;

use super::board::{ConnectionBadge, state_class, state_icon};
use super::icon::{Icon, IconView};
use super::screen::ReadOnly;
use super::screen::{Connection, use_screen};
use super::{LanguageToggle, t, use_lang};
use crate::domain::request::wib;
use crate::domain::sla::{Sla, SlaCounts, SlaState};
use crate::domain::{Card, CardId, FLOW, Stage, StepDef};
use crate::i18n::format::{clock, day_date, duration, remaining, zone_name};
use crate::i18n::ui as txt;

/// The space between cards, in rem (the root font size follows the screen's width).
const GAP_REM: f64 = 0.4;
/// The height of the "+n lainnya" line, in rem.
const MORE_REM: f64 = 1.8;
/// How many cards a column draws before it measures which fit (a card is as tall as its
/// agency's and letter's lines need; a 4K wall in portrait fits about this many).
const DRAWN: usize = 24;
const WALL_STOPPED: crate::i18n::Text =
    crate::i18n::Text::new("Layar dinding berhenti", "The wall screen has stopped");
const WALL_STOPPED_HINT: crate::i18n::Text = crate::i18n::Text::new(
    "Papan tidak ditampilkan dan tidak disimpan di perangkat ini. Admin dapat membuat token baru: pantau kiosk add",
    "The board is neither shown nor kept on this device. An Admin can make a new token: pantau kiosk add",
);
/// How many a column shows before it has measured (a 16:9 screen's worth).
const FIRST_GUESS: usize = 5;
/// How many breached cards the "Terlambat" strip names; the rest are counted.
const LATE_SHOWN: usize = 5;

#[component]
pub fn WallPage() -> impl IntoView {
    provide_context(ReadOnly);
    let fit = list_resized();
    provide_context(wall_view());
    let screen = use_screen();
    // Refused (a revoked or unknown token): the wall shows nothing of the board, only why.
    let refused = move || match screen.connection.get() {
        Connection::Failed(why) => Some(why),
        _ => None,
    };
    view! {
        <main
            class="wall-page"
            data-testid="wall"
            style=format!("--wall-gap: {GAP_REM}rem; --wall-more-h: {MORE_REM}rem")
        >
            <h1 class="visually-hidden">{t(txt::BOARD_TITLE)}</h1>
            <WallHeader/>
            {move || refused().map(|why| view! {
                <section class="wall-refused" role="alert" data-testid="wall-refused">
                    <h2>{t(WALL_STOPPED)}</h2>
                    <p>{super::say(why)}</p>
                    <p class="hint">{t(WALL_STOPPED_HINT)}</p>
                </section>
            })}
            <Show when=move || refused().is_none()>
                <StaleBanner/>
                <LateStrip/>
                <div class="wall-board" role="list">
                    {FLOW
                        .iter()
                        .enumerate()
                        .map(|(index, step)| view! { <WallColumn step index fit/> })
                        .collect_view()}
                </div>
            </Show>
        </main>
    }
}

/// What the wall shows, worked out once per tick of the clock in one pass over the board: each
/// step's cards (most urgent first) and counts, the totals, the breached cards.
#[derive(Clone, Debug, Default, PartialEq)]
struct WallView {
    steps: Vec<StepView>,
    totals: SlaCounts,
    late: Vec<Late>,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct StepView {
    /// Card ids and versions, most urgent first.
    cards: Vec<(CardId, u32)>,
    counts: SlaCounts,
}

#[derive(Clone, Debug, PartialEq)]
struct Late {
    id: CardId,
    sla: Sla,
    agency: String,
}

fn wall_view() -> Memo<WallView> {
    let screen = use_screen();
    Memo::new(move |_| {
        let now = screen.now.get();
        let mut steps: Vec<Vec<(Sla, CardId, u32)>> = vec![Vec::new(); FLOW.len()];
        let mut view = WallView::default();
        screen.sla.with(|sla| {
            screen.board.with(|b| {
                for card in b.cards.values() {
                    let (Stage::Step(step), Some(status)) = (card.stage, sla.status(card, now))
                    else {
                        continue;
                    };
                    let index = FLOW.iter().position(|s| s.id == step).unwrap_or(0);
                    steps[index].push((status, card.id, card.version));
                    view.totals.add(status.state);
                    if status.state == SlaState::Breached {
                        view.late.push(Late {
                            id: card.id,
                            sla: status,
                            agency: crate::domain::agency::short_form(card.request.agency.as_str()),
                        });
                    }
                }
            })
        });
        view.late.sort_by_key(|l| (l.sla.urgency(), l.id));
        view.steps = steps
            .into_iter()
            .map(|mut cards| {
                cards.sort_by_key(|(s, id, _)| (s.urgency(), *id));
                let mut counts = SlaCounts::default();
                for (s, _, _) in &cards {
                    counts.add(s.state);
                }
                StepView {
                    cards: cards.into_iter().map(|(_, id, v)| (id, v)).collect(),
                    counts,
                }
            })
            .collect();
        view
    })
}

fn use_wall_view() -> Memo<WallView> {
    expect_context::<Memo<WallView>>()
}

/// Name, the sound and language switches, the connection, the clock; under them the SLA summary
/// of the whole board.
#[component]
fn WallHeader() -> impl IntoView {
    let wall = use_wall_view();
    let totals = Memo::new(move |_| wall.with(|w| w.totals));
    view! {
        <header class="wall-header">
            <div class="wall-title">
                <span class="brand">"Pantau"</span>
                <span class="wall-room">{t(txt::WALL_ROOM)}</span>
            </div>
            <SoundToggle/>
            <LanguageToggle/>
            <ConnectionBadge/>
            <WallClock/>
        </header>
        <div class="wall-totals">
            <SlaSummary counts=totals testid="wall-totals"/>
        </div>
        <super::cameras::CameraStrip shown=6/>
    }
}

/// On time / warning / breached (and paused, scheduled when any), by icon, number and word.
#[component]
fn SlaSummary(
    counts: Memo<SlaCounts>,
    testid: &'static str,
    /// Only the states some card is in (a column's head: one line).
    #[prop(optional)]
    nonzero: bool,
) -> impl IntoView {
    let lang = use_lang();
    let item = move |state: SlaState, n: fn(&SlaCounts) -> usize, always: bool| {
        let n = move || counts.with(n);
        view! {
            <Show when=move || { always || n() > 0 }>
                <span class=format!("sla-count {}", state_class(state)) data-state=state_class(state)>
                    <IconView icon=state_icon(state)/>
                    <span class="n">{n}</span>
                    <span class="word">{move || state.label().get(lang.get())}</span>
                </span>
            </Show>
        }
    };
    view! {
        <p class="sla-summary" data-testid=testid>
            {item(SlaState::OnTime, |c| c.on_time, !nonzero)}
            {item(SlaState::Warning, |c| c.warning, !nonzero)}
            {item(SlaState::Breached, |c| c.breached, !nonzero)}
            {item(SlaState::Paused, |c| c.paused, false)}
            {item(SlaState::Scheduled, |c| c.scheduled, false)}
        </p>
    }
}

/// `16.05` large, `Sabtu, 28 Nov 2026 · WIB` under it, on the server-corrected clock.
#[component]
fn WallClock() -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    view! {
        <div class="wall-clock" data-testid="wall-clock">
            <span class="time">{move || clock(screen.now.get(), wib(), lang.get())}</span>
            <span class="date">
                {move || format!("{} · {}", day_date(screen.now.get(), wib(), lang.get()), zone_name(wib()))}
            </span>
        </div>
    }
}

/// When the data is not live: how old it is, in words nobody can miss.
#[component]
fn StaleBanner() -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let from = move || match screen.connection.get() {
        Connection::Reconnecting { since } => Some(since),
        Connection::Offline { data_from } => Some(data_from),
        _ => None,
    };
    view! {
        {move || {
            from()
                .map(|from| {
                    view! {
                        <p class="stale-banner" role="alert" data-testid="stale">
                            <IconView icon=Icon::Warning/>
                            {move || {
                                let lang = lang.get();
                                let age = (screen.now.get() - from).num_seconds().max(0);
                                format!(
                                    "{} {} ({} {})",
                                    txt::STALE_DATA_FROM.get(lang),
                                    clock(from, wib(), lang),
                                    duration(age, lang),
                                    txt::AGO.get(lang),
                                )
                            }}
                        </p>
                    }
                })
        }}
    }
}

/// "Terlambat": every breached card, most overdue first (the first few by name).
#[component]
fn LateStrip() -> impl IntoView {
    let lang = use_lang();
    let wall = use_wall_view();
    let late = Memo::new(move |_| wall.with(|w| w.late.clone()));
    let more = move || late.with(Vec::len).saturating_sub(LATE_SHOWN);
    view! {
        <section class="late-strip" data-testid="late-strip" aria-label=t(SlaState::Breached.label())>
            <h2 class="late-title">
                <IconView icon=Icon::Alarm/>
                {t(SlaState::Breached.label())}
                " "
                <span class="n">{move || late.with(Vec::len)}</span>
            </h2>
            <ol class="late-cards">
                // Redrawn every second (the time over changes): plain texts only inside. A reactive
                // closure in here would be a new effect every second, and each one, dropped, leaves
                // a few bytes in the signals it read that never change (the language): the wall
                // would grow without end.
                {move || {
                    let lang = lang.get();
                    late.get()
                        .into_iter()
                        .take(LATE_SHOWN)
                        .map(|Late { id, sla, agency }| {
                            view! {
                                <li class="late-card" data-card=id.0.to_string()>
                                    <span class="step-no">{sla.step.code()}</span>
                                    <span class="agency">{agency}</span>
                                    <span class="over">{remaining(sla.remaining, lang)}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
                <Show when=move || { more() > 0 }>
                    <li class="late-more">{move || format!("+{} {}", more(), txt::MORE.get(lang.get()))}</li>
                </Show>
                <Show when=move || late.with(Vec::is_empty)>
                    <li class="late-none">{t(txt::NONE_LATE)}</li>
                </Show>
            </ol>
        </section>
    }
}

/// One step: number, name, performer, its own SLA counts, then the cards that fit, most urgent
/// first, and "+n lainnya" for the rest.
#[component]
fn WallColumn(step: &'static StepDef, index: usize, fit: ReadSignal<u32>) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let wall = use_wall_view();
    let cards = Memo::new(move |_| {
        wall.with(|w| {
            w.steps
                .get(index)
                .map(|s| s.cards.clone())
                .unwrap_or_default()
        })
    });
    let counts =
        Memo::new(move |_| wall.with(|w| w.steps.get(index).map(|s| s.counts).unwrap_or_default()));
    // Drawn in full first (up to DRAWN), then cut to the cards that fit whole: measured again
    // when the cards or the screen change.
    let list = NodeRef::<leptos::html::Ol>::new();
    let shown = RwSignal::new(FIRST_GUESS);
    let next_card = RwSignal::new(None::<u32>);
    let remeasure = RwSignal::new(0u32);
    Effect::new(move |_| {
        let n = cards.with(Vec::len);
        fit.track();
        remeasure.track();
        shown.set(n.min(DRAWN));
        #[cfg(feature = "hydrate")]
        measure_when_drawn(list, n, shown, next_card, 10);
    });
    // Cards change height as they live (a timer's text grows, a camera goes down, the language
    // changes): every few seconds, a look at whether the last card still fits (else it goes, with
    // no redrawing) and whether the next would now (then the column is drawn and measured again).
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if screen.now.with(|t| t.timestamp()) % CHECK_EVERY_SECS != 0 {
            return;
        }
        request_animation_frame(move || {
            let Some(element) = list.try_get_untracked().flatten() else {
                return;
            };
            let more = cards.try_with_untracked(Vec::len).unwrap_or(0)
                > shown.try_get_untracked().unwrap_or(0);
            match fits_as_drawn(&element, more, next_card.try_get_untracked().flatten()) {
                Fit::Right => {}
                Fit::LastCut(height) => {
                    let _ = shown.try_update(|n| *n = n.saturating_sub(1).max(1));
                    let _ = next_card.try_set(Some(height));
                }
                Fit::Room => {
                    let _ = remeasure.try_update(|n| *n = n.wrapping_add(1));
                }
            }
        });
    });
    let shown = move || shown.get().min(cards.with(Vec::len));
    let more = move || cards.with(Vec::len) - shown();
    let minutes = t(txt::MINUTES_SHORT);
    view! {
        <section class="wall-column" role="listitem" data-step=step.id.code()>
            <header class="wall-column-head">
                <h2>
                    <span class="step-no">{step.id.code()}</span>
                    <span class="step-name">{t(step.name)}</span>
                </h2>
                <p class="wall-column-facts">
                    {move || format!("{} {}", step.standard_minutes, minutes())}
                    " · "
                    {t(step.performer.short_label())}
                </p>
                <SlaSummary counts testid="wall-step-counts" nonzero=true/>
            </header>
            <ol class="wall-cards" node_ref=list data-next-card-px=move || next_card.get()>
                <For
                    each=move || cards.with(|c| c.iter().take(shown()).copied().collect::<Vec<_>>())
                    key=|c| *c
                    let:card
                >
                    {screen.board.with_untracked(|b| b.card(card.0).cloned()).map(|card| view! { <WallCard card/> })}
                </For>
                <Show when=move || { more() > 0 }>
                    <li class="wall-more" data-testid="wall-more">
                        {move || format!("+{} {}", more(), txt::MORE.get(lang.get()))}
                    </li>
                </Show>
                <Show when=move || cards.with(Vec::is_empty)>
                    <li class="wall-empty">"—"</li>
                </Show>
            </ol>
        </section>
    }
}

/// A card as the room reads it: the agency, the letter, the time left or over, by icon and word.
/// A card that turns breached while the wall watches flashes three times, then stays red.
#[component]
fn WallCard(card: Card) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let status = screen.live_status(card.clone());
    let state = Memo::new(move |_| status.get().map(|s| s.state));
    let just_breached = RwSignal::new(false);
    Effect::new(move |before: Option<Option<SlaState>>| {
        let now = state.get();
        if let Some(Some(before)) = before
            && before != SlaState::Breached
            && now == Some(SlaState::Breached)
        {
            just_breached.set(true);
            sound::chime();
        }
        now
    });
    let timer = move || {
        status.get().map(|s| {
            let lang = lang.get();
            match s.starts_in {
                Some(seconds) => {
                    format!("{} {}", txt::STARTS_IN.get(lang), duration(seconds, lang))
                }
                None => remaining(s.remaining, lang),
            }
        })
    };
    let percent = move || status.get().map(|s| s.percent().clamp(0, 100)).unwrap_or(0);
    view! {
        <li
            class=move || if just_breached.get() { "wall-card just-breached" } else { "wall-card" }
            data-card=card.id.0.to_string()
            data-status=move || state.get().map(state_class).unwrap_or("ended")
        >
            <p class="agency" title=card.request.agency.to_string()>
                {move || state.get().map(|s| view! { <IconView icon=state_icon(s)/> })}
                {crate::domain::agency::short_form(card.request.agency.as_str())}
            </p>
            <WallCardSecondLine card=card.clone()/>
            {card.fault.clone().map(|fault| view! { <super::moves::FaultNotice fault/> })}
            <p class="wall-timer">
                <span class="state">{move || state.get().map(|s| s.label().get(lang.get()))}</span>
                " "
                <span class="left">{timer}</span>
            </p>
            <div class="bar" aria-hidden="true">
                <div class="bar-fill" style=move || format!("width: {}%", percent())></div>
            </div>
        </li>
    }
}

/// "Suara" on or off (off by default, remembered by this browser): a short chime when a card
/// turns breached.
#[component]
fn SoundToggle() -> impl IntoView {
    let lang = use_lang();
    let on = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| on.set(sound::enabled()));
    let toggle = move |_| {
        let next = !on.get_untracked();
        sound::set_enabled(next);
        on.set(next);
    };
    view! {
        <button
            type="button"
            class="sound-toggle secondary"
            data-testid="sound"
            aria-pressed=move || on.get().to_string()
            on:click=toggle
        >
            {move || {
                let lang = lang.get();
                let state = if on.get() { txt::ON } else { txt::OFF };
                format!("{}: {}", txt::SOUND.get(lang), state.get(lang))
            }}
        </button>
    }
}

/// How many of `n` cards a list shows: all when they fit whole, else as many as fit above the
/// "+n lainnya" line (at least one). `bottoms` are the drawn cards' lower edges from the list's
/// top, in order; `height` is the list's; `more` is the more line's height with its gap.
#[cfg(any(feature = "hydrate", test))]
fn cards_shown(bottoms: &[f64], n: usize, height: f64, more: f64) -> usize {
    let whole = bottoms.iter().take_while(|b| **b <= height + 0.5).count();
    if whole >= n {
        n
    } else {
        bottoms
            .iter()
            .take_while(|b| **b <= height - more + 0.5)
            .count()
            .max(1)
    }
}

/// Once the column has drawn its cards (up to [`DRAWN`]; a tick or two of the executor after they
/// were asked for: no animation frame is waited for, so a paused or fast-forwarded clock does not
/// matter), keeps as many as fit whole, and notes the height of the first one left out
/// (`next_card`, in px: what "+n lainnya" stands for). Reading the boxes lays the page out. The
/// column may be gone by then (a revoked wall drops its board).
#[cfg(feature = "hydrate")]
fn measure_when_drawn(
    list: NodeRef<leptos::html::Ol>,
    n: usize,
    shown: RwSignal<usize>,
    next_card: RwSignal<Option<u32>>,
    tries: u32,
) {
    leptos::task::spawn_local(async move {
        for _ in 0..tries {
            leptos::task::tick().await;
            let Some(element) = list.try_get_untracked().flatten() else {
                return;
            };
            let more = element
                .query_selector(".wall-more")
                .ok()
                .flatten()
                .is_some();
            let drawn = element.children().length().saturating_sub(u32::from(more));
            if drawn as usize >= n.min(DRAWN) {
                break;
            }
        }
        let Some(element) = list.try_get_untracked().flatten() else {
            return;
        };
        let (fits, next) = measure_fit(&element, n);
        let _ = shown.try_set(fits);
        let _ = next_card.try_set(next);
    });
}

/// How often a column checks that its cards still fit, in seconds of the wall's clock.
#[cfg(feature = "hydrate")]
const CHECK_EVERY_SECS: i64 = 5;

/// What a column's check found.
#[cfg(feature = "hydrate")]
enum Fit {
    Right,
    /// The last card sticks out (this tall, px): it goes.
    LastCut(u32),
    /// The card left out would fit now.
    Room,
}

/// Whether a list's drawn cards are still right: the last fits whole, and, when some are left
/// out, the first of them (`next`, px) still would not fit above the "+n lainnya" line.
#[cfg(feature = "hydrate")]
fn fits_as_drawn(list: &web_sys::HtmlOListElement, more: bool, next: Option<u32>) -> Fit {
    let rect = list.get_bounding_client_rect();
    let cards = list.query_selector_all(".wall-card").ok();
    let last = cards
        .as_ref()
        .and_then(|c| c.item(c.length().checked_sub(1)?))
        .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok());
    let Some(last) = last else { return Fit::Right };
    let end = if more {
        list.query_selector(".wall-more")
            .ok()
            .flatten()
            .map_or(last.get_bounding_client_rect().bottom(), |m| {
                m.get_bounding_client_rect().bottom()
            })
    } else {
        last.get_bounding_client_rect().bottom()
    };
    // (With a margin over the gap, so a column at the edge is not drawn again and again.)
    if end > rect.bottom() + 0.5 {
        Fit::LastCut(last.get_bounding_client_rect().height().round() as u32)
    } else if more && next.is_some_and(|h| rect.bottom() - end >= f64::from(h) + 16.0) {
        Fit::Room
    } else {
        Fit::Right
    }
}

/// Measures the drawn cards of a list: how many of its `n` cards fit, and the height of the first
/// one that does not.
#[cfg(feature = "hydrate")]
fn measure_fit(list: &web_sys::HtmlOListElement, n: usize) -> (usize, Option<u32>) {
    use wasm_bindgen::JsCast;
    let top = list.get_bounding_client_rect().top();
    let cards = list.children();
    let boxes: Vec<(f64, f64)> = (0..cards.length())
        .filter_map(|i| cards.item(i))
        .filter(|c| c.class_list().contains("wall-card"))
        .map(|c| {
            let r = c.get_bounding_client_rect();
            (r.bottom() - top, r.height())
        })
        .collect();
    let bottoms: Vec<f64> = boxes.iter().map(|b| b.0).collect();
    let rem = window()
        .get_computed_style(list.unchecked_ref())
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("font-size").ok())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(16.0);
    let fits = cards_shown(
        &bottoms,
        n,
        f64::from(list.client_height()),
        (MORE_REM + GAP_REM) * rem,
    );
    (fits, boxes.get(fits).map(|b| b.1.round() as u32))
}

/// A count that goes up whenever the card lists change size (the window, or a banner above the
/// columns coming or going): the columns measure again.
fn list_resized() -> ReadSignal<u32> {
    let (resized, set_resized) = signal(0u32);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let measure = Closure::<dyn FnMut()>::new(move || set_resized.update(|n| *n += 1));
        let observer = web_sys::ResizeObserver::new(measure.as_ref().unchecked_ref()).ok();
        // Lives as long as the page: the wall is never left but by a reload.
        measure.forget();
        Effect::new(move |_| {
            if let (Some(observer), Ok(Some(list))) =
                (&observer, document().query_selector(".wall-cards"))
            {
                observer.observe(&list);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_resized;
    resized
}

/// The chime (Web Audio, nothing to download). Browsers play sound only after someone touched
/// the page once, or when started with `--autoplay-policy=no-user-gesture-required` (kiosk mode).
mod sound {
    #[cfg(feature = "hydrate")]
    const KEY: &str = "pantau.wall.sound";

    #[cfg(feature = "hydrate")]
    pub fn enabled() -> bool {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::get::<bool>(KEY).unwrap_or(false)
    }

    pub fn set_enabled(on: bool) {
        #[cfg(feature = "hydrate")]
        {
            use gloo_storage::Storage;
            let _ = gloo_storage::LocalStorage::set(KEY, on);
            if on {
                chime();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = on;
    }

    pub fn chime() {
        #[cfg(feature = "hydrate")]
        if enabled() {
            let _ = play();
        }
    }

    #[cfg(feature = "hydrate")]
    fn play() -> Result<(), wasm_bindgen::JsValue> {
        use std::cell::RefCell;
        thread_local! {
            static CONTEXT: RefCell<Option<web_sys::AudioContext>> = const { RefCell::new(None) };
        }
        CONTEXT.with(|context| {
            let mut context = context.borrow_mut();
            if context.is_none() {
                *context = Some(web_sys::AudioContext::new()?);
            }
            let audio = context.as_ref().expect("just made");
            let _ = audio.resume();
            let oscillator = audio.create_oscillator()?;
            let gain = audio.create_gain()?;
            oscillator.frequency().set_value(880.0);
            let start = audio.current_time();
            gain.gain().set_value_at_time(0.2, start)?;
            gain.gain()
                .exponential_ramp_to_value_at_time(0.001, start + 0.6)?;
            oscillator.connect_with_audio_node(&gain)?;
            gain.connect_with_audio_node(&audio.destination())?;
            oscillator.start()?;
            oscillator.stop_with_when(start + 0.6)?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_shows_every_card_that_fits_whole_and_keeps_room_for_the_more_line_otherwise() {
        // Cards of different heights (an agency on two lines is taller), in px from the list's top.
        let bottoms = [120.0, 250.0, 370.0, 520.0, 640.0];
        // All five fit in 650 px.
        assert_eq!(cards_shown(&bottoms, 5, 650.0, 53.0), 5);
        // Seven cards, five drawn fit, two more: room for the "+2 lainnya" line (53 px) is kept.
        assert_eq!(cards_shown(&bottoms, 7, 650.0, 53.0), 4);
        // A card cut at the bottom is not shown.
        assert_eq!(cards_shown(&bottoms, 5, 600.0, 53.0), 4);
        // A tiny screen still shows one card.
        assert_eq!(cards_shown(&bottoms, 9, 60.0, 53.0), 1);
    }
}

/// The letter number, whole, and under it a warning when a camera the card needs is offline.
#[component]
fn WallCardSecondLine(card: Card) -> impl IntoView {
    let letter = card.request.letter_number.to_string();
    view! {
        <p class="letter"><super::board::LetterNumber number=letter/></p>
        <super::cameras::CameraWarning card=card short=true/>
    }
}
