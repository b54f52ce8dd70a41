//! `[notify.email]`, `[notify.whatsapp]`, `[notify.push]` and `[[notify.webhook]]`: the
//! channels besides Telegram. A channel is on when its section is there; a bad or missing key
//! stops the start with the key named.

use std::collections::BTreeMap;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;

use super::{ConfigError, value_error};
use crate::notify::config::{
    BodyFormat, EmailSettings, PushSettings, SmtpSecurity, WebhookSettings, WhatsappSettings,
};

/// The kinds of moment a webhook may be sent.
pub const EVENT_KINDS: [&str; 5] = ["arrived", "warning", "breached", "escalated", "camera"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailFile {
    pub host: Option<String>,
    pub port: Option<u16>,
    /// `starttls` (default), `tls` or `none`.
    pub security: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: Option<String>,
    /// A PEM file of a certificate authority to trust (a mail server with its own certificate).
    pub ca_file: Option<String>,
}

impl EmailFile {
    pub fn resolve(self) -> Result<EmailSettings, ConfigError> {
        let host = self
            .host
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .ok_or_else(|| value_error("notify.email.host", "missing: the mail server's name"))?;
        if host.contains(|c: char| c.is_whitespace() || c == '/' || c == ':') {
            return Err(value_error(
                "notify.email.host",
                format!(
                    "{host:?}: a host name or address alone (the port goes in notify.email.port)"
                ),
            ));
        }
        let security = match self.security.as_deref().map(str::trim) {
            None | Some("starttls") => SmtpSecurity::StartTls,
            Some("tls") => SmtpSecurity::Tls,
            Some("none") => SmtpSecurity::None,
            Some(other) => {
                return Err(value_error(
                    "notify.email.security",
                    format!("{other:?}: starttls, tls or none"),
                ));
            }
        };
        let port = self.port.unwrap_or(match security {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
        });
        if port == 0 {
            return Err(value_error("notify.email.port", "between 1 and 65535"));
        }
        let from = self.from.ok_or_else(|| {
            value_error(
                "notify.email.from",
                "missing: the sender, as \"Pantau <pantau@diskominfo.example.go.id>\"",
            )
        })?;
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(value_error(
                "notify.email.from",
                format!("{from:?}: not an address (\"Pantau <pantau@diskominfo.example.go.id>\")"),
            ));
        }
        let username = self.username.filter(|u| !u.trim().is_empty());
        let password = self.password.filter(|p| !p.is_empty());
        if username.is_some() != password.is_some() {
            return Err(value_error(
                if username.is_some() {
                    "notify.email.password"
                } else {
                    "notify.email.username"
                },
                "give both the user name and the password (or PANTAU_SMTP_PASSWORD), or neither",
            ));
        }
        if username.is_some() && security == SmtpSecurity::None {
            return Err(value_error(
                "notify.email.security",
                "\"none\" would send the password unencrypted: use starttls or tls",
            ));
        }
        let ca_pem = match self.ca_file {
            None => None,
            Some(path) => {
                let pem = std::fs::read(&path).map_err(|e| {
                    value_error("notify.email.ca_file", format!("cannot read {path}: {e}"))
                })?;
                if lettre::transport::smtp::client::Certificate::from_pem(&pem).is_err() {
                    return Err(value_error(
                        "notify.email.ca_file",
                        format!("{path}: not a PEM certificate"),
                    ));
                }
                Some(pem)
            }
        };
        Ok(EmailSettings {
            ca_pem,
            host,
            port,
            security,
            username,
            password: password.map(SecretString::from),
            from,
        })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatsappFile {
    /// `waha`, `fonnte`, `wablas` or `custom` (default).
    pub preset: Option<String>,
    pub url: Option<String>,
    pub method: Option<String>,
    pub token: Option<String>,
    /// WAHA's session name (default `default`).
    pub session: Option<String>,
    pub headers: Option<BTreeMap<String, String>>,
    /// `json` (default) or `form`.
    pub format: Option<String>,
    pub fields: Option<BTreeMap<String, String>>,
    pub ok_field: Option<String>,
}

const PLACEHOLDERS: [&str; 6] = ["number", "digits", "text", "title", "body", "link"];

/// Every `{name}` of `template` is one of `allowed`.
fn check_template(key: &str, template: &str, allowed: &[&str]) -> Result<(), ConfigError> {
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            return Err(value_error(
                key,
                format!("{template:?}: a {{ without its }}"),
            ));
        };
        let name = &after[..end];
        if !allowed.contains(&name) {
            return Err(value_error(
                key,
                format!(
                    "{{{name}}} is not a placeholder; they are {{{}}}",
                    allowed.join("}, {")
                ),
            ));
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

impl WhatsappFile {
    pub fn resolve(self) -> Result<WhatsappSettings, ConfigError> {
        let preset = self
            .preset
            .as_deref()
            .map_or("custom", str::trim)
            .to_owned();
        let token = self.token.filter(|t| !t.trim().is_empty());
        let need_token = |name: &str| {
            value_error(
                "notify.whatsapp.token",
                format!("missing: {name} needs the device's token (or PANTAU_WHATSAPP_TOKEN)"),
            )
        };
        let url = |default: Option<&str>| -> Result<String, ConfigError> {
            let raw = self.url.as_deref().or(default).ok_or_else(|| {
                value_error("notify.whatsapp.url", "missing: the gateway's address")
            })?;
            super::web_url("notify.whatsapp.url", raw)
        };
        let strings = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let (url, format, mut headers, mut fields, ok_field) = match preset.as_str() {
            // WAHA (self-hosted): POST /api/sendText, JSON, the API key in X-Api-Key.
            "waha" => {
                let session = self.session.clone().unwrap_or_else(|| "default".into());
                let mut headers = Vec::new();
                if token.is_some() {
                    headers.push(("X-Api-Key".to_owned(), "{token}".to_owned()));
                }
                let fields = vec![
                    ("session".to_owned(), session),
                    ("chatId".to_owned(), "{digits}@c.us".to_owned()),
                    ("text".to_owned(), "{text}".to_owned()),
                ];
                (
                    format!("{}/api/sendText", url(None)?),
                    BodyFormat::Json,
                    headers,
                    fields,
                    None,
                )
            }
            // Fonnte: POST https://api.fonnte.com/send, a form, the token in Authorization;
            // it answers 200 with `"status": false` to a refusal.
            "fonnte" => {
                if token.is_none() {
                    return Err(need_token("fonnte"));
                }
                (
                    url(Some("https://api.fonnte.com/send"))?,
                    BodyFormat::Form,
                    strings(&[("Authorization", "{token}")]),
                    strings(&[("target", "{digits}"), ("message", "{text}")]),
                    Some("status".to_owned()),
                )
            }
            // Wablas: POST <server>/api/send-message, a form, the token in Authorization.
            "wablas" => {
                if token.is_none() {
                    return Err(need_token("wablas"));
                }
                (
                    format!("{}/api/send-message", url(None)?),
                    BodyFormat::Form,
                    strings(&[("Authorization", "{token}")]),
                    strings(&[("phone", "{digits}"), ("message", "{text}")]),
                    Some("status".to_owned()),
                )
            }
            "custom" => {
                let format = match self.format.as_deref().map(str::trim) {
                    None | Some("json") => BodyFormat::Json,
                    Some("form") => BodyFormat::Form,
                    Some(other) => {
                        return Err(value_error(
                            "notify.whatsapp.format",
                            format!("{other:?}: json or form"),
                        ));
                    }
                };
                let fields = self.fields.clone().unwrap_or_default();
                if fields.is_empty() {
                    return Err(value_error(
                        "notify.whatsapp.fields",
                        "missing: the body's fields, as { phone = \"{digits}\", message = \"{text}\" }",
                    ));
                }
                (
                    url(None)?,
                    format,
                    Vec::new(),
                    fields.into_iter().collect(),
                    self.ok_field.clone(),
                )
            }
            other => {
                return Err(value_error(
                    "notify.whatsapp.preset",
                    format!("{other:?}: waha, fonnte, wablas or custom"),
                ));
            }
        };
        // What is given over a preset's: headers added, fields replaced.
        if preset != "custom" {
            for (k, v) in self.fields.unwrap_or_default() {
                fields.retain(|(name, _)| *name != k);
                fields.push((k, v));
            }
        }
        for (k, v) in self.headers.unwrap_or_default() {
            headers.retain(|(name, _)| !name.eq_ignore_ascii_case(&k));
            headers.push((k, v));
        }
        for (name, template) in &fields {
            check_template(
                &format!("notify.whatsapp.fields.{name}"),
                template,
                &PLACEHOLDERS,
            )?;
        }
        for (name, value) in &headers {
            let key = format!("notify.whatsapp.headers.{name}");
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(value_error(&key, "not a header name"));
            }
            check_template(&key, value, &["token"])?;
            if value.contains("{token}") && token.is_none() {
                return Err(value_error(
                    "notify.whatsapp.token",
                    format!("missing: {key} uses {{token}} (or set PANTAU_WHATSAPP_TOKEN)"),
                ));
            }
        }
        if !fields
            .iter()
            .any(|(_, t)| t.contains("{number}") || t.contains("{digits}"))
        {
            return Err(value_error(
                "notify.whatsapp.fields",
                "no field holds the number ({number} or {digits})",
            ));
        }
        let method = match self.method.as_deref().map(str::trim) {
            None => reqwest::Method::POST,
            Some(m) if m.eq_ignore_ascii_case("post") => reqwest::Method::POST,
            Some(m) if m.eq_ignore_ascii_case("put") => reqwest::Method::PUT,
            Some(other) => {
                return Err(value_error(
                    "notify.whatsapp.method",
                    format!("{other:?}: POST or PUT"),
                ));
            }
        };
        Ok(WhatsappSettings {
            preset,
            url,
            method,
            headers,
            token: token.map(SecretString::from),
            format,
            fields,
            ok_field,
        })
    }
}

/// The push services of today's browsers: Chrome and Android (FCM), Firefox, Edge, Safari.
pub const KNOWN_PUSH_SERVICES: [&str; 5] = [
    "https://fcm.googleapis.com",
    "https://updates.push.services.mozilla.com",
    "https://*.notify.windows.com",
    "https://web.push.apple.com",
    "https://*.push.apple.com",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushFile {
    pub subject: Option<String>,
    /// The push services subscriptions may point at; default [`KNOWN_PUSH_SERVICES`].
    pub services: Option<Vec<String>>,
    pub ttl_hours: Option<u64>,
}

impl PushFile {
    pub fn resolve(self) -> Result<PushSettings, ConfigError> {
        let subject = self.subject.map(|s| s.trim().to_owned()).ok_or_else(|| {
            value_error(
                "notify.push.subject",
                "missing: a contact for the push services, as \"mailto:it@diskominfo.example.go.id\"",
            )
        })?;
        let subject_ok = subject
            .strip_prefix("mailto:")
            .is_some_and(|a| a.contains('@') && !a.contains(char::is_whitespace))
            || subject.starts_with("https://") && url::Url::parse(&subject).is_ok();
        if !subject_ok {
            return Err(value_error(
                "notify.push.subject",
                format!("{subject:?}: a mailto: or https: address"),
            ));
        }
        let services = match self.services {
            None => KNOWN_PUSH_SERVICES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            Some(list) => list
                .iter()
                .map(|raw| {
                    let plain = raw.replace("://*.", "://wildcard.");
                    super::web_url("notify.push.services", &plain)
                        .map(|u| u.replace("://wildcard.", "://*."))
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        if services.is_empty() {
            return Err(value_error(
                "notify.push.services",
                "empty: no browser could subscribe",
            ));
        }
        let ttl_hours = self.ttl_hours.unwrap_or(24);
        if !(1..=24 * 28).contains(&ttl_hours) {
            return Err(value_error("notify.push.ttl_hours", "between 1 and 672"));
        }
        Ok(PushSettings {
            subject,
            services,
            ttl: Duration::from_secs(ttl_hours * 3600),
        })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookFile {
    pub url: Option<String>,
    pub secret: Option<String>,
    pub events: Option<Vec<String>>,
}

impl WebhookFile {
    pub fn resolve(self, n: usize) -> Result<WebhookSettings, ConfigError> {
        let key = |k: &str| format!("notify.webhook[{n}].{k}");
        let url = self
            .url
            .ok_or_else(|| value_error(&key("url"), "missing: where to post"))?;
        let url = super::web_url(&key("url"), &url)?;
        let secret = self.secret.unwrap_or_default();
        if secret.trim().chars().count() < 16 {
            return Err(value_error(
                &key("secret"),
                "missing or shorter than 16 characters: the key the receiver checks the signature with",
            ));
        }
        let events = match self.events {
            None => EVENT_KINDS.iter().map(|k| (*k).to_owned()).collect(),
            Some(list) => {
                if let Some(bad) = list.iter().find(|e| !EVENT_KINDS.contains(&e.as_str())) {
                    return Err(value_error(
                        &key("events"),
                        format!("{bad:?}: the kinds are {}", EVENT_KINDS.join(", ")),
                    ));
                }
                list
            }
        };
        Ok(WebhookSettings {
            url,
            secret: SecretString::from(secret.trim().to_owned()),
            events,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::notify::NotifyFile;

    fn error(text: &str) -> String {
        #[derive(serde::Deserialize)]
        struct Top {
            notify: NotifyFile,
        }
        toml::from_str::<Top>(text)
            .expect("valid TOML")
            .notify
            .resolve()
            .unwrap_err()
            .to_string()
    }

    fn settings(text: &str) -> crate::notify::NotifySettings {
        #[derive(serde::Deserialize)]
        struct Top {
            notify: NotifyFile,
        }
        toml::from_str::<Top>(text)
            .expect("valid TOML")
            .notify
            .resolve()
            .unwrap()
    }

    #[test]
    fn each_channel_section_turns_its_channel_on_with_sensible_defaults() {
        let s = settings(
            "[notify.email]\nhost = \"mail.example.go.id\"\nfrom = \"Pantau <pantau@example.go.id>\"\n\
             [notify.whatsapp]\npreset = \"waha\"\nurl = \"http://127.0.0.1:3000\"\n\
             [notify.push]\nsubject = \"mailto:it@example.go.id\"\n\
             [[notify.webhook]]\nurl = \"https://bot.example.go.id/pantau\"\nsecret = \"0123456789abcdef\"\n",
        );
        let email = s.email.unwrap();
        assert_eq!(
            (email.port, email.security),
            (587, crate::notify::config::SmtpSecurity::StartTls)
        );
        let wa = s.whatsapp.unwrap();
        assert_eq!(wa.url, "http://127.0.0.1:3000/api/sendText");
        assert_eq!(
            wa.fields[1],
            ("chatId".to_owned(), "{digits}@c.us".to_owned())
        );
        assert!(
            s.push
                .unwrap()
                .services
                .iter()
                .any(|u| u == "https://fcm.googleapis.com")
        );
        assert_eq!(s.webhooks[0].events.len(), 5);
    }

    #[test]
    fn a_bad_channel_setting_stops_the_start_with_the_key_named() {
        let cases = [
            (
                "[notify.email]\nfrom = \"a@b.id\"",
                "notify.email.host: missing",
            ),
            (
                "[notify.email]\nhost = \"m:25\"\nfrom = \"a@b.id\"",
                "notify.email.host:",
            ),
            ("[notify.email]\nhost = \"m\"", "notify.email.from: missing"),
            (
                "[notify.email]\nhost = \"m\"\nfrom = \"not an address\"",
                "notify.email.from:",
            ),
            (
                "[notify.email]\nhost = \"m\"\nfrom = \"a@b.id\"\nsecurity = \"ssl\"",
                "notify.email.security:",
            ),
            (
                "[notify.email]\nhost = \"m\"\nfrom = \"a@b.id\"\nusername = \"u\"",
                "notify.email.password:",
            ),
            (
                "[notify.email]\nhost = \"m\"\nfrom = \"a@b.id\"\nusername = \"u\"\npassword = \"p\"\nsecurity = \"none\"",
                "notify.email.security:",
            ),
            (
                "[notify.whatsapp]\npreset = \"twilio\"",
                "notify.whatsapp.preset:",
            ),
            (
                "[notify.whatsapp]\npreset = \"fonnte\"",
                "notify.whatsapp.token: missing",
            ),
            (
                "[notify.whatsapp]\npreset = \"waha\"",
                "notify.whatsapp.url: missing",
            ),
            (
                "[notify.whatsapp]\npreset = \"waha\"\nurl = \"waha:3000\"",
                "notify.whatsapp.url:",
            ),
            (
                "[notify.whatsapp]\nurl = \"http://gw\"",
                "notify.whatsapp.fields: missing",
            ),
            (
                "[notify.whatsapp]\nurl = \"http://gw\"\nfields = { to = \"{phone}\" }",
                "notify.whatsapp.fields.to: {phone} is not a placeholder",
            ),
            (
                "[notify.whatsapp]\nurl = \"http://gw\"\nfields = { text = \"{text}\" }",
                "notify.whatsapp.fields: no field holds the number",
            ),
            (
                "[notify.whatsapp]\nurl = \"http://gw\"\nfields = { to = \"{digits}\" }\nheaders = { Authorization = \"{token}\" }",
                "notify.whatsapp.token: missing",
            ),
            (
                "[notify.push]\nservices = []",
                "notify.push.subject: missing",
            ),
            (
                "[notify.push]\nsubject = \"it@example\"",
                "notify.push.subject:",
            ),
            (
                "[notify.push]\nsubject = \"mailto:a@b\"\nservices = []",
                "notify.push.services: empty",
            ),
            (
                "[[notify.webhook]]\nsecret = \"0123456789abcdef\"",
                "notify.webhook[0].url: missing",
            ),
            (
                "[[notify.webhook]]\nurl = \"https://x.id\"\nsecret = \"short\"",
                "notify.webhook[0].secret:",
            ),
            (
                "[[notify.webhook]]\nurl = \"https://x.id\"\nsecret = \"0123456789abcdef\"\nevents = [\"moved\"]",
                "notify.webhook[0].events:",
            ),
        ];
        for (text, expected) in cases {
            let got = error(text);
            assert!(
                got.starts_with(expected),
                "{text}\n→ {got}\nwanted {expected}"
            );
        }
    }

    #[test]
    fn a_preset_takes_the_fields_and_headers_given_over_its_own() {
        let wa = settings(
            "[notify.whatsapp]\npreset = \"fonnte\"\ntoken = \"abc\"\nfields = { countryCode = \"62\" }\n",
        )
        .whatsapp
        .unwrap();
        assert_eq!(wa.url, "https://api.fonnte.com/send");
        assert_eq!(wa.format, crate::notify::config::BodyFormat::Form);
        assert!(
            wa.fields
                .contains(&("countryCode".to_owned(), "62".to_owned()))
        );
        assert!(
            wa.fields
                .contains(&("target".to_owned(), "{digits}".to_owned()))
        );
        assert_eq!(wa.ok_field.as_deref(), Some("status"));
        assert!(
            !format!("{wa:?}").contains("abc"),
            "the token stays out of logs"
        );
    }
}
