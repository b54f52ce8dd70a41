//! The CCTV status feed on screen: the camera health strip (board and wall), a card's "camera
//! offline" warning, and the cameras page (`/kamera`: status, offline filter, history, and for
//! Admins the registry and CSV import).

use leptos::prelude::*;

use super::icon::{Icon, IconView};
use super::screen::use_screen;
use super::{t, use_lang};
use crate::api::cameras::{CameraChange, HistoryAnswer};
use crate::domain::Card;
use crate::domain::camera::{CameraFeed, CameraInfo, CameraStatus, ProbeKind};
use crate::domain::request::wib;
use crate::i18n::format::{clock, date_time, duration};
use crate::i18n::{Lang, Text};

const CAMERAS: Text = Text::new("Kamera", "Cameras");
const NO_CAMERAS: Text = Text::new("Belum ada kamera terdaftar", "No cameras registered yet");
const NETWORK: Text = Text::new("Jaringan", "Network");
const SINCE: Text = Text::new("sejak", "since");
const MORE: Text = Text::new("lainnya", "more");
const ALL_CAMERAS: Text = Text::new("Semua kamera", "All cameras");
const CAMERA_DOWN: Text = Text::new("Kamera offline", "Camera offline");

pub fn status_class(status: CameraStatus) -> &'static str {
    match status {
        CameraStatus::Online => "cam-online",
        CameraStatus::Degraded => "cam-degraded",
        CameraStatus::Offline => "cam-offline",
        CameraStatus::Unknown => "cam-unknown",
    }
}

fn status_mark(status: CameraStatus) -> &'static str {
    match status {
        CameraStatus::Online => "●",
        CameraStatus::Degraded => "◐",
        CameraStatus::Offline => "✕",
        CameraStatus::Unknown => "?",
    }
}

/// How many cameras are online / degraded / offline, the network checks, and the offline ones by
/// name and since when. `shown` offline names at most; the rest are counted.
#[component]
pub fn CameraStrip(shown: usize, #[prop(optional)] link: bool) -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let counts = Memo::new(move |_| screen.cameras.with(CameraFeed::counts));
    let offline = Memo::new(move |_| {
        screen.cameras.with(|f| {
            f.offline()
                .into_iter()
                .map(|c| (c.name.clone(), c.since))
                .collect::<Vec<_>>()
        })
    });
    let network = Memo::new(move |_| screen.cameras.with(|f| f.network.clone()));
    let count = move |status: CameraStatus, n: fn(&crate::domain::camera::CameraCounts) -> u32| {
        view! {
            <span class=format!("cam-count {}", status_class(status)) data-status=status_class(status)>
                <span class="mark" aria-hidden="true">{status_mark(status)}</span>
                <span class="n">{move || counts.with(n)}</span>
                <span class="word">{move || status.label().get(lang.get())}</span>
            </span>
        }
    };
    view! {
        <section class="camera-strip" data-testid="camera-strip" aria-label=move || CAMERAS.get(lang.get())>
            <span class="cam-title"><IconView icon=Icon::Camera/> {t(CAMERAS)}</span>
            <Show
                when=move || { counts.with(|c| c.total()) > 0 }
                fallback=move || view! { <span class="cam-none">{t(NO_CAMERAS)}</span> }
            >
                {count(CameraStatus::Online, |c| c.online)}
                {count(CameraStatus::Degraded, |c| c.degraded)}
                {count(CameraStatus::Offline, |c| c.offline)}
            </Show>
            <For each=move || network.get() key=|n| (n.name.clone(), n.up) let:check>
                <span
                    class=if check.up == Some(false) { "net-check cam-offline" } else { "net-check" }
                    data-testid="network-check"
                >
                    {t(NETWORK)} " " {check.name.clone()} ": "
                    {match check.up {
                        Some(true) => format!("✓ {} ms", check.latency_ms.unwrap_or(0)),
                        Some(false) => "✕".to_owned(),
                        None => "?".to_owned(),
                    }}
                </span>
            </For>
            <ul class="cam-down" data-testid="cameras-offline">
                {move || {
                    let lang = lang.get();
                    let all = offline.get();
                    let more = all.len().saturating_sub(shown);
                    let names = all
                        .into_iter()
                        .take(shown)
                        .map(|(name, since)| {
                            view! {
                                <li>
                                    <span class="mark" aria-hidden="true">"✕"</span>
                                    {name}
                                    {since.map(|s| view! {
                                        <small>" " {SINCE.get(lang)} " " {clock(s, wib(), lang)}</small>
                                    })}
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        {names}
                        {(more > 0).then(|| view! { <li class="more">"+" {more} " " {MORE.get(lang)}</li> })}
                    }
                }}
            </ul>
            {link.then(|| view! { <a class="cam-link" href="/kamera">{t(ALL_CAMERAS)}</a> })}
        </section>
    }
}

/// "Camera offline: …" on a card in step 5a, 6 or 7 whose requested camera is down. `short` (the
/// wall's narrow cards): the camera icon, a cross and the names.
#[component]
pub fn CameraWarning(card: Card, #[prop(optional)] short: bool) -> impl IntoView {
    let lang = use_lang();
    let screen = use_screen();
    let down = Memo::new(move |_| {
        screen.cameras.with(|f| {
            f.down_for(card.stage, &card.request.cameras)
                .into_iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || down.with(|d| !d.is_empty())>
            <p
                class="camera-warning"
                data-testid="camera-warning"
                role="status"
                title=move || format!("{}: {}", CAMERA_DOWN.get(lang.get()), down.get().join(", "))
            >
                {if short {
                    view! { <IconView icon=Icon::Camera/> "✕ " }.into_any()
                } else {
                    view! { <IconView icon=Icon::Warning/> {t(CAMERA_DOWN)} ": " }.into_any()
                }}
                {move || down.get().join(", ")}
            </p>
        </Show>
    }
}

const LIVE: Text = Text::new("Status langsung dari Pantau", "Live status from Pantau");
const NOT_REGISTERED: Text = Text::new("tidak terdaftar di Pantau", "not registered in Pantau");
const LAST_FRAME: Text = Text::new("gambar terakhir", "last frame");

/// The 5a dialog's live snapshot: what Pantau's probes saw of the requested cameras and the
/// network; it is kept with the report.
#[component]
pub fn LiveCheckView(live: crate::domain::camera::LiveCheck) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="live-check" data-testid="live-check">
            <p class="live-title">
                {t(LIVE)} ", " {move || clock(live.at, wib(), lang.get())} " " {crate::i18n::format::zone_name(wib())}
            </p>
            <ul>
                {live.cameras.iter().map(|c| {
                    let c = c.clone();
                    view! {
                        <li class=status_class(c.status) data-camera=c.camera.to_string() data-status=status_class(c.status)>
                            <span class="mark" aria-hidden="true">{status_mark(c.status)}</span>
                            {c.camera.to_string()} " — "
                            {move || if c.registered { c.status.label().get(lang.get()) } else { NOT_REGISTERED.get(lang.get()) }}
                            {c.latency_ms.filter(|_| c.status.is_up()).map(|ms| format!(" · {ms} ms"))}
                            {c.last_frame_at.map(|f| view! { " · " {t(LAST_FRAME)} " " {move || clock(f, wib(), lang.get())} })}
                            {c.simulated.then(|| view! { <span class="badge-sim">{t(crate::domain::camera::ProbeKind::Simulated.label())}</span> })}
                        </li>
                    }
                }).collect_view()}
                {live.network.iter().map(|n| view! {
                    <li class=if n.up == Some(false) { "cam-offline" } else { "cam-online" }>
                        {t(NETWORK)} " " {n.name.to_string()} ": "
                        {match n.up { Some(true) => format!("✓ {} ms", n.latency_ms.unwrap_or(0)), Some(false) => "✕".into(), None => "?".into() }}
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}

const PAGE_TITLE: Text = Text::new("Kamera CCTV", "CCTV cameras");
const ONLY_OFFLINE: Text = Text::new("Hanya yang offline", "Offline only");
const SEARCH: Text = Text::new("Cari kamera", "Search cameras");
const COL_NAME: Text = Text::new("Kamera", "Camera");
const COL_STATUS: Text = Text::new("Status", "Status");
const COL_SINCE: Text = Text::new("Sejak", "Since");
const COL_FRAME: Text = Text::new("Gambar terakhir", "Last frame");
const COL_LATENCY: Text = Text::new("Waktu respons", "Response time");
const COL_UPTIME: Text = Text::new("Uptime 24 jam", "Uptime 24 h");
const COL_KIND: Text = Text::new("Jenis", "Kind");
const DISABLED: Text = Text::new("nonaktif", "disabled");
const HISTORY: Text = Text::new("Riwayat status", "Status history");
const CHECKED_EVERY: Text = Text::new("Diperiksa tiap", "Checked every");

/// "30 detik", "2 menit": how often the cameras are checked.
fn every(seconds: u32, lang: Lang) -> String {
    match (seconds.is_multiple_of(60) && seconds > 0, lang) {
        (true, Lang::Id) => format!("{} menit", seconds / 60),
        (true, Lang::En) => format!("{} min", seconds / 60),
        (false, Lang::Id) => format!("{seconds} detik"),
        (false, Lang::En) => format!("{seconds} s"),
    }
}

fn ago(seconds: i64, lang: Lang) -> String {
    if seconds < 60 {
        return match lang {
            Lang::Id => "baru saja".into(),
            Lang::En => "just now".into(),
        };
    }
    match lang {
        Lang::Id => format!("{} lalu", duration(seconds.max(0), lang)),
        Lang::En => format!("{} ago", duration(seconds.max(0), lang)),
    }
}

#[component]
pub fn CamerasPage() -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let only_offline = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let selected = RwSignal::new(None::<String>);
    // The ids of the cameras shown: a check that changes nothing in the list changes no row.
    let rows = Memo::new(move |_| {
        let needle = search.get().to_lowercase();
        let only = only_offline.get();
        screen.cameras.with(|f| {
            f.cameras
                .iter()
                .filter(|c| !only || c.is_offline())
                .filter(|c| {
                    needle.is_empty()
                        || c.name.to_lowercase().contains(&needle)
                        || c.location
                            .as_deref()
                            .unwrap_or("")
                            .to_lowercase()
                            .contains(&needle)
                })
                .map(|c| c.id.clone())
                .collect::<Vec<_>>()
        })
    });
    // Where each camera stands in the feed: each row finds its own in one step at every change
    // (a search through the list per row would be n² for n cameras).
    let positions = Memo::new(move |_| {
        screen.cameras.with(|f| {
            f.cameras
                .iter()
                .enumerate()
                .map(|(at, c)| (c.id.clone(), at))
                .collect::<std::collections::HashMap<_, _>>()
        })
    });
    let is_admin = move || {
        screen.me.with(|m| {
            m.as_ref()
                .is_some_and(|m| m.roles.contains(&crate::domain::Role::Admin))
        })
    };
    view! {
        <main class="cameras-page" data-testid="cameras-page">
            <h1>{t(PAGE_TITLE)}</h1>
            <CameraStrip shown=12/>
            <p class="cam-interval">
                {t(CHECKED_EVERY)} " "
                {move || every(screen.cameras.with(|f| f.interval_secs), lang.get())}
            </p>
            <div class="filters">
                <input
                    type="search"
                    placeholder=move || SEARCH.get(lang.get())
                    aria-label=move || SEARCH.get(lang.get())
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
                <label>
                    <input
                        type="checkbox"
                        data-testid="only-offline"
                        prop:checked=move || only_offline.get()
                        on:change=move |ev| only_offline.set(event_target_checked(&ev))
                    />
                    {t(ONLY_OFFLINE)}
                </label>
            </div>
            <table class="camera-table" data-testid="camera-table">
                <thead>
                    <tr>
                        <th>{t(COL_NAME)}</th>
                        <th>{t(COL_STATUS)}</th>
                        <th>{t(COL_SINCE)}</th>
                        <th>{t(COL_FRAME)}</th>
                        <th>{t(COL_LATENCY)}</th>
                        <th>{t(COL_UPTIME)}</th>
                        <th>{t(COL_KIND)}</th>
                    </tr>
                </thead>
                <tbody>
                    // A row per camera (and language), drawn once: each check of the camera
                    // (every 30 s) updates its cells in place. (Rows drawn anew at each check left
                    // a few bytes behind each time in the list and in the signals they read.)
                    <For
                        each=move || {
                            let lang = lang.get();
                            rows.get().into_iter().map(|id| (lang, id)).collect::<Vec<_>>()
                        }
                        key=|row| row.clone()
                        children=move |(lang, id)| view! { <CameraRow id lang positions selected/> }
                    />
                </tbody>
            </table>
            {move || selected.get().map(|id| view! { <CameraHistory id/> })}
            <Show when=is_admin>
                <super::camera_admin::CameraAdmin/>
            </Show>
        </main>
    }
}

#[component]
fn CameraRow(
    id: String,
    lang: Lang,
    positions: Memo<std::collections::HashMap<String, usize>>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let screen = use_screen();
    let camera = Memo::new({
        let id = id.clone();
        move |_| {
            let at = positions.with(|p| p.get(&id).copied());
            screen
                .cameras
                .with(|f| at.and_then(|at| f.cameras.get(at)).cloned())
        }
    });
    let field = move |read: fn(&CameraInfo) -> Option<String>| {
        move || camera.with(|c| c.as_ref().and_then(read))
    };
    let status = move || camera.with(|c| c.as_ref().map_or(CameraStatus::Unknown, |c| c.status));
    let when = move |at: fn(&CameraInfo) -> Option<chrono::DateTime<chrono::Utc>>| {
        or_dash(move || {
            camera.with(|c| c.as_ref().and_then(at)).map(|t| {
                let now = screen.now.get();
                format!(
                    "{} ({})",
                    date_time(t, wib(), lang),
                    ago((now - t).num_seconds(), lang)
                )
            })
        })
    };
    let simulated =
        move || camera.with(|c| c.as_ref().is_some_and(|c| c.kind == ProbeKind::Simulated));
    view! {
        <tr
            data-camera=field(|c| Some(c.name.clone()))
            data-status=move || status_class(status())
            on:click=move |_| selected.set(Some(id.clone()))
        >
            <td class="name">
                <button type="button" class="link">{field(|c| Some(c.name.clone()))}</button>
                {move || field(|c| c.location.clone())().map(|l| view! { <small>{l}</small> })}
            </td>
            <td class=move || format!("status {}", status_class(status()))>
                <span class="mark" aria-hidden="true">{move || status_mark(status())}</span>
                {move || status().label().get(lang)}
                {move || {
                    camera
                        .with(|c| c.as_ref().is_some_and(|c| !c.enabled))
                        .then(|| view! { <small>" (" {DISABLED.get(lang)} ")"</small> })
                }}
                {move || field(|c| c.detail.clone())().map(|d| view! { <small class="detail">{d}</small> })}
            </td>
            <td>{when(|c| c.since)}</td>
            <td>{when(|c| c.last_frame_at)}</td>
            <td>{or_dash(field(|c| c.latency_ms.filter(|_| c.status.is_up()).map(|ms| format!("{ms} ms"))))}</td>
            <td>{or_dash(field(|c| c.uptime_24h.map(|u| format!("{:.1} %", u * 100.0))))}</td>
            <td class=move || if simulated() { "kind simulated" } else { "kind" }>
                {move || camera.with(|c| c.as_ref().map(|c| c.kind.label().get(lang)))}
            </td>
        </tr>
    }
}

/// A cell's text, or a dash when there is none.
fn or_dash(text: impl Fn() -> Option<String>) -> impl Fn() -> String {
    move || text().unwrap_or_else(|| "—".into())
}

/// A camera's status changes, newest first, read from the server.
#[component]
fn CameraHistory(id: String) -> impl IntoView {
    let lang = use_lang();
    let changes = LocalResource::new({
        let id = id.clone();
        move || {
            let id = id.clone();
            async move { history(&id).await }
        }
    });
    view! {
        <section class="camera-history" data-testid="camera-history">
            <h2>{t(HISTORY)}</h2>
            <Suspense fallback=|| "…">
                {move || changes.get().map(|result| match result {
                    Ok(list) => view! {
                        <ol>
                            {list.into_iter().map(|c| view! {
                                <li class=status_class(c.status)>
                                    {date_time(c.at, wib(), lang.get())} " — "
                                    {c.status.label().get(lang.get())}
                                    {c.detail.map(|d| view! { <small>" " {d}</small> })}
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(message) => view! { <p class="error">{super::say(message)}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

async fn history(id: &str) -> Result<Vec<CameraChange>, crate::i18n::Both> {
    super::client::http::get_json::<HistoryAnswer>(&format!("/api/cameras/{id}/history"))
        .await
        .map(|a| a.changes)
}
