//! WhatsApp through an HTTP gateway (WAHA, Fonnte, Wablas or any other): one request per
//! message, built from the configured templates. There is no official free WhatsApp API, so
//! Pantau speaks to whatever gateway the office runs or rents.

use std::time::Duration;

use pantau_core::i18n::notify::Message;
use secrecy::ExposeSecret;

use super::channel::{SendError, http_client};
use super::config::{BodyFormat, WhatsappSettings};

#[derive(Clone, Debug)]
pub struct Whatsapp {
    settings: WhatsappSettings,
    http: reqwest::Client,
}

/// `template` with each `{name}` replaced by its value (the names were checked at start).
pub fn render(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + end + 2]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl Whatsapp {
    pub fn new(settings: WhatsappSettings, timeout: Duration) -> Whatsapp {
        Whatsapp {
            settings,
            http: http_client(timeout),
        }
    }

    /// The request's body fields for `number` (`+62…`) and `m`.
    pub fn fields(&self, number: &str, m: &Message) -> Vec<(String, String)> {
        let text = format!("*{}*\n{}\n{}", m.title, m.body, m.link);
        let digits = number.trim_start_matches('+');
        let values = [
            ("number", number),
            ("digits", digits),
            ("text", text.as_str()),
            ("title", m.title.as_str()),
            ("body", m.body.as_str()),
            ("link", m.link.as_str()),
        ];
        self.settings
            .fields
            .iter()
            .map(|(k, t)| (k.clone(), render(t, &values)))
            .collect()
    }

    pub async fn send(&self, number: &str, m: &Message) -> Result<(), SendError> {
        let s = &self.settings;
        let fields = self.fields(number, m);
        let mut req = self.http.request(s.method.clone(), &s.url);
        let token = s.token.as_ref().map(|t| t.expose_secret().to_owned());
        for (name, value) in &s.headers {
            let value = render(value, &[("token", token.as_deref().unwrap_or(""))]);
            req = req.header(name.as_str(), value);
        }
        req = match s.format {
            BodyFormat::Json => {
                let body: serde_json::Map<String, serde_json::Value> = fields
                    .into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect();
                req.json(&body)
            }
            BodyFormat::Form => req.form(&fields),
        };
        let res = req.send().await.map_err(|e| SendError::transport(&e))?;
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(SendError::of_status(status, &text));
        }
        if let Some(field) = &s.ok_field {
            let answer: Option<serde_json::Value> = serde_json::from_str(&text).ok();
            if answer.as_ref().and_then(|a| a.get(field)) == Some(&serde_json::Value::Bool(false)) {
                let why = answer
                    .as_ref()
                    .and_then(|a| a.get("reason").or_else(|| a.get("message")))
                    .and_then(|r| r.as_str())
                    .unwrap_or("no reason given");
                // A disconnected device or a used-up quota mends: tried again until given up.
                return Err(SendError::retry(format!(
                    "the gateway refused it: {}",
                    super::channel::clip(why)
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_takes_each_placeholder_and_leaves_other_braces() {
        let v = [("digits", "6281234"), ("text", "Surat {x}")];
        assert_eq!(render("{digits}@c.us", &v), "6281234@c.us");
        assert_eq!(
            render("{text}!", &v),
            "Surat {x}!",
            "a value is not rendered again"
        );
        assert_eq!(render("{unknown} {", &v), "{unknown} {");
    }
}
