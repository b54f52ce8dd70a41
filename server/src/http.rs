//! The HTTP surface: API routes, Leptos pages, the static site.

use std::time::Duration;

use axum::Router;
use axum::extract::FromRef;
use axum::http::StatusCode;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, file_and_error_handler, generate_route_list};
use tower_http::timeout::TimeoutLayer;

use crate::db::Db;
use crate::health;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
}

/// Requests that take longer are cut with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let shell_options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .leptos_routes(&state, routes, move || app::shell(shell_options.clone()))
        // Files under the site root (pkg/, icons), precompressed .br/.gz when the browser accepts them;
        // anything else renders the app's "not found" page with 404.
        .fallback(file_and_error_handler::<AppState, _>(app::shell))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .with_state(state)
}
