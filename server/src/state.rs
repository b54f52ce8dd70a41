//! What every handler may take from the server (`State<…>`, each part by `FromRef`), and how it
//! is opened.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use pantau_core::domain::SlaConfig;
use pantau_core::domain::record::Letterhead;
use tokio::sync::watch;

use crate::auth::guard::Credentials;
use crate::auth::session::SecureCookies;
use crate::cameras::Monitor;
use crate::config::Config;
use crate::db::Db;
use crate::health;
use crate::sync::{Hub, Store};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub hub: Hub,
    pub sla: Arc<SlaConfig>,
    pub cookies: SecureCookies,
    pub credentials: Credentials,
    pub cameras: Monitor,
    pub letterhead: Arc<Letterhead>,
    pub tasks: health::Tasks,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub proxies: crate::client::TrustedProxies,
    /// Mutations per user per minute.
    pub push_rate: crate::sync::api::PushRate,
    pub notifier: crate::notify::Notifier,
    /// The server's clock (the tests drive it).
    pub clock: crate::clock::Clock,
}

impl AppState {
    /// Opens the database, runs the migrations, loads the log and starts the writer and the broadcaster.
    /// Streams end when `shutdown` turns true.
    pub async fn open(
        config: &Config,
        shutdown: watch::Receiver<bool>,
    ) -> Result<AppState, String> {
        let mut db = Db::open(config.database_url.as_deref(), &config.data_dir)
            .await
            .map_err(|e| e.to_string())?;
        crate::sync::store::migrate(&db)
            .await
            .map_err(|e| format!("cannot migrate the database: {e}"))?;
        let key = crate::secrets::SecretKey::load(config.secret_key.as_deref(), &config.data_dir)
            .map_err(|e| e.to_string())?;
        db.check_key(&key).await.map_err(|e| e.to_string())?;
        db.secrets = Some(Arc::new(key));
        let links = crate::tracking::store::seal_plain_links(&db)
            .await
            .map_err(|e| format!("cannot seal the tracking links: {e}"))?;
        let logins = crate::cameras::store::seal_plain_logins(&db)
            .await
            .map_err(|e| format!("cannot seal the camera logins: {e}"))?;
        if links + logins > 0 {
            tracing::info!(links, logins, "sealed secrets stored before sealing began");
        }
        let tasks = health::Tasks::default();
        let clock = crate::clock::Clock::default();
        let sla = Arc::new(config.sla.clone());
        let notifier = crate::notify::Notifier::new(
            config.notify.clone(),
            sla.clone(),
            format!("http://{}", config.addr),
            clock.clone(),
        )?;
        let store = Store::open(db.clone(), clock.clone(), notifier.outbox(), &tasks)
            .await
            .map_err(|e| format!("cannot open the event store: {e}"))?;
        notifier.start(db.clone(), store.clone(), shutdown.clone(), &tasks);
        let credentials = Credentials::start(db.clone(), shutdown.clone(), &tasks).await;
        let alerts = notifier.camera_alerts(store.clone());
        let hub = Hub::start(store, config.database_url.clone(), shutdown.clone(), &tasks).await;
        let cameras = Monitor::start(db.clone(), config.cameras.clone(), alerts, shutdown, &tasks)
            .await
            .map_err(|e| format!("cannot start the camera monitor: {e}"))?;
        Ok(AppState {
            leptos_options: config.leptos_options(),
            db,
            hub,
            sla,
            cookies: SecureCookies(config.secure_cookies),
            credentials,
            cameras,
            letterhead: Arc::new(config.letterhead.clone()),
            tasks,
            proxies: crate::client::TrustedProxies::new(config.trusted_proxies.clone()),
            push_rate: crate::sync::api::PushRate::per_minute(config.limits.mutations_per_minute),
            notifier,
            clock,
        })
    }
}
