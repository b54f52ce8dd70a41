//! Starts a real Pantau server in-process on a free port, on a real database.
#![allow(dead_code)] // each test file uses its own part of this

use std::net::SocketAddr;
use std::path::PathBuf;

use pantau::config::Config;
use pantau::db::Db;
use pantau::http::{AppState, router};

pub struct TestServer {
    pub base: String,
    pub db: Db,
    _data: Option<tempfile::TempDir>,
}

/// The PostgreSQL URL for the PostgreSQL suite, if this run has one (CI always does).
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("PANTAU_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        eprintln!("SKIPPED: PostgreSQL suite (PANTAU_TEST_POSTGRES_URL is not set)");
    }
    url
}

impl TestServer {
    /// A server on a fresh SQLite file in a temporary directory.
    pub async fn sqlite() -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::open(None, dir.path()).await.expect("open sqlite");
        Self::start(db, Some(dir)).await
    }

    /// A server on the given PostgreSQL database.
    pub async fn postgres(url: &str) -> TestServer {
        let db = Db::open(Some(url), &PathBuf::from("unused"))
            .await
            .expect("open postgres");
        Self::start(db, None).await
    }

    async fn start(db: Db, data: Option<tempfile::TempDir>) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().unwrap();
        let config = Config {
            addr,
            data_dir: data
                .as_ref()
                .map(|d| d.path().to_path_buf())
                .unwrap_or_default(),
            database_url: None,
            site_root: PathBuf::from("target/site"),
            dev: false,
        };
        let state = AppState {
            leptos_options: config.leptos_options(),
            db: db.clone(),
        };
        tokio::spawn(async move { axum::serve(listener, router(state)).await.unwrap() });
        TestServer {
            base: format!("http://{addr}"),
            db,
            _data: data,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}
