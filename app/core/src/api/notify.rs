//! `/api/notify/…`: a person's channels and wishes, linking Telegram, test messages, and the
//! deliveries an admin looks at.

use serde::{Deserialize, Serialize};

/// How a notification travels.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Channel {
    Telegram,
    Whatsapp,
    Email,
    Push,
    Webhook,
}

/// Where a delivery stands.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not yet sent, or to be tried again (`attempts` > 0).
    Pending,
    Sent,
    /// Given up on (a permanent refusal, or retried past the configured time).
    Failed,
}

crate::domain::wire_names!(Channel, DeliveryStatus);

/// `GET /api/notify/me`: the signed-in person's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MySettings {
    /// The channels this server can send on (enabled in `pantau.toml`).
    pub channels: Vec<Channel>,
    /// The bound Telegram chat's name, when one is bound.
    pub telegram: Option<String>,
    pub email: Option<String>,
    /// `+62…`
    pub whatsapp: Option<String>,
    /// `id` or `en`: the language of the messages.
    pub lang: String,
    /// `HH:MM` (local time): no round-the-clock notification between these.
    pub quiet_from: Option<String>,
    pub quiet_to: Option<String>,
    /// `channel:moment` pairs switched off (`telegram:warning`).
    pub muted: Vec<String>,
    /// How many browsers or phones get Web Push for this person.
    #[serde(default)]
    pub push_devices: u32,
}

/// `PUT /api/notify/me`: what a person may change (every field as typed; the server parses).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SettingsInput {
    pub email: String,
    pub whatsapp: String,
    pub lang: String,
    pub quiet_from: String,
    pub quiet_to: String,
    pub muted: Vec<String>,
}

/// `POST /api/notify/telegram/link`: the one-time link that binds a Telegram chat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelegramLink {
    /// `https://t.me/<bot>?start=<code>`
    pub url: String,
    #[serde(with = "crate::domain::utc")]
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// `GET /api/notify/push/key`: the key a browser subscribes with (`applicationServerKey`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushKey {
    /// The server's VAPID public key, base64url (65 bytes, uncompressed P-256).
    pub key: String,
}

/// `POST /api/notify/push`: a browser's `PushSubscription.toJSON()`; `DELETE` takes the same
/// (only `endpoint` is read).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSubscriptionInput {
    pub endpoint: String,
    /// Other fields a browser sends (`expirationTime`) are left unread.
    #[serde(default)]
    pub keys: PushKeys,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushKeys {
    #[serde(default)]
    pub p256dh: String,
    #[serde(default)]
    pub auth: String,
}

/// `POST /api/notify/test`: a test message to oneself on one channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestBody {
    pub channel: Channel,
}

/// One row of `GET /api/notify/deliveries` (admin).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: i64,
    pub card: Option<String>,
    /// `arrived`, `warning`, `breached`, `escalated-200`, `test`.
    pub moment: String,
    pub channel: Channel,
    /// The recipient's user name, when an account.
    pub recipient: Option<String>,
    pub title: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    #[serde(with = "crate::domain::utc")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(with = "crate::domain::utc::option", default)]
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}
