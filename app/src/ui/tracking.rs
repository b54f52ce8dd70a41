//! The applicant's tracking page (`/lacak/<token>`), without an account: where the request is, how
//! long it has been there against the standard, the confirmed schedule, the steps passed. And, on the
//! card's details, the staff's controls to give the link and to revoke it.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{LanguageToggle, t, use_lang};
use crate::domain::request::wib;
use crate::domain::tracking::TrackView;
use crate::domain::{CardId, FLOW, Stage};
use crate::i18n::Text;
use crate::i18n::format::{date_time, duration, remaining};

const TITLE: Text = Text::new(
    "Status permohonan monitoring CCTV",
    "CCTV monitoring request status",
);
const NOW_AT: Text = Text::new("Sekarang di tahap", "Now at step");
const ENDED: Text = Text::new("Permohonan berakhir", "The request ended");
const IN_STEP: Text = Text::new("Lama di tahap ini", "Time in this step");
const STANDARD: Text = Text::new("waktu baku", "standard");
const SCHEDULE: Text = Text::new("Jadwal monitoring", "Monitoring schedule");
const PASSED: Text = Text::new("Tahap yang sudah dilalui", "Steps passed");
const REASON: Text = Text::new("Alasan", "Reason");
const SUBMITTED: Text = Text::new("Diajukan", "Submitted");
const AS_OF: Text = Text::new("Per", "As of");
const RELOAD: Text = Text::new("Muat ulang", "Reload");
const STEP: Text = Text::new("Tahap", "Step");
const UPDATES: Text = Text::new(
    "Halaman ini memperbarui dirinya setiap menit",
    "This page updates itself every minute",
);
/// How often the page asks again, while it is shown.
#[cfg(feature = "hydrate")]
const REFRESH_SECS: u64 = 60;

#[component]
pub fn TrackPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let view_data = LocalResource::new(move || {
        let token = token();
        async move {
            super::client::http::get_json::<TrackView>(&format!("/api/track/{}", encode(&token)))
                .await
        }
    });
    // Light: one small request a minute, none while the tab is hidden.
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || {
                if document().visibility_state() == web_sys::VisibilityState::Visible {
                    view_data.refetch();
                }
            },
            std::time::Duration::from_secs(REFRESH_SECS),
        )
        .ok();
        on_cleanup(move || {
            if let Some(handle) = handle {
                handle.clear();
            }
        });
    }
    view! {
        <main class="track-page" data-testid="track-page">
            <header class="track-header">
                <span class="brand">"Pantau"</span>
                <LanguageToggle/>
            </header>
            <h1>{t(TITLE)}</h1>
            <Suspense fallback=|| view! { <p>"…"</p> }>
                {move || view_data.get().map(|result| match result {
                    Ok(v) => view! { <TrackDetails v/> }.into_any(),
                    Err(message) => view! { <p class="error" role="alert">{super::say(message)}</p> }.into_any(),
                })}
            </Suspense>
            <p class="track-refresh">
                <button type="button" class="secondary" data-testid="track-reload" on:click=move |_| view_data.refetch()>{t(RELOAD)}</button>
                " " <span class="hint">{t(UPDATES)}</span>
            </p>
            <span hidden>{move || lang.get().tag()}</span>
        </main>
    }
}

#[component]
fn TrackDetails(v: TrackView) -> impl IntoView {
    let lang = use_lang();
    let step_name = |step| FLOW.iter().find(|d| d.id == step).map(|d| d.name);
    let stage = v.stage;
    let sla = v.sla;
    view! {
        <section class="track-card" data-testid="track-details">
            <p class="letter">{v.letter_number.clone()} " · " {v.agency.clone()}</p>
            <p class="subject">{v.subject.clone()}</p>
            <p>{t(SUBMITTED)} ": " {move || date_time(v.submitted_at, wib(), lang.get())}</p>
            {match stage {
                Stage::Step(step) => view! {
                    <p class="now" data-testid="track-step" data-step=step.code()>
                        {t(NOW_AT)} " " {step.code()} " · " {step_name(step).map(t)}
                    </p>
                }.into_any(),
                Stage::Ended(end) => view! {
                    <p class="now" data-testid="track-step" data-end=end.as_str()>
                        {t(ENDED)} ": " {move || end.label().get(lang.get())}
                    </p>
                }.into_any(),
            }}
            {sla.map(|s| view! {
                <p data-testid="track-clock" data-state=s.state.as_str()>
                    {t(IN_STEP)} ": " {move || duration(s.elapsed, lang.get())} " / "
                    {move || duration(s.standard, lang.get())} " " {t(STANDARD)} " · "
                    {move || s.state.label().get(lang.get())} " · " {move || remaining(s.remaining, lang.get())}
                </p>
            })}
            {v.schedule.map(|w| view! {
                <p data-testid="track-schedule">
                    {t(SCHEDULE)} ": " {move || date_time(w.start, wib(), lang.get())} " – "
                    {move || date_time(w.end, wib(), lang.get())}
                </p>
            })}
            {v.end_reason.clone().map(|r| view! { <p>{t(REASON)} ": " {r}</p> })}
            <h2>{t(PASSED)}</h2>
            <ul class="track-passed">
                {v.passed.iter().map(|p| {
                    let p = p.clone();
                    view! {
                        <li>{t(STEP)} " " {p.step.code()} " · " {step_name(p.step).map(t)} " — "
                            {move || date_time(p.done_at, wib(), lang.get())}</li>
                    }
                }).collect_view()}
            </ul>
            <p class="hint">{t(AS_OF)} " " {move || date_time(v.as_of, wib(), lang.get())}</p>
        </section>
    }
}

/// The token as one path segment: anything but letters, digits, `-` and `_` percent-encoded.
fn encode(token: &str) -> String {
    token
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const LINK_TITLE: Text = Text::new(
    "Link pelacakan untuk pemohon",
    "Tracking link for the applicant",
);
const GIVE: Text = Text::new("Buat / tampilkan link", "Make / show the link");
const REVOKE: Text = Text::new("Cabut link", "Revoke the link");
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const REVOKED: Text = Text::new("Link dicabut", "Link revoked");
const LINK_HINT: Text = Text::new(
    "Pemohon melihat tahap, waktu dan jadwal saja; tanpa nama petugas atau catatan.",
    "The applicant sees the step, the times and the schedule only; no staff names or notes.",
);

/// On the card's details: give the applicant a link, or revoke it.
#[component]
pub fn TrackingLinkControls(card: CardId) -> impl IntoView {
    // The requests go out from the browser only.
    #[cfg(not(feature = "hydrate"))]
    let _ = card;
    let shown = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<&'static Text>);
    let give = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let res = gloo_net::http::Request::post(&format!("/api/cards/{}/tracking", card.0))
                .send()
                .await;
            if let Ok(res) = res
                && res.ok()
                && let Ok(link) = res.json::<crate::api::tracking::Link>().await
            {
                let origin = window().location().origin().unwrap_or_default();
                shown.set(Some(format!("{origin}{}", link.path)));
                message.set(None);
            }
        });
    };
    let revoke = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let res = gloo_net::http::Request::delete(&format!("/api/cards/{}/tracking", card.0))
                .send()
                .await;
            if res.is_ok_and(|r| r.ok() || r.status() == 404) {
                shown.set(None);
                message.set(Some(&REVOKED));
            }
        });
    };
    view! {
        <section class="tracking-link" data-testid="tracking-link">
            <h3>{t(LINK_TITLE)}</h3>
            <p class="hint">{t(LINK_HINT)}</p>
            <button type="button" class="secondary" data-testid="give-link" on:click=give>{t(GIVE)}</button>
            <button type="button" class="secondary" data-testid="revoke-link" on:click=revoke>{t(REVOKE)}</button>
            {move || shown.get().map(|url| view! {
                <p><input type="text" readonly data-testid="tracking-url" prop:value=url.clone() aria-label=url.clone()/></p>
            })}
            {move || message.get().map(|m| view! { <p role="status">{t(*m)}</p> })}
        </section>
    }
}
