//! A local HTTP receiver for the web channels: it records every request (method, path, headers,
//! body) and answers as a WhatsApp gateway or a webhook's receiver would (200 with a JSON body
//! given by the test), with outages on demand.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use tokio::sync::Notify;

/// One request received.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Answered with success (not one of the outages).
    pub ok: bool,
    pub received_at: chrono::DateTime<chrono::Utc>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// An `application/x-www-form-urlencoded` body's fields.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }
}

struct Inner {
    received: Mutex<Vec<Received>>,
    /// The next this many requests answer 503 (recorded all the same).
    failing: AtomicU32,
    answer: Mutex<String>,
    news: Notify,
}

pub struct Receiver {
    /// `http://127.0.0.1:<port>`
    pub url: String,
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn any(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, [(&'static str, &'static str); 1], String) {
    let fail = inner
        .failing
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    inner.received.lock().expect("received").push(Received {
        method: method.to_string(),
        path: uri.path().to_owned(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect(),
        body: body.to_vec(),
        ok: !fail,
        received_at: chrono::Utc::now(),
    });
    let json = ("content-type", "application/json");
    if fail {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [json],
            "{\"error\":\"down\"}".into(),
        );
    }
    inner.news.notify_waiters();
    let answer = inner.answer.lock().expect("answer").clone();
    (StatusCode::OK, [json], answer)
}

impl Receiver {
    pub async fn start() -> Receiver {
        let inner = Arc::new(Inner {
            received: Mutex::default(),
            failing: AtomicU32::new(0),
            answer: Mutex::new("{\"ok\":true}".into()),
            news: Notify::new(),
        });
        let app = axum::Router::new().fallback(any).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the receiver runs");
        });
        Receiver { url, inner, task }
    }

    /// The next `n` requests answer 503.
    pub fn fail_next(&self, n: u32) {
        self.inner.failing.store(n, Ordering::SeqCst);
    }

    /// What a successful request is answered with (JSON).
    pub fn answer_with(&self, json: &str) {
        *self.inner.answer.lock().expect("answer") = json.to_owned();
    }

    /// Every request so far, failed ones too.
    pub fn received(&self) -> Vec<Received> {
        self.inner.received.lock().expect("received").clone()
    }

    /// The requests answered with success.
    pub fn delivered(&self) -> Vec<Received> {
        self.received().into_iter().filter(|r| r.ok).collect()
    }

    /// Waits until `n` requests were answered with success, or `within` passed; those.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
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
