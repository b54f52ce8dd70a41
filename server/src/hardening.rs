//! Protections every response gets: cross-site request refusal (CSRF) for state-changing requests,
//! and headers that keep browsers from sniffing types, leaking referrers or framing the app.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Whether a request comes from another site. Browsers send `Sec-Fetch-Site` (and `Origin` on
/// POST); a request without either is not from a browser page, so it cannot be a forged one.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        (Some(origin), Some(host)) => {
            let origin = origin.to_str().unwrap_or("");
            let host = host.to_str().unwrap_or("");
            // "null" origins (sandboxed frames, file://) are cross-site too.
            origin.split_once("://").map(|(_, rest)| rest) != Some(host)
        }
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Refuses state-changing requests from other sites with 403.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && is_cross_site(request.headers()) {
        return ApiError::CrossSite.into_response();
    }
    next.run(request).await
}

/// The nonce of one response: every script of the page carries it, the CSP allows only those.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// The Content-Security-Policy of a response: scripts only from this origin and only with the
/// nonce (the hydration script), WebAssembly compiled by the browser, nothing framed, no plugins.
/// Styles allow inline `style` attributes (the timers' progress bars).
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'; worker-src 'self'; manifest-src 'self'"
    )
}

/// For the Leptos renderer: the page's scripts get this response's nonce (see [`security_headers`]).
pub fn provide_csp_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(parts) = use_context::<axum::http::request::Parts>()
        && let Some(CspNonce(nonce)) = parts.extensions.get::<CspNonce>()
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.as_str()));
    }
}

/// Security headers on every response, with a fresh CSP nonce for each. API answers (which carry
/// names, phone numbers, letters) are never stored by a browser's or a proxy's cache.
pub async fn security_headers(mut request: Request, next: Next) -> Response {
    let nonce = crate::auth::random_token(16);
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(value) = HeaderValue::from_str(&content_security_policy(&nonce))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn requests_from_the_same_site_or_no_browser_are_not_cross_site() {
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_cross_site(&headers(&[
            ("origin", "http://pantau.local:3000"),
            ("host", "pantau.local:3000")
        ])));
        assert!(
            !is_cross_site(&headers(&[])),
            "curl and the CLI send neither header"
        );
    }

    #[test]
    fn requests_from_other_sites_are_cross_site() {
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(is_cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "pantau.local:3000")
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("host", "pantau.local:3000")
        ])));
    }
}
