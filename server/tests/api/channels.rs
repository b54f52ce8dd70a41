//! Each channel besides Telegram end to end, against a real peer or a stand-in speaking its
//! protocol: e-mail through aiosmtpd (STARTTLS, AUTH), WhatsApp through a gateway's HTTP API
//! (the WAHA and Fonnte presets), signed webhooks, and Web Push to a push service that checks
//! the VAPID signature and decrypts the payload.

use std::time::Duration;

use hmac::Mac;
use pantau::notify::NotifySettings;
use pantau::testing::push::PushService;
use pantau::testing::receiver::Receiver;
use pantau::testing::smtp::SmtpServer;
use pantau::testing::{TestServer, notify_fast};
use pantau_core::api::notify::{DeliveryStatus, MySettings, PushKey};
use pantau_core::domain::{Role, StepId};

use super::notify::{move_to, wait_delivery, working_monday};

const SOON: Duration = Duration::from_secs(3);

/// A Kepala Dinas with this e-mail address and WhatsApp number.
async fn kepala_dinas(server: &TestServer, email: &str, whatsapp: &str) -> reqwest::Client {
    let kadis = server.user("kadis", &[Role::KepalaDinas]).await;
    let res = kadis
        .put(server.url("/api/notify/me"))
        .json(&serde_json::json!({ "email": email, "whatsapp": whatsapp }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    kadis
}

/// A card at step 3 in office hours: its letter number and link.
async fn card_at_step_3(server: &TestServer) -> (String, String) {
    server.state.clock.set(working_monday(9, 0));
    let card = server.create(1).await;
    move_to(server, card, StepId::S3).await;
    let letter = server
        .card(card)
        .await
        .request
        .letter_number
        .as_str()
        .to_owned();
    (letter, format!("{}/kartu/{}", server.base, card.0))
}

async fn with(settings: NotifySettings) -> TestServer {
    TestServer::sqlite_configured(|c| c.notify = settings).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_reaches_the_kepala_dinas_through_a_mail_server_requiring_starttls_and_auth() {
    let smtp = SmtpServer::start(true).await;
    let server = with(NotifySettings {
        email: Some(smtp.settings()),
        ..notify_fast()
    })
    .await;
    kepala_dinas(&server, "kadis@singkawangkota.go.id", "").await;
    let (letter, link) = card_at_step_3(&server).await;
    let mail = smtp.wait_for(1, SOON).await;
    assert_eq!(mail.len(), 1, "one message: {mail:?}");
    let m = &mail[0];
    assert_eq!(
        m["rcpt_tos"],
        serde_json::json!(["kadis@singkawangkota.go.id"])
    );
    assert_eq!(m["mail_from"], "pantau@diskominfo.example.go.id");
    assert_eq!(m["tls"], true, "sent after STARTTLS");
    assert_eq!(m["auth_user"], "pantau");
    assert_eq!(m["content_type"], "multipart/alternative");
    let subject = m["subject"].as_str().unwrap();
    assert!(subject.contains("langkah 3"), "{subject}");
    let plain = m["plain"].as_str().unwrap();
    assert!(plain.contains(&letter) && plain.contains(&link), "{plain}");
    let html = m["html"].as_str().unwrap();
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    assert!(html.contains("Buka kartu"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_server_that_is_down_is_retried_and_the_message_delivered_once() {
    let port = pantau::testing::free_port();
    let smtp = SmtpServer::start_on(port, false).await;
    let server = with(NotifySettings {
        email: Some(smtp.settings()),
        ..notify_fast()
    })
    .await;
    smtp.stop().await;
    kepala_dinas(&server, "kadis@singkawangkota.go.id", "").await;
    card_at_step_3(&server).await;
    let failing = wait_delivery(&server, |d| d.attempts >= 2 && d.moment == "arrived").await;
    assert_eq!(failing.status, DeliveryStatus::Pending, "still to be tried");
    assert!(failing.last_error.is_some(), "{failing:?}");
    let smtp = SmtpServer::start_on(port, false).await;
    assert_eq!(smtp.wait_for(1, Duration::from_secs(5)).await.len(), 1);
    let sent = wait_delivery(&server, |d| d.status == DeliveryStatus::Sent).await;
    assert!(sent.attempts >= 3, "{sent:?}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.messages().len(), 1, "delivered once");
}

/// `[notify.whatsapp]` as an admin writes it, through the real parser.
fn whatsapp(toml: &str) -> pantau::notify::config::WhatsappSettings {
    #[derive(serde::Deserialize)]
    struct Top {
        whatsapp: pantau::config::channels::WhatsappFile,
    }
    toml::from_str::<Top>(toml)
        .unwrap()
        .whatsapp
        .resolve()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_waha_preset_sends_the_number_and_text_as_waha_wants_them() {
    let gateway = Receiver::start().await;
    let settings = whatsapp(&format!(
        "[whatsapp]\npreset = \"waha\"\nurl = \"{}\"\ntoken = \"kunci-waha\"\nsession = \"kominfo\"\n",
        gateway.url
    ));
    let server = with(NotifySettings {
        whatsapp: Some(settings),
        ..notify_fast()
    })
    .await;
    kepala_dinas(&server, "", "0812 3456 7890").await;
    let (letter, link) = card_at_step_3(&server).await;
    let got = gateway.wait_for(1, SOON).await;
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/api/sendText")
    );
    assert_eq!(r.header("x-api-key"), Some("kunci-waha"));
    let body = r.json();
    assert_eq!(body["session"], "kominfo");
    assert_eq!(body["chatId"], "6281234567890@c.us");
    let text = body["text"].as_str().unwrap();
    assert!(text.contains(&letter) && text.contains(&link), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fonnte_preset_posts_a_form_and_a_refusal_in_a_200_is_retried() {
    let gateway = Receiver::start().await;
    gateway.answer_with(r#"{"status":false,"reason":"device disconnected"}"#);
    let settings = whatsapp(&format!(
        "[whatsapp]\npreset = \"fonnte\"\nurl = \"{}/send\"\ntoken = \"token-fonnte\"\n",
        gateway.url
    ));
    let server = with(NotifySettings {
        whatsapp: Some(settings),
        ..notify_fast()
    })
    .await;
    kepala_dinas(&server, "", "+62 812 3456 7890").await;
    card_at_step_3(&server).await;
    let failing = wait_delivery(&server, |d| d.attempts >= 1 && d.moment == "arrived").await;
    assert_eq!(failing.status, DeliveryStatus::Pending);
    assert!(
        failing
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("device disconnected"),
        "{failing:?}"
    );
    gateway.answer_with(r#"{"status":true,"detail":"success! message in queue"}"#);
    let sent = wait_delivery(&server, |d| d.status == DeliveryStatus::Sent).await;
    assert!(sent.attempts >= 2);
    let r = gateway.received().pop().unwrap();
    assert_eq!(r.path, "/send");
    assert_eq!(r.header("authorization"), Some("token-fonnte"));
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/x-www-form-urlencoded")
    );
    let form = r.form();
    assert!(
        form.contains(&("target".into(), "6281234567890".into())),
        "{form:?}"
    );
    assert!(
        form.iter()
            .any(|(k, v)| k == "message" && v.contains("langkah 3"))
    );
}

fn webhook(url: &str, events: &[&str]) -> pantau::notify::config::WebhookSettings {
    pantau::notify::config::WebhookSettings {
        url: url.to_owned(),
        secret: "rahasia-webhook-uji-123".to_owned().into(),
        events: events.iter().map(|e| (*e).to_owned()).collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_is_signed_retried_through_an_outage_and_sent_only_its_kinds() {
    let all = Receiver::start().await;
    let breaches = Receiver::start().await;
    all.fail_next(2);
    let server = with(NotifySettings {
        webhooks: vec![
            webhook(
                &format!("{}/pantau", all.url),
                &["arrived", "warning", "breached", "escalated"],
            ),
            webhook(&breaches.url, &["breached"]),
        ],
        ..notify_fast()
    })
    .await;
    let (letter, link) = card_at_step_3(&server).await;
    // One post per arrival (steps 2 and 3), whoever else is told; the first two tries fail.
    let got = all.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 2, "{got:?}");
    let r = got
        .iter()
        .find(|r| r.json()["text"].as_str().unwrap().contains("langkah 3"))
        .unwrap();
    assert_eq!(r.path, "/pantau");
    let body = r.json();
    assert_eq!(body["event"], "arrived");
    assert_eq!(body["link"], link.as_str());
    assert!(body["text"].as_str().unwrap().contains(&letter));
    // The receiver's check: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret.
    let timestamp = r.header("x-pantau-timestamp").unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"rahasia-webhook-uji-123").unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&r.body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        r.header("x-pantau-signature"),
        Some(format!("sha256={expected}").as_str())
    );
    // Retried with the same delivery id: a receiver can drop a repeat.
    assert_eq!(all.received().len(), 4, "2 failures + 2 deliveries");
    let first_try = &all.received()[0];
    let same = all
        .delivered()
        .iter()
        .any(|d| d.header("x-pantau-delivery") == first_try.header("x-pantau-delivery"));
    assert!(same, "the retry carries the first try's delivery id");
    // The breach-only webhook heard nothing of arrivals; at the breach it hears once.
    assert!(breaches.received().is_empty());
    server.state.clock.advance(chrono::Duration::minutes(31));
    let b = breaches.wait_for(1, SOON).await;
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].json()["event"], "breached");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(breaches.received().len(), 1, "once");
}

async fn push_server(service: &PushService, postgres: bool) -> Option<TestServer> {
    let settings = NotifySettings {
        push: Some(service.settings()),
        ..notify_fast()
    };
    if postgres {
        TestServer::postgres_configured(|c| c.notify = settings).await
    } else {
        Some(TestServer::sqlite_configured(|c| c.notify = settings).await)
    }
}

async fn web_push_reaches_every_browser_encrypted_and_signed(postgres: bool) {
    let service = PushService::start().await;
    let Some(server) = push_server(&service, postgres).await else {
        return;
    };
    let kadis = kepala_dinas(&server, "", "").await;
    let key: PushKey = kadis
        .get(server.url("/api/notify/push/key"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(base64_len(&key.key), 65, "an uncompressed P-256 key");
    let (phone, phone_json) = service.subscribe();
    let (laptop, laptop_json) = service.subscribe();
    for json in [&phone_json, &laptop_json] {
        let res = kadis
            .post(server.url("/api/notify/push"))
            .json(json)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    }
    // The same browser again is the same device.
    let res = kadis
        .post(server.url("/api/notify/push"))
        .json(&phone_json)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let me: MySettings = kadis
        .get(server.url("/api/notify/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me.push_devices, 2);
    let (letter, link) = card_at_step_3(&server).await;
    let got = service.wait_for(2, SOON).await;
    assert_eq!(
        got.len(),
        2,
        "both browsers: {got:?} refused: {:?}",
        service.refused()
    );
    for d in &got {
        assert_eq!(d.payload["link"], link.as_str());
        assert!(d.payload["body"].as_str().unwrap().contains(&letter));
        assert!(d.payload["title"].as_str().is_some());
        assert_eq!(d.claims["sub"], "mailto:it@diskominfo.example.go.id");
        assert_eq!(d.ttl, "3600");
    }
    let mut to: Vec<&str> = got.iter().map(|d| d.subscription.as_str()).collect();
    to.sort();
    let mut expected = [phone.as_str(), laptop.as_str()];
    expected.sort();
    assert_eq!(to, expected);
    assert!(service.refused().is_empty(), "{:?}", service.refused());
    // The laptop's browser unsubscribed: the service answers 410 and Pantau forgets it.
    service.drop_subscription(&laptop);
    let res = kadis
        .post(server.url("/api/notify/test"))
        .json(&serde_json::json!({ "channel": "push" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let gone = wait_delivery(&server, |d| {
        d.moment == "test" && d.status == DeliveryStatus::Failed
    })
    .await;
    assert_eq!(gone.last_error.as_deref(), Some("the browser unsubscribed"));
    assert_eq!(
        service.wait_for(3, SOON).await.len(),
        3,
        "the phone got the test"
    );
    let me: MySettings = kadis
        .get(server.url("/api/notify/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me.push_devices, 1);
}

fn base64_len(b64: &str) -> usize {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(b64)
        .map_or(0, |k| k.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_push_reaches_every_browser_encrypted_and_signed_on_sqlite() {
    web_push_reaches_every_browser_encrypted_and_signed(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_push_reaches_every_browser_encrypted_and_signed_on_postgres() {
    web_push_reaches_every_browser_encrypted_and_signed(true).await;
}

async fn a_hostile_subscription_is_refused_by_field_and_nothing_is_kept(postgres: bool) {
    let service = PushService::start().await;
    let Some(server) = push_server(&service, postgres).await else {
        return;
    };
    let kadis = kepala_dinas(&server, "", "").await;
    let (_, good) = service.subscribe();
    let endpoint = good["endpoint"].as_str().unwrap().to_owned();
    let keys = good["keys"].clone();
    let cases = [
        // Aimed at the intranet: a database, the server itself.
        (
            serde_json::json!({ "endpoint": "http://127.0.0.1:5432/", "keys": keys }),
            "endpoint",
        ),
        (
            serde_json::json!({ "endpoint": format!("{}/x", server.base), "keys": keys }),
            "endpoint",
        ),
        (
            serde_json::json!({ "endpoint": format!("{endpoint}\u{0}x"), "keys": keys }),
            "endpoint",
        ),
        (
            serde_json::json!({ "endpoint": format!("{endpoint}{}", "a".repeat(2000)), "keys": keys }),
            "endpoint",
        ),
        (
            serde_json::json!({ "endpoint": "not a url", "keys": keys }),
            "endpoint",
        ),
        (
            serde_json::json!({ "endpoint": endpoint, "keys": { "p256dh": "AAAA", "auth": keys["auth"] } }),
            "keys",
        ),
        (
            serde_json::json!({ "endpoint": endpoint, "keys": { "p256dh": keys["p256dh"], "auth": "c2hvcnQ" } }),
            "keys",
        ),
        (serde_json::json!({ "endpoint": endpoint }), "keys"),
    ];
    for (body, field) in cases {
        let res = kadis
            .post(server.url("/api/notify/push"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "{body}");
        let answer: serde_json::Value = res.json().await.unwrap();
        assert_eq!(answer["error"]["fields"][0]["field"], field, "{answer}");
        assert!(
            answer["error"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains(" / "),
            "both languages: {answer}"
        );
    }
    let res = kadis
        .post(server.url("/api/notify/push"))
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let me: MySettings = kadis
        .get(server.url("/api/notify/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me.push_devices, 0, "nothing kept");
    // Signed out: nothing.
    let res = reqwest::Client::new()
        .post(server.url("/api/notify/push"))
        .json(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_subscription_is_refused_by_field_and_nothing_is_kept_on_sqlite() {
    a_hostile_subscription_is_refused_by_field_and_nothing_is_kept(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_subscription_is_refused_by_field_and_nothing_is_kept_on_postgres() {
    a_hostile_subscription_is_refused_by_field_and_nothing_is_kept(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_mail_password_is_given_up_at_once_with_the_servers_reason() {
    let smtp = SmtpServer::start(true).await;
    let mut settings = smtp.settings();
    settings.password = Some("salah".to_owned().into());
    let server = with(NotifySettings {
        email: Some(settings),
        ..notify_fast()
    })
    .await;
    kepala_dinas(&server, "kadis@singkawangkota.go.id", "").await;
    card_at_step_3(&server).await;
    let failed = wait_delivery(&server, |d| d.status == DeliveryStatus::Failed).await;
    assert_eq!(failed.attempts, 1, "a refusal is not retried: {failed:?}");
    let why = failed.last_error.unwrap();
    assert!(why.contains("refused") && why.contains("535"), "{why}");
    assert!(smtp.messages().is_empty());
}

/// Step 6 confirms the schedule: the applicant's contact number hears it on WhatsApp, and again
/// the day before; the operators hear half an hour before the start. Each once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_schedule_reaches_the_applicant_and_reminds_them_and_the_operators() {
    let gateway = Receiver::start().await;
    let settings = whatsapp(&format!(
        "[whatsapp]\nurl = \"{}/send\"\nfields = {{ to = \"{{digits}}\", text = \"{{text}}\" }}\n",
        gateway.url
    ));
    let server = with(NotifySettings {
        whatsapp: Some(settings),
        ..notify_fast()
    })
    .await;
    let operator = server.user("operator", &[Role::OperatorTcmr]).await;
    let res = operator
        .put(server.url("/api/notify/me"))
        .json(&serde_json::json!({ "whatsapp": "0813 1111 2222" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    server.state.clock.set(working_monday(9, 0));
    let card = server.create(1).await;
    move_to(&server, card, StepId::S7).await;
    let c = server.card(card).await;
    let window = c.schedule.expect("step 6 confirmed a schedule");
    let applicant = c
        .request
        .contact_phone
        .clone()
        .expect("the letter gives a contact number");
    let digits = applicant.as_str().trim_start_matches('+').to_owned();
    let letter = c.request.letter_number.as_str().to_owned();
    let to = |who: &str| -> Vec<String> {
        gateway
            .delivered()
            .iter()
            .map(|r| r.json())
            .filter(|b| b["to"] == who)
            .map(|b| b["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let wait = |who: String, part: &'static str| {
        let to = &to;
        async move {
            for _ in 0..60 {
                if let Some(t) = to(&who).into_iter().find(|t| t.contains(part)) {
                    return t;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            panic!("no {part:?} to {who}: {:?}", to(&who));
        }
    };
    let reply = wait(digits.clone(), "dikonfirmasi").await;
    assert!(reply.contains(&letter) && reply.contains("WIB"), "{reply}");
    let entered = c.current_visit().unwrap().entered;
    if entered < window.start - chrono::Duration::hours(24) {
        server
            .state
            .clock
            .set(window.start - chrono::Duration::hours(24) + chrono::Duration::minutes(1));
        let reminder = wait(digits.clone(), "besok").await;
        assert!(reminder.contains(&letter), "{reminder}");
    }
    server
        .state
        .clock
        .set(window.start - chrono::Duration::minutes(29));
    let soon = wait("6281311112222".into(), "segera mulai").await;
    assert!(soon.contains(&letter), "{soon}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        to(&digits)
            .iter()
            .filter(|t| t.contains("dikonfirmasi"))
            .count(),
        1
    );
    assert_eq!(
        to("6281311112222")
            .iter()
            .filter(|t| t.contains("segera mulai"))
            .count(),
        1
    );
}

/// A letter that gives an e-mail address: the applicant's reply reaches it through the mail
/// server too (beside the contact number's WhatsApp, which is off here), once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_schedule_reaches_the_applicants_email_address_when_the_letter_gives_one() {
    let smtp = SmtpServer::start(false).await;
    let server = with(NotifySettings {
        email: Some(smtp.settings()),
        ..notify_fast()
    })
    .await;
    server.state.clock.set(working_monday(9, 0));
    let card = server
        .create_with(1, |r| {
            r.contact_email = " humas@dishub.singkawangkota.go.id ".into()
        })
        .await;
    move_to(&server, card, StepId::S7).await;
    let c = server.card(card).await;
    assert_eq!(
        c.request.contact_email.as_ref().map(|e| e.as_str()),
        Some("humas@dishub.singkawangkota.go.id")
    );
    let mail = smtp.wait_for(1, SOON).await;
    let to_applicant: Vec<_> = mail
        .iter()
        .filter(|m| m["rcpt_tos"] == serde_json::json!(["humas@dishub.singkawangkota.go.id"]))
        .collect();
    assert_eq!(to_applicant.len(), 1, "{mail:?}");
    let plain = to_applicant[0]["plain"].as_str().unwrap();
    assert!(
        plain.contains("dikonfirmasi") && plain.contains(c.request.letter_number.as_str()),
        "{plain}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.messages().len(), mail.len(), "nothing twice");
}
