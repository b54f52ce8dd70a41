//! `pantau --help`: the commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

mod accounts;

use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::config::{Config, FileConfig};
use crate::demo;
use crate::startup::Application;

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
    /// Accounts: add, change a password, disable, list.
    #[command(subcommand)]
    User(UserCommand),
    /// Read-only tokens for wall screens (`/wall?token=…`): create, revoke, list.
    #[command(subcommand)]
    Kiosk(KioskCommand),
}

/// Where the data is: shared by every command.
#[derive(Args, Debug, Default)]
struct DbArgs {
    /// TOML settings file [default: pantau.toml, when present].
    #[arg(long, env = "PANTAU_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Directory for the embedded SQLite database [default: data].
    #[arg(long, env = "PANTAU_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…) to run several instances on one database. Default: SQLite in --data-dir.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    database_url: Option<String>,
}

#[derive(Args, Debug, Default)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on [default: 127.0.0.1:3000].
    #[arg(long, env = "PANTAU_ADDR")]
    addr: Option<SocketAddr>,
    /// The built site (`cargo leptos build` output) [default: target/site].
    #[arg(long, env = "PANTAU_SITE_ROOT")]
    site_root: Option<PathBuf>,
    /// Demo mode: demo requests in an empty database, one demo user per role (passwords printed).
    #[arg(long, env = "PANTAU_DEMO")]
    demo: bool,
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add a user: `pantau user add budi --role tu,admin --name "Budi Santoso"`.
    Add {
        username: String,
        /// Comma-separated: pemohon, tu, kepala_dinas, kabid_aptika, subkor_ile, operator_tcmr, admin.
        #[arg(long)]
        role: String,
        /// The name people see [default: the user name].
        #[arg(long, default_value = "")]
        name: String,
        /// For an applicant account: its agency (OPD), as requests name it ("Dinas Perhubungan").
        /// It then sees and acts on only that agency's requests (and those it made).
        #[arg(long)]
        agency: Option<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a new password (ends the user's sessions).
    Passwd {
        username: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Disable an account (ends its sessions at once).
    Disable {
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List the accounts.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand, Debug)]
enum KioskCommand {
    /// Create a token for a wall screen; it is shown once.
    Create {
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a token: the screen stops at once, open streams too.
    Revoke {
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List the tokens.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

impl Cli {
    pub async fn run(self) -> ExitCode {
        // Log lines go to stderr; stdout carries what the operator asked for (the ready line,
        // demo passwords, CLI answers).
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter(
                EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
            )
            .init();
        let result = match self.command {
            Some(Command::Serve(args)) => serve(args).await,
            None => serve(ServeArgs::from_env()).await,
            Some(Command::User(command)) => accounts::user(command).await,
            Some(Command::Kiosk(command)) => accounts::kiosk(command).await,
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
        let mut file = FileConfig::load(self.db.config.as_deref()).map_err(|e| e.to_string())?;
        let sla = file
            .sla
            .with_env(env)
            .and_then(|s| s.resolve())
            .map_err(|e| e.to_string())?;
        let cameras = file
            .cameras
            .with_env(env)
            .and_then(|c| c.resolve())
            .map_err(|e| e.to_string())?;
        let server = std::mem::take(&mut file.server)
            .with_env(env)
            .map_err(|e| e.to_string())?;
        let limits = server.limits().map_err(|e| e.to_string())?;
        let letterhead = file
            .agency
            .with_env(env)
            .resolve()
            .map_err(|e| e.to_string())?;
        let notify = std::mem::take(&mut file.notify)
            .with_env(env)
            .and_then(|n| n.resolve())
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
                .db
                .data_dir
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("data")),
            database_url: self.db.database_url.or(file.database_url),
            site_root,
            dev: env("LEPTOS_ENV").is_some_and(|e| e.eq_ignore_ascii_case("dev")),
            sla,
            cameras,
            letterhead,
            limits,
            trusted_proxies: server.trusted_proxies.unwrap_or_default(),
            secret_key: env("PANTAU_SECRET_KEY"),
            notify,
            secure_cookies: env("PANTAU_SECURE_COOKIES")
                .map(|v| matches!(v.as_str(), "1" | "true" | "yes"))
                .or(file.secure_cookies)
                .unwrap_or(false),
        })
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let demo = args.demo;
    let app = Application::build(args.into_config()?).await?;
    let state = app.state();
    if demo {
        let sla = state.sla.clone();
        let added = demo::seed(&state.hub.store, &sla)
            .await
            .map_err(|e| format!("demo data: {e}"))?;
        println!("Demo: {added} permohonan contoh / demo requests");
        let cameras = crate::cameras::demo::seed(&state.db)
            .await
            .map_err(|e| format!("demo cameras: {e}"))?;
        if cameras > 0 {
            println!("Demo: {cameras} kamera simulasi / simulated cameras");
        }
        state
            .cameras
            .reload_all()
            .await
            .map_err(|e| format!("demo cameras: {e}"))?;
        let users = crate::auth::store::seed_demo_users(&state.db, chrono::Utc::now())
            .await
            .map_err(|e| e.to_string())?;
        if !users.is_empty() {
            println!("Demo: pengguna / users (user name, role, password):");
            for (name, role, password) in &users {
                println!("  {name:<24} {:<16} {}", role.as_str(), password.reveal());
            }
        }
    } else {
        let left = crate::auth::store::demo_passwords_left(&state.db)
            .await
            .map_err(|e| e.to_string())?;
        if !left.is_empty() {
            return Err(format!(
                "demo passwords are still set for {}: give each a real one (`pantau user passwd NAME`) or \
                 disable it (`pantau user disable NAME`), or start with --demo",
                left.join(", ")
            ));
        }
    }
    println!("Pantau siap / ready: http://{}", app.addr());
    app.run_until(shutdown_signal()).await;
    Ok(())
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
