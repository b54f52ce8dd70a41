//! `GET /healthz`: is this instance up, which version, which database, does the database answer,
//! and are the background tasks it needs still running. Unauthenticated, so it says no more than
//! that: no database text, no addresses, no causes (those go to the log).

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::db::Db;

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub database: &'static str,
    /// Whether the database answered.
    pub database_up: bool,
    /// The background tasks that have stopped (the event writer, the broadcaster, the camera
    /// monitor, the credential refresher): while any is listed the instance is unhealthy.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stopped: Vec<&'static str>,
}

/// The background tasks an instance cannot work without, so that `/healthz` can tell when one
/// has died (a panic, an error it returned on). Cheap to clone.
#[derive(Clone, Default)]
pub struct Tasks(Arc<Mutex<Vec<Watched>>>);

/// A task's name and handle.
type Watched = (&'static str, tokio::task::JoinHandle<()>);

impl Tasks {
    /// Spawns `task`, named `name`, and keeps watching it.
    pub fn spawn(
        &self,
        name: &'static str,
        task: impl std::future::Future<Output = ()> + Send + 'static,
    ) {
        let handle = tokio::spawn(task);
        self.0.lock().expect("tasks").push((name, handle));
    }

    /// Stops the task named `name`, as a crash would: for tests of what the health check says.
    pub fn abort(&self, name: &str) {
        for (task, handle) in self.0.lock().expect("tasks").iter() {
            if *task == name {
                handle.abort();
            }
        }
    }

    /// The names of the tasks that have ended (at a shutdown, all of them).
    pub fn stopped(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self
            .0
            .lock()
            .expect("tasks")
            .iter()
            .filter(|(_, handle)| handle.is_finished())
            .map(|(name, _)| *name)
            .collect();
        names.dedup();
        names
    }
}

impl std::fmt::Debug for Tasks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Tasks").field(&self.stopped()).finish()
    }
}

pub async fn healthz(
    State(db): State<Db>,
    State(tasks): State<Tasks>,
) -> (
    StatusCode,
    [(axum::http::HeaderName, &'static str); 1],
    Json<Health>,
) {
    let database_up = match db.ping().await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "health check: the database does not answer");
            false
        }
    };
    let stopped = tasks.stopped();
    if !stopped.is_empty() {
        tracing::error!(?stopped, "health check: background tasks have stopped");
    }
    let healthy = database_up && stopped.is_empty();
    let body = Health {
        status: if healthy { "ok" } else { "unavailable" },
        version: env!("CARGO_PKG_VERSION"),
        database: db.backend.name(),
        database_up,
        stopped,
    };
    let code = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(body),
    )
}
