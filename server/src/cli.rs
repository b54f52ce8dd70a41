//! `pantau --help`: the commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use std::time::Duration;

use tokio::sync::watch;

use crate::config::{Config, FileConfig};
use crate::db::redact;
use crate::demo;
use crate::http::{AppState, router};

#[derive(Parser, Debug)]
#[command(
    name = "pantau",
    version,
    about = "Pantau: the TCM Room's CCTV Monitoring SOP board and CCTV status feed"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the server (the default when no command is given, as `cargo leptos watch` does).
    Serve(ServeArgs),
}

#[derive(Args, Debug, Default)]
struct ServeArgs {
    /// TOML settings file [default: pantau.toml, when present].
    #[arg(long, env = "PANTAU_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:3000].
    #[arg(long, env = "PANTAU_ADDR")]
    addr: Option<SocketAddr>,
    /// Directory for the embedded SQLite database [default: data].
    #[arg(long, env = "PANTAU_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…) to run several instances on one database. Default: SQLite in --data-dir.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// The built site (`cargo leptos build` output) [default: target/site].
    #[arg(long, env = "PANTAU_SITE_ROOT")]
    site_root: Option<PathBuf>,
    /// Fill an empty database with demo requests in every step.
    #[arg(long, env = "PANTAU_DEMO")]
    demo: bool,
}

impl Cli {
    pub async fn run(self) -> ExitCode {
        tracing_subscriber::fmt()
            .with_env_filter(
                EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
            )
            .init();
        let result = match self.command {
            Some(Command::Serve(args)) => serve(args).await,
            None => serve(ServeArgs::from_env()).await,
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("pantau: {message}");
                ExitCode::FAILURE
            }
        }
    }
}

impl ServeArgs {
    /// The same settings as `pantau serve` with no flags: from the environment, then defaults.
    fn from_env() -> ServeArgs {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            args: ServeArgs,
        }
        Only::parse_from(["pantau"]).args
    }

    fn into_config(self) -> Result<Config, String> {
        let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
        let file = FileConfig::load(self.config.as_deref()).map_err(|e| e.to_string())?;
        let sla = file
            .sla
            .with_env(env)
            .and_then(|s| s.resolve())
            .map_err(|e| e.to_string())?;
        // `cargo leptos serve|watch` passes its settings as LEPTOS_* variables; ours win.
        let addr = self
            .addr
            .or(file.addr)
            .or_else(|| env("LEPTOS_SITE_ADDR").and_then(|a| a.parse().ok()))
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000)));
        let site_root = self
            .site_root
            .or(file.site_root)
            .or_else(|| env("LEPTOS_SITE_ROOT").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("target/site"));
        Ok(Config {
            addr,
            data_dir: self
                .data_dir
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("data")),
            database_url: self.database_url.or(file.database_url),
            site_root,
            dev: env("LEPTOS_ENV").is_some_and(|e| e.eq_ignore_ascii_case("dev")),
            sla,
        })
    }
}

/// How long in-flight requests may finish after a shutdown signal.
const DRAIN_DEADLINE: Duration = Duration::from_secs(10);

async fn serve(args: ServeArgs) -> Result<(), String> {
    let demo = args.demo;
    let config = args.into_config()?;
    let (stop, stopped) = watch::channel(false);
    let state = AppState::open(&config, stopped.clone()).await?;
    match &config.database_url {
        Some(url) => tracing::info!(database = %redact(url), "database: postgres"),
        None => tracing::info!(dir = %config.data_dir.display(), "database: sqlite"),
    }
    if !config.site_root.join("pkg").is_dir() {
        tracing::warn!(
            site_root = %config.site_root.display(),
            "no built site here: pages render but will not hydrate; run `cargo leptos build` first"
        );
    }
    if demo {
        let added = demo::seed(&state.hub.store)
            .await
            .map_err(|e| format!("demo data: {e}"))?;
        println!("Demo: {added} permohonan contoh / demo requests");
    }
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Pantau siap / ready: http://{addr}");
    let server = crate::serve::serve(listener, router(state), async move {
        shutdown_signal().await;
        // Ends every event stream; then the requests in flight finish.
        let _ = stop.send(true);
    });
    let mut drained = stopped;
    tokio::select! {
        () = server => Ok(()),
        _ = async {
            let _ = drained.wait_for(|stop| *stop).await;
            tokio::time::sleep(DRAIN_DEADLINE).await;
        } => {
            tracing::warn!("requests still open after {DRAIN_DEADLINE:?}; stopping anyway");
            Ok(())
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut sig) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            sig.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
