//! The session cookie: its name, how it is set and cleared, and how a request's is read
//! (`axum-extra`'s cookie jar, the `cookie` crate's parser and printer).

use axum::http::{HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

/// Whether cookies are for HTTPS only (`__Host-` prefix, `Secure`).
#[derive(Clone, Copy, Debug, Default)]
pub struct SecureCookies(pub bool);

impl SecureCookies {
    pub fn name(self) -> &'static str {
        if self.0 {
            "__Host-pantau_session"
        } else {
            "pantau_session"
        }
    }

    /// The `Set-Cookie` value that gives the browser `value` (for the browser's session when
    /// `max_age` is `None`; `Some(0)` clears it).
    pub fn cookie(self, value: &str, max_age: Option<i64>) -> HeaderValue {
        let mut cookie = Cookie::build((self.name(), value.to_owned()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.0);
        if let Some(age) = max_age {
            cookie = cookie.max_age(cookie::time::Duration::seconds(age));
        }
        HeaderValue::from_str(&cookie.build().to_string()).expect("cookie text is ASCII")
    }
}

/// The session token in the request's cookie, if any.
pub fn session_token(headers: &HeaderMap, cookies: SecureCookies) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(cookies.name())
        .map(|c| c.value().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn the_cookie_is_http_only_and_host_prefixed_and_secure_over_https() {
        let read = |value: HeaderValue| Cookie::parse(value.to_str().unwrap().to_owned()).unwrap();
        let plain = read(SecureCookies(false).cookie("abc", None));
        assert_eq!((plain.name(), plain.value()), ("pantau_session", "abc"));
        assert_eq!(plain.path(), Some("/"));
        assert_eq!(plain.http_only(), Some(true));
        assert_eq!(plain.same_site(), Some(SameSite::Lax));
        assert_eq!(
            plain.secure(),
            None,
            "plain HTTP cannot keep a Secure cookie"
        );
        assert_eq!(plain.max_age(), None, "a session cookie");
        let https = read(SecureCookies(true).cookie("abc", None));
        assert_eq!(https.name(), "__Host-pantau_session");
        assert_eq!(https.secure(), Some(true));
        assert_eq!(https.path(), Some("/"), "__Host- needs Path=/");
        let cleared = read(SecureCookies(false).cookie("", Some(0)));
        assert_eq!(cleared.max_age(), Some(cookie::time::Duration::ZERO));
    }

    #[test]
    fn the_session_token_is_read_from_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; pantau_session=tok123; x=y"),
        );
        assert_eq!(
            session_token(&headers, SecureCookies(false)).as_deref(),
            Some("tok123")
        );
        assert_eq!(session_token(&headers, SecureCookies(true)), None);
    }
}
