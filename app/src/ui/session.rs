//! Signing in and out: the login page, and who is signed in (name, roles, DEMO badge) in the top bar.

use leptos::prelude::*;

use super::screen::use_screen;
use super::{t, use_lang};
use crate::i18n::ui as txt;

/// The login form. Before the page hydrates (or without JavaScript) it is a plain POST of a form to
/// `/api/auth/login`, which answers with a redirect: to the next page, or back here with `gagal=…`.
/// Once hydrated, the same form signs in with `fetch` and shows the server's message in place.
#[component]
pub fn LoginPage() -> impl IntoView {
    use crate::account::{FAILED_KEY, LoginFailure, NEXT_KEY};
    let lang = use_lang();
    let query = leptos_router::hooks::use_query_map();
    let next = query
        .with_untracked(|q| q.get(NEXT_KEY))
        .unwrap_or_default();
    let failed = query
        .with_untracked(|q| q.get(FAILED_KEY))
        .and_then(|code| LoginFailure::from_code(&code))
        .map(|f| {
            crate::i18n::Both::from(match f {
                LoginFailure::Wrong => txt::LOGIN_WRONG,
                LoginFailure::Throttled => txt::LOGIN_THROTTLED,
                LoginFailure::Other => txt::LOGIN_FAILED,
            })
        });
    let error = RwSignal::new(failed);
    let busy = RwSignal::new(false);
    let username = NodeRef::<leptos::html::Input>::new();
    let password = NodeRef::<leptos::html::Input>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(user), Some(pass)) = (username.get(), password.get()) else {
            return;
        };
        busy.set(true);
        error.set(None);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match super::client::account::login(&user.value(), &pass.value()).await {
                Ok(()) => super::client::account::go_on(),
                Err(message) => {
                    error.set(Some(message));
                    busy.set(false);
                }
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (user, pass);
    };
    view! {
        <main class="login-page">
            <form class="login" method="post" action="/api/auth/login" on:submit=submit data-testid="login-form">
                <h1>{t(txt::SIGN_IN_TITLE)}</h1>
                <input type="hidden" name=NEXT_KEY value=next/>
                <label>
                    <span>{t(txt::USERNAME)}</span>
                    <input node_ref=username name="username" autocomplete="username" required autofocus/>
                </label>
                <label>
                    <span>{t(txt::PASSWORD)}</span>
                    <input node_ref=password name="password" type="password" autocomplete="current-password" required/>
                </label>
                <p class="login-error" role="alert">{move || error.get().map(|e| e.get(lang.get()).to_owned())}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { txt::SIGNING_IN.get(lang.get()) } else { txt::SIGN_IN.get(lang.get()) }}
                </button>
            </form>
        </main>
    }
}

/// The signed-in person in the top bar, with a DEMO badge for demo accounts and "Keluar".
#[component]
pub fn UserMenu() -> impl IntoView {
    let screen = use_screen();
    let lang = use_lang();
    let sign_out = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(super::client::account::logout());
    };
    view! {
        {move || {
            screen
                .me
                .get()
                .map(|me| {
                    let roles = me
                        .roles
                        .iter()
                        .map(|r| r.label().get(lang.get()))
                        .collect::<Vec<_>>()
                        .join(", ");
                    view! {
                        <span class="user" data-testid="user">
                            {me.demo.then(|| view! {
                                <span class="demo-badge" title=t(txt::DEMO_HINT) data-testid="demo-badge">{t(txt::DEMO)}</span>
                            })}
                            <span class="user-name">{me.display_name.clone()}</span>
                            <span class="user-roles">{roles}</span>
                            <button type="button" class="sign-out" on:click=sign_out>{t(txt::SIGN_OUT)}</button>
                        </span>
                    }
                })
        }}
    }
}
