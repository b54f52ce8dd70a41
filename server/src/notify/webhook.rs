//! Webhooks: a JSON post per moment to each configured URL, signed with HMAC-SHA256 so the
//! receiver knows it came from this Pantau and was not changed.
//!
//! Headers: `X-Pantau-Delivery` (the outbox id: the same on a retry, so a receiver can drop a
//! repeat), `X-Pantau-Timestamp` (unix seconds at the send) and `X-Pantau-Signature`
//! (`sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>`).

use std::time::Duration;

use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use serde::Serialize;
use sha2::Sha256;

use super::channel::{SendError, http_client};
use super::config::WebhookSettings;
use super::store::Claimed;

/// The body of a webhook post.
#[derive(Debug, Serialize)]
pub struct Payload<'a> {
    /// The delivery's id (as `X-Pantau-Delivery`).
    pub delivery: i64,
    /// `arrived`, `warning`, `breached`, `escalated-200`, `test`.
    pub event: &'a str,
    pub card: Option<&'a str>,
    pub title: &'a str,
    pub text: &'a str,
    pub link: &'a str,
    pub lang: &'a str,
    #[serde(with = "pantau_core::domain::utc")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// `sha256=<hex>` of `<timestamp>.<body>` under `secret`.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

#[derive(Clone, Debug)]
pub struct Webhooks {
    hooks: Vec<WebhookSettings>,
    http: reqwest::Client,
}

impl Webhooks {
    pub fn new(hooks: Vec<WebhookSettings>, timeout: Duration) -> Webhooks {
        Webhooks {
            hooks,
            http: http_client(timeout),
        }
    }

    /// The URLs a moment of this kind goes to.
    pub fn urls_for<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.hooks
            .iter()
            .filter(move |h| h.events.iter().any(|e| e == kind))
            .map(|h| h.url.as_str())
    }

    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.hooks.iter().map(|h| h.url.as_str())
    }

    pub async fn send(
        &self,
        item: &Claimed,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), SendError> {
        let Some(hook) = self.hooks.iter().find(|h| h.url == item.address) else {
            return Err(SendError::Permanent(
                "this webhook is no longer in pantau.toml".into(),
            ));
        };
        let m = &item.message;
        let body = serde_json::to_vec(&Payload {
            delivery: item.id,
            event: &item.moment,
            card: item.card.as_deref(),
            title: &m.title,
            text: &m.body,
            link: &m.link,
            lang: m.lang.tag(),
            created_at: item.created_at,
        })
        .expect("a payload serializes");
        let timestamp = now.timestamp();
        let signed = signature(hook.secret.expose_secret().as_bytes(), timestamp, &body);
        let res = self
            .http
            .post(&hook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Pantau-Delivery", item.id.to_string())
            .header("X-Pantau-Timestamp", timestamp.to_string())
            .header("X-Pantau-Signature", signed)
            .body(body)
            .send()
            .await
            .map_err(|e| SendError::transport(&e))?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        let text = res.text().await.unwrap_or_default();
        Err(SendError::of_status(status, &text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_the_timestamp_and_body() {
        // Python's hmac.new(b"Jefe", b'1700000000.{"event":"breached"}', hashlib.sha256).
        assert_eq!(
            signature(b"Jefe", 1_700_000_000, br#"{"event":"breached"}"#),
            "sha256=9a52f5c492baa2cd1ae04bb08c4346f1ff995ed9a49c5b5a4d2f1b738aeab9bb"
        );
    }
}
