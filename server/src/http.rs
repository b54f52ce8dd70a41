//! The HTTP surface: API routes, Leptos pages, the static site.

use std::sync::Arc;
use std::time::Duration;

use app::domain::SlaConfig;
use app::domain::record::Letterhead;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::StatusCode;
use axum::routing::{any, get, post};
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tokio::sync::watch;
use tower_http::timeout::TimeoutLayer;

use crate::auth::api::{self as auth_api, SecureCookies};
use crate::auth::guard::Credentials;
use crate::cameras::{self, Monitor};
use crate::config::Config;
use crate::db::Db;
use crate::error::ApiError;
use crate::sync::{Hub, Store, api};
use crate::{hardening, health};

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
        key.check(&db).await.map_err(|e| e.to_string())?;
        db.secrets = Some(Arc::new(key));
        let links = crate::tracking::seal_plain_links(&db)
            .await
            .map_err(|e| format!("cannot seal the tracking links: {e}"))?;
        let logins = crate::cameras::store::seal_plain_logins(&db)
            .await
            .map_err(|e| format!("cannot seal the camera logins: {e}"))?;
        if links + logins > 0 {
            tracing::info!(links, logins, "sealed secrets stored before sealing began");
        }
        let tasks = health::Tasks::default();
        let store = Store::open(db.clone(), &tasks)
            .await
            .map_err(|e| format!("cannot open the event store: {e}"))?;
        let credentials = Credentials::start(db.clone(), shutdown.clone(), &tasks).await;
        let hub = Hub::start(store, config.database_url.clone(), shutdown.clone(), &tasks).await;
        let cameras = Monitor::start(db.clone(), config.cameras.clone(), shutdown, &tasks)
            .await
            .map_err(|e| format!("cannot start the camera monitor: {e}"))?;
        Ok(AppState {
            leptos_options: config.leptos_options(),
            db,
            hub,
            sla: Arc::new(config.sla.clone()),
            cookies: SecureCookies(config.secure_cookies),
            credentials,
            cameras,
            letterhead: Arc::new(config.letterhead.clone()),
            tasks,
            proxies: crate::client::TrustedProxies::new(config.trusted_proxies.clone()),
            push_rate: crate::sync::api::PushRate::per_minute(config.limits.mutations_per_minute),
        })
    }
}

/// Requests that take longer are cut with 408 (the event stream excepted).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest request body accepted.
pub const BODY_LIMIT: usize = 512 * 1024;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let shell_options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/api/board", get(api::board))
        .route("/api/sync/push", post(api::push))
        .route("/api/sync/pull", get(api::pull))
        .route("/api/cards/{id}", get(api::card))
        .route("/api/auth/login", post(auth_api::login))
        .route("/api/auth/logout", post(auth_api::logout))
        .route("/api/auth/me", get(auth_api::me))
        .route(
            "/api/kiosks",
            get(auth_api::kiosks).post(auth_api::create_kiosk),
        )
        .route("/api/kiosks/{name}/revoke", post(auth_api::revoke_kiosk))
        .route(
            "/api/cameras",
            get(cameras::api::feed).post(cameras::api::create),
        )
        .route("/api/cameras/import", post(cameras::api::import))
        .route(
            "/api/cameras/{id}",
            axum::routing::put(cameras::api::update),
        )
        .route("/api/cameras/{id}/history", get(cameras::api::history))
        .route("/api/cameras/{id}/settings", get(cameras::api::settings))
        .route("/api/cameras/{id}/enabled", post(cameras::api::set_enabled))
        .route("/api/reports/sla", get(crate::reports::sla))
        .route(
            "/api/cards/{id}/tracking",
            post(crate::tracking::create).delete(crate::tracking::revoke),
        )
        .route("/api/cards/{id}/record", get(crate::records::record))
        .route("/api/track/{token}", get(crate::tracking::view))
        .route("/api/{*rest}", any(unknown_api))
        .leptos_routes_with_context(&state, routes, hardening::provide_csp_nonce, move || {
            app::shell(shell_options.clone())
        })
        // Files under the site root (pkg/, icons), precompressed .br/.gz when the browser accepts them;
        // anything else renders the app's "not found" page with 404.
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            hardening::provide_csp_nonce,
            app::shell,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        // Added after the timeout layer, so it does not apply: the stream stays open.
        .route("/api/events", get(api::events))
        .route("/api/cameras/stream", get(cameras::api::stream))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(hardening::refuse_cross_site))
        .layer(axum::middleware::from_fn(hardening::security_headers))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(std::path::PathBuf::from(
                state.leptos_options.site_root.as_ref(),
            )),
            crate::site::build_header,
        ))
        .with_state(state)
}

async fn unknown_api(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no API at {}; see server/API.md", uri.path()))
}
