//! The camera monitor of one server process: one small task per enabled camera probes it on its
//! own interval (so a slow camera never delays another), a semaphore bounds how many probes run at
//! once, and every result updates the live feed that `/api/cameras` and its stream serve.
//!
//! Status changes go to the database (once across instances, see [`store::record_status`]), so the
//! history and the 24-hour uptime survive a restart. Each instance re-reads the registry every
//! [`REGISTRY_RECHECK`], so a camera added through one instance is probed by all.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use pantau_core::domain::camera::{
    CameraFeed, CameraInfo, CameraStatus, FeedChange, NetworkCheck, uptime_24h,
};
use tokio::sync::{Semaphore, broadcast, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::probe::{self, Found, ProbeSettings, Target};
use super::store::{self, CameraRow};
use crate::db::Db;
use crate::notify::camera::{Alarm, CameraAlerts};

/// How often each instance looks for cameras added, edited or removed through another instance.
pub const REGISTRY_RECHECK: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Monitor {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    settings: ProbeSettings,
    state: Mutex<State>,
    changes: broadcast::Sender<Arc<FeedChange>>,
    permits: Arc<Semaphore>,
    shutdown: watch::Receiver<bool>,
    /// The operators' alerts (none when no notification channel is on).
    alerts: Option<CameraAlerts>,
}

#[derive(Default)]
struct State {
    cameras: BTreeMap<String, Entry>,
    network: Vec<NetworkCheck>,
}

struct Entry {
    info: CameraInfo,
    /// The registry row's `updated_at` this entry reflects.
    version: i64,
    /// Status changes of the last 24 hours and the one before: the uptime.
    history: Vec<(DateTime<Utc>, CameraStatus)>,
    task: Option<JoinHandle<()>>,
    /// Failed probes in a row and the alerts told, for the operators' alerts.
    alarm: Alarm,
}

impl Drop for Entry {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn info_of(row: &CameraRow) -> CameraInfo {
    CameraInfo {
        id: row.id.clone(),
        name: row.name.clone(),
        location: row.location.clone(),
        latitude: row.latitude,
        longitude: row.longitude,
        kind: row.kind,
        enabled: row.enabled,
        status: CameraStatus::Unknown,
        since: None,
        last_frame_at: None,
        latency_ms: None,
        checked_at: None,
        uptime_24h: None,
        detail: None,
    }
}

fn target_of(row: &CameraRow) -> Target {
    Target {
        kind: row.kind,
        url: row.url.clone(),
        login: row.login.clone(),
    }
}

impl Monitor {
    /// Loads the registry and the recorded statuses, then starts probing. Stops at `shutdown`.
    pub async fn start(
        db: Db,
        settings: ProbeSettings,
        alerts: Option<CameraAlerts>,
        shutdown: watch::Receiver<bool>,
        tasks: &crate::health::Tasks,
    ) -> Result<Monitor, sqlx::Error> {
        let (changes, _) = broadcast::channel(4096);
        let monitor = Monitor {
            inner: Arc::new(Inner {
                permits: Arc::new(Semaphore::new(settings.concurrency.max(1))),
                db,
                settings,
                state: Mutex::new(State::default()),
                changes,
                shutdown,
                alerts,
            }),
        }
        .with_network();
        let now = Utc::now();
        let rows = store::list(&monitor.inner.db).await?;
        let statuses = store::statuses(&monitor.inner.db).await?;
        let mut changes =
            store::changes_since(&monitor.inner.db, now - chrono::Duration::hours(24)).await?;
        for row in rows {
            let history: Vec<(DateTime<Utc>, CameraStatus)> = changes
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|c| (c.at, c.status))
                .collect();
            let mut info = info_of(&row);
            if let Some((status, since)) = statuses.get(&row.id) {
                info.status = if row.enabled {
                    *status
                } else {
                    CameraStatus::Unknown
                };
                info.since = Some(*since);
            }
            info.uptime_24h = uptime_24h(&history, now);
            let task = row.enabled.then(|| monitor.spawn_probe(&row));
            monitor.state().cameras.insert(
                row.id.clone(),
                Entry {
                    info,
                    version: row.updated_at,
                    history,
                    task,
                    alarm: Alarm::default(),
                },
            );
        }
        tasks.spawn("camera monitor", monitor.clone().watch_registry());
        if !monitor.inner.settings.network.is_empty() {
            tasks.spawn("network checks", monitor.clone().check_network());
        }
        Ok(monitor)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().expect("camera monitor state")
    }

    pub fn settings(&self) -> &ProbeSettings {
        &self.inner.settings
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<FeedChange>> {
        self.inner.changes.subscribe()
    }

    pub fn shutdown(&self) -> watch::Receiver<bool> {
        self.inner.shutdown.clone()
    }

    /// Every camera and network check as of now.
    pub fn feed(&self) -> CameraFeed {
        let state = self.state();
        let mut cameras: Vec<CameraInfo> = state.cameras.values().map(|e| e.info.clone()).collect();
        cameras.sort_by_cached_key(|c| c.name.to_lowercase());
        CameraFeed {
            at: Some(Utc::now()),
            interval_secs: self.inner.settings.interval.as_secs() as u32,
            cameras,
            network: state.network.clone(),
        }
    }

    pub fn camera(&self, id: &str) -> Option<CameraInfo> {
        self.state().cameras.get(id).map(|e| e.info.clone())
    }

    fn publish(&self, change: FeedChange) {
        let _ = self.inner.changes.send(Arc::new(change));
    }

    fn spawn_probe(&self, row: &CameraRow) -> JoinHandle<()> {
        let monitor = self.clone();
        let id = row.id.clone();
        let target = target_of(row);
        tokio::spawn(async move { monitor.probe_loop(id, target).await })
    }

    async fn probe_loop(self, id: String, target: Target) {
        let settings = self.inner.settings.clone();
        let mut shutdown = self.inner.shutdown.clone();
        let mut next = Instant::now();
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(next) => {}
                _ = shutdown.changed() => return,
            }
            next += settings.interval;
            let permit = match self.inner.permits.clone().acquire_owned().await {
                Ok(permit) => permit,
                Err(_) => return,
            };
            // The probes keep to the timeout themselves; this is the backstop.
            let hard = settings.timeout + Duration::from_secs(2);
            let started = Instant::now();
            let found = tokio::time::timeout(hard, probe::probe(&target, &settings))
                .await
                .unwrap_or_else(|_| Found {
                    status: CameraStatus::Offline,
                    latency: started.elapsed(),
                    frame_at: None,
                    detail: Some("tidak menjawab / no answer".into()),
                });
            drop(permit);
            self.record(&id, found).await;
            let now = Instant::now();
            if next < now {
                // Behind (the machine was busy or the permits were all taken): no burst to catch up.
                next = now;
            }
        }
    }

    /// Takes in a probe's result: a changed status is recorded in the database, and every change
    /// reaches the stream.
    async fn record(&self, id: &str, found: Found) {
        // Milliseconds, as the database keeps them: `since` reads the same after a restart.
        let now = store::time(Utc::now().timestamp_millis());
        let previous = match self.state().cameras.get(id) {
            Some(entry) => (entry.info.status, entry.info.name.clone()),
            None => return,
        };
        let changed = previous.0 != found.status;
        let since = if changed {
            tracing::info!(
                camera = %previous.1,
                from = ?previous.0,
                to = ?found.status,
                detail = found.detail.as_deref().unwrap_or(""),
                "camera status changed"
            );
            match store::record_status(
                &self.inner.db,
                id,
                found.status,
                now,
                found.detail.as_deref(),
            )
            .await
            {
                Ok(since) => Some(since),
                Err(e) => {
                    tracing::warn!(camera = %previous.1, error = %e, "cannot record a camera status");
                    Some(now)
                }
            }
        } else {
            None
        };
        let (info, alert) = {
            let mut state = self.state();
            let Some(entry) = state.cameras.get_mut(id) else {
                return;
            };
            let began = entry.info.since;
            let alert = self.inner.alerts.as_ref().and_then(|a| {
                entry
                    .alarm
                    .probe(found.status.is_up(), now, began, a.threshold)
            });
            if changed {
                entry.history.push((now, found.status));
                let window = now - chrono::Duration::hours(24);
                // Keep the last change before the window: it says how the window starts.
                while entry.history.len() > 1 && entry.history[1].0 <= window {
                    entry.history.remove(0);
                }
                entry.info.since = since;
            }
            let info = &mut entry.info;
            info.status = found.status;
            info.latency_ms = Some(found.latency.as_millis().min(u128::from(u32::MAX)) as u32);
            info.checked_at = Some(now);
            if found.frame_at.is_some() {
                info.last_frame_at = found.frame_at;
            }
            info.detail = found.detail;
            info.uptime_24h = uptime_24h(&entry.history, now);
            (info.clone(), alert)
        };
        if let (Some(alert), Some(alerts)) = (alert, &self.inner.alerts) {
            let since = info.since.unwrap_or(now);
            if let Err(e) = alerts
                .send(&self.inner.db, id, &info.name, alert, since, now)
                .await
            {
                tracing::warn!(camera = %info.name, error = %e, "cannot write a camera alert");
            }
        }
        self.publish(FeedChange {
            at: Some(now),
            cameras: vec![info],
            ..FeedChange::default()
        });
    }

    /// Reads one camera from the registry again (after an edit here or elsewhere), restarting its probe.
    pub async fn reload(&self, id: &str) -> Result<(), sqlx::Error> {
        let row = store::get(&self.inner.db, id).await?;
        let Some(row) = row else {
            if self.state().cameras.remove(id).is_some() {
                self.publish(FeedChange {
                    at: Some(Utc::now()),
                    removed: vec![id.to_owned()],
                    ..FeedChange::default()
                });
            }
            return Ok(());
        };
        let now = Utc::now();
        if !row.enabled {
            // A disabled camera's time does not count for its uptime.
            let _ =
                store::record_status(&self.inner.db, id, CameraStatus::Unknown, now, None).await;
        }
        // This camera's only: an import reloads each of its cameras.
        let recorded = store::status(&self.inner.db, id).await?;
        let task = row.enabled.then(|| self.spawn_probe(&row));
        let info = {
            let mut state = self.state();
            let previous = state.cameras.remove(id);
            let mut info = info_of(&row);
            let mut history = Vec::new();
            if let Some(mut old) = previous {
                history = std::mem::take(&mut old.history);
                if row.enabled && old.info.enabled && old.info.kind == row.kind {
                    info.last_frame_at = old.info.last_frame_at;
                }
            }
            if let Some((status, since)) = recorded {
                info.status = if row.enabled {
                    status
                } else {
                    CameraStatus::Unknown
                };
                info.since = Some(since);
            }
            if !row.enabled && history.last().is_none_or(|h| h.1 != CameraStatus::Unknown) {
                history.push((now, CameraStatus::Unknown));
            }
            info.uptime_24h = uptime_24h(&history, now);
            state.cameras.insert(
                id.to_owned(),
                Entry {
                    info: info.clone(),
                    version: row.updated_at,
                    history,
                    task,
                    alarm: Alarm::default(),
                },
            );
            info
        };
        self.publish(FeedChange {
            at: Some(now),
            cameras: vec![info],
            ..FeedChange::default()
        });
        Ok(())
    }

    /// Reloads every camera whose registry row changed (through another instance, or straight in
    /// the database as the demo seed does), and forgets removed ones.
    pub async fn reload_all(&self) -> Result<(), sqlx::Error> {
        let versions = store::versions(&self.inner.db).await?;
        let stale: Vec<String> = {
            let state = self.state();
            let known: HashMap<&String, i64> = state
                .cameras
                .iter()
                .map(|(id, e)| (id, e.version))
                .collect();
            versions
                .iter()
                .filter(|(id, v)| known.get(id) != Some(v))
                .map(|(id, _)| id.clone())
                .chain(
                    state
                        .cameras
                        .keys()
                        .filter(|id| !versions.contains_key(*id))
                        .cloned(),
                )
                .collect()
        };
        for id in stale {
            self.reload(&id).await?;
        }
        Ok(())
    }

    async fn watch_registry(self) {
        let mut shutdown = self.inner.shutdown.clone();
        loop {
            tokio::select! {
                _ = tokio::time::sleep(REGISTRY_RECHECK) => {}
                _ = shutdown.changed() => return,
            }
            if let Err(e) = self.reload_all().await {
                tracing::warn!(error = %e, "cannot re-read the camera registry");
            }
        }
    }

    fn with_network(self) -> Monitor {
        let checks = self
            .inner
            .settings
            .network
            .iter()
            .map(|(name, target)| NetworkCheck {
                name: name.clone(),
                target: target.clone(),
                up: None,
                latency_ms: None,
                since: None,
                checked_at: None,
            })
            .collect();
        self.state().network = checks;
        self
    }

    /// The network checks, every interval, all at once.
    async fn check_network(self) {
        let settings = self.inner.settings.clone();
        if settings.network.is_empty() {
            return;
        }
        let mut shutdown = self.inner.shutdown.clone();
        loop {
            let results = futures::future::join_all(
                settings
                    .network
                    .iter()
                    .map(|(_, target)| probe::tcp(target, &settings, Instant::now())),
            )
            .await;
            let now = Utc::now();
            let changed: Vec<NetworkCheck> = {
                let mut state = self.state();
                state
                    .network
                    .iter_mut()
                    .zip(results)
                    .map(|(check, found)| {
                        let up = found.status.is_up();
                        if check.up != Some(up) {
                            tracing::info!(check = %check.name, up, "network check changed");
                            check.since = Some(now);
                        }
                        check.up = Some(up);
                        check.latency_ms = Some(found.latency.as_millis() as u32);
                        check.checked_at = Some(now);
                        check.clone()
                    })
                    .collect()
            };
            self.publish(FeedChange {
                at: Some(now),
                network: changed,
                ..FeedChange::default()
            });
            tokio::select! {
                _ = tokio::time::sleep(settings.interval) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}
