//! The notifications' tables: contacts, Telegram's one-time codes, the outbox. Plain functions
//! over the pool or the writer's transaction.

use chrono::{DateTime, TimeZone, Utc};
use pantau_core::api::notify::{Channel, Delivery, DeliveryStatus};
use pantau_core::domain::Role;
use pantau_core::i18n::Lang;
use pantau_core::i18n::notify::Message;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::db::{Backend, Db};

/// A person who may be told, with where they are reached.
#[derive(Clone, Debug)]
pub struct Recipient {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub lang: Lang,
    pub telegram_chat: Option<String>,
    pub email: Option<String>,
    pub whatsapp: Option<String>,
    /// `channel:moment` pairs switched off.
    pub muted: Vec<String>,
    /// Quiet hours: minutes after local midnight, from and to (wrapping past midnight).
    pub quiet: Option<(i64, i64)>,
    /// The person's subscribed browsers (ids of `push_subscriptions`).
    pub push: Vec<String>,
}

impl Recipient {
    /// Where this person is reached on `channel`: none, one, or on Web Push each browser.
    pub fn addresses(&self, channel: Channel) -> Vec<&str> {
        match channel {
            Channel::Telegram => self.telegram_chat.as_deref().into_iter().collect(),
            Channel::Email => self.email.as_deref().into_iter().collect(),
            Channel::Whatsapp => self.whatsapp.as_deref().into_iter().collect(),
            Channel::Push => self.push.iter().map(String::as_str).collect(),
            Channel::Webhook => Vec::new(),
        }
    }

    pub fn wants(&self, channel: Channel, moment_kind: &str) -> bool {
        let pair = format!("{}:{moment_kind}", channel.as_str());
        !self.muted.contains(&pair)
    }
}

const RECIPIENT_COLUMNS: &str = "SELECT u.id, u.username, u.display_name, u.roles, c.telegram_chat, c.email, \
     c.whatsapp, c.lang, c.muted, c.quiet_from, c.quiet_to FROM users u LEFT JOIN contacts c ON c.user_id = u.id";

fn recipient(row: &AnyRow) -> Result<Recipient, sqlx::Error> {
    let roles: String = row.try_get("roles")?;
    let lang: Option<String> = row.try_get("lang")?;
    let muted: Option<String> = row.try_get("muted")?;
    let quiet_from: Option<i64> = row.try_get("quiet_from")?;
    let quiet_to: Option<i64> = row.try_get("quiet_to")?;
    Ok(Recipient {
        quiet: quiet_from.zip(quiet_to).filter(|(a, b)| a != b),
        user_id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        roles: crate::auth::parse_roles(&roles).unwrap_or_default(),
        lang: lang.as_deref().and_then(Lang::from_tag).unwrap_or_default(),
        telegram_chat: row.try_get("telegram_chat")?,
        email: row.try_get("email")?,
        whatsapp: row.try_get("whatsapp")?,
        muted: muted
            .unwrap_or_default()
            .split(',')
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
        push: Vec::new(),
    })
}

/// Each person's subscribed browsers, added to `people`.
async fn add_push<'e, E: sqlx::Executor<'e, Database = Any>>(
    executor: E,
    people: &mut [Recipient],
    only: Option<&str>,
) -> Result<(), sqlx::Error> {
    let rows = sqlx::query(
        "SELECT user_id, id FROM push_subscriptions WHERE $1 IS NULL OR user_id = $1 ORDER BY created_at",
    )
    .bind(only)
    .fetch_all(executor)
    .await?;
    for row in rows {
        let user: String = row.try_get("user_id")?;
        if let Some(p) = people.iter_mut().find(|p| p.user_id == user) {
            p.push.push(row.try_get("id")?);
        }
    }
    Ok(())
}

/// Every enabled account, with its contacts (read in the writer's transaction).
pub async fn recipients(tx: &mut Transaction<'static, Any>) -> Result<Vec<Recipient>, sqlx::Error> {
    let rows = sqlx::query(&format!("{RECIPIENT_COLUMNS} WHERE u.disabled = 0"))
        .fetch_all(&mut **tx)
        .await?;
    let mut people = rows.iter().map(recipient).collect::<Result<Vec<_>, _>>()?;
    add_push(&mut **tx, &mut people, None).await?;
    Ok(people)
}

/// One account with its contacts.
pub async fn recipient_of(db: &Db, user_id: &str) -> Result<Option<Recipient>, sqlx::Error> {
    let row = sqlx::query(&format!("{RECIPIENT_COLUMNS} WHERE u.id = $1"))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    let Some(person) = row.as_ref().map(recipient).transpose()? else {
        return Ok(None);
    };
    let mut people = [person];
    add_push(&db.pool, &mut people, Some(user_id)).await?;
    let [person] = people;
    Ok(Some(person))
}

/// A notification for the outbox.
#[derive(Clone, Debug)]
pub struct NewItem<'a> {
    pub dedupe_key: String,
    pub card: Option<String>,
    pub moment: String,
    pub user_id: Option<&'a str>,
    pub channel: Channel,
    pub address: &'a str,
    pub message: &'a Message,
    /// Not sent before (quiet hours, a closed office).
    pub not_before: DateTime<Utc>,
}

/// Writes an item unless its dedupe key is there already; whether it was written.
pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    item: &NewItem<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let message = serde_json::to_string(item.message).expect("a message serializes");
    let done = sqlx::query(
        "INSERT INTO outbox (dedupe_key, card_id, moment, user_id, channel, address, message, status, \
         attempts, next_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $9) \
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(&item.dedupe_key)
    .bind(item.card.as_deref())
    .bind(&item.moment)
    .bind(item.user_id)
    .bind(item.channel.as_str())
    .bind(item.address)
    .bind(message)
    .bind(item.not_before.max(now).timestamp_millis())
    .bind(now.timestamp_millis())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// An item taken for sending.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: i64,
    pub dedupe_key: String,
    pub card: Option<String>,
    /// `arrived`, `warning`, `breached`, `escalated-200`, `test`.
    pub moment: String,
    pub channel: Channel,
    pub address: String,
    pub message: Message,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
}

/// Takes up to `limit` due items of `channel` for `instance` until `until`: pending, due, and
/// not held by a live claim. On PostgreSQL rows another instance is taking are skipped.
pub async fn claim(
    db: &Db,
    channel: Channel,
    instance: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let lock = match db.backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE id IN (SELECT id FROM outbox \
         WHERE status = 'pending' AND channel = $3 AND next_at <= $4 \
         AND (claimed_until IS NULL OR claimed_until < $4) ORDER BY next_at LIMIT $5{lock}) \
         RETURNING id, dedupe_key, card_id, moment, channel, address, message, attempts, created_at"
    );
    let mut tx = db.begin_write().await?;
    let rows = sqlx::query(&sql)
        .bind(instance)
        .bind(until.timestamp_millis())
        .bind(channel.as_str())
        .bind(now.timestamp_millis())
        .bind(limit as i64)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let message: String = row.try_get("message")?;
        let Ok(message) = serde_json::from_str::<Message>(&message) else {
            tracing::error!(
                id = row.try_get::<i64, _>("id")?,
                "an outbox message cannot be read"
            );
            continue;
        };
        out.push(Claimed {
            id: row.try_get("id")?,
            dedupe_key: row.try_get("dedupe_key")?,
            card: row.try_get("card_id")?,
            moment: row.try_get("moment")?,
            channel,
            address: row.try_get("address")?,
            message,
            attempts: row.try_get("attempts")?,
            created_at: ms(row.try_get("created_at")?),
        });
    }
    Ok(out)
}

/// Sent: it stays sent, whoever else tries.
pub async fn mark_sent(
    db: &Db,
    id: i64,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL, \
         claimed_by = NULL, claimed_until = NULL WHERE id = $2 AND claimed_by = $3",
    )
    .bind(now.timestamp_millis())
    .bind(id)
    .bind(instance)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Not sent: tried again at `retry_at`, or given up on (`None`), keeping `error`.
pub async fn mark_failed(
    db: &Db,
    id: i64,
    instance: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    let status = if retry_at.is_some() {
        "pending"
    } else {
        "failed"
    };
    let error: String = error.chars().filter(|c| *c != '\0').take(500).collect();
    sqlx::query(
        "UPDATE outbox SET status = $1, next_at = COALESCE($2, next_at), attempts = attempts + 1, \
         last_error = $3, claimed_by = NULL, claimed_until = NULL WHERE id = $4 AND claimed_by = $5",
    )
    .bind(status)
    .bind(retry_at.map(|t| t.timestamp_millis()))
    .bind(error)
    .bind(id)
    .bind(instance)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A SQLite server is the only one on its file: claims left by an earlier run (killed mid-send)
/// are its own, and free at start.
pub async fn release_claims(db: &Db) -> Result<u64, sqlx::Error> {
    if db.backend != Backend::Sqlite {
        return Ok(0);
    }
    let done = sqlx::query(
        "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by IS NOT NULL",
    )
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected())
}

/// The earliest moment a pending item of `channel` falls due (for the sender's sleep).
pub async fn next_due(db: &Db) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let at: Option<i64> =
        sqlx::query_scalar("SELECT MIN(next_at) FROM outbox WHERE status = 'pending'")
            .fetch_one(&db.pool)
            .await?;
    Ok(at.map(ms))
}

/// The newest deliveries first, optionally of one status.
pub async fn deliveries(
    db: &Db,
    status: Option<DeliveryStatus>,
    limit: u32,
) -> Result<Vec<Delivery>, sqlx::Error> {
    const COLUMNS: &str = "SELECT o.id, o.card_id, o.moment, o.channel, u.username, o.message, o.status, \
         o.attempts, o.last_error, o.created_at, o.sent_at FROM outbox o LEFT JOIN users u ON u.id = o.user_id";
    let rows = match status {
        Some(status) => {
            sqlx::query(&format!(
                "{COLUMNS} WHERE o.status = $1 ORDER BY o.id DESC LIMIT $2"
            ))
            .bind(status.as_str())
            .bind(i64::from(limit))
            .fetch_all(&db.pool)
            .await?
        }
        None => {
            sqlx::query(&format!("{COLUMNS} ORDER BY o.id DESC LIMIT $1"))
                .bind(i64::from(limit))
                .fetch_all(&db.pool)
                .await?
        }
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let channel: String = row.try_get("channel")?;
        let status: String = row.try_get("status")?;
        let message: String = row.try_get("message")?;
        let (Ok(channel), Ok(status)) = (channel.parse(), status.parse()) else {
            continue;
        };
        out.push(Delivery {
            id: row.try_get("id")?,
            card: row.try_get("card_id")?,
            moment: row.try_get("moment")?,
            channel,
            recipient: row.try_get("username")?,
            title: serde_json::from_str::<Message>(&message)
                .map(|m| m.title)
                .unwrap_or_default(),
            status,
            attempts: row.try_get("attempts")?,
            last_error: row.try_get("last_error")?,
            created_at: ms(row.try_get("created_at")?),
            sent_at: row.try_get::<Option<i64>, _>("sent_at")?.map(ms),
        });
    }
    Ok(out)
}

/// Sends a delivery again (an admin's "resend"): pending now, its attempts counted afresh.
pub async fn resend(db: &Db, id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'pending', next_at = $1, attempts = 0, created_at = $1, \
         claimed_by = NULL, claimed_until = NULL WHERE id = $2 AND status <> 'pending'",
    )
    .bind(now.timestamp_millis())
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Stores a one-time Telegram code (its hash) for `user_id`, valid until `expires_at`.
pub async fn add_telegram_code(
    db: &Db,
    user_id: &str,
    code: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM telegram_codes WHERE expires_at < $1 OR user_id = $2")
        .bind(now.timestamp_millis())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO telegram_codes (code_hash, user_id, expires_at) VALUES ($1, $2, $3)")
        .bind(crate::auth::token_hash(code))
        .bind(user_id)
        .bind(expires_at.timestamp_millis())
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Uses a code: binds `chat` (shown as `name`) to its user, once. The user's id, or `None`
/// for an unknown or expired code.
pub async fn bind_telegram(
    db: &Db,
    code: &str,
    chat: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let user: Option<String> = sqlx::query_scalar(
        "DELETE FROM telegram_codes WHERE code_hash = $1 AND expires_at >= $2 RETURNING user_id",
    )
    .bind(crate::auth::token_hash(code))
    .bind(now.timestamp_millis())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(user) = &user {
        ensure_contacts(&mut tx, user, now).await?;
        sqlx::query(
            "UPDATE contacts SET telegram_chat = $1, telegram_name = $2, updated_at = $3 WHERE user_id = $4",
        )
        .bind(chat)
        .bind(name)
        .bind(now.timestamp_millis())
        .bind(user)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(user)
}

async fn ensure_contacts(
    tx: &mut Transaction<'static, Any>,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO contacts (user_id, updated_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(now.timestamp_millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A person's contacts and wishes as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contacts {
    pub telegram_name: Option<String>,
    pub email: Option<String>,
    pub whatsapp: Option<String>,
    pub lang: Option<String>,
    pub quiet_from: Option<i64>,
    pub quiet_to: Option<i64>,
    pub muted: Vec<String>,
}

pub async fn contacts(db: &Db, user_id: &str) -> Result<Contacts, sqlx::Error> {
    let row = sqlx::query(
        "SELECT telegram_chat, telegram_name, email, whatsapp, lang, quiet_from, quiet_to, muted \
         FROM contacts WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(Contacts::default());
    };
    let chat: Option<String> = row.try_get("telegram_chat")?;
    let muted: String = row.try_get("muted")?;
    Ok(Contacts {
        telegram_name: chat.and(row.try_get("telegram_name")?),
        email: row.try_get("email")?,
        whatsapp: row.try_get("whatsapp")?,
        lang: row.try_get("lang")?,
        quiet_from: row.try_get("quiet_from")?,
        quiet_to: row.try_get("quiet_to")?,
        muted: muted
            .split(',')
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// Stores what a person set (everything but the Telegram chat, which only its code binds).
pub async fn set_contacts(
    db: &Db,
    user_id: &str,
    c: &Contacts,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    ensure_contacts(&mut tx, user_id, now).await?;
    sqlx::query(
        "UPDATE contacts SET email = $1, whatsapp = $2, lang = $3, quiet_from = $4, quiet_to = $5, \
         muted = $6, updated_at = $7 WHERE user_id = $8",
    )
    .bind(c.email.as_deref())
    .bind(c.whatsapp.as_deref())
    .bind(c.lang.as_deref().unwrap_or("id"))
    .bind(c.quiet_from)
    .bind(c.quiet_to)
    .bind(c.muted.join(","))
    .bind(now.timestamp_millis())
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Unbinds the person's Telegram chat.
pub async fn unbind_telegram(
    db: &Db,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE contacts SET telegram_chat = NULL, telegram_name = NULL, updated_at = $1 \
         WHERE user_id = $2 AND telegram_chat IS NOT NULL",
    )
    .bind(now.timestamp_millis())
    .bind(user_id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A small key/value store for the notifier's own state (the Telegram update offset).
pub async fn state_value(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM notify_state WHERE key = $1")
        .bind(key)
        .fetch_optional(&db.pool)
        .await
}

pub async fn set_state_value(db: &Db, key: &str, value: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notify_state (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&db.pool)
    .await?;
    Ok(())
}

fn ms(millis: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(millis)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The value of `key`, or `fresh` stored as it when there is none (the first instance to get
/// here wins; every other reads the winner's).
pub async fn state_value_or_insert(db: &Db, key: &str, fresh: &str) -> Result<String, sqlx::Error> {
    sqlx::query(
        "INSERT INTO notify_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(fresh)
    .execute(&db.pool)
    .await?;
    sqlx::query_scalar("SELECT value FROM notify_state WHERE key = $1")
        .bind(key)
        .fetch_one(&db.pool)
        .await
}

/// One row per browser: the endpoint's SHA-256 (an index on the endpoint itself could pass
/// PostgreSQL's size for one).
fn endpoint_hash(endpoint: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(endpoint.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A person may keep this many browsers subscribed; a new one beyond it replaces the oldest.
pub const MAX_PUSH_PER_USER: i64 = 10;

/// Keeps a browser's subscription for `user_id` (a browser subscribed before, by anyone, is
/// taken over: it is one device). Its id.
pub async fn add_push_subscription(
    db: &Db,
    user_id: &str,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    user_agent: &str,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let hash = endpoint_hash(endpoint);
    let id = crate::auth::random_token(16);
    let mut tx = db.begin_write().await?;
    let id: String = sqlx::query_scalar(
        "INSERT INTO push_subscriptions (id, endpoint_hash, user_id, endpoint, p256dh, auth, user_agent, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (endpoint_hash) DO UPDATE SET \
         user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, \
         user_agent = excluded.user_agent, created_at = excluded.created_at RETURNING id",
    )
    .bind(&id)
    .bind(&hash)
    .bind(user_id)
    .bind(endpoint)
    .bind(p256dh)
    .bind(auth)
    .bind(user_agent)
    .bind(now.timestamp_millis())
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM push_subscriptions WHERE user_id = $1 AND id NOT IN \
         (SELECT id FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2)",
    )
    .bind(user_id)
    .bind(MAX_PUSH_PER_USER)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Forgets the browser with `endpoint` of `user_id`; whether there was one.
pub async fn remove_push_subscription(
    db: &Db,
    user_id: &str,
    endpoint: &str,
) -> Result<bool, sqlx::Error> {
    let hash = endpoint_hash(endpoint);
    let done =
        sqlx::query("DELETE FROM push_subscriptions WHERE endpoint_hash = $1 AND user_id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// How many browsers `user_id` has subscribed.
pub async fn push_count(db: &Db, user_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM push_subscriptions WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await
}

/// A subscription's endpoint and keys.
pub async fn push_subscription(
    db: &Db,
    id: &str,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok((
            r.try_get("endpoint")?,
            r.try_get("p256dh")?,
            r.try_get("auth")?,
        ))
    })
    .transpose()
}

pub async fn delete_push_subscription(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM push_subscriptions WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
