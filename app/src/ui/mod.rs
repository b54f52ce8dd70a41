//! The Leptos UI. Components are named after what the user sees.

pub mod board;
mod camera_admin;
mod cameras;
mod card_detail;
mod card_page;
pub mod client;
mod deliveries;
mod dialog;
pub mod filter;
mod for_you;
mod form;
pub mod hydration;
mod icon;
mod language;
mod lazy;
mod moves;
mod my_work;
mod new_request;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod plain;
pub mod records;
mod reports;
pub mod screen;
pub mod session;
mod settings;
pub mod tracking;
mod wall;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    Lazy, ParamSegment, StaticSegment,
    components::{A, Route, Router, Routes},
    hooks::use_location,
};

use crate::i18n::ui as txt;
pub use board::ConnectionBadge;
pub use language::{LanguageToggle, provide_lang, say, t, use_lang};

/// The HTML document around the app, rendered by the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="id">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <meta name="theme-color" content="#0f2740"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_lang();
    let screen = screen::provide_screen();
    #[cfg(feature = "hydrate")]
    hydration::after_hydration(move || client::start(screen));
    #[cfg(not(feature = "hydrate"))]
    let _ = screen;

    view! {
        <Stylesheet id="leptos" href="/pkg/pantau.css"/>
        <Title text="Pantau — CCTV Monitoring"/>
        <Router>
            <InstallManifest/>
            <TopBar/>
            <Routes fallback=NotFound>
                // The board, the wall and "Tugas saya" come with the main bundle: the pages
                // opened all day, whose repeat visits must not wait for more files. The others load
                // their code when first opened (`pages`).
                <Route path=StaticSegment("") view=board::BoardPage/>
                <Route path=StaticSegment("masuk") view=session::LoginPage/>
                <Route path=StaticSegment("wall") view=wall::WallPage/>
                <Route path=StaticSegment("tugas") view=my_work::MyWorkPage/>
                <Route path=StaticSegment(pages::Cameras::SEGMENT) view={Lazy::<pages::Cameras>::new()}/>
                <Route path=StaticSegment(pages::Reports::SEGMENT) view={Lazy::<pages::Reports>::new()}/>
                <Route
                    path=(StaticSegment(pages::CardPage::SEGMENT), ParamSegment("id"))
                    view={Lazy::<pages::CardPage>::new()}
                />
                <Route path=StaticSegment(pages::Settings::SEGMENT) view={Lazy::<pages::Settings>::new()}/>
                <Route path=StaticSegment(pages::Deliveries::SEGMENT) view={Lazy::<pages::Deliveries>::new()}/>
            </Routes>
        </Router>
    }
}

/// The bar across the top: product name, what it is for, the language switch. The wall screen
/// has its own header instead.
#[component]
fn TopBar() -> impl IntoView {
    let location = use_location();
    // The wall has its own header.
    let on_wall = move || location.pathname.with(|p| p.starts_with("/wall"));
    let screen = screen::use_screen();
    let signed_in = move || {
        screen.me.with(Option::is_some) && !location.pathname.with(|p| p.starts_with("/masuk"))
    };
    // On a phone the links, the user and the language fold into a menu (CSS shows them inline on
    // wider screens, where the button is hidden). Closed again on every page change and by Escape.
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        location.pathname.track();
        open.set(false);
    });
    let escape = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
            #[cfg(feature = "hydrate")]
            if let Some(button) = document().get_element_by_id("menu-toggle") {
                use wasm_bindgen::JsCast;
                if let Ok(button) = button.dyn_into::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
        }
    };
    view! {
        <Show when=move || !on_wall()>
        <header class="topbar" class:menu-open=move || open.get() on:keydown=escape>
            <a class="brand" href="/">"Pantau"</a>
            <span class="tagline">{t(txt::APP_TAGLINE)}</span>
            // The board's links and its connection mean something only to someone signed in.
            <Show when=signed_in>
                <ConnectionBadge/>
            </Show>
            <button
                type="button"
                class="menu-toggle"
                id="menu-toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls="topbar-menu"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {t(txt::MENU)}
            </button>
            <div class="topbar-menu" id="topbar-menu">
                <Show when=signed_in>
                    <nav class="topnav">
                        <a href="/tugas">{t(txt::NAV_MY_WORK)}</a>
                        <a href="/">{t(txt::NAV_BOARD)}</a>
                        <a href="/kamera">{t(txt::NAV_CAMERAS)}</a>
                        <a href="/laporan">{t(txt::NAV_REPORTS)}</a>
                        <a href="/pengaturan">{t(txt::NAV_SETTINGS)}</a>
                    </nav>
                </Show>
                <session::UserMenu/>
                <LanguageToggle/>
            </div>
        </header>
        <Show when=signed_in>
            <for_you::ForYou/>
        </Show>
        </Show>
    }
}

/// What installing Pantau on a home screen starts: the wall screen from `/wall` (full screen,
/// landscape), "Tugas saya" from every other page (a phone's app).
#[component]
fn InstallManifest() -> impl IntoView {
    // Read once: the page that was loaded is what a browser installs.
    let wall = use_location()
        .pathname
        .with_untracked(|p| p.starts_with("/wall"));
    let href = if wall {
        "/manifest.webmanifest"
    } else {
        "/pantau.webmanifest"
    };
    view! { <leptos_meta::Link rel="manifest" href=href/> }
}

#[component]
fn NotFound() -> impl IntoView {
    // The server's fallback handler answers unknown paths with 404; this is what the user reads.
    view! {
        <main class="not-found">
            <h1>{t(txt::NOT_FOUND)}</h1>
            <A href="/">{t(txt::BACK_TO_BOARD)}</A>
        </main>
    }
}
