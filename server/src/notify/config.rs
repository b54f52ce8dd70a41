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
    pub telegram: Option<TelegramSettings>,
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
            telegram: None,
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
