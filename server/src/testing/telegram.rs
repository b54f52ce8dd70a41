//! A stand-in for Telegram's Bot API on a local port, speaking its HTTP/JSON: `sendMessage`
//! (recorded), `getUpdates` (long polling over the updates a test makes people send), the
//! `{"ok":…}` envelope, 401 for a wrong token, 403 for a chat that blocked the bot, and outages
//! on demand.

use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::notify::config::TelegramSettings;

pub const TOKEN: &str = "123456789:AAHstandinTokenForPantauTests_0001";

#[derive(Default)]
struct Bot {
    sent: Mutex<Vec<Value>>,
    updates: Mutex<Vec<Value>>,
    next_update: AtomicI64,
    /// The next this many sends answer 502.
    failing: AtomicU32,
    /// The next this many sends answer 429 with `retry_after: 1`.
    limited: AtomicU32,
    /// Every send is held this long before it is answered.
    delay_ms: AtomicI64,
    /// Chats that blocked the bot: sends to them answer 403.
    refused: Mutex<Vec<i64>>,
    news: Notify,
    delivered: Notify,
    /// getUpdates calls open now, and the most ever open at once (Telegram answers a second one
    /// with 409 Conflict).
    polling: AtomicI64,
    most_polling: AtomicI64,
}

pub struct TelegramStandIn {
    pub url: String,
    bot: Arc<Bot>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TelegramStandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn error(code: u16, description: &str) -> (StatusCode, Json<Value>) {
    (
        StatusCode::from_u16(code).expect("a status"),
        Json(json!({ "ok": false, "error_code": code, "description": description })),
    )
}

async fn method(
    State(bot): State<Arc<Bot>>,
    Path((token, name)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    if token != format!("bot{TOKEN}") {
        return error(401, "Unauthorized");
    }
    match name.as_str() {
        "sendMessage" => {
            let delay = bot.delay_ms.load(Ordering::SeqCst);
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay as u64)).await;
            }
            if bot
                .failing
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                return error(502, "Bad Gateway");
            }
            if bot
                .limited
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                let (status, Json(mut body)) = error(429, "Too Many Requests: retry after 1");
                body["parameters"] = json!({ "retry_after": 1 });
                return (status, Json(body));
            }
            let Some(chat) = body["chat_id"].as_str().and_then(|c| c.parse::<i64>().ok()) else {
                return error(400, "Bad Request: chat not found");
            };
            if bot.refused.lock().unwrap().contains(&chat) {
                return error(403, "Forbidden: bot was blocked by the user");
            }
            if body["text"].as_str().is_none_or(str::is_empty) {
                return error(400, "Bad Request: message text is empty");
            }
            let id = {
                let mut sent = bot.sent.lock().unwrap();
                sent.push(body.clone());
                sent.len()
            };
            bot.delivered.notify_waiters();
            (
                StatusCode::OK,
                Json(
                    json!({ "ok": true, "result": { "message_id": id, "chat": { "id": chat }, "text": body["text"] } }),
                ),
            )
        }
        "getUpdates" => {
            let open = bot.polling.fetch_add(1, Ordering::SeqCst) + 1;
            bot.most_polling.fetch_max(open, Ordering::SeqCst);
            let _closed = Open(&bot.polling);
            let offset = body["offset"].as_i64().unwrap_or(0);
            // Long polling: held until an update comes, at most a second here.
            let wait = bot.news.notified();
            let pending = |bot: &Bot| -> Vec<Value> {
                bot.updates
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|u| u["update_id"].as_i64().unwrap_or(0) >= offset)
                    .cloned()
                    .collect()
            };
            let mut found = pending(&bot);
            if found.is_empty() {
                let _ = tokio::time::timeout(Duration::from_secs(1), wait).await;
                found = pending(&bot);
            }
            (StatusCode::OK, Json(json!({ "ok": true, "result": found })))
        }
        _ => error(404, "Not Found"),
    }
}

/// Counts a getUpdates call closed when dropped (also when its client went away).
struct Open<'a>(&'a AtomicI64);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl TelegramStandIn {
    /// The most getUpdates calls that were ever open at once.
    pub fn most_polling(&self) -> i64 {
        self.bot.most_polling.load(Ordering::SeqCst)
    }

    pub async fn start() -> TelegramStandIn {
        let bot = Arc::new(Bot {
            next_update: AtomicI64::new(1000),
            ..Bot::default()
        });
        let app = axum::Router::new()
            .route("/{token}/{method}", post(method))
            .with_state(bot.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TelegramStandIn { url, bot, task }
    }

    /// `[notify.telegram]` pointing at this stand-in.
    pub fn settings(&self) -> TelegramSettings {
        TelegramSettings {
            token: SecretString::from(TOKEN.to_owned()),
            bot: "PantauUjiBot".into(),
            api: self.url.clone(),
            poll: true,
        }
    }

    /// A person writes `text` to the bot from chat `chat`.
    pub fn say(&self, chat: i64, username: &str, text: &str) {
        let id = self.bot.next_update.fetch_add(1, Ordering::SeqCst);
        self.bot.updates.lock().unwrap().push(json!({
            "update_id": id,
            "message": {
                "message_id": id,
                "from": { "id": chat, "is_bot": false, "first_name": username, "username": username },
                "chat": { "id": chat, "type": "private", "username": username, "first_name": username },
                "date": chrono::Utc::now().timestamp(),
                "text": text,
            }
        }));
        self.bot.news.notify_waiters();
    }

    /// The person in `chat` blocks the bot: every send to it is refused (403).
    pub fn refuse(&self, chat: i64) {
        self.bot.refused.lock().unwrap().push(chat);
    }

    /// Binds the Telegram chat `chat` to the person signed in with `client`, as a person does:
    /// the settings' one-time link, then `/start <code>` to the bot, whose answer is awaited.
    pub async fn bind(&self, client: &reqwest::Client, base: &str, name: &str, chat: i64) {
        let res = client
            .post(format!("{base}/api/notify/telegram/link"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "a link is made");
        let link: pantau_core::api::notify::TelegramLink = res.json().await.unwrap();
        let code = link.url.split_once("?start=").expect("a start link").1;
        self.say(chat, name, &format!("/start {code}"));
        self.wait_for(chat, "Terhubung", Duration::from_secs(5))
            .await
            .expect("the bot answers the /start");
    }

    /// The next `n` sends answer 502 Bad Gateway.
    pub fn fail_next(&self, n: u32) {
        self.bot.failing.store(n, Ordering::SeqCst);
    }

    /// The next `n` sends answer 429 with `retry_after: 1`.
    pub fn limit_next(&self, n: u32) {
        self.bot.limited.store(n, Ordering::SeqCst);
    }

    /// Every send is answered only after `delay`.
    pub fn delay(&self, delay: Duration) {
        self.bot
            .delay_ms
            .store(delay.as_millis() as i64, Ordering::SeqCst);
    }

    /// Every message sent to `chat` so far.
    pub fn sent_to(&self, chat: i64) -> Vec<Value> {
        self.bot
            .sent
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m["chat_id"].as_str() == Some(&chat.to_string()))
            .cloned()
            .collect()
    }

    /// The texts sent to `chat` so far.
    pub fn texts_to(&self, chat: i64) -> Vec<String> {
        self.sent_to(chat)
            .iter()
            .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// How many texts sent to `chat` contain `part`.
    pub fn count(&self, chat: i64, part: &str) -> usize {
        self.texts_to(chat)
            .iter()
            .filter(|t| t.contains(part))
            .count()
    }

    /// Waits until `chat` has been sent a text containing `part`; that text.
    pub async fn wait_for(&self, chat: i64, part: &str, within: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let delivered = self.bot.delivered.notified();
            if let Some(t) = self.texts_to(chat).into_iter().find(|t| t.contains(part)) {
                return Some(t);
            }
            if tokio::time::timeout_at(deadline, delivered).await.is_err() {
                return None;
            }
        }
    }
}
