//! E-mail over SMTP (lettre): STARTTLS, TLS or, for a relay on the same network, plain; a
//! plain-text and an HTML body with the link.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use pantau_core::i18n::Lang;
use pantau_core::i18n::notify::Message;
use secrecy::ExposeSecret;

use super::channel::{SendError, clip, html};
use super::config::{EmailSettings, SmtpSecurity};

#[derive(Clone)]
pub struct Email {
    from: Mailbox,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Email").field("from", &self.from).finish()
    }
}

impl Email {
    /// The transport of `s` (no connection is made until the first message).
    pub fn new(s: &EmailSettings, timeout: Duration) -> Result<Email, String> {
        let tls = |s: &EmailSettings| -> Result<TlsParameters, String> {
            let mut builder = TlsParameters::builder(s.host.clone());
            if let Some(pem) = &s.ca_pem {
                let cert = Certificate::from_pem(pem).map_err(|e| e.to_string())?;
                builder = builder.add_root_certificate(cert);
            }
            builder.build_rustls().map_err(|e| e.to_string())
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.as_str())
            .port(s.port)
            .timeout(Some(timeout))
            .tls(match s.security {
                SmtpSecurity::StartTls => Tls::Required(tls(s)?),
                SmtpSecurity::Tls => Tls::Wrapper(tls(s)?),
                SmtpSecurity::None => Tls::None,
            });
        if let (Some(user), Some(password)) = (&s.username, &s.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        Ok(Email {
            from: s
                .from
                .parse()
                .map_err(|e: lettre::address::AddressError| e.to_string())?,
            transport: builder.build(),
        })
    }

    pub async fn send(&self, to: &str, m: &Message) -> Result<(), SendError> {
        let to: Mailbox = to
            .parse()
            .map_err(|_| SendError::Permanent("not an e-mail address".into()))?;
        let open = match m.lang {
            Lang::Id => "Buka kartu",
            Lang::En => "Open the card",
        };
        let plain = format!("{}\n\n{}\n\n{open}: {}\n", m.title, m.body, m.link);
        let page = format!(
            "<!doctype html><html lang=\"{lang}\"><body style=\"font-family:sans-serif\">\
             <p><strong>{title}</strong></p><p>{body}</p>\
             <p><a href=\"{link}\" style=\"display:inline-block;padding:10px 16px;background:#0b5cad;color:#fff;text-decoration:none;border-radius:4px\">{open}</a></p>\
             <p style=\"color:#555;font-size:12px\">{link}</p></body></html>",
            lang = m.lang.tag(),
            title = html(&m.title),
            body = html(&m.body),
            link = html(&m.link),
        );
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&m.title)
            .multipart(MultiPart::alternative_plain_html(plain, page))
            .map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(format!(
                "the mail server refused it: {}",
                clip(&e.to_string())
            ))),
            Err(e) => Err(SendError::retry(format!(
                "the mail server: {}",
                clip(&e.to_string())
            ))),
        }
    }
}
