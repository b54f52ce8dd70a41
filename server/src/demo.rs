//! `pantau serve --demo`: an empty database gets the domain's demo, six weeks of requests
//! ([`pantau_core::domain::demo::history`]), each mutation decided at the instant it happened.

use chrono::Utc;
use pantau_core::domain::demo::{history, text};
use pantau_core::domain::{Envelope, MutationId, SlaConfig};

use crate::sync::{Store, StoreError};

/// Seeds the demo if the log is empty; returns how many requests it added.
pub async fn seed(store: &Store, sla: &SlaConfig) -> Result<usize, StoreError> {
    if store.last_seq().await? > 0 {
        return Ok(0);
    }
    let seeded = history(Utc::now(), sla);
    let requests = seeded
        .iter()
        .filter(|s| {
            matches!(
                s.mutation,
                pantau_core::domain::Mutation::CreateRequest { .. }
            )
        })
        .count();
    let envelopes = seeded
        .into_iter()
        .map(|s| {
            let envelope = Envelope {
                id: MutationId(uuid::Uuid::new_v4()),
                actor: text(&format!("demo-{}", s.role.as_str())),
                role: s.role,
                device: text("demo-seed"),
                client_time: s.at,
                override_reason: None,
                mutation: s.mutation,
            };
            (envelope, s.at)
        })
        .collect();
    let written = store.seed_history(envelopes).await?;
    Ok(if written == 0 { 0 } else { requests })
}
