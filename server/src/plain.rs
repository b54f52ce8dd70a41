//! What the pages the server renders whole (no WebAssembly: the tracking page, the print pages) take
//! from a request and how they answer: the language (`?lang=`, else the `pantau_lang` cookie the
//! switch leaves, else Indonesian), the CSP nonce, the query; an HTML answer never stored by a cache.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use pantau_core::i18n::{Both, LANG_COOKIE, Lang};

use crate::error::ApiError;
use crate::hardening::CspNonce;

/// The most of a query a plain page reads; the rest is ignored.
const QUERY_LIMIT: usize = 4096;

/// A plain page's request: its language, nonce, path and query values.
pub struct PlainRequest {
    pub lang: Lang,
    /// Whether `?lang=` chose it (then the answer keeps the choice in the cookie).
    chosen: bool,
    pub nonce: String,
    pub path: String,
    /// The path with its query, as asked.
    here: String,
    query: Vec<(String, String)>,
}

impl PlainRequest {
    /// The value of `key` in the query (the first), if any. Unknown keys are ignored: a link
    /// shared through a chat app can come back with its trackers added.
    pub fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// What the page renderer needs, keeping `keep` in its links to itself.
    pub fn page(&self, keep: Vec<(&'static str, String)>) -> app::ui::plain::Plain {
        app::ui::plain::Plain {
            lang: self.lang,
            nonce: self.nonce.clone(),
            path: self.path.clone(),
            keep,
        }
    }

    /// The page `html` with `status`, not stored by any cache (it shows a request's state and
    /// names), with the language cookie when `?lang=` chose it.
    pub fn answer(&self, status: StatusCode, html: String) -> Response {
        let mut response = (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            html,
        )
            .into_response();
        if self.chosen {
            let cookie = Cookie::build((LANG_COOKIE, self.lang.tag()))
                .path("/")
                .same_site(SameSite::Lax)
                .max_age(cookie::time::Duration::days(365))
                .build();
            if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }

    /// The sign-in page, coming back to this page afterwards.
    pub fn to_sign_in(&self) -> Response {
        let location = pantau_core::account::login_then(&app::ui::plain::encode(&self.here));
        (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
    }

    /// `error` as the page says it: its status and its text in both languages. A server-side
    /// cause goes to the log only.
    pub fn error_text(error: &ApiError) -> (StatusCode, Both) {
        error.log_cause();
        (error.status(), Both::split(&error.to_string()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PlainRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        let raw = &raw[..floor_char_boundary(raw, QUERY_LIMIT)];
        let query: Vec<(String, String)> = url::form_urlencoded::parse(raw.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let asked = query
            .iter()
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::from_tag(v));
        let kept = CookieJar::from_headers(&parts.headers)
            .get(LANG_COOKIE)
            .and_then(|c| Lang::from_tag(c.value()));
        Ok(PlainRequest {
            lang: asked.or(kept).unwrap_or_default(),
            chosen: asked.is_some(),
            nonce: parts
                .extensions
                .get::<CspNonce>()
                .map(|n| n.0.clone())
                .unwrap_or_default(),
            path: parts.uri.path().to_owned(),
            here: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".into()),
            query,
        })
    }
}

/// The largest index ≤ `at` that starts a character of `s`.
fn floor_char_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}
