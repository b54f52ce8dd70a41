//! The notifications' settings, resolved from `[notify]` in `pantau.toml` (read and checked by
//! [`crate::config::notify`]).

use std::time::Duration;

use pantau_core::domain::notify::NotifyRules;
use secrecy::SecretString;

/// The resolved settings.
#[derive(Clone, Debug)]
pub struct NotifySettings {
    pub rules: NotifyRules,
    /// Pantau's public address, for the links in messages (`https://pantau.example.go.id`);
    /// `None`: the address it listens on.
    pub base_url: Option<String>,
    /// The first retry's wait; each next one doubles it, up to `retry_max`.
    pub retry_first: Duration,
    pub retry_max: Duration,
    /// A notification still undelivered this long after it was written is given up.
    pub give_up: Duration,
    /// One send may take this long.
    pub send_timeout: Duration,
    /// How long an instance holds a notification it is sending; a crashed instance's are taken
    /// over after it (PostgreSQL; a SQLite server takes its own back at start).
    pub lease: Duration,
    /// A camera is reported down after this many failed probes in a row.
    pub camera_after: u32,
    /// The morning digest of what waits for each person.
    pub digest: bool,
    pub telegram: Option<TelegramSettings>,
    pub email: Option<EmailSettings>,
    pub whatsapp: Option<WhatsappSettings>,
    pub push: Option<PushSettings>,
    /// Each webhook, with the kinds of moment it is sent.
    pub webhooks: Vec<WebhookSettings>,
}

impl Default for NotifySettings {
    fn default() -> NotifySettings {
        NotifySettings {
            rules: NotifyRules::default(),
            base_url: None,
            retry_first: Duration::from_secs(10),
            retry_max: Duration::from_secs(600),
            give_up: Duration::from_secs(24 * 3600),
            send_timeout: Duration::from_secs(15),
            lease: Duration::from_secs(60),
            camera_after: 2,
            digest: true,
            telegram: None,
            email: None,
            whatsapp: None,
            push: None,
            webhooks: Vec::new(),
        }
    }
}

/// `[notify.telegram]`, resolved.
#[derive(Clone, Debug)]
pub struct TelegramSettings {
    /// From @BotFather; it is in every Bot API URL, so it is never logged.
    pub token: SecretString,
    /// The bot's user name, for `t.me/<bot>?start=…`.
    pub bot: String,
    /// The Bot API's base URL (`https://api.telegram.org`; a local stand-in in the tests).
    pub api: String,
    /// Read `/start` codes by long polling `getUpdates` (default true; turn off when another
    /// program reads this bot's updates).
    pub poll: bool,
}

/// How the connection to the mail server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain, then `STARTTLS` (required): port 587.
    StartTls,
    /// TLS from the first byte: port 465.
    Tls,
    /// No encryption: only for a relay on the same machine or network.
    None,
}

/// `[notify.email]`, resolved.
#[derive(Clone, Debug)]
pub struct EmailSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// `Pantau <pantau@diskominfo.example.go.id>`
    pub from: String,
    /// A certificate authority to trust besides the public ones (PEM): an office mail server's own.
    pub ca_pem: Option<Vec<u8>>,
}

/// How a WhatsApp gateway wants its body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    Form,
}

/// `[notify.whatsapp]`, resolved: one HTTP request per message, from templates. The
/// placeholders are `{number}` (`+62…`), `{digits}` (`62…`), `{text}`, `{title}`, `{body}`,
/// `{link}` and, in headers, `{token}`.
#[derive(Clone, Debug)]
pub struct WhatsappSettings {
    /// `waha`, `fonnte`, `wablas` or `custom`: for the log and the admin.
    pub preset: String,
    pub url: String,
    pub method: reqwest::Method,
    pub headers: Vec<(String, String)>,
    pub token: Option<SecretString>,
    pub format: BodyFormat,
    /// Field name and template, in order.
    pub fields: Vec<(String, String)>,
    /// A JSON field of the answer that must not be `false` (gateways that answer 200 to a
    /// refusal, as Fonnte's `status`).
    pub ok_field: Option<String>,
}

/// `[notify.push]`, resolved.
#[derive(Clone, Debug)]
pub struct PushSettings {
    /// VAPID's contact, `mailto:` or `https:`: push services write to it when something is wrong.
    pub subject: String,
    /// The push services a browser's subscription may point at (scheme and host): Pantau posts
    /// to nothing else, so a subscription cannot aim it at the intranet.
    pub services: Vec<String>,
    /// How long a push service keeps a message for a phone that is off.
    pub ttl: Duration,
}

/// One `[[notify.webhook]]`.
#[derive(Clone, Debug)]
pub struct WebhookSettings {
    pub url: String,
    /// The HMAC-SHA256 key of `X-Pantau-Signature`.
    pub secret: SecretString,
    /// `arrived`, `warning`, `breached`, `escalated`.
    pub events: Vec<String>,
}
