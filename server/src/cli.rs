//! `pantau --help`: the commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::config::Config;
use crate::db::{Db, redact};
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
    /// Address to listen on.
    #[arg(long, env = "PANTAU_ADDR")]
    addr: Option<SocketAddr>,
    /// Directory for the embedded SQLite database.
    #[arg(long, env = "PANTAU_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// PostgreSQL URL (postgres://…) to run several instances on one database. Default: SQLite in --data-dir.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// The built site (`cargo leptos build` output).
    #[arg(long, env = "PANTAU_SITE_ROOT")]
    site_root: Option<PathBuf>,
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

    fn into_config(self) -> Config {
        let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
        // `cargo leptos serve|watch` passes its settings as LEPTOS_* variables; ours win.
        let addr = self
            .addr
            .or_else(|| env("LEPTOS_SITE_ADDR").and_then(|a| a.parse().ok()))
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000)));
        let site_root = self
            .site_root
            .or_else(|| env("LEPTOS_SITE_ROOT").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("target/site"));
        let dev = env("LEPTOS_ENV").is_some_and(|e| e.eq_ignore_ascii_case("dev"));
        Config {
            addr,
            data_dir: self.data_dir,
            database_url: self.database_url,
            site_root,
            dev,
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let config = args.into_config();
    let db = Db::open(config.database_url.as_deref(), &config.data_dir)
        .await
        .map_err(|e| e.to_string())?;
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
    let state = AppState {
        leptos_options: config.leptos_options(),
        db,
    };
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Pantau siap / ready: http://{addr}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())
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
