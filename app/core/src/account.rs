//! The signed-in person as the server describes them (`GET /api/auth/me`, `POST /api/auth/login`).

use serde::{Deserialize, Serialize};

/// The login page (`/masuk?lanjut=/…` sends the browser on afterwards; only paths of this site).
pub const LOGIN_PATH: &str = "/masuk";

use crate::domain::Role;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// Still on its demo password: the UI shows a DEMO badge.
    pub demo: bool,
}

/// The screens that count as a phone: where a signed-in person lands on "Tugas saya" (`/tugas`)
/// rather than the board. The same width as the style sheet's phone layout (40rem).
pub const PHONE_QUERY: &str = "(max-width: 40rem)";

/// The query key of the login page that says where to go afterwards (`/masuk?lanjut=/…`).
pub const NEXT_KEY: &str = "lanjut";

/// The login page, sending the browser back to `back` afterwards (`back` already percent-encoded
/// as one query value: the browser and the server each use their own encoder).
pub fn login_then(back: &str) -> String {
    format!("{LOGIN_PATH}?{NEXT_KEY}={back}")
}
/// The query key of the login page that says why the last try failed (`/masuk?gagal=salah`), when
/// the form was sent without JavaScript.
pub const FAILED_KEY: &str = "gagal";

/// Why a login sent as a plain form failed, as the page says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginFailure {
    /// Wrong user name or password (or a disabled account: the same words).
    Wrong,
    /// Too many failed logins.
    Throttled,
    /// Anything else: the server could not answer.
    Other,
}

impl LoginFailure {
    pub fn code(self) -> &'static str {
        match self {
            LoginFailure::Wrong => "salah",
            LoginFailure::Throttled => "dibatasi",
            LoginFailure::Other => "galat",
        }
    }

    pub fn from_code(code: &str) -> Option<LoginFailure> {
        [
            LoginFailure::Wrong,
            LoginFailure::Throttled,
            LoginFailure::Other,
        ]
        .into_iter()
        .find(|f| f.code() == code)
    }
}

/// Whether `next` (already decoded from the query) may be where the login page sends the browser: a
/// path of this site and nothing that a browser could read as another site. This is the first gate;
/// the caller then parses it against its own origin with a real URL parser and keeps it only if the
/// origin is unchanged (the browser with `URL`, the server with the `url` crate).
///
/// Refused: anything not starting with one `/`; `//host` and `/\host` (a browser reads `\` as `/`);
/// any backslash, control character (a browser drops tab and line breaks, so `/\t/host` is `//host`)
/// or white space; anything over 2,000 characters.
pub fn plausible_next(next: &str) -> bool {
    let mut chars = next.chars();
    next.len() <= 2000
        && chars.next() == Some('/')
        && !matches!(chars.next(), Some('/'))
        && !next
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_plausible_next_pages() {
        for good in [
            "/",
            "/kamera",
            "/laporan?from=2026-01-01",
            "/kartu/abc#riwayat",
            "/%5C",
        ] {
            assert!(plausible_next(good), "{good}");
        }
        for bad in [
            "",
            "kamera",
            "//evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "/ /evil.example",
            "/\u{0}",
            "javascript:alert(1)",
        ] {
            assert!(!plausible_next(bad), "{bad:?}");
        }
        assert!(!plausible_next(&format!("/{}", "a".repeat(2000))));
    }

    #[test]
    fn login_failure_codes_read_back() {
        for f in [
            LoginFailure::Wrong,
            LoginFailure::Throttled,
            LoginFailure::Other,
        ] {
            assert_eq!(LoginFailure::from_code(f.code()), Some(f));
        }
        assert_eq!(LoginFailure::from_code("x"), None);
    }
}
