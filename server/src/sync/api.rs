//! The sync API: board snapshot, push, pull, the event stream, one card with its history.
//! Thin handlers over the store; the JSON is documented in `server/API.md`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use pantau_core::domain::flow::Actor;
use pantau_core::domain::{CardId, Event, Field, SlaConfig};
use pantau_core::i18n::{Both, Lang};
use serde::Deserialize;

pub use pantau_core::api::sync::{
    CardAnswer, MAX_BATCH, MAX_PAGE, PullAnswer, PushAnswer, PushBody, PushResult,
};

use super::store::Outcome;
use super::stream::{Audience, Hub};
use crate::auth::guard::{Credentials, Principal, Reader, Staff};
use crate::error::{ApiError, ApiJson, ApiQuery};
use pantau_core::domain::own_agency::OwnAgency;

/// How many mutations each user may push: a burst of a minute's worth, refilled evenly (`governor`),
/// so one account (a script, a stolen session) cannot flood the log and stall everyone else's pushes.
#[derive(Clone)]
pub struct PushRate(
    std::sync::Arc<
        governor::RateLimiter<
            String,
            governor::state::keyed::DefaultKeyedStateStore<String>,
            governor::clock::DefaultClock,
        >,
    >,
);

impl PushRate {
    pub fn per_minute(n: u32) -> PushRate {
        let n = std::num::NonZeroU32::new(n.max(1)).expect("at least one");
        PushRate(std::sync::Arc::new(governor::RateLimiter::keyed(
            governor::Quota::per_minute(n),
        )))
    }

    /// Takes `count` mutations from `user`'s allowance; when it has not that many, how many whole
    /// seconds until it does.
    pub fn take(&self, user: &str, count: usize) -> Result<(), i64> {
        use governor::clock::Clock;
        let Some(count) = std::num::NonZeroU32::new(count as u32) else {
            return Ok(());
        };
        match self.0.check_key_n(&user.to_owned(), count) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => {
                let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
                Err(wait.as_secs() as i64 + 1)
            }
            // More than a whole minute's allowance in one batch: never, so a minute.
            Err(_) => Err(60),
        }
    }
}

/// `POST /api/sync/push`: signed-in users only. Each mutation is done as the signed-in user
/// (the envelope's `actor` is replaced by the user name) and only in a role the user holds.
pub async fn push(
    State(hub): State<Hub>,
    State(rate): State<PushRate>,
    Staff(user): Staff,
    ApiJson(body): ApiJson<PushBody>,
) -> Result<Response, ApiError> {
    if body.mutations.is_empty() {
        return Err(ApiError::Unprocessable(
            "mutations: the batch is empty".into(),
        ));
    }
    if body.mutations.len() > MAX_BATCH {
        return Err(ApiError::Unprocessable(format!(
            "mutations: {} in one batch; at most {MAX_BATCH}",
            body.mutations.len()
        )));
    }
    if let Err(seconds) = rate.take(&user.username, body.mutations.len()) {
        return Err(ApiError::TooManyRequests {
            message: format!(
                "terlalu banyak perubahan dalam semenit; coba lagi dalam {seconds} detik / \
                 too many changes in a minute; try again in {seconds} seconds"
            ),
            retry_after: seconds,
        });
    }
    let actor = Actor::parse(Field::Note, &user.username)
        .map_err(|e| ApiError::BadRequest(e.message(Lang::En)))?;
    let ids: Vec<uuid::Uuid> = body.mutations.iter().map(|m| m.id.0).collect();
    // Mutations in a role the user does not hold are refused here; the rest go to the store.
    let mut checked = Vec::with_capacity(ids.len());
    let mut allowed = Vec::with_capacity(ids.len());
    for mut envelope in body.mutations {
        let applicant = if envelope.role == pantau_core::domain::Role::Pemohon {
            let card = hub.store.card(envelope.mutation.card()).await?;
            envelope.authorize_applicant(card.as_ref(), &user.as_applicant())
        } else {
            Ok(())
        };
        match envelope.authorize(&user.roles).and(applicant) {
            Ok(()) => {
                envelope.actor = actor.clone();
                checked.push(None);
                allowed.push(envelope);
            }
            Err(refusal) => checked.push(Some(Outcome::Refused(refusal))),
        }
    }
    let mut stored = if allowed.is_empty() {
        Vec::new()
    } else {
        hub.store.push(allowed).await?
    }
    .into_iter();
    let outcomes = checked.into_iter().map(|c| {
        c.or_else(|| stored.next())
            .expect("one outcome per mutation")
    });
    let results = ids
        .into_iter()
        .zip(outcomes)
        .map(|(id, outcome)| match outcome {
            Outcome::Accepted { seq } => PushResult::Accepted { id, seq },
            Outcome::Refused(refusal) => PushResult::Refused {
                id,
                code: refusal.code().to_owned(),
                message: Both::new(refusal.message(Lang::Id), refusal.message(Lang::En)),
                refusal,
            },
        })
        .collect();
    Ok(axum::Json(PushAnswer { results }).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullQuery {
    #[serde(default)]
    pub since: u64,
    /// A kiosk token (read by the [`Reader`] guard).
    #[serde(default, rename = "token")]
    pub _token: Option<String>,
    pub limit: Option<u32>,
}

pub async fn pull(
    State(hub): State<Hub>,
    Reader(principal): Reader,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> Result<axum::Json<PullAnswer>, ApiError> {
    let limit = q.limit.unwrap_or(500);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::BadRequest(format!(
            "limit: between 1 and {MAX_PAGE}"
        )));
    }
    // One more than asked tells whether there is more.
    let mut events = hub.store.events_after(q.since, limit + 1).await?;
    let more = events.len() > limit as usize;
    events.truncate(limit as usize);
    // What was read, not what this reader is sent of it: an applicant's next page starts after
    // the other agencies' events too.
    let next = events.last().and_then(|e| e.seq).unwrap_or(q.since);
    let last = if more {
        next
    } else {
        hub.store.last_seq().await?
    };
    // Read after the events: the board then holds every card they made.
    let events = audience(&hub, &principal).await?.events(events);
    Ok(axum::Json(PullAnswer {
        events,
        next,
        more,
        last,
    }))
}

/// `GET /api/board`: every card and the sequence number the snapshot reflects, with the server's
/// clock (for the browsers' clock offset), the SLA settings (for their timers) and the rules of
/// what people are told (for a page's "for you").
pub async fn board(
    State(hub): State<Hub>,
    Reader(principal): Reader,
    State(sla): State<std::sync::Arc<SlaConfig>>,
    State(notifier): State<crate::notify::Notifier>,
) -> Result<Response, ApiError> {
    let (seq, mut cards) = hub.store.snapshot().await?;
    // Staff get the stored JSON as it is; a wall its redacted cards, an applicant its own agency's.
    if !reads_everything(&principal) {
        let parsed = parse_cards(&cards)?;
        let audience = audience_of(&principal, &parsed);
        cards = parsed
            .iter()
            .filter_map(|card| audience.card(card))
            .collect();
    }
    let server_time: DateTime<Utc> = Utc::now();
    // The cards are stored as JSON already: join them rather than parse and print them again.
    let body = format!(
        r#"{{"seq":{seq},"server_time":{},"sla":{},"notify":{},"cards":[{}]}}"#,
        serde_json::to_string(&server_time).expect("time serializes"),
        serde_json::to_string(&*sla).expect("settings serialize"),
        serde_json::to_string(&notifier.planner.rules).expect("rules serialize"),
        cards.join(",")
    );
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

/// `GET /api/cards/{id}`: signed-in people only (the history names people; kiosks read the board
/// only); an applicant's account only its own agency's (403 `other_agency` else).
pub async fn card(
    State(hub): State<Hub>,
    Staff(user): Staff,
    Path(id): Path<String>,
) -> Result<axum::Json<CardAnswer>, ApiError> {
    let (card, events) = card_and_events(&hub, &id).await?;
    if !user.may_read(&card) {
        return Err(ApiError::OtherAgency);
    }
    Ok(axum::Json(CardAnswer { card, events }))
}

/// Whether `principal` is sent every card and event as they are stored (staff): no need to read
/// the board to know what it may see.
fn reads_everything(principal: &Principal) -> bool {
    matches!(principal, Principal::User { user, .. } if !user.applicant_only())
}

/// The board's stored cards, parsed.
pub fn parse_cards(cards: &[String]) -> Result<Vec<pantau_core::domain::Card>, ApiError> {
    cards
        .iter()
        .map(|json| serde_json::from_str(json))
        .collect::<Result<_, _>>()
        .map_err(|e| ApiError::Internal(format!("a stored card: {e}")))
}

/// What `principal` is sent of the board and the log, the board standing as `cards`.
pub fn audience_of(principal: &Principal, cards: &[pantau_core::domain::Card]) -> Audience {
    match principal {
        Principal::Kiosk { .. } => Audience::Wall,
        Principal::User { user, .. } if user.applicant_only() => {
            Audience::Agency(OwnAgency::new(&user.as_applicant(), cards))
        }
        Principal::User { .. } => Audience::Staff,
    }
}

/// What `principal` is sent of the board and the log; an applicant's view starts from the board
/// as it stands now (read only for it).
pub async fn audience(hub: &Hub, principal: &Principal) -> Result<Audience, ApiError> {
    if reads_everything(principal) {
        return Ok(Audience::Staff);
    }
    let (_, cards) = hub.store.snapshot().await?;
    Ok(audience_of(principal, &parse_cards(&cards)?))
}

/// A card id from a path: 400 when it is not a UUID.
pub fn card_id(raw: &str) -> Result<CardId, ApiError> {
    raw.parse::<uuid::Uuid>().map(CardId).map_err(|_| {
        ApiError::BadRequest(format!(
            "nomor kartu {raw:?} bukan UUID / card id {raw:?} is not a UUID"
        ))
    })
}

/// No card `id` on this server: 404, said in both languages.
pub fn no_card(id: impl std::fmt::Display) -> ApiError {
    ApiError::NotFound(format!("tidak ada kartu {id} / no card {id}"))
}

/// The card named by a path and its events in log order: 404 when there is no such card.
pub async fn card_and_events(
    hub: &Hub,
    raw_id: &str,
) -> Result<(pantau_core::domain::Card, Vec<Event>), ApiError> {
    let id = card_id(raw_id)?;
    let card = hub.store.card(id).await?.ok_or_else(|| no_card(id.0))?;
    let events = hub.store.card_events(id).await?;
    Ok((card, events))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    pub since: Option<u64>,
    /// A kiosk token (read by the [`Reader`] guard).
    #[serde(default, rename = "token")]
    pub _token: Option<String>,
}

/// `GET /api/events`: resumes after `Last-Event-ID`, else after `?since=N`, else from now.
pub async fn events(
    State(hub): State<Hub>,
    State(credentials): State<Credentials>,
    Reader(principal): Reader,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<StreamQuery>,
) -> Result<Response, ApiError> {
    let last_event_id = match headers.get("last-event-id") {
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .ok_or_else(|| {
                    ApiError::BadRequest("Last-Event-ID must be an event sequence number".into())
                })?,
        ),
        None => None,
    };
    let after = match last_event_id.or(q.since) {
        Some(after) => after,
        None => hub.store.last_seq().await?,
    };
    let credential = principal.credential().to_owned();
    let audience = audience(&hub, &principal).await?;
    let ended = Box::pin(async move { credentials.revoked(credential).await });
    Ok(hub.sse(after, ended, audience).into_response())
}
