//! A stand-in for a browser's push service (RFC 8030) on a local port, holding the browser's
//! side too: it makes subscriptions (a P-256 key pair and an auth secret each, as a browser
//! does), checks each push's VAPID signature (RFC 8292) and decrypts its payload (RFC 8291,
//! `aes128gcm` of RFC 8188) with the primitives themselves, not with the sender's crate. 410 for
//! a subscription the test has dropped, outages on demand.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hkdf::Hkdf;
use p256::ecdsa::signature::Verifier;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use sha2::Sha256;
use tokio::sync::Notify;

/// One push received and opened.
#[derive(Clone, Debug)]
pub struct Delivered {
    pub subscription: String,
    /// The decrypted payload.
    pub payload: serde_json::Value,
    /// The VAPID token's claims (`aud`, `exp`, `sub`).
    pub claims: serde_json::Value,
    pub ttl: String,
}

struct Browser {
    secret: p256::SecretKey,
    auth: [u8; 16],
}

#[derive(Default)]
struct Inner {
    browsers: Mutex<HashMap<String, Browser>>,
    gone: Mutex<Vec<String>>,
    delivered: Mutex<Vec<Delivered>>,
    /// What was refused, and why (a bad signature, a payload that does not decrypt).
    refused: Mutex<Vec<String>>,
    failing: AtomicU32,
    news: Notify,
}

pub struct PushService {
    /// `http://127.0.0.1:<port>`: the origin to allow in `notify.push.services`.
    pub url: String,
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for PushService {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A subscription as a browser's `PushSubscription.toJSON()` gives it.
pub fn subscription_json(endpoint: &str, p256dh: &str, auth: &str) -> serde_json::Value {
    serde_json::json!({
        "endpoint": endpoint,
        "expirationTime": null,
        "keys": { "p256dh": p256dh, "auth": auth },
    })
}

fn b64(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// The VAPID header `vapid t=<jwt>, k=<key>` checked: an ES256 signature by `k` over the
/// token, the audience the push service's origin, expiry within 24 hours. Its claims.
fn check_vapid(header: &str, origin: &str) -> Result<serde_json::Value, String> {
    let rest = header
        .strip_prefix("vapid ")
        .ok_or("not a vapid authorization")?;
    let mut token = None;
    let mut key = None;
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => token = Some(v.to_owned()),
            Some(("k", v)) => key = Some(v.to_owned()),
            _ => {}
        }
    }
    let (token, key) = (token.ok_or("no t=")?, key.ok_or("no k=")?);
    let key = URL_SAFE_NO_PAD
        .decode(key)
        .map_err(|_| "k is not base64url")?;
    let key =
        p256::ecdsa::VerifyingKey::from_sec1_bytes(&key).map_err(|_| "k is not a P-256 key")?;
    let (signed, signature) = token.rsplit_once('.').ok_or("not a JWT")?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| "bad signature encoding")?;
    let signature =
        p256::ecdsa::Signature::from_slice(&signature).map_err(|_| "not an ES256 signature")?;
    key.verify(signed.as_bytes(), &signature)
        .map_err(|_| "the signature does not verify")?;
    let (head, claims) = signed.split_once('.').ok_or("not a JWT")?;
    let head: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(head).map_err(|_| "bad header")?)
            .map_err(|_| "bad header")?;
    if head["alg"] != "ES256" {
        return Err(format!("alg {}", head["alg"]));
    }
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).map_err(|_| "bad claims")?)
            .map_err(|_| "bad claims")?;
    // RFC 8292: the push resource's origin. The sender's crate leaves a port out, so on this
    // stand-in's port the origin without it is taken too (real push services are on 443,
    // where the two are the same).
    let portless = origin.rsplit_once(':').map_or(origin, |(o, _)| o);
    if claims["aud"] != origin && claims["aud"] != portless {
        return Err(format!("aud {} is not {origin}", claims["aud"]));
    }
    let exp = claims["exp"].as_i64().ok_or("no exp")?;
    let now = chrono::Utc::now().timestamp();
    if exp <= now || exp > now + 24 * 3600 {
        return Err(format!("exp {exp} is not within 24 hours"));
    }
    Ok(claims)
}

/// RFC 8291 + RFC 8188, one record: what the browser with `secret` and `auth` reads.
fn decrypt(body: &[u8], secret: &p256::SecretKey, auth: &[u8; 16]) -> Result<Vec<u8>, String> {
    if body.len() < 21 {
        return Err("shorter than the header".into());
    }
    let (salt, rest) = body.split_at(16);
    let record_size = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
    let id_len = rest[4] as usize;
    let (key_id, ciphertext) = rest[5..].split_at(id_len);
    if ciphertext.len() > record_size {
        return Err("more than one record".into());
    }
    let server_key = p256::PublicKey::from_sec1_bytes(key_id).map_err(|_| "keyid is not a key")?;
    let shared = p256::ecdh::diffie_hellman(secret.to_nonzero_scalar(), server_key.as_affine());
    let mut info = b"WebPush: info\0".to_vec();
    info.extend_from_slice(secret.public_key().to_encoded_point(false).as_bytes());
    info.extend_from_slice(server_key.to_encoded_point(false).as_bytes());
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes())
        .expand(&info, &mut ikm)
        .map_err(|_| "hkdf")?;
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .map_err(|_| "hkdf")?;
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .map_err(|_| "hkdf")?;
    let plain = Aes128Gcm::new_from_slice(&cek)
        .map_err(|_| "key")?
        .decrypt(Nonce::from_slice(&nonce), ciphertext)
        .map_err(|_| "the payload does not decrypt")?;
    // The last record ends in 0x02, then padding zeros.
    let end = plain.iter().rposition(|b| *b != 0).ok_or("no delimiter")?;
    if plain[end] != 2 {
        return Err("not the last record's delimiter".into());
    }
    Ok(plain[..end].to_vec())
}

async fn receive(
    State((inner, origin)): State<(Arc<Inner>, String)>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if inner.gone.lock().unwrap().contains(&id) {
        return StatusCode::GONE;
    }
    if inner
        .failing
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let refuse = |why: String| {
        inner.refused.lock().unwrap().push(why);
        StatusCode::BAD_REQUEST
    };
    if header("content-encoding") != "aes128gcm" {
        return refuse(format!("content-encoding {:?}", header("content-encoding")));
    }
    let ttl = header("ttl");
    if ttl.parse::<u64>().is_err() {
        return refuse("no TTL".into());
    }
    let claims = match check_vapid(&header("authorization"), &origin) {
        Ok(c) => c,
        Err(why) => {
            inner.refused.lock().unwrap().push(why);
            return StatusCode::UNAUTHORIZED;
        }
    };
    let plain = {
        let browsers = inner.browsers.lock().unwrap();
        let Some(browser) = browsers.get(&id) else {
            return StatusCode::NOT_FOUND;
        };
        decrypt(&body, &browser.secret, &browser.auth)
    };
    let payload = match plain.map(|p| serde_json::from_slice::<serde_json::Value>(&p)) {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return refuse(format!("not JSON: {e}")),
        Err(why) => return refuse(why),
    };
    inner.delivered.lock().unwrap().push(Delivered {
        subscription: id,
        payload,
        claims,
        ttl,
    });
    inner.news.notify_waiters();
    StatusCode::CREATED
}

impl PushService {
    pub async fn start() -> PushService {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let inner = Arc::new(Inner::default());
        let app = axum::Router::new()
            .route("/push/{id}", axum::routing::post(receive))
            .with_state((inner.clone(), url.clone()));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        PushService { url, inner, task }
    }

    /// `[notify.push]` that lets browsers subscribe here.
    pub fn settings(&self) -> crate::notify::config::PushSettings {
        crate::notify::config::PushSettings {
            subject: "mailto:it@diskominfo.example.go.id".into(),
            services: vec![self.url.clone()],
            ttl: Duration::from_secs(3600),
        }
    }

    /// A new browser's subscription: its id here and its `toJSON()`.
    pub fn subscribe(&self) -> (String, serde_json::Value) {
        let id = crate::auth::random_token(12);
        let secret = loop {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).unwrap();
            if let Ok(key) = p256::SecretKey::from_slice(&bytes) {
                break key;
            }
        };
        let mut auth = [0u8; 16];
        getrandom::fill(&mut auth).unwrap();
        let json = subscription_json(
            &format!("{}/push/{id}", self.url),
            &b64(secret.public_key().to_encoded_point(false).as_bytes()),
            &b64(&auth),
        );
        self.inner
            .browsers
            .lock()
            .unwrap()
            .insert(id.clone(), Browser { secret, auth });
        (id, json)
    }

    /// The browser unsubscribed: pushes to it answer 410 Gone.
    pub fn drop_subscription(&self, id: &str) {
        self.inner.gone.lock().unwrap().push(id.to_owned());
    }

    pub fn fail_next(&self, n: u32) {
        self.inner.failing.store(n, Ordering::SeqCst);
    }

    pub fn delivered(&self) -> Vec<Delivered> {
        self.inner.delivered.lock().unwrap().clone()
    }

    pub fn refused(&self) -> Vec<String> {
        self.inner.refused.lock().unwrap().clone()
    }

    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Delivered> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let news = self.inner.news.notified();
            let got = self.delivered();
            if got.len() >= n || tokio::time::timeout_at(deadline, news).await.is_err() {
                return self.delivered();
            }
        }
    }
}
