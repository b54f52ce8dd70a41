//! Who is signed in, as this browser asks the server and keeps it: signing in and out, the way to
//! the login page, and what a sign-in or sign-out does to what this browser saved.

use super::http::{error_message, unreachable};
use crate::account::Me;
use crate::i18n::Both;

pub async fn login(username: &str, password: &str) -> Result<(), Both> {
    let res = gloo_net::http::Request::post("/api/auth/login")
        .json(&crate::api::auth::LoginBody {
            username: username.to_owned(),
            password: password.to_owned(),
        })
        .map_err(unreachable)?
        .send()
        .await
        .map_err(unreachable)?;
    if res.ok() {
        let me: Me = res.json().await.map_err(unreachable)?;
        signed_in_as(&me);
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
    leaving();
    let _ = gloo_net::http::Request::post("/api/auth/logout")
        .send()
        .await;
    forget_saved();
    let _ = leptos::prelude::window()
        .location()
        .assign(crate::account::LOGIN_PATH);
}

/// To the login page, coming back here afterwards.
pub fn to_login() {
    let location = leptos::prelude::window().location();
    let here = location.pathname().unwrap_or_else(|_| "/".into());
    let back = js_sys::encode_uri_component(&here);
    let _ = location.assign(&crate::account::login_then(&String::from(back)));
}

/// Where a signed-in person starts: on a phone "Tugas saya", else the board.
pub fn home() -> &'static str {
    let phone = leptos::prelude::window()
        .match_media(crate::account::PHONE_QUERY)
        .ok()
        .flatten()
        .is_some_and(|q| q.matches());
    if phone { "/tugas" } else { "/" }
}

/// After signing in: back where the user came from (a path of this site only), else [`home`].
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
        .unwrap_or_else(|| home().into());
    let _ = location.assign(&next);
}

/// Forgets what this browser saved of the board (after signing out). Unsent changes stay, for
/// the same person's next sign-in.
pub fn forget_saved() {
    super::saved::forget();
    super::feed::forget();
}

thread_local! {
    /// This screen is signing out: the end of its own session is not news to it.
    static LEAVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Called before this screen ends its own session.
pub fn leaving() {
    LEAVING.with(|l| l.set(true));
}

/// Whether this screen is ending its own session.
pub fn is_leaving() -> bool {
    LEAVING.with(std::cell::Cell::get)
}

/// After a sign-in: when another person used this browser before, nothing of theirs is kept,
/// not even their unsent changes (the server would refuse them under this person's name).
pub fn signed_in_as(me: &Me) {
    if super::saved::load_me().map(|m| m.username) != Some(me.username.clone()) {
        super::saved::forget();
        super::saved::save_pending(&[]);
    }
    super::saved::save_me(me);
}
