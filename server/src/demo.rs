//! `pantau serve --demo`: an empty database gets the domain's demo board, written through the store
//! like any client's mutations.

use app::domain::demo::{DEMO_PATHS, demo_card_id, next_demo_move, sample_request, text};
use app::domain::{Envelope, Mutation, MutationId, Role};
use chrono::Utc;

use crate::sync::{Outcome, Store, StoreError};

/// Seeds the demo board if the log is empty; returns how many requests it added.
pub async fn seed(store: &Store) -> Result<usize, StoreError> {
    if store.last_seq().await? > 0 {
        return Ok(0);
    }
    for (n, path) in DEMO_PATHS.iter().enumerate() {
        let id = demo_card_id(n);
        let request = sample_request(n, Utc::now(), 3 + n as i64);
        send(
            store,
            path.creator(),
            Mutation::CreateRequest { card: id, request },
        )
        .await?;
        while let Some(card) = store.card(id).await? {
            let Some((role, mutation)) = next_demo_move(&card, *path) else {
                break;
            };
            send(store, role, mutation).await?;
        }
    }
    Ok(DEMO_PATHS.len())
}

async fn send(store: &Store, role: Role, mutation: Mutation) -> Result<(), StoreError> {
    let envelope = Envelope {
        id: MutationId(uuid::Uuid::new_v4()),
        actor: text(&format!("demo-{}", crate::sync::store::role_name(role))),
        role,
        device: text("demo-seed"),
        client_time: Utc::now(),
        override_reason: None,
        mutation,
    };
    match store.push(vec![envelope]).await?.pop() {
        Some(Outcome::Accepted { .. }) => Ok(()),
        other => Err(StoreError::Corrupt(format!(
            "demo mutation not accepted: {other:?}"
        ))),
    }
}
