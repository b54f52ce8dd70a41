//! The notifications' handlers: thin, over [`super::store`].

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{NaiveTime, Timelike};
use pantau_core::api::notify::{
    Channel, Delivery, DeliveryStatus, MySettings, PushKey, PushSubscriptionInput, SettingsInput,
    TelegramLink, TestBody,
};
use pantau_core::domain::request::{EmailAddress, Field, PhoneNumber};
use pantau_core::i18n::Lang;
use pantau_core::i18n::notify::test_message;
use serde::Deserialize;

use super::push::BadSubscription;
use super::store::{self, Contacts, NewItem};
use super::{Notifier, telegram};
use crate::auth::guard::{Admin, Staff};
use crate::db::Db;
use crate::error::{ApiError, ApiJson, ApiQuery, FieldText};

const KINDS: [&str; 6] = [
    "arrived",
    "warning",
    "breached",
    "escalated",
    "camera",
    "digest",
];

fn hh_mm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn settings_of(notifier: &Notifier, c: Contacts, push_devices: i64) -> MySettings {
    MySettings {
        push_devices: u32::try_from(push_devices).unwrap_or(0),
        channels: notifier.channels.enabled(),
        telegram: c.telegram_name,
        email: c.email,
        whatsapp: c.whatsapp,
        lang: c.lang.unwrap_or_else(|| "id".into()),
        quiet_from: c.quiet_from.map(hh_mm),
        quiet_to: c.quiet_to.map(hh_mm),
        muted: c.muted,
    }
}

/// `GET /api/notify/me`: the signed-in person's channels and wishes.
pub async fn me(
    State(db): State<Db>,
    State(notifier): State<Notifier>,
    Staff(user): Staff,
) -> Result<Json<MySettings>, ApiError> {
    let contacts = store::contacts(&db, &user.id).await?;
    let devices = store::push_count(&db, &user.id).await?;
    Ok(Json(settings_of(&notifier, contacts, devices)))
}

/// Every field as the person typed it, parsed; each problem named by its field.
fn parse(input: &SettingsInput) -> Result<Contacts, Vec<FieldText>> {
    let mut problems = Vec::new();
    let email = input.email.trim();
    let email = if email.is_empty() {
        None
    } else {
        // The same rule as a letter's contact address (`EmailAddress`).
        let parsed = EmailAddress::parse(Field::ContactEmail, email);
        if parsed.is_err() {
            problems.push(FieldText::new(
                "email",
                "bukan alamat e-mail (nama@instansi.go.id) / not an e-mail address (name@agency.go.id)",
            ));
        }
        parsed.ok().map(|e| e.as_str().to_owned())
    };
    let whatsapp = input.whatsapp.trim();
    let whatsapp = if whatsapp.is_empty() {
        None
    } else {
        match PhoneNumber::parse(whatsapp) {
            Ok(n) if n.as_str().starts_with("+628") => Some(n.as_str().to_owned()),
            _ => {
                problems.push(FieldText::new(
                    "whatsapp",
                    "bukan nomor ponsel (0812 3456 7890 atau +62 812 3456 7890) / not a mobile number (0812 3456 7890 or +62 812 3456 7890)",
                ));
                None
            }
        }
    };
    let lang = match input.lang.trim() {
        "" => Lang::Id,
        tag => Lang::from_tag(tag).unwrap_or_else(|| {
            problems.push(FieldText::new("lang", "pilih id atau en / choose id or en"));
            Lang::Id
        }),
    };
    let time = |field: &str, raw: &str, problems: &mut Vec<FieldText>| -> Option<i64> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        match NaiveTime::parse_from_str(raw, "%H:%M") {
            Ok(t) => Some(i64::from(t.hour()) * 60 + i64::from(t.minute())),
            Err(_) => {
                problems.push(FieldText::new(
                    field,
                    "tulis JJ:MM, mis. 21:00 / write HH:MM, e.g. 21:00",
                ));
                None
            }
        }
    };
    let quiet_from = time("quiet_from", &input.quiet_from, &mut problems);
    let quiet_to = time("quiet_to", &input.quiet_to, &mut problems);
    if quiet_from.is_some() != quiet_to.is_some() {
        let field = if quiet_from.is_some() {
            "quiet_to"
        } else {
            "quiet_from"
        };
        problems.push(FieldText::new(
            field,
            "jam tenang perlu jam mulai dan jam selesai / quiet hours need a start and an end",
        ));
    }
    let mut muted = Vec::new();
    if input.muted.len() > 40 {
        problems.push(FieldText::new(
            "muted",
            "terlalu banyak pilihan / too many choices",
        ));
    }
    for pair in input.muted.iter().take(40) {
        let known = pair.split_once(':').is_some_and(|(channel, kind)| {
            channel.parse::<Channel>().is_ok() && KINDS.contains(&kind)
        });
        if !known {
            let shown: String = pair.chars().filter(|c| !c.is_control()).take(40).collect();
            problems.push(FieldText::new(
                "muted",
                format!("pilihan tidak dikenal: {shown:?} / unknown choice: {shown:?}"),
            ));
        } else if !muted.contains(pair) {
            muted.push(pair.clone());
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Contacts {
        telegram_name: None,
        email,
        whatsapp,
        lang: Some(lang.tag().to_owned()),
        quiet_from,
        quiet_to,
        muted,
    })
}

/// `PUT /api/notify/me`: sets the person's e-mail, WhatsApp number, language, quiet hours and
/// switched-off kinds (422 naming each bad field; nothing is stored then).
pub async fn set_me(
    State(db): State<Db>,
    State(notifier): State<Notifier>,
    Staff(user): Staff,
    ApiJson(input): ApiJson<SettingsInput>,
) -> Result<Json<MySettings>, ApiError> {
    let contacts = parse(&input).map_err(ApiError::Fields)?;
    store::set_contacts(&db, &user.id, &contacts, notifier.clock.now()).await?;
    let stored = store::contacts(&db, &user.id).await?;
    let devices = store::push_count(&db, &user.id).await?;
    Ok(Json(settings_of(&notifier, stored, devices)))
}

fn telegram_off() -> ApiError {
    ApiError::Conflict(
        "Telegram belum diaktifkan di server ini ([notify.telegram] di pantau.toml) / Telegram is not enabled on this server ([notify.telegram] in pantau.toml)"
            .into(),
    )
}

/// `POST /api/notify/telegram/link`: a one-time link (15 minutes) that binds the chat opening it.
pub async fn telegram_link(
    State(db): State<Db>,
    State(notifier): State<Notifier>,
    Staff(user): Staff,
) -> Result<(StatusCode, Json<TelegramLink>), ApiError> {
    let bot = notifier
        .channels
        .telegram
        .as_ref()
        .ok_or_else(telegram_off)?;
    let code = telegram::new_code();
    let expires_at = telegram::code_expiry(&notifier.clock);
    store::add_telegram_code(&db, &user.id, &code, notifier.clock.now(), expires_at).await?;
    Ok((
        StatusCode::CREATED,
        Json(TelegramLink {
            url: format!("https://t.me/{}?start={code}", bot.bot()),
            expires_at,
        }),
    ))
}

/// `DELETE /api/notify/telegram`: no more messages to the bound chat.
pub async fn telegram_unlink(
    State(db): State<Db>,
    State(notifier): State<Notifier>,
    Staff(user): Staff,
) -> Result<StatusCode, ApiError> {
    store::unbind_telegram(&db, &user.id, notifier.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/notify/test`: a test message to oneself on one channel (202: it is in the outbox).
pub async fn test(
    State(db): State<Db>,
    State(notifier): State<Notifier>,
    Staff(user): Staff,
    ApiJson(body): ApiJson<TestBody>,
) -> Result<StatusCode, ApiError> {
    if !notifier.channels.enabled().contains(&body.channel) {
        return Err(ApiError::Conflict(format!(
            "saluran {0} belum diaktifkan di server ini / the {0} channel is not enabled on this server",
            body.channel.as_str()
        )));
    }
    let person = store::recipient_of(&db, &user.id)
        .await?
        .ok_or_else(crate::auth::guard::not_signed_in)?;
    // A webhook is the office's, not a person's: an admin tests every one.
    let addresses: Vec<&str> = match (body.channel, &notifier.channels.webhooks) {
        (Channel::Webhook, Some(hooks)) => {
            if !user.roles.contains(&pantau_core::domain::Role::Admin) {
                return Err(ApiError::Forbidden(
                    "hanya admin yang menguji webhook / only an admin tests the webhooks".into(),
                ));
            }
            hooks.urls().collect()
        }
        (channel, _) => person.addresses(channel),
    };
    if addresses.is_empty() {
        return Err(ApiError::Conflict(format!(
            "belum ada alamat {0} untuk Anda: isi atau hubungkan dulu di Pengaturan / you have no {0} address yet: set or link it in Settings first",
            body.channel.as_str()
        )));
    }
    let now = notifier.clock.now();
    let message = test_message(
        &format!("{}/pengaturan", notifier.planner.base_url),
        person.lang,
    );
    let mut tx = db.begin_write().await?;
    for address in addresses {
        let item = NewItem {
            dedupe_key: format!("test/{}", uuid::Uuid::new_v4()),
            card: None,
            moment: "test".into(),
            user_id: Some(&person.user_id),
            channel: body.channel,
            address,
            message: &message,
            not_before: now,
        };
        store::insert(&mut tx, &item, now).await?;
    }
    tx.commit().await?;
    notifier.wake.notify_one();
    Ok(StatusCode::ACCEPTED)
}

fn push_off() -> ApiError {
    ApiError::Conflict(
        "notifikasi push belum diaktifkan di server ini ([notify.push] di pantau.toml) / push notifications are not enabled on this server ([notify.push] in pantau.toml)"
            .into(),
    )
}

/// `GET /api/notify/push/key`: the key a browser subscribes with.
pub async fn push_key(
    State(db): State<Db>,
    State(notifier): State<Notifier>,
    Staff(_): Staff,
) -> Result<Json<PushKey>, ApiError> {
    let push = notifier.channels.push.as_ref().ok_or_else(push_off)?;
    Ok(Json(PushKey {
        key: push.public_key(&db).await?,
    }))
}

/// `POST /api/notify/push`: this browser gets the person's notifications (201).
pub async fn push_subscribe(
    State(db): State<Db>,
    State(notifier): State<Notifier>,
    Staff(user): Staff,
    headers: axum::http::HeaderMap,
    ApiJson(input): ApiJson<PushSubscriptionInput>,
) -> Result<StatusCode, ApiError> {
    let push = notifier.channels.push.as_ref().ok_or_else(push_off)?;
    let parsed = push.parse(&input.endpoint, &input.keys.p256dh, &input.keys.auth);
    if let Err(why) = parsed {
        let (field, text) = match why {
            BadSubscription::Endpoint => (
                "endpoint",
                "bukan alamat langganan push / not a push subscription's address",
            ),
            BadSubscription::UnknownService => (
                "endpoint",
                "layanan push ini tidak dikenal server (notify.push.services) / this push service is not one the server knows (notify.push.services)",
            ),
            BadSubscription::Keys => (
                "keys",
                "kunci langganan tidak sah / the subscription's keys are not valid",
            ),
        };
        return Err(ApiError::Fields(vec![FieldText::new(field, text)]));
    }
    let agent: String = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    store::add_push_subscription(
        &db,
        &user.id,
        &input.endpoint,
        input.keys.p256dh.trim_end_matches('='),
        input.keys.auth.trim_end_matches('='),
        &agent,
        notifier.clock.now(),
    )
    .await?;
    Ok(StatusCode::CREATED)
}

/// `DELETE /api/notify/push`: this browser no longer gets them (204, also when it did not).
pub async fn push_unsubscribe(
    State(db): State<Db>,
    Staff(user): Staff,
    ApiJson(input): ApiJson<PushSubscriptionInput>,
) -> Result<StatusCode, ApiError> {
    if input.endpoint.len() <= super::push::MAX_ENDPOINT {
        store::remove_push_subscription(&db, &user.id, &input.endpoint).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveriesQuery {
    pub status: Option<DeliveryStatus>,
    pub limit: Option<u32>,
}

/// `GET /api/notify/deliveries` (admin): the newest first, `?status=failed` for one status.
pub async fn deliveries(
    State(db): State<Db>,
    Admin(_): Admin,
    ApiQuery(q): ApiQuery<DeliveriesQuery>,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    Ok(Json(store::deliveries(&db, q.status, limit).await?))
}

/// `POST /api/notify/deliveries/{id}/resend` (admin): sent again, its attempts counted afresh.
pub async fn resend(
    State(db): State<Db>,
    State(notifier): State<Notifier>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: i64 = id.parse().map_err(|_| {
        ApiError::NotFound(format!("tidak ada kiriman {id:.20} / no delivery {id:.20}"))
    })?;
    if !store::resend(&db, id, notifier.clock.now()).await? {
        return Err(ApiError::NotFound(format!(
            "tidak ada kiriman {id} yang selesai / no finished delivery {id}"
        )));
    }
    tracing::info!(id, by = %admin.username, "delivery resent");
    notifier.wake.notify_one();
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::super::plan::moment_kind;
    use super::*;
    use pantau_core::domain::notify::Moment;

    #[test]
    fn every_moment_kind_can_be_switched_off() {
        for m in [
            Moment::Arrived,
            Moment::Warning,
            Moment::Breached,
            Moment::Escalated(200),
        ] {
            assert!(KINDS.contains(&moment_kind(m)));
        }
    }

    #[test]
    fn each_bad_field_is_named_and_nothing_is_taken() {
        let input = SettingsInput {
            email: "budi at dishub".into(),
            whatsapp: "0562 631234".into(),
            lang: "fr".into(),
            quiet_from: "25:00".into(),
            quiet_to: "".into(),
            muted: vec!["fax:warning".into()],
        };
        let fields: Vec<String> = parse(&input)
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["email", "whatsapp", "lang", "quiet_from", "muted"]);
        let good = SettingsInput {
            email: " budi@dishub.singkawangkota.go.id ".into(),
            whatsapp: "0812-3456-7890".into(),
            quiet_from: "21:00".into(),
            quiet_to: "06:30".into(),
            muted: vec!["telegram:warning".into(), "telegram:warning".into()],
            ..SettingsInput::default()
        };
        let c = parse(&good).unwrap();
        assert_eq!(c.email.as_deref(), Some("budi@dishub.singkawangkota.go.id"));
        assert_eq!(c.whatsapp.as_deref(), Some("+6281234567890"));
        assert_eq!(
            (c.quiet_from, c.quiet_to),
            (Some(21 * 60), Some(6 * 60 + 30))
        );
        assert_eq!(c.muted, ["telegram:warning"]);
    }
}
