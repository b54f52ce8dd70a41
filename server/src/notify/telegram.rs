//! Telegram's Bot API: `sendMessage` with HTML and a button that opens the card, and the
//! `/start <code>` that binds a person's chat (long polling `getUpdates`). The API's base URL is
//! a setting; the tests run a stand-in that speaks the same HTTP/JSON.

use std::time::Duration;

use chrono::Utc;
use pantau_core::i18n::Lang;
use pantau_core::i18n::notify::Message;
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::watch;

use super::channel::{SendError, clip, html, http_client};
use super::config::TelegramSettings;
use super::store;
use crate::clock::Clock;
use crate::db::Db;

#[derive(Clone, Debug)]
pub struct Telegram {
    settings: TelegramSettings,
    http: reqwest::Client,
}

/// The Bot API's answer envelope.
#[derive(Deserialize)]
struct Answer<T> {
    ok: bool,
    result: Option<T>,
    error_code: Option<u16>,
    description: Option<String>,
    parameters: Option<Parameters>,
}

#[derive(Deserialize)]
struct Parameters {
    retry_after: Option<u64>,
}

#[derive(Deserialize)]
struct Update {
    update_id: i64,
    message: Option<IncomingMessage>,
}

#[derive(Deserialize)]
struct IncomingMessage {
    chat: Chat,
    text: Option<String>,
}

#[derive(Deserialize)]
struct Chat {
    id: i64,
    username: Option<String>,
    first_name: Option<String>,
}

/// Telegram takes only public web addresses in a button; a test or intranet address goes in
/// the text alone.
fn button_allowed(link: &str) -> bool {
    url::Url::parse(link).is_ok_and(|u| {
        u.scheme() == "https"
            && matches!(u.host(), Some(url::Host::Domain(d)) if d.contains('.') && d != "localhost")
    })
}

impl Telegram {
    pub fn new(settings: TelegramSettings, timeout: Duration) -> Telegram {
        Telegram {
            settings,
            http: http_client(timeout),
        }
    }

    pub fn bot(&self) -> &str {
        &self.settings.bot
    }

    fn method(&self, name: &str) -> String {
        format!(
            "{}/bot{}/{name}",
            self.settings.api,
            self.settings.token.expose_secret()
        )
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
        body: serde_json::Value,
        timeout: Option<Duration>,
    ) -> Result<T, SendError> {
        let mut req = self.http.post(self.method(name)).json(&body);
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        let res = req.send().await.map_err(|e| SendError::transport(&e))?;
        let status = res.status();
        let text = res.text().await.map_err(|e| SendError::transport(&e))?;
        let answer: Answer<T> = match serde_json::from_str(&text) {
            Ok(a) => a,
            Err(_) => return Err(SendError::of_status(status, "not a Bot API answer")),
        };
        match answer {
            Answer {
                ok: true,
                result: Some(result),
                ..
            } => Ok(result),
            Answer {
                error_code,
                description,
                parameters,
                ..
            } => {
                let code = error_code.unwrap_or(status.as_u16());
                let why = format!(
                    "Telegram {code}: {}",
                    clip(description.as_deref().unwrap_or("no description"))
                );
                let after = parameters
                    .and_then(|p| p.retry_after)
                    .map(Duration::from_secs);
                if code == 429 || code >= 500 || after.is_some() {
                    Err(SendError::Retry { reason: why, after })
                } else {
                    Err(SendError::Permanent(why))
                }
            }
        }
    }

    /// Sends a notification to a chat: its body, the link, and a button to open the card.
    pub async fn send(&self, chat: &str, m: &Message) -> Result<(), SendError> {
        let open = match m.lang {
            Lang::Id => "Buka kartu",
            Lang::En => "Open the card",
        };
        let mut body = json!({
            "chat_id": chat,
            "text": format!("<b>{}</b>\n{}\n{}", html(&m.title), html(&m.body), html(&m.link)),
            "parse_mode": "HTML",
            "link_preview_options": { "is_disabled": true },
        });
        if button_allowed(&m.link) {
            body["reply_markup"] =
                json!({ "inline_keyboard": [[{ "text": open, "url": m.link }]] });
        }
        self.call::<serde_json::Value>("sendMessage", body, None)
            .await
            .map(|_| ())
    }

    /// Reads `/start <code>` messages until `shutdown`, binding each code's person to its chat
    /// and answering in the chat. The last update read is kept, so a restart reads none twice.
    pub async fn poll(self, db: Db, clock: Clock, mut shutdown: watch::Receiver<bool>) {
        const OFFSET: &str = "telegram_offset";
        // Telegram allows one getUpdates at a time per bot: of several instances on one
        // PostgreSQL database, the one holding the advisory lock reads; the others wait for it.
        let _lock = match db.backend {
            crate::db::Backend::Postgres => loop {
                match poll_lock(&db).await {
                    Ok(Some(conn)) => break Some(conn),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot take the Telegram reader's lock"),
                }
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(15)) => {},
                    _ = shutdown.wait_for(|s| *s) => return,
                }
            },
            crate::db::Backend::Sqlite => None,
        };
        let mut offset: i64 = store::state_value(&db, OFFSET)
            .await
            .ok()
            .flatten()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut pause = Duration::from_secs(1);
        loop {
            let body = json!({ "offset": offset, "timeout": 25, "allowed_updates": ["message"] });
            let call = self.call::<Vec<Update>>("getUpdates", body, Some(Duration::from_secs(35)));
            let updates = tokio::select! {
                r = call => r,
                _ = shutdown.wait_for(|s| *s) => return,
            };
            match updates {
                Ok(updates) => {
                    pause = Duration::from_secs(1);
                    for update in updates {
                        offset = offset.max(update.update_id + 1);
                        if let Some(message) = update.message {
                            self.on_message(&db, &clock, message).await;
                        }
                    }
                    if let Err(e) = store::set_state_value(&db, OFFSET, &offset.to_string()).await {
                        tracing::warn!(error = %e, "cannot keep the Telegram update offset");
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "Telegram getUpdates failed; trying again");
                    tokio::select! {
                        () = tokio::time::sleep(pause) => {},
                        _ = shutdown.wait_for(|s| *s) => return,
                    }
                    pause = (pause * 2).min(Duration::from_secs(60));
                }
            }
        }
    }

    async fn on_message(&self, db: &Db, clock: &Clock, message: IncomingMessage) {
        let Some(code) = message
            .text
            .as_deref()
            .and_then(|t| t.strip_prefix("/start"))
            .map(str::trim)
            .filter(|c| !c.is_empty() && c.len() <= 64)
        else {
            return;
        };
        let chat = message.chat.id.to_string();
        let name = message
            .chat
            .username
            .map(|u| format!("@{u}"))
            .or(message.chat.first_name)
            .unwrap_or_else(|| chat.clone());
        let name: String = name.chars().filter(|c| !c.is_control()).take(64).collect();
        let reply = match store::bind_telegram(db, code, &chat, &name, clock.now()).await {
            Ok(Some(user)) => {
                tracing::info!(user = %user, "a Telegram chat is bound");
                "Terhubung: notifikasi Pantau akan dikirim ke sini. / Linked: Pantau's notifications come here."
            }
            Ok(None) => {
                "Kode tidak berlaku (kedaluwarsa atau sudah dipakai); buat tautan baru di halaman Pengaturan Pantau. / \
                 This code is not valid (expired or used); make a new link on Pantau's settings page."
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot bind a Telegram chat");
                return;
            }
        };
        let body = json!({ "chat_id": chat, "text": reply });
        if let Err(e) = self
            .call::<serde_json::Value>("sendMessage", body, None)
            .await
        {
            tracing::warn!(error = %e, "cannot answer a Telegram /start");
        }
    }
}

/// A connection holding the lock of the one Telegram reader, or `None` when another has it.
async fn poll_lock(db: &Db) -> Result<Option<sqlx::pool::PoolConnection<sqlx::Any>>, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    // Per schema: two installations (or tests) on one database do not wait for each other.
    let held: bool = sqlx::query_scalar(
        "SELECT pg_try_advisory_lock(hashtext(current_schema() || '/pantau-telegram-reader'))",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(held.then_some(conn))
}

/// A one-time code for `t.me/<bot>?start=<code>` (Telegram allows 64 of `A-Za-z0-9_-`).
pub fn new_code() -> String {
    crate::auth::random_token(24)
}

/// How long a code binds.
pub const CODE_LIFETIME: chrono::Duration = chrono::Duration::minutes(15);

/// When a code made now expires.
pub fn code_expiry(clock: &Clock) -> chrono::DateTime<Utc> {
    clock.now() + CODE_LIFETIME
}
