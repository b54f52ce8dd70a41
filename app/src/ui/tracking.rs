//! The applicant's tracking page (`/lacak/<token>`), without an account: where the request is, how
//! long it has been there against the standard, the confirmed schedule, the steps passed. The server
//! renders it whole ([`document`]): no WebAssembly, no script; it reloads itself every minute. And,
//! on the card's details, the staff's controls to give the link and to revoke it.

use leptos::prelude::*;

use super::t;
use crate::domain::CardId;
use crate::i18n::Text;

#[cfg(feature = "ssr")]
pub use page::document;

#[cfg(feature = "ssr")]
mod page {
    use leptos::prelude::*;

    use crate::domain::request::wib;
    use crate::domain::tracking::TrackView;
    use crate::domain::{FLOW, Stage};
    use crate::i18n::format::{date_time, duration, remaining};
    use crate::i18n::{Both, Lang, Text};
    use crate::ui::plain::Plain;

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
    /// How often the browser loads the page again (a `<meta http-equiv="refresh">`, no script).
    const REFRESH_SECS: u32 = 60;

    /// The page of a tracking link: the request as `found`, or why there is none.
    pub fn document(found: Result<TrackView, Both>, page: &Plain) -> String {
        let lang = page.lang;
        let reload = page.link(lang);
        let switch = page.language_switch();
        page.document(TITLE.get(lang).to_owned(), Some(REFRESH_SECS), None, move || {
            view! {
                <main class="track-page" data-testid="track-page">
                    <header class="track-header">
                        <span class="brand">"Pantau"</span>
                        {switch}
                    </header>
                    <h1>{TITLE.get(lang)}</h1>
                    {match found {
                        Ok(v) => details(v, lang).into_any(),
                        Err(message) => view! {
                            <p class="error" role="alert">{message.get(lang).to_owned()}</p>
                        }.into_any(),
                    }}
                    <p class="track-refresh">
                        <a class="button secondary" href=reload data-testid="track-reload">{RELOAD.get(lang)}</a>
                        " " <span class="hint">{UPDATES.get(lang)}</span>
                    </p>
                </main>
            }
            .into_any()
        })
    }

    fn details(v: TrackView, lang: Lang) -> impl IntoView {
        let step_name = |step| FLOW.iter().find(|d| d.id == step).map(|d| d.name.get(lang));
        let when = |at| date_time(at, wib(), lang);
        view! {
            <section class="track-card" data-testid="track-details">
                <p class="letter">{format!("{} · {}", v.letter_number, v.agency)}</p>
                <p class="subject">{v.subject.clone()}</p>
                <p>{format!("{}: {}", SUBMITTED.get(lang), when(v.submitted_at))}</p>
                {match v.stage {
                    Stage::Step(step) => view! {
                        <p class="now" data-testid="track-step" data-step=step.code()>
                            {format!("{} {} · {}", NOW_AT.get(lang), step.code(), step_name(step).unwrap_or(""))}
                        </p>
                    }.into_any(),
                    Stage::Ended(end) => view! {
                        <p class="now" data-testid="track-step" data-end=end.as_str()>
                            {format!("{}: {}", ENDED.get(lang), end.label().get(lang))}
                        </p>
                    }.into_any(),
                }}
                {v.sla.map(|s| view! {
                    <p data-testid="track-clock" data-state=s.state.as_str()>
                        {format!(
                            "{}: {} / {} {} · {} · {}",
                            IN_STEP.get(lang),
                            duration(s.elapsed, lang),
                            duration(s.standard, lang),
                            STANDARD.get(lang),
                            s.state.label().get(lang),
                            remaining(s.remaining, lang),
                        )}
                    </p>
                })}
                {v.schedule.map(|w| view! {
                    <p data-testid="track-schedule">
                        {format!("{}: {} – {}", SCHEDULE.get(lang), when(w.start), when(w.end))}
                    </p>
                })}
                {v.end_reason.clone().map(|r| view! { <p>{format!("{}: {r}", REASON.get(lang))}</p> })}
                <h2>{PASSED.get(lang)}</h2>
                <ul class="track-passed">
                    {v.passed.iter().map(|p| view! {
                        <li>{format!(
                            "{} {} · {} — {}",
                            STEP.get(lang),
                            p.step.code(),
                            step_name(p.step).unwrap_or(""),
                            when(p.done_at),
                        )}</li>
                    }).collect_view()}
                </ul>
                <p class="hint">{format!("{} {}", AS_OF.get(lang), when(v.as_of))}</p>
            </section>
        }
    }
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
