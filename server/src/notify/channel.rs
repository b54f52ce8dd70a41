//! What a channel answers to one send, and the HTTP client the web channels share.

use std::time::Duration;

/// Why a send did not go through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again (refused, a 5xx, a timeout, a rate limit), after `after` if it said.
    #[error("{reason}")]
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    /// The other side refused this message for good (a bad address, a blocked bot).
    #[error("{0}")]
    Permanent(String),
}

impl SendError {
    pub fn retry(reason: impl Into<String>) -> SendError {
        SendError::Retry {
            reason: reason.into(),
            after: None,
        }
    }

    /// From a transport error: the URL left out (it may hold a token).
    pub fn transport(e: &reqwest::Error) -> SendError {
        let what = if e.is_timeout() {
            "timed out"
        } else if e.is_connect() {
            "cannot connect"
        } else {
            "the connection failed"
        };
        SendError::retry(what)
    }

    /// From an HTTP status the other side answered with: 5xx, 408 and 429 are worth retrying.
    pub fn of_status(status: reqwest::StatusCode, detail: &str) -> SendError {
        let reason = format!("HTTP {}: {}", status.as_u16(), clip(detail));
        if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
            SendError::retry(reason)
        } else {
            SendError::Permanent(reason)
        }
    }
}

/// `&`, `<`, `>` and `"` escaped, for an HTML body (e-mail) and Telegram's HTML mode.
pub fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// At most 200 characters of what another server said, on one line.
pub fn clip(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect()
}

/// The client for the web channels: bounded connect and total times, no redirects (a webhook or
/// gateway that redirects is misconfigured, and a redirect could carry a token elsewhere).
pub fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Pantau/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("an HTTP client with rustls")
}
