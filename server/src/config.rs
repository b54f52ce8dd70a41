//! Where the server listens, where it keeps data, where the built site lives.

use std::net::SocketAddr;
use std::path::PathBuf;

use leptos::config::{Env, LeptosOptions};

/// Resolved server settings.
#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    /// Holds the SQLite file when no `DATABASE_URL` is given.
    pub data_dir: PathBuf,
    /// `postgres://…` for several instances behind one address; `None` for the embedded SQLite file.
    pub database_url: Option<String>,
    /// The built site (`/pkg`, assets), as `cargo leptos build` leaves it.
    pub site_root: PathBuf,
    /// Development mode: the page reloads itself when `cargo leptos watch` rebuilds.
    pub dev: bool,
}

impl Config {
    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("pantau")
            .site_root(self.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .env(if self.dev { Env::DEV } else { Env::PROD })
            .build()
    }
}
