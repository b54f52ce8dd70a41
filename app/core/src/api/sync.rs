//! `/api/sync/push`, `/api/sync/pull`, `/api/board`, `/api/cards/{id}`: how a browser's board keeps
//! in step with the server's log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Card, Envelope, Event, Refusal, SlaConfig, utc};
use crate::i18n::Both;

/// The most mutations one push may carry.
pub const MAX_BATCH: usize = 200;
/// The most events one pull returns.
pub const MAX_PAGE: u32 = 1000;

/// `POST /api/sync/push`: mutations in the order they were made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushBody {
    pub mutations: Vec<Envelope>,
}

/// What became of one pushed mutation. Pushing it again gives the same answer.
///
/// `R` is how the refusal is read: [`Refusal`] (the server, the tests), or
/// [`serde::de::IgnoredAny`] where only the message is shown (the browser, whose bundle then
/// carries no reader of every refusal's fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PushResult<R = Refusal> {
    Accepted {
        id: uuid::Uuid,
        seq: u64,
    },
    Refused {
        id: uuid::Uuid,
        code: String,
        /// The refusal in both languages.
        message: Both,
        refusal: R,
    },
}

impl<R> PushResult<R> {
    /// The mutation this answers.
    pub fn id(&self) -> uuid::Uuid {
        match self {
            PushResult::Accepted { id, .. } | PushResult::Refused { id, .. } => *id,
        }
    }
}

/// The answer to a push: one result per mutation, in the order sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAnswer<R = Refusal> {
    pub results: Vec<PushResult<R>>,
}

/// `GET /api/sync/pull?since=N&limit=M`: the events after `since`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullAnswer {
    pub events: Vec<Event>,
    /// Pass as `since` for the next page.
    pub next: u64,
    /// More events wait after this page.
    pub more: bool,
    /// The log's last sequence number now: a client whose board claims more holds a board of
    /// another database (restored, reset) and must take a snapshot.
    pub last: u64,
}

/// `GET /api/board`: every card, the sequence number they reflect, the server's clock, the SLA
/// settings and the notification rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardSnapshot {
    pub seq: u64,
    #[serde(with = "utc")]
    pub server_time: DateTime<Utc>,
    pub sla: SlaConfig,
    /// What the server tells people of (`[notify]`): a signed-in page shows the same moments
    /// of the cards that wait for its person. Absent in a board saved before it existed.
    #[serde(default)]
    pub notify: crate::domain::notify::NotifyRules,
    pub cards: Vec<Card>,
}

/// `GET /api/cards/{id}`: the card and its history, every event in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CardAnswer {
    pub card: Card,
    pub events: Vec<Event>,
}
