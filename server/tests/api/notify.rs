//! Notifications end to end: a real server (SQLite and PostgreSQL) and a stand-in of Telegram's
//! Bot API that speaks its HTTP/JSON. The SLA clock is driven through the server's clock, never
//! by sleeping through a standard.

use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc, Weekday};
use pantau::testing::telegram::TelegramStandIn;
use pantau::testing::{TestServer, notify_with};
use pantau_core::api::notify::{Delivery, DeliveryStatus, MySettings};
use pantau_core::domain::{CardId, Role, SlaConfig, StepId};

use pantau_core::api::sync::PushResult;

const KADIS: i64 = 301;
const KABID: i64 = 302;
const TU: i64 = 303;
const OPERATOR: i64 = 304;

macro_rules! with_telegram_on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let bot = TelegramStandIn::start().await;
                let server = TestServer::sqlite_configured(|c| c.notify = notify_with(&bot)).await;
                super::$name(bot, server).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let bot = TelegramStandIn::start().await;
                let Some(server) =
                    TestServer::postgres_configured(|c| c.notify = notify_with(&bot)).await
                else {
                    return;
                };
                super::$name(bot, server).await;
            }
        }
    )*};
}

with_telegram_on_both_backends!(
    kepala_dinas_is_told_on_telegram_within_2_s_when_a_card_reaches_step_3,
    warning_breach_and_escalation_follow_the_driven_sla_clock,
    an_office_hours_step_after_closing_fires_nothing_until_the_office_opens,
    a_telegram_outage_is_retried_and_the_message_delivered_once,
    a_chat_telegram_refuses_is_given_up_at_once_and_an_admin_can_resend_it,
    bad_settings_are_refused_field_by_field_and_nothing_is_stored,
    quiet_hours_and_a_closed_office_hold_arrivals_until_they_end,
);

/// The next Monday (after tomorrow) that is a working day, with its Tuesday, at `h:m` WIB.
pub(crate) fn working_monday(h: u32, m: u32) -> DateTime<Utc> {
    let office = SlaConfig::default().office;
    let mut day: NaiveDate =
        (Utc::now() + chrono::Duration::hours(7)).date_naive() + chrono::Duration::days(2);
    while day.weekday() != Weekday::Mon
        || office.holidays.contains(&day)
        || office.holidays.contains(&day.succ_opt().unwrap())
    {
        day = day.succ_opt().unwrap();
    }
    let local = day.and_hms_opt(h, m, 0).unwrap();
    Utc.from_utc_datetime(&(local - chrono::Duration::hours(7)))
}

/// Completes the card's steps until it stands at `step`.
pub(crate) async fn move_to(server: &TestServer, card: CardId, step: StepId) {
    while server.card(card).await.current_step() != Some(step) {
        let result = server.push_one(server.next_move(card).await).await;
        assert!(matches!(result, PushResult::Accepted { .. }), "{result:?}");
    }
}

const SOON: Duration = Duration::from_secs(2);

async fn kepala_dinas_is_told_on_telegram_within_2_s_when_a_card_reaches_step_3(
    bot: TelegramStandIn,
    server: TestServer,
) {
    // In office hours: an arrival outside them waits for the office to open.
    server.state.clock.set(working_monday(9, 0));
    server
        .telegram_user(&bot, "kadis", &[Role::KepalaDinas], KADIS)
        .await;
    let tu = server.telegram_user(&bot, "staf.tu", &[Role::Tu], TU).await;
    let card = server.create(1).await;
    let letter = server
        .card(card)
        .await
        .request
        .letter_number
        .as_str()
        .to_owned();
    // TU hears of the new letter at step 2; the Kepala Dinas does not yet.
    bot.wait_for(TU, "menunggu Anda di langkah 2", SOON)
        .await
        .expect("TU is told");
    // A letter TU registers himself: he is not told of what he just did.
    let own = pantau_core::domain::demo::demo_card_id(90);
    let request = pantau_core::domain::demo::sample_request(90, server.state.clock.now(), 5);
    let own_letter = request.letter_number.clone();
    let res = tu
        .post(server.url("/api/sync/push"))
        .json(
            &serde_json::json!({ "mutations": [pantau::testing::envelope(
            Role::Tu,
            pantau_core::domain::Mutation::CreateRequest { card: own, request },
        )] }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let started = std::time::Instant::now();
    move_to(&server, card, StepId::S3).await;
    let text = bot
        .wait_for(KADIS, "menunggu Anda di langkah 3", SOON)
        .await
        .expect("the Kepala Dinas is told within 2 s");
    println!(
        "step 3 reached → Telegram message in {:?}",
        started.elapsed()
    );
    assert!(text.contains(&letter), "{text}");
    assert!(
        text.contains("dari Dishub") || text.contains("dari "),
        "{text}"
    );
    assert!(text.contains("sisa 30 mnt"), "{text}");
    assert!(
        text.contains(&format!("{}/kartu/{}", server.base, card.0)),
        "the link opens the card: {text}"
    );
    // Once: a second look, a note, a redraw are no new arrival.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(bot.count(KADIS, "langkah 3"), 1);
    assert_eq!(bot.count(TU, "menunggu Anda"), 1);
    assert_eq!(
        bot.count(TU, &own_letter),
        0,
        "not told of his own registration"
    );
}

async fn warning_breach_and_escalation_follow_the_driven_sla_clock(
    bot: TelegramStandIn,
    server: TestServer,
) {
    let clock = server.state.clock.clone();
    clock.set(working_monday(9, 0));
    server
        .telegram_user(&bot, "kadis", &[Role::KepalaDinas], KADIS)
        .await;
    server
        .telegram_user(&bot, "kabid", &[Role::KabidAptika], KABID)
        .await;
    let card = server.create(2).await;
    move_to(&server, card, StepId::S4).await;
    bot.wait_for(KABID, "menunggu Anda di langkah 4", SOON)
        .await
        .expect("arrival");
    let kadis_before = bot.texts_to(KADIS).len();

    // 23 of step 4's 30 minutes: nothing yet. 24 (80 %): the Kabid Aptika is warned.
    clock.advance(chrono::Duration::minutes(23));
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(!bot.texts_to(KABID).iter().any(|t| t.contains("Peringatan")));
    clock.advance(chrono::Duration::minutes(1));
    let warning = bot
        .wait_for(KABID, "Peringatan", SOON)
        .await
        .expect("warned at 80 %");
    assert!(warning.contains("sisa 6 mnt"), "{warning}");
    assert_eq!(
        bot.texts_to(KADIS).len(),
        kadis_before,
        "the supervisor hears nothing of a warning"
    );

    // 30 minutes: breached; the Kepala Dinas, step 4's supervisor, is told who is late.
    clock.advance(chrono::Duration::minutes(6));
    bot.wait_for(KABID, "Terlambat", SOON)
        .await
        .expect("breach to the performer");
    let escalation = bot
        .wait_for(KADIS, "Eskalasi", SOON)
        .await
        .expect("escalated at the breach");
    assert!(
        escalation.contains("· waktu habis, menunggu Kabid Aptika (")
            && escalation.contains("kabid"),
        "{escalation}"
    );
    // Twice the standard: told again, by how late it is.
    clock.advance(chrono::Duration::minutes(30));
    let again = bot
        .wait_for(KADIS, "terlambat 30 mnt", SOON)
        .await
        .expect("escalated again at 200 %");
    assert!(again.contains("Eskalasi"), "{again}");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(bot.count(KABID, "Peringatan"), 1, "each once");
    assert_eq!(bot.count(KADIS, "Eskalasi"), 2);
}

async fn an_office_hours_step_after_closing_fires_nothing_until_the_office_opens(
    bot: TelegramStandIn,
    server: TestServer,
) {
    let clock = server.state.clock.clone();
    // Monday 15:50 WIB: 10 minutes of step 4 count before 16:00.
    clock.set(working_monday(15, 50));
    server
        .telegram_user(&bot, "kabid", &[Role::KabidAptika], KABID)
        .await;
    let card = server.create(3).await;
    move_to(&server, card, StepId::S4).await;
    bot.wait_for(KABID, "menunggu Anda di langkah 4", SOON)
        .await
        .expect("arrival");
    // The evening and the night: the clock stands still, nothing comes.
    clock.set(working_monday(22, 0));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    clock.advance(chrono::Duration::hours(9) + chrono::Duration::minutes(43)); // Tue 07:43
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(
        !bot.texts_to(KABID).iter().any(|t| t.contains("Peringatan")),
        "{:?}",
        bot.texts_to(KABID)
    );
    // Tuesday 07:44: 24 counted minutes.
    clock.advance(chrono::Duration::minutes(1));
    bot.wait_for(KABID, "Peringatan", SOON)
        .await
        .expect("warned once the office is open");
}

async fn a_telegram_outage_is_retried_and_the_message_delivered_once(
    bot: TelegramStandIn,
    server: TestServer,
) {
    // In office hours: an arrival outside them waits for the office to open.
    server.state.clock.set(working_monday(9, 0));
    server
        .telegram_user(&bot, "kadis", &[Role::KepalaDinas], KADIS)
        .await;
    bot.fail_next(3);
    let card = server.create(4).await;
    move_to(&server, card, StepId::S3).await;
    bot.wait_for(KADIS, "langkah 3", Duration::from_secs(10))
        .await
        .expect("delivered after the outage");
    // A rate limit: its retry_after is waited for.
    bot.limit_next(1);
    let other = server.create(5).await;
    move_to(&server, other, StepId::S3).await;
    let letter = server
        .card(other)
        .await
        .request
        .letter_number
        .as_str()
        .to_owned();
    bot.wait_for(KADIS, &letter, Duration::from_secs(10))
        .await
        .expect("delivered after the rate limit");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let threes: Vec<String> = bot
        .texts_to(KADIS)
        .into_iter()
        .filter(|t| t.contains("langkah 3"))
        .collect();
    assert_eq!(threes.len(), 2, "each once: {threes:?}");
    let deliveries: Vec<Delivery> = server.get_json("/api/notify/deliveries").await;
    let first = deliveries
        .iter()
        .find(|d| {
            d.card.as_deref() == Some(&card.0.to_string())
                && d.recipient.as_deref() == Some("kadis")
        })
        .expect("listed");
    assert_eq!(first.status, DeliveryStatus::Sent);
    assert_eq!(first.attempts, 4, "three 502s, then sent");
}

async fn a_chat_telegram_refuses_is_given_up_at_once_and_an_admin_can_resend_it(
    bot: TelegramStandIn,
    server: TestServer,
) {
    // In office hours: an arrival outside them waits for the office to open.
    server.state.clock.set(working_monday(9, 0));
    server
        .telegram_user(&bot, "kadis", &[Role::KepalaDinas], KADIS)
        .await;
    // The person blocked the bot since: Telegram refuses the chat.
    bot.refuse(KADIS);
    let card = server.create(6).await;
    move_to(&server, card, StepId::S3).await;
    let failed = wait_delivery(&server, |d| d.status == DeliveryStatus::Failed).await;
    assert_eq!(failed.attempts, 1, "a refusal is not retried");
    assert!(
        failed
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("blocked"),
        "{failed:?}"
    );
    let res = server
        .post(&format!("/api/notify/deliveries/{}/resend", failed.id))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let again = wait_delivery(&server, |d| {
        d.id == failed.id && d.status == DeliveryStatus::Failed && d.attempts == 1
    })
    .await;
    assert!(again.created_at >= failed.created_at);
    let res = server
        .post("/api/notify/deliveries/99999/resend")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = server
        .post("/api/notify/deliveries/x'--/resend")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // Not for everyone: a Kepala Dinas is no admin.
    let kadis = server.user("kadis2", &[Role::KepalaDinas]).await;
    let res = kadis
        .get(server.url("/api/notify/deliveries"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

pub(crate) async fn wait_delivery(
    server: &TestServer,
    what: impl Fn(&Delivery) -> bool,
) -> Delivery {
    for _ in 0..50 {
        let list: Vec<Delivery> = server.get_json("/api/notify/deliveries").await;
        if let Some(d) = list.into_iter().find(|d| what(d)) {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no such delivery within 5 s");
}

async fn bad_settings_are_refused_field_by_field_and_nothing_is_stored(
    _bot: TelegramStandIn,
    server: TestServer,
) {
    let budi = server.user("budi", &[Role::Tu]).await;
    let put = |body: serde_json::Value| budi.put(server.url("/api/notify/me")).json(&body).send();
    let res = put(serde_json::json!({ "email": "budi@dishub.go.id", "whatsapp": "0812 3456 7890", "quiet_from": "21:00", "quiet_to": "06:00", "muted": ["telegram:warning"] })).await.unwrap();
    assert_eq!(res.status(), 200);
    let stored: MySettings = res.json().await.unwrap();
    assert_eq!(stored.whatsapp.as_deref(), Some("+6281234567890"));
    assert_eq!(stored.quiet_from.as_deref(), Some("21:00"));
    for body in [
        serde_json::json!({ "email": "budi\u{0}@dishub.go.id" }),
        serde_json::json!({ "email": "x".repeat(300) + "@a.id" }),
        serde_json::json!({ "whatsapp": "0562 631234" }),
        serde_json::json!({ "lang": "fr" }),
        serde_json::json!({ "quiet_from": "21:00" }),
        serde_json::json!({ "muted": ["fax:warning"] }),
        serde_json::json!({ "muted": vec!["telegram:warning"; 41] }),
    ] {
        let res = put(body.clone()).await.unwrap();
        assert_eq!(res.status(), 422, "{body}");
        let answer: pantau_core::api::ErrorAnswer = res.json().await.unwrap();
        assert!(!answer.error.fields.is_empty(), "{body}: each field named");
        assert!(!answer.error.text.id.is_empty() && !answer.error.text.en.is_empty());
    }
    for (body, status) in [
        ("{\"email\": 1}", 422),
        ("not json", 400),
        ("{\"colour\": \"red\"}", 422),
    ] {
        let res = budi
            .put(server.url("/api/notify/me"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{body}");
    }
    let now: MySettings = budi
        .get(server.url("/api/notify/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now, stored, "nothing of the refused settings was stored");
    // Signed out: nothing.
    let res = reqwest::Client::new()
        .get(server.url("/api/notify/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

/// Two instances on one PostgreSQL database: every notification is sent once, whichever wrote
/// or sends it; both schedulers see the breach, one message goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_postgres_instances_send_each_notification_once() {
    let bot = TelegramStandIn::start().await;
    let Some(first) = TestServer::postgres_configured(|c| c.notify = notify_with(&bot)).await
    else {
        return;
    };
    let url = first.database_url.clone().unwrap();
    let second = TestServer::on_postgres_configured(url, |c| c.notify = notify_with(&bot)).await;
    let start = working_monday(9, 0);
    first.state.clock.set(start);
    second.state.clock.set(start);
    first
        .telegram_user(&bot, "kadis", &[Role::KepalaDinas], KADIS)
        .await;
    let mut cards = Vec::new();
    for n in 0..6 {
        let server = if n % 2 == 0 { &first } else { &second };
        let card = server.create(10 + n).await;
        move_to(server, card, StepId::S3).await;
        cards.push(card);
    }
    for card in &cards {
        let letter = first
            .card(*card)
            .await
            .request
            .letter_number
            .as_str()
            .to_owned();
        bot.wait_for(KADIS, &letter, Duration::from_secs(5))
            .await
            .expect("each told");
    }
    // Both schedulers pass the warning (80 % of 30 minutes).
    for s in [&first, &second] {
        s.state.clock.advance(chrono::Duration::minutes(25));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let texts = bot.texts_to(KADIS);
    assert_eq!(
        texts.iter().filter(|t| t.contains("menunggu Anda")).count(),
        6,
        "{texts:#?}"
    );
    assert_eq!(
        texts.iter().filter(|t| t.contains("Peringatan")).count(),
        6,
        "{texts:#?}"
    );
    // One reader of the bot's updates for both (Telegram refuses a second getUpdates).
    assert_eq!(bot.most_polling(), 1);
}

async fn quiet_hours_and_a_closed_office_hold_arrivals_until_they_end(
    bot: TelegramStandIn,
    server: TestServer,
) {
    let clock = server.state.clock.clone();
    let night = working_monday(22, 0);
    clock.set(night);
    server
        .telegram_user(&bot, "kadis", &[Role::KepalaDinas], KADIS)
        .await;
    let operator = server
        .telegram_user(&bot, "operator", &[Role::OperatorTcmr], OPERATOR)
        .await;
    let res = operator
        .put(server.url("/api/notify/me"))
        .json(&serde_json::json!({ "quiet_from": "21:00", "quiet_to": "06:00" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // At 22:00 a letter reaches the Kepala Dinas (step 3, office hours) and another the operator
    // (step 5a, around the clock, in the operator's quiet hours).
    let at_3 = server.create(7).await;
    move_to(&server, at_3, StepId::S3).await;
    let at_5a = server.create(8).await;
    move_to(&server, at_5a, StepId::S5a).await;
    let letter_3 = server
        .card(at_3)
        .await
        .request
        .letter_number
        .as_str()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(
        bot.texts_to(KADIS)
            .iter()
            .all(|t| !t.contains("menunggu Anda")),
        "the office is closed"
    );
    assert!(
        bot.texts_to(OPERATOR)
            .iter()
            .all(|t| !t.contains("menunggu Anda")),
        "quiet hours"
    );
    // 06:00: the operator's quiet hours end; the office is still closed.
    clock.set(night + chrono::Duration::hours(8));
    bot.wait_for(OPERATOR, "menunggu Anda di langkah 5a", SOON)
        .await
        .expect("told when the quiet hours end");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        bot.texts_to(KADIS)
            .iter()
            .all(|t| !t.contains("menunggu Anda"))
    );
    // 07:30: the office opens; the Kepala Dinas hears of what waits for him.
    clock.set(night + chrono::Duration::hours(9) + chrono::Duration::minutes(30));
    bot.wait_for(KADIS, &letter_3, SOON)
        .await
        .expect("told when the office opens");
}

/// A camera down for two probes in a row: the operators hear it once, naming the letter at 5a
/// that asked for it; when it answers again, they hear that too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_hear_a_camera_is_down_after_two_failed_probes_and_when_it_is_back() {
    let bot = TelegramStandIn::start().await;
    let server = TestServer::sqlite_configured(|c| {
        c.notify = notify_with(&bot);
        c.cameras = pantau::cameras::probe::ProbeSettings {
            interval: Duration::from_millis(700),
            timeout: Duration::from_secs(1),
            slow: Duration::from_millis(900),
            concurrency: 4,
            network: Vec::new(),
        };
    })
    .await;
    server.state.clock.set(working_monday(9, 0));
    server
        .telegram_user(&bot, "operator", &[Role::OperatorTcmr], OPERATOR)
        .await;
    let card = server.create(1).await;
    move_to(&server, card, StepId::S5a).await;
    let asked = server.card(card).await;
    let name = asked.request.cameras[0].as_str().to_owned();
    let letter = asked.request.letter_number.as_str().to_owned();
    let port = pantau::testing::free_port();
    server
        .add_camera(serde_json::json!({"name": name, "kind": "tcp", "url": format!("tcp://127.0.0.1:{port}")}))
        .await;
    let down = bot
        .wait_for(OPERATOR, "Kamera putus", Duration::from_secs(6))
        .await
        .expect("the operator hears the camera is down");
    assert!(
        down.contains(&name) && down.contains("2 kali berturut-turut"),
        "{down}"
    );
    assert!(
        down.contains(&letter),
        "the letter at 5a that asked for it: {down}"
    );
    assert!(down.contains("/kamera"), "{down}");
    // Still down: no second message.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(bot.count(OPERATOR, "Kamera putus"), 1);
    let _camera = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let back = bot
        .wait_for(OPERATOR, "Kamera pulih", Duration::from_secs(6))
        .await
        .expect("the operator hears it is back");
    assert!(back.contains(&name), "{back}");
}

/// At the office's opening each person hears once what waits for them, the most urgent named;
/// a person with nothing waiting hears nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_morning_digest_at_the_opening_tells_each_person_what_waits_for_them_once() {
    let bot = TelegramStandIn::start().await;
    let server = TestServer::sqlite_configured(|c| {
        c.notify = pantau::notify::NotifySettings {
            digest: true,
            ..notify_with(&bot)
        }
    })
    .await;
    // The evening before: two letters reach the Kepala Dinas, after closing.
    let evening = working_monday(7, 0) - chrono::Duration::hours(60);
    server.state.clock.set(evening);
    server
        .telegram_user(&bot, "kadis", &[Role::KepalaDinas], KADIS)
        .await;
    server
        .telegram_user(&bot, "kabid", &[Role::KabidAptika], KABID)
        .await;
    let mut letters = Vec::new();
    for n in 1..=2 {
        let card = server.create(n).await;
        move_to(&server, card, StepId::S3).await;
        letters.push(
            server
                .card(card)
                .await
                .request
                .letter_number
                .as_str()
                .to_owned(),
        );
    }
    // Monday 07:31: the office opened a minute ago.
    server.state.clock.set(working_monday(7, 31));
    let digest = bot
        .wait_for(
            KADIS,
            "Pagi ini 2 surat menunggu Anda",
            Duration::from_secs(4),
        )
        .await
        .expect("the Kepala Dinas gets the digest");
    assert!(digest.contains("langkah 3: 2"), "{digest}");
    assert!(
        letters
            .iter()
            .any(|l| digest.contains(&format!("Paling mendesak: {l}"))),
        "{digest}"
    );
    // Once, however long the morning.
    server.state.clock.advance(chrono::Duration::minutes(20));
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(bot.count(KADIS, "Pagi ini"), 1);
    assert_eq!(
        bot.count(KABID, "Pagi ini"),
        0,
        "nothing waits for the Kabid"
    );
}
