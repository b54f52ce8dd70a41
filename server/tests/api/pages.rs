//! The first page and the health check, over real HTTP, on real databases.

use crate::helpers::{TestServer, postgres_url};

#[tokio::test]
async fn board_page_is_server_rendered_with_one_column_per_sop_step() {
    let server = TestServer::sqlite().await;
    let res = server.get("/").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let steps: Vec<&str> = html
        .split("data-step=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert_eq!(steps, ["1", "2", "3", "4", "5", "5a", "6", "7"]);
    assert!(
        html.contains("Disposisi Kabid Aptika"),
        "Indonesian step names are rendered"
    );
    assert!(html.contains("Kepala Dinas"), "performers are rendered");
    assert!(
        html.contains("/pkg/pantau.js"),
        "the page loads the browser bundle to hydrate"
    );
}

#[tokio::test]
async fn unknown_page_answers_404_with_a_way_back() {
    let server = TestServer::sqlite().await;
    let res = server.get("/tidak-ada").send().await.unwrap();
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(html.contains("Halaman tidak ditemukan"));
    assert!(html.contains("href=\"/\""));
}

#[tokio::test]
async fn health_check_reports_version_and_sqlite_backend() {
    let server = TestServer::sqlite().await;
    let res = server.get("/healthz").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "sqlite");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn health_check_reports_postgres_backend() {
    let Some(url) = postgres_url() else { return };
    let _ = url;
    let server = TestServer::postgres().await.unwrap();
    let res = server.get("/healthz").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["database"], "postgres");
}

#[tokio::test]
async fn health_check_answers_503_and_no_cause_when_the_database_is_gone() {
    let server = TestServer::sqlite().await;
    server.state.db.pool.close().await;
    let res = server.get("/healthz").send().await.unwrap();
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["database_up"], false);
    // The cause (sqlx's words) goes to the log, not to an unauthenticated client.
    assert!(body.get("error").is_none(), "{body}");
    assert!(!body.to_string().contains("pool"), "{body}");
}

#[tokio::test]
async fn sqlite_file_is_created_in_the_data_directory_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    let db = pantau::db::Db::open(None, &nested).await.unwrap();
    assert!(nested.join("pantau.sqlite3").is_file());
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(sync, 2, "synchronous = FULL");
}

#[tokio::test]
async fn unsupported_database_url_is_refused_with_a_clear_message() {
    let err = pantau::db::Db::open(
        Some("mysql://root:pw@localhost/x"),
        std::path::Path::new("."),
    )
    .await
    .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("postgres://"), "{message}");
    assert!(!message.contains(":pw@"), "password hidden: {message}");
}

#[tokio::test]
async fn a_cross_site_post_is_refused_with_403_and_changes_nothing() {
    let server = TestServer::sqlite().await;
    let card = pantau_core::domain::demo::demo_card_id(1);
    let request = pantau_core::domain::demo::sample_request(1, chrono::Utc::now(), 5);
    let body = serde_json::json!({ "mutations": [crate::helpers::envelope(
        pantau_core::domain::Role::Tu,
        pantau_core::domain::Mutation::CreateRequest { card, request },
    )] });
    let client = server.http.clone();
    let forged = client
        .post(server.url("/api/sync/push"))
        .header("Origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let error: pantau_core::api::ErrorAnswer = forged.json().await.unwrap();
    assert_eq!(error.error.code, "cross_site");
    let forged = client
        .post(server.url("/api/sync/push"))
        .header("Sec-Fetch-Site", "cross-site")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(
        server.state.hub.store.last_seq().await.unwrap(),
        0,
        "nothing reached the log"
    );

    let own_page = client
        .post(server.url("/api/sync/push"))
        .header("Sec-Fetch-Site", "same-origin")
        .header("Origin", server.base.clone())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(own_page.status(), 200);
}

#[tokio::test]
async fn security_headers_are_on_pages_api_answers_and_errors() {
    let server = TestServer::sqlite().await;
    for path in [
        "/",
        "/healthz",
        "/api/board",
        "/api/nothing",
        "/tidak-ada",
        "/favicon.svg",
    ] {
        let res = server.get(path).send().await.unwrap();
        let headers = res.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
    }
}

/// The nonce the page's CSP allows scripts with.
fn csp_nonce(res: &reqwest::Response) -> String {
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    let start = csp.find("'nonce-").expect("the CSP names a nonce") + "'nonce-".len();
    csp[start..start + csp[start..].find('\'').unwrap()].to_owned()
}

#[tokio::test]
async fn every_script_of_a_page_carries_the_nonce_its_csp_allows_and_each_response_has_its_own() {
    let server = TestServer::sqlite().await;
    let mut nonces = vec![];
    for path in ["/", "/", "/tidak-ada"] {
        let res = server.get(path).send().await.unwrap();
        let nonce = csp_nonce(&res);
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
        assert!(!csp.contains("'unsafe-inline' 'nonce"), "{csp}");
        assert!(csp.contains("object-src 'none'"), "{csp}");
        let html = res.text().await.unwrap();
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        assert!(!scripts.is_empty(), "{path} has scripts");
        for script in scripts {
            let tag = &script[..script.find('>').unwrap()];
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: a script without the nonce: <script{tag}>"
            );
        }
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "a fresh nonce for every response");
}

#[tokio::test]
async fn every_answer_names_its_request_id_and_keeps_the_one_a_proxy_gave() {
    let server = TestServer::sqlite().await;
    let res = server.get("/healthz").send().await.unwrap();
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(id.parse::<uuid::Uuid>().is_ok(), "a fresh UUID: {id}");
    let again = server.get("/healthz").send().await.unwrap();
    assert_ne!(
        again.headers()["x-request-id"].to_str().unwrap(),
        id,
        "one per request"
    );
    let proxied = server
        .get("/api/tidak-ada")
        .header("x-request-id", "nginx-4f2a")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.status(), 404);
    assert_eq!(proxied.headers()["x-request-id"], "nginx-4f2a");
}

fn decoded(encoding: &str, body: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    match encoding {
        "br" => brotli_decompressor::Decompressor::new(body, 4096)
            .read_to_end(&mut out)
            .unwrap(),
        "gzip" => flate2::read::GzDecoder::new(body)
            .read_to_end(&mut out)
            .unwrap(),
        other => panic!("unexpected encoding {other}"),
    };
    out
}

/// The board's snapshot (3.4 MiB of JSON for 2,000 cards) and the pages come compressed as the
/// browser accepts; a client that accepts nothing gets them as they are; the event streams are
/// never compressed (each event must leave at once).
#[tokio::test]
async fn answers_and_pages_come_compressed_as_the_browser_accepts_but_not_the_event_streams() {
    let server = TestServer::sqlite().await;
    for n in 0..60 {
        server.create(n).await;
    }
    let raw = server.get("/api/board").send().await.unwrap();
    assert!(raw.headers().get("content-encoding").is_none());
    let raw: serde_json::Value = raw.json().await.unwrap();
    let raw_len = serde_json::to_vec(&raw).unwrap().len();
    for (accept, encoding) in [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip")] {
        let res = server
            .get("/api/board")
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-encoding"], encoding, "{accept}");
        assert!(
            res.headers()["vary"]
                .to_str()
                .unwrap()
                .contains("accept-encoding")
        );
        let body = res.bytes().await.unwrap();
        let board: serde_json::Value = serde_json::from_slice(&decoded(encoding, &body)).unwrap();
        assert_eq!(board["cards"], raw["cards"], "{accept}: the same cards");
        assert!(
            body.len() * 5 < raw_len,
            "{accept}: {} of {raw_len} bytes",
            body.len()
        );
    }
    let page = server
        .get("/")
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["content-encoding"], "br");
    let html = String::from_utf8(decoded("br", &page.bytes().await.unwrap())).unwrap();
    assert!(html.contains("/pkg/pantau.js"));

    for stream in ["/api/events", "/api/cameras/stream"] {
        let res = server
            .get(stream)
            .header("accept-encoding", "br, gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{stream}");
        assert_eq!(
            res.headers()["content-type"],
            "text/event-stream",
            "{stream}"
        );
        assert!(res.headers().get("content-encoding").is_none(), "{stream}");
    }
}
