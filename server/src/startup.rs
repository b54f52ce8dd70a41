//! One way to start Pantau, used by `pantau serve`, the integration tests and the benchmark: the
//! tests run the start-up users run.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;
use crate::db::redact;
use crate::state::AppState;

/// How long in-flight requests may finish after a shutdown signal.
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(10);

/// A server that has opened its database, started its tasks and bound its address, ready to run.
pub struct Application {
    state: AppState,
    listener: TcpListener,
    addr: SocketAddr,
    config: Config,
    stop: watch::Sender<bool>,
}

impl Application {
    /// Binds `config.addr` (port 0: a free port), opens the database (migrations, secrets, the
    /// log), starts the writer, the broadcaster, the credential watch and the camera monitor, and
    /// says in the log what an operator should know (the database, a thin holiday list, a missing
    /// site).
    pub async fn build(mut config: Config) -> Result<Application, String> {
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        config.addr = addr;
        let (stop, stopped) = watch::channel(false);
        let state = AppState::open(&config, stopped).await?;
        match &config.database_url {
            Some(url) => tracing::info!(database = %redact(url), "database: postgres"),
            None => tracing::info!(dir = %config.data_dir.display(), "database: sqlite"),
        }
        let today = (chrono::Utc::now()
            + chrono::Duration::seconds(i64::from(config.sla.office.utc_offset_seconds)))
        .date_naive();
        for year in pantau_core::domain::holidays::thin_years(&config.sla.office.holidays, today) {
            tracing::warn!(
                year,
                "few holidays are listed for {year}: add that year's national holidays and cuti \
                 bersama from the SKB 3 Menteri with [sla] extra_holidays (README: Settings)"
            );
        }
        if !config.site_root.join("pkg").is_dir() {
            tracing::warn!(
                site_root = %config.site_root.display(),
                "no built site here: pages render but will not hydrate; run `cargo leptos build` first"
            );
        }
        Ok(Application {
            state,
            listener,
            addr,
            config,
            stop,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Turned true, it ends every event stream, as a shutdown does (the tests use it alone).
    pub fn stopper(&self) -> watch::Sender<bool> {
        self.stop.clone()
    }

    /// Serves until `shutdown` resolves; then the event streams end, and the requests in flight
    /// have [`DRAIN_DEADLINE`] to finish.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) {
        let Application {
            state,
            listener,
            config,
            stop,
            ..
        } = self;
        let (shutting_down, shut_down) = tokio::sync::oneshot::channel::<()>();
        let proxies = state.proxies.clone();
        let server = crate::serve::serve(
            listener,
            crate::http::router(state),
            config.limits,
            proxies,
            async move {
                shutdown.await;
                // Ends every event stream; then the requests in flight finish.
                let _ = stop.send(true);
                let _ = shutting_down.send(());
            },
        );
        tokio::select! {
            () = server => {},
            _ = async {
                if shut_down.await.is_ok() {
                    tokio::time::sleep(DRAIN_DEADLINE).await;
                } else {
                    std::future::pending::<()>().await;
                }
            } => {
            tracing::warn!("requests still open after {DRAIN_DEADLINE:?}; stopping anyway");
            }
        }
    }
}
