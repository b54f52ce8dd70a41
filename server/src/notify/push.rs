//! Web Push (RFC 8030) to every browser or phone where a person allowed it: the payload
//! encrypted for that browser (RFC 8291, `aes128gcm`), the request signed with this server's
//! VAPID key (RFC 8292). The key is made once and kept in the database, so every instance signs
//! with the same one. Subscriptions may only point at the configured push services.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use pantau_core::i18n::notify::Message;
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair};
use web_push_native::{Auth, WebPushBuilder};

use super::channel::{SendError, http_client};
use super::config::PushSettings;
use super::store;
use crate::db::Db;

const KEY: &str = "vapid_key";
/// The longest endpoint kept (real ones are 150–500 characters).
pub const MAX_ENDPOINT: usize = 1024;
/// Push services take at most 4,096 bytes; the encryption adds 103.
const MAX_PAYLOAD: usize = 3_000;

#[derive(Clone)]
pub struct Push {
    settings: PushSettings,
    http: reqwest::Client,
    key: Arc<tokio::sync::OnceCell<ES256KeyPair>>,
}

impl std::fmt::Debug for Push {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Push")
            .field("settings", &self.settings)
            .finish()
    }
}

/// A browser's subscription, parsed.
#[derive(Clone, Debug)]
pub struct Subscription {
    pub endpoint: url::Url,
    pub p256dh: p256::PublicKey,
    pub auth: Auth,
}

/// Why a subscription is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BadSubscription {
    Endpoint,
    UnknownService,
    Keys,
}

impl Push {
    pub fn new(settings: PushSettings, timeout: Duration) -> Push {
        Push {
            settings,
            http: http_client(timeout),
            key: Arc::default(),
        }
    }

    /// The VAPID key, made and kept on first use; the same for every instance on one database.
    pub async fn key(&self, db: &Db) -> Result<&ES256KeyPair, sqlx::Error> {
        self.key
            .get_or_try_init(|| async {
                let fresh = URL_SAFE_NO_PAD.encode(ES256KeyPair::generate().to_bytes());
                let kept = store::state_value_or_insert(db, KEY, &fresh).await?;
                let bytes = URL_SAFE_NO_PAD
                    .decode(kept.as_bytes())
                    .map_err(|e| sqlx::Error::Decode(e.into()))?;
                ES256KeyPair::from_bytes(&bytes).map_err(|e| sqlx::Error::Decode(e.into()))
            })
            .await
    }

    /// The public key browsers subscribe with (`applicationServerKey`), base64url.
    pub async fn public_key(&self, db: &Db) -> Result<String, sqlx::Error> {
        let key = self.key(db).await?;
        Ok(URL_SAFE_NO_PAD.encode(key.public_key().public_key().to_bytes_uncompressed()))
    }

    /// Whether `endpoint` belongs to one of the configured push services.
    pub fn allowed(&self, endpoint: &url::Url) -> bool {
        let origin = endpoint.origin().ascii_serialization();
        let (scheme, host) = (endpoint.scheme(), endpoint.host_str().unwrap_or_default());
        self.settings
            .services
            .iter()
            .any(|s| match s.split_once("://*.") {
                Some((s_scheme, suffix)) => {
                    s_scheme == scheme
                        && endpoint.port().is_none()
                        && host.strip_suffix(suffix).is_some_and(|p| p.ends_with('.'))
                }
                None => *s == origin,
            })
    }

    /// A subscription as the browser gave it (`endpoint`, `keys.p256dh`, `keys.auth`).
    pub fn parse(
        &self,
        endpoint: &str,
        p256dh: &str,
        auth: &str,
    ) -> Result<Subscription, BadSubscription> {
        // A control character (a NUL, which PostgreSQL cannot keep) is in no real endpoint.
        if endpoint.len() > MAX_ENDPOINT || endpoint.chars().any(char::is_control) {
            return Err(BadSubscription::Endpoint);
        }
        let endpoint = url::Url::parse(endpoint).map_err(|_| BadSubscription::Endpoint)?;
        if !matches!(endpoint.scheme(), "https" | "http") || !endpoint.username().is_empty() {
            return Err(BadSubscription::Endpoint);
        }
        if !self.allowed(&endpoint) {
            return Err(BadSubscription::UnknownService);
        }
        let key = URL_SAFE_NO_PAD
            .decode(p256dh.trim_end_matches('=').as_bytes())
            .map_err(|_| BadSubscription::Keys)?;
        let p256dh = p256::PublicKey::from_sec1_bytes(&key).map_err(|_| BadSubscription::Keys)?;
        let auth = URL_SAFE_NO_PAD
            .decode(auth.trim_end_matches('=').as_bytes())
            .ok()
            .filter(|a| a.len() == 16)
            .ok_or(BadSubscription::Keys)?;
        Ok(Subscription {
            endpoint,
            p256dh,
            auth: Auth::clone_from_slice(&auth),
        })
    }

    /// Sends `m` to the subscription `id`. A subscription the push service says is gone is
    /// removed: the browser unsubscribed or the person cleared it.
    pub async fn send(&self, db: &Db, id: &str, m: &Message) -> Result<(), SendError> {
        let db_error = |e: sqlx::Error| {
            tracing::warn!(error = %e, "push: cannot read the subscription or the key");
            SendError::retry("the database")
        };
        let Some((endpoint, p256dh, auth)) =
            store::push_subscription(db, id).await.map_err(db_error)?
        else {
            return Err(SendError::Permanent("the browser unsubscribed".into()));
        };
        let sub = self.parse(&endpoint, &p256dh, &auth).map_err(|e| {
            SendError::Permanent(format!("the subscription is no longer valid: {e:?}"))
        })?;
        let key = self.key(db).await.map_err(db_error)?;
        let mut payload = serde_json::to_vec(m).expect("a message serializes");
        if payload.len() > MAX_PAYLOAD {
            let mut short = m.clone();
            short.body = short.body.chars().take(500).collect();
            payload = serde_json::to_vec(&short).expect("a message serializes");
        }
        let uri: axum::http::Uri = sub
            .endpoint
            .as_str()
            .parse()
            .map_err(|_| SendError::Permanent("the endpoint is not a URI".into()))?;
        let request = WebPushBuilder::new(uri, sub.p256dh, sub.auth)
            .with_valid_duration(self.settings.ttl)
            .with_vapid(key, &self.settings.subject)
            .build(payload)
            .map_err(|e| SendError::Permanent(format!("cannot encrypt: {e}")))?;
        let request = reqwest::Request::try_from(request)
            .map_err(|e| SendError::Permanent(format!("cannot build the request: {e}")))?;
        let res = self
            .http
            .execute(request)
            .await
            .map_err(|e| SendError::transport(&e))?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        if matches!(status.as_u16(), 404 | 410) {
            if let Err(e) = store::delete_push_subscription(db, id).await {
                tracing::warn!(error = %e, "push: cannot remove a gone subscription");
            }
            return Err(SendError::Permanent("the browser unsubscribed".into()));
        }
        let after = res
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = res.text().await.unwrap_or_default();
        match SendError::of_status(status, &text) {
            SendError::Retry { reason, .. } => Err(SendError::Retry { reason, after }),
            permanent => Err(permanent),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(services: &[&str]) -> Push {
        Push::new(
            PushSettings {
                subject: "mailto:it@example.go.id".into(),
                services: services.iter().map(|s| (*s).to_owned()).collect(),
                ttl: Duration::from_secs(3600),
            },
            Duration::from_secs(5),
        )
    }

    #[test]
    fn a_subscription_may_only_point_at_a_configured_push_service() {
        let p = push(&["https://fcm.googleapis.com", "https://*.notify.windows.com"]);
        let ok = |u: &str| p.allowed(&url::Url::parse(u).unwrap());
        assert!(ok("https://fcm.googleapis.com/fcm/send/abc"));
        assert!(ok("https://wns2-par02p.notify.windows.com/w/?token=x"));
        assert!(!ok("https://notify.windows.com.evil.example/x"));
        assert!(!ok("https://evilnotify.windows.com/x"));
        assert!(
            !ok("http://fcm.googleapis.com/fcm/send/abc"),
            "the scheme counts"
        );
        assert!(!ok("https://fcm.googleapis.com:8443/x"), "the port counts");
        assert!(!ok("https://127.0.0.1/x"));
        assert_eq!(
            p.parse("https://fcm.googleapis.com/x", "AAAA", "AAAA")
                .unwrap_err(),
            BadSubscription::Keys
        );
        assert_eq!(
            p.parse("http://10.0.0.1:5432/", "", "").unwrap_err(),
            BadSubscription::UnknownService
        );
    }
}
