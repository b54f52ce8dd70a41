//! `[notify]` in `pantau.toml`: what triggers a notification, how deliveries are retried, and each
//! channel. A channel is on when its section is there; a bad or missing key stops the start with
//! the key named.

use std::collections::BTreeMap;
use std::time::Duration;

use pantau_core::domain::{Role, StepId};
use secrecy::SecretString;
use serde::Deserialize;

use super::channels::{EmailFile, PushFile, WebhookFile, WhatsappFile};
use super::{ConfigError, env_number, value_error, web_url};
use crate::notify::config::{NotifySettings, TelegramSettings};

/// `[notify]` in the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyFile {
    pub base_url: Option<String>,
    pub arrival: Option<bool>,
    pub warning: Option<bool>,
    pub breach: Option<bool>,
    /// Shares of the standard (percent, above 100) at which the supervisors hear again.
    pub escalate_again: Option<Vec<u32>>,
    /// `"5" = ["kabid_aptika"]`: a step's supervisor roles; steps not named keep the SOP's chain.
    pub supervisors: Option<BTreeMap<String, Vec<String>>>,
    pub retry_first_secs: Option<f64>,
    pub retry_max_secs: Option<u64>,
    pub give_up_hours: Option<u64>,
    pub send_timeout_secs: Option<u64>,
    pub lease_secs: Option<u64>,
    /// Failed probes in a row before the operators hear a camera is down.
    pub camera_after: Option<u32>,
    /// A digest at the office's opening of what waits for each person (default true).
    pub digest: Option<bool>,
    pub telegram: Option<TelegramFile>,
    pub email: Option<EmailFile>,
    pub whatsapp: Option<WhatsappFile>,
    pub push: Option<PushFile>,
    #[serde(default)]
    pub webhook: Vec<WebhookFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelegramFile {
    pub token: Option<String>,
    pub bot: Option<String>,
    pub api: Option<String>,
    pub poll: Option<bool>,
}

impl NotifyFile {
    /// Environment variables over the file: `PANTAU_BASE_URL`, `PANTAU_TELEGRAM_TOKEN` (turns
    /// Telegram on), `PANTAU_TELEGRAM_BOT`, `PANTAU_TELEGRAM_API`, `PANTAU_NOTIFY_GIVE_UP_HOURS`,
    /// and the secrets kept out of the file: `PANTAU_SMTP_PASSWORD`, `PANTAU_WHATSAPP_TOKEN`.
    pub fn with_env(
        mut self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<NotifyFile, ConfigError> {
        if let Some(v) = env("PANTAU_BASE_URL") {
            self.base_url = Some(v);
        }
        if let Some(n) = env_number(&env, "PANTAU_NOTIFY_GIVE_UP_HOURS")? {
            self.give_up_hours = Some(n);
        }
        let token = env("PANTAU_TELEGRAM_TOKEN");
        if token.is_some() || self.telegram.is_some() {
            let telegram = self.telegram.get_or_insert_with(TelegramFile::default);
            if token.is_some() {
                telegram.token = token;
            }
            if let Some(v) = env("PANTAU_TELEGRAM_BOT") {
                telegram.bot = Some(v);
            }
            if let Some(v) = env("PANTAU_TELEGRAM_API") {
                telegram.api = Some(v);
            }
        }
        if let (Some(email), Some(v)) = (self.email.as_mut(), env("PANTAU_SMTP_PASSWORD")) {
            email.password = Some(v);
        }
        if let (Some(wa), Some(v)) = (self.whatsapp.as_mut(), env("PANTAU_WHATSAPP_TOKEN")) {
            wa.token = Some(v);
        }
        Ok(self)
    }

    pub fn resolve(self) -> Result<NotifySettings, ConfigError> {
        let mut s = NotifySettings::default();
        if let Some(url) = self.base_url {
            s.base_url = Some(web_url("notify.base_url", &url)?);
        }
        let rules = &mut s.rules;
        rules.arrival = self.arrival.unwrap_or(rules.arrival);
        rules.warning = self.warning.unwrap_or(rules.warning);
        rules.breach = self.breach.unwrap_or(rules.breach);
        if let Some(again) = self.escalate_again {
            if let Some(p) = again.iter().find(|p| !(101..=10_000).contains(*p)) {
                return Err(value_error(
                    "notify.escalate_again",
                    format!("{p}: shares of the standard between 101 and 10000 (percent)"),
                ));
            }
            rules.escalate_again = again;
        }
        for (step, roles) in self.supervisors.into_iter().flatten() {
            let key = format!("notify.supervisors.{step}");
            let step: StepId = step
                .parse()
                .map_err(|_| value_error(&key, "steps are 1, 2, 3, 4, 5, 5a, 6, 7"))?;
            rules.supervisors[step as usize] = roles
                .iter()
                .map(|r| {
                    r.parse::<Role>().ok().filter(|r| *r != Role::Pemohon).ok_or_else(|| {
                        value_error(
                            &key,
                            format!("{r:?}: roles are tu, kepala_dinas, kabid_aptika, subkor_ile, operator_tcmr, admin"),
                        )
                    })
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(secs) = self.retry_first_secs {
            if !(0.05..=3600.0).contains(&secs) {
                return Err(value_error(
                    "notify.retry_first_secs",
                    "between 0.05 and 3600",
                ));
            }
            s.retry_first = Duration::from_secs_f64(secs);
        }
        if let Some(secs) = self.retry_max_secs {
            if !(1..=86_400).contains(&secs) {
                return Err(value_error("notify.retry_max_secs", "between 1 and 86400"));
            }
            s.retry_max = Duration::from_secs(secs);
        }
        if let Some(h) = self.give_up_hours {
            if !(1..=24 * 30).contains(&h) {
                return Err(value_error("notify.give_up_hours", "between 1 and 720"));
            }
            s.give_up = Duration::from_secs(h * 3600);
        }
        if let Some(secs) = self.send_timeout_secs {
            if !(1..=300).contains(&secs) {
                return Err(value_error("notify.send_timeout_secs", "between 1 and 300"));
            }
            s.send_timeout = Duration::from_secs(secs);
        }
        if let Some(secs) = self.lease_secs {
            if secs <= s.send_timeout.as_secs() || secs > 3600 {
                return Err(value_error(
                    "notify.lease_secs",
                    "longer than notify.send_timeout_secs, at most 3600",
                ));
            }
            s.lease = Duration::from_secs(secs);
        }
        s.digest = self.digest.unwrap_or(true);
        if let Some(n) = self.camera_after {
            if !(1..=100).contains(&n) {
                return Err(value_error(
                    "notify.camera_after",
                    "between 1 and 100 probes",
                ));
            }
            s.camera_after = n;
        }
        if s.lease <= s.send_timeout {
            s.lease = s.send_timeout * 2;
        }
        s.telegram = self.telegram.map(TelegramFile::resolve).transpose()?;
        s.email = self.email.map(EmailFile::resolve).transpose()?;
        s.whatsapp = self.whatsapp.map(WhatsappFile::resolve).transpose()?;
        s.push = self.push.map(PushFile::resolve).transpose()?;
        s.webhooks = self
            .webhook
            .into_iter()
            .enumerate()
            .map(|(n, w)| w.resolve(n))
            .collect::<Result<_, _>>()?;
        Ok(s)
    }
}

impl TelegramFile {
    fn resolve(self) -> Result<TelegramSettings, ConfigError> {
        let token = self.token.ok_or_else(|| {
            value_error(
                "notify.telegram.token",
                "missing: the bot's token from @BotFather (or PANTAU_TELEGRAM_TOKEN)",
            )
        })?;
        let token = token.trim();
        let well_formed = token.split_once(':').is_some_and(|(id, secret)| {
            !id.is_empty()
                && id.chars().all(|c| c.is_ascii_digit())
                && secret.len() >= 20
                && secret
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
        if !well_formed {
            return Err(value_error(
                "notify.telegram.token",
                "not a bot token (digits, a colon, then at least 20 letters, digits, _ or -)",
            ));
        }
        let bot = self.bot.ok_or_else(|| {
            value_error(
                "notify.telegram.bot",
                "missing: the bot's user name (it ends in \"bot\"), for the link that binds a chat",
            )
        })?;
        let bot = bot.trim().trim_start_matches('@').to_owned();
        let bot_ok = (5..=32).contains(&bot.len())
            && bot.starts_with(|c: char| c.is_ascii_alphabetic())
            && bot.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && bot.to_ascii_lowercase().ends_with("bot");
        if !bot_ok {
            return Err(value_error(
                "notify.telegram.bot",
                format!(
                    "{bot:?} is not a bot's user name (5 to 32 letters, digits or _, ending in \"bot\")"
                ),
            ));
        }
        let api = web_url(
            "notify.telegram.api",
            self.api.as_deref().unwrap_or("https://api.telegram.org"),
        )?;
        Ok(TelegramSettings {
            token: SecretString::from(token.to_owned()),
            bot,
            api,
            poll: self.poll.unwrap_or(true),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> NotifyFile {
        #[derive(Deserialize)]
        struct Top {
            notify: NotifyFile,
        }
        toml::from_str::<Top>(text).expect("valid TOML").notify
    }

    fn error(text: &str) -> String {
        file(text).resolve().unwrap_err().to_string()
    }

    const TOKEN: &str = "123456:AAbbCCddEEffGGhhIIjjKK_-00";

    #[test]
    fn every_trigger_is_on_by_default_and_no_channel_is() {
        let s = NotifyFile::default().resolve().unwrap();
        assert!(s.rules.arrival && s.rules.warning && s.rules.breach);
        assert_eq!(s.rules.escalate_again, vec![200]);
        assert!(s.telegram.is_none());
    }

    #[test]
    fn a_telegram_section_turns_telegram_on() {
        let s = file(&format!(
            "[notify]\nbase_url = \"https://pantau.example.go.id/\"\n[notify.telegram]\ntoken = \"{TOKEN}\"\nbot = \"@PantauSkwBot\"\napi = \"http://127.0.0.1:9/\"\n"
        ))
        .resolve()
        .unwrap();
        let t = s.telegram.unwrap();
        assert_eq!(t.bot, "PantauSkwBot");
        assert_eq!(t.api, "http://127.0.0.1:9");
        assert_eq!(s.base_url.as_deref(), Some("https://pantau.example.go.id"));
        assert!(
            !format!("{t:?}").contains("AAbb"),
            "the token stays out of logs"
        );
    }

    #[test]
    fn bad_settings_stop_the_start_with_the_key_named() {
        assert!(
            error("[notify.telegram]\nbot = \"PantauBot\"")
                .starts_with("notify.telegram.token: missing")
        );
        assert!(
            error("[notify.telegram]\ntoken = \"abc\"\nbot = \"PantauBot\"")
                .starts_with("notify.telegram.token: not a bot token")
        );
        assert!(
            error(&format!("[notify.telegram]\ntoken = \"{TOKEN}\""))
                .starts_with("notify.telegram.bot: missing")
        );
        assert!(
            error(&format!(
                "[notify.telegram]\ntoken = \"{TOKEN}\"\nbot = \"Pantau\""
            ))
            .starts_with("notify.telegram.bot:")
        );
        assert!(
            error(&format!(
                "[notify.telegram]\ntoken = \"{TOKEN}\"\nbot = \"PantauBot\"\napi = \"ftp://x\""
            ))
            .starts_with("notify.telegram.api:")
        );
        assert!(error("[notify]\nbase_url = \"pantau.go.id\"").starts_with("notify.base_url:"));
        assert!(error("[notify]\nescalate_again = [50]").starts_with("notify.escalate_again:"));
        assert!(
            error("[notify.supervisors]\n\"9\" = [\"tu\"]").starts_with("notify.supervisors.9:")
        );
        assert!(
            error("[notify.supervisors]\n\"3\" = [\"pemohon\"]")
                .starts_with("notify.supervisors.3:")
        );
        // An unknown channel or key is refused by name.
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Top {
            notify: NotifyFile,
        }
        let unknown = toml::from_str::<Top>("[notify.fax]\nnumber = \"1\"")
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("unknown field `fax`"), "{unknown}");
    }

    #[test]
    fn the_environment_turns_telegram_on_over_the_file() {
        let env = |k: &str| match k {
            "PANTAU_TELEGRAM_TOKEN" => Some(TOKEN.to_owned()),
            "PANTAU_TELEGRAM_BOT" => Some("PantauBot".to_owned()),
            _ => None,
        };
        let s = NotifyFile::default()
            .with_env(env)
            .unwrap()
            .resolve()
            .unwrap();
        assert_eq!(s.telegram.unwrap().api, "https://api.telegram.org");
    }
}
