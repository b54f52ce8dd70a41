//! Signing in and out: the login page, and who is signed in (name, roles, DEMO badge) in the top bar.

use leptos::prelude::*;

use super::store::use_store;
use super::{t, use_lang};
use crate::i18n::ui as txt;

/// Where the login page sends the browser afterwards (`/masuk?lanjut=/…`); only paths of this site.
pub const LOGIN_PATH: &str = "/masuk";

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
            match browser::login(&user.value(), &pass.value()).await {
                Ok(()) => browser::go_on(),
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
    let store = use_store();
    let lang = use_lang();
    let sign_out = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(browser::logout());
    };
    view! {
        {move || {
            store
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

#[cfg(feature = "hydrate")]
pub mod browser {
    use crate::account::Me;

    use crate::i18n::Both;

    /// The message of an error answer in both languages (a proxy's answer with only a message:
    /// that message), else the status.
    pub async fn error_message(res: gloo_net::http::Response) -> Both {
        let status = res.status();
        let body: serde_json::Value = res.json().await.unwrap_or_default();
        match serde_json::from_value::<crate::domain::ErrorAnswer>(body.clone()) {
            Ok(answer) => answer.error.text,
            Err(_) => Both::split(
                body["error"]["message"]
                    .as_str()
                    .unwrap_or(&format!("HTTP {status}")),
            ),
        }
    }

    /// The answer of a request that did not reach the server.
    pub fn unreachable(e: gloo_net::Error) -> Both {
        Both::new(
            format!("server tidak dapat dihubungi ({e})"),
            format!("the server cannot be reached ({e})"),
        )
    }

    pub async fn login(username: &str, password: &str) -> Result<(), Both> {
        let res = gloo_net::http::Request::post("/api/auth/login")
            .json(&serde_json::json!({ "username": username, "password": password }))
            .map_err(unreachable)?
            .send()
            .await
            .map_err(unreachable)?;
        if res.ok() {
            let me: Me = res.json().await.map_err(unreachable)?;
            super::super::store::signed_in_as(&me);
            Ok(())
        } else {
            Err(error_message(res).await)
        }
    }

    /// Who is signed in: `Ok(None)` when nobody is, `Err` when the server cannot be reached.
    pub async fn me() -> Result<Option<Me>, Both> {
        let res = gloo_net::http::Request::get("/api/auth/me")
            .send()
            .await
            .map_err(unreachable)?;
        match res.status() {
            200 => res.json().await.map(Some).map_err(unreachable),
            401 => Ok(None),
            _ => Err(error_message(res).await),
        }
    }

    pub async fn logout() {
        super::super::store::leaving();
        let _ = gloo_net::http::Request::post("/api/auth/logout")
            .send()
            .await;
        super::super::store::forget_saved();
        let _ = leptos::prelude::window()
            .location()
            .assign(super::LOGIN_PATH);
    }

    /// To the login page, coming back here afterwards.
    pub fn to_login() {
        let location = leptos::prelude::window().location();
        let here = location.pathname().unwrap_or_else(|_| "/".into());
        let back = js_sys::encode_uri_component(&here);
        let _ = location.assign(&format!(
            "{}?{}={back}",
            super::LOGIN_PATH,
            crate::account::NEXT_KEY
        ));
    }

    /// After signing in: back where the user came from (a path of this site only), else the board.
    pub fn go_on() {
        let location = leptos::prelude::window().location();
        let search = location.search().unwrap_or_default();
        let origin = location.origin().unwrap_or_default();
        let next = web_sys::UrlSearchParams::new_with_str(&search)
            .ok()
            .and_then(|p| p.get(crate::account::NEXT_KEY))
            .filter(|p| crate::account::plausible_next(p))
            // Parsed by the browser itself against this origin: kept only if it stays here.
            .and_then(|p| web_sys::Url::new_with_base(&p, &origin).ok())
            .filter(|url| url.origin() == origin)
            .map(|url| format!("{}{}{}", url.pathname(), url.search(), url.hash()))
            .unwrap_or_else(|| "/".into());
        let _ = location.assign(&next);
    }
}
