//! The HTTP surface: API routes, Leptos pages, the static site.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{any, get, post};
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::auth::api as auth_api;
use crate::cameras;
use crate::error::ApiError;
use crate::limits::{BODY_LIMIT, REQUEST_TIMEOUT};
use crate::state::AppState;
use crate::sync::api;
use crate::{hardening, health};

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
            post(crate::tracking::api::create).delete(crate::tracking::api::revoke),
        )
        .route("/api/cards/{id}/record", get(crate::records::record))
        .route("/api/track/{token}", get(crate::tracking::api::view))
        .route(
            "/api/notify/me",
            get(crate::notify::api::me).put(crate::notify::api::set_me),
        )
        .route(
            "/api/notify/telegram/link",
            post(crate::notify::api::telegram_link),
        )
        .route(
            "/api/notify/telegram",
            axum::routing::delete(crate::notify::api::telegram_unlink),
        )
        .route("/api/notify/test", post(crate::notify::api::test))
        .route("/api/notify/push/key", get(crate::notify::api::push_key))
        .route(
            "/api/notify/push",
            post(crate::notify::api::push_subscribe)
                .delete(crate::notify::api::push_unsubscribe),
        )
        .route("/api/notify/deliveries", get(crate::notify::api::deliveries))
        .route(
            "/api/notify/deliveries/{id}/resend",
            post(crate::notify::api::resend),
        )
        .route("/api/{*rest}", any(unknown_api))
        // Rendered whole by the server, without the app's bundle.
        .route("/lacak/{token}", get(crate::tracking::api::page))
        .route("/rekaman/{id}/{doc}", get(crate::records::page))
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
        // Pages and JSON answers brotli- or gzip-compressed as the browser accepts (the board's
        // snapshot shrinks ~14×). Not the event streams (text/event-stream: each event must leave at
        // once), not what is compressed already (the bundle's .br/.gz files, images).
        // Brotli at 4, not its default 11, which takes ~1 s for the 2,000-card snapshot.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(axum::middleware::from_fn(hardening::refuse_cross_site))
        .layer(axum::middleware::from_fn(hardening::security_headers))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(std::path::PathBuf::from(
                state.leptos_options.site_root.as_ref(),
            )),
            crate::site::build_header,
        ))
        // Each request's log lines carry its id (`X-Request-Id`: a proxy's, else a new UUID; sent
        // back on the answer) and its path, never its query (a wall's kiosk token travels there).
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::extract::Request| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .map(|id| id.chars().take(64).collect::<String>())
                    .unwrap_or_default();
                tracing::info_span!("request", %id, method = %request.method(), path = %request.uri().path())
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

async fn unknown_api(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no API at {}; see server/API.md", uri.path()))
}
