//! The real `pantau` binary: killed with SIGKILL while clients push, stopped with SIGTERM while
//! event streams are open.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::{SseClient, envelope};
use chrono::Utc;
use pantau::sync::api::{PullAnswer, PushAnswer, PushResult};
use pantau_core::domain::demo::sample_request;
use pantau_core::domain::{Mutation, Role};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Starts `pantau serve` on a free port; returns the child and its address once it listens.
async fn start(data_dir: &Path) -> (Child, String) {
    start_with(data_dir, &[]).await
}

async fn start_with(data_dir: &Path, extra: &[&str]) -> (Child, String) {
    start_with_env(data_dir, extra, &[]).await
}

async fn start_with_env(data_dir: &Path, extra: &[&str], envs: &[(&str, &str)]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pantau"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .envs(envs.iter().copied())
        .env("RUST_LOG", "warn")
        // The crash test pushes as fast as it can as one user; the rate limit has its own test.
        .env("PANTAU_MUTATIONS_PER_MINUTE", "1000000")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("pantau starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.strip_prefix("Pantau siap / ready: ") {
                return url.to_owned();
            }
        }
        panic!("pantau exited before it was ready");
    })
    .await
    .expect("ready within 30 s");
    (child, address)
}

async fn all_events(http: &reqwest::Client, base: &str) -> Vec<pantau_core::domain::Event> {
    let mut since = 0;
    let mut events = vec![];
    loop {
        let page: PullAnswer = http
            .get(format!("{base}/api/sync/pull?since={since}&limit=1000"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        events.extend(page.events);
        since = page.next;
        if !page.more {
            return events;
        }
    }
}

/// Every mutation a client saw acknowledged survives a SIGKILL of the server, at many kill points.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_mutation_survives_a_sigkill() {
    let kills: usize = std::env::var("PANTAU_CRASH_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(50);
    let dir = tempfile::tempdir().unwrap();
    let acknowledged: Arc<Mutex<BTreeSet<uuid::Uuid>>> = Arc::default();
    crate::helpers::add_tester(
        env!("CARGO_BIN_EXE_pantau"),
        &["--data-dir", dir.path().to_str().unwrap()],
    )
    .await;
    // Sessions live in the database: one login serves every restart.
    let mut http = None;
    for round in 0..kills {
        let (mut child, base) = start(dir.path()).await;
        if http.is_none() {
            http = Some(crate::helpers::signed_in(&base, "tester").await);
        }
        let http = http.clone().unwrap();
        let clients: Vec<_> = (0..3)
            .map(|c| {
                let base = base.clone();
                let acknowledged = acknowledged.clone();
                let first = c * 10_000;
                let http = http.clone();
                tokio::spawn(async move {
                    for n in first.. {
                        let card = pantau_core::domain::demo::demo_card_id(n + round * 100_000);
                        let request = sample_request(n, Utc::now(), 5);
                        let env = envelope(Role::Tu, Mutation::CreateRequest { card, request });
                        let id = env.id.0;
                        let sent = http
                            .post(format!("{base}/api/sync/push"))
                            .json(&serde_json::json!({ "mutations": [env] }))
                            .send()
                            .await;
                        let Ok(res) = sent else { return };
                        let Ok(answer) = res.json::<PushAnswer>().await else {
                            return;
                        };
                        if matches!(answer.results[0], PushResult::Accepted { .. }) {
                            acknowledged.lock().unwrap().insert(id);
                        }
                    }
                })
            })
            .collect();
        // A different moment each round, so the kill lands mid-write at varying points.
        tokio::time::sleep(Duration::from_millis(15 + (round as u64 * 37) % 120)).await;
        child.kill().await.unwrap(); // SIGKILL
        for c in clients {
            c.await.unwrap();
        }
    }
    let (_child, base) = start(dir.path()).await;
    let http = http.unwrap();
    let stored: BTreeSet<uuid::Uuid> = all_events(&http, &base)
        .await
        .iter()
        .map(|e| e.mutation_id.0)
        .collect();
    let acknowledged = acknowledged.lock().unwrap().clone();
    let lost: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(
        acknowledged.len() > kills,
        "the clients got writes in ({} acknowledged)",
        acknowledged.len()
    );
    assert!(
        lost.is_empty(),
        "{} acknowledged mutations lost: {lost:?}",
        lost.len()
    );
    let seqs: Vec<u64> = all_events(&http, &base)
        .await
        .iter()
        .map(|e| e.seq.unwrap())
        .collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as u64).collect::<Vec<_>>(),
        "the log has no holes"
    );
    eprintln!(
        "{kills} kills, {} acknowledged mutations, {} stored, none lost",
        acknowledged.len(),
        stored.len()
    );
}

/// Notifications on their way when the server is killed with SIGKILL are all delivered after
/// the restart, each once: none is lost with the process, none sent twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_in_flight_at_a_sigkill_are_delivered_once_after_the_restart() {
    use pantau::testing::telegram::{TOKEN, TelegramStandIn};
    let bot = TelegramStandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db_args = ["--data-dir", dir.path().to_str().unwrap()];
    let bin = env!("CARGO_BIN_EXE_pantau");
    crate::helpers::add_tester(bin, &db_args).await;
    crate::helpers::add_cli_user(bin, &db_args, "kadis", "kepala_dinas").await;
    let envs = [
        ("PANTAU_TELEGRAM_TOKEN", TOKEN),
        ("PANTAU_TELEGRAM_BOT", "PantauUjiBot"),
        ("PANTAU_TELEGRAM_API", bot.url.as_str()),
        // The real clock runs here: step 3 around the clock, so its arrival is sent at any hour.
        ("PANTAU_CALENDARS", "3=always_on"),
    ];
    let (mut child, base) = start_with_env(dir.path(), &[], &envs).await;
    let tester = crate::helpers::signed_in(&base, "tester").await;
    let kadis = crate::helpers::signed_in(&base, "kadis").await;
    bot.bind(&kadis, &base, "kadis", 401).await;
    // Telegram answers slowly: the sends are under way when the server dies.
    bot.delay(Duration::from_secs(3));
    let mut letters = Vec::new();
    for n in 0..5 {
        let card = pantau_core::domain::demo::demo_card_id(500 + n);
        let request = sample_request(n, Utc::now(), 5);
        letters.push(request.letter_number.clone());
        let create = envelope(Role::Tu, Mutation::CreateRequest { card, request });
        let receive = envelope(
            Role::Tu,
            Mutation::CompleteStep {
                card,
                step: pantau_core::domain::StepId::S2,
                output: pantau_core::domain::StepOutput::Received {
                    agenda_number: None,
                    note: None,
                },
            },
        );
        let res = tester
            .post(format!("{base}/api/sync/push"))
            .json(&serde_json::json!({ "mutations": [create, receive] }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    child.kill().await.unwrap(); // SIGKILL, mid-send
    assert!(
        bot.texts_to(401).iter().all(|t| !t.contains("langkah 3")),
        "nothing got through before the kill"
    );
    bot.delay(Duration::ZERO);
    let (_child, _base) = start_with_env(dir.path(), &[], &envs).await;
    for letter in &letters {
        bot.wait_for(401, letter, Duration::from_secs(10))
            .await
            .expect("delivered after the restart");
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let threes = bot.count(401, "langkah 3");
    assert_eq!(threes, letters.len(), "each once");
}

/// SIGTERM ends open event streams and the process exits by itself, well before the drain deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_open_event_streams_exits_promptly() {
    let dir = tempfile::tempdir().unwrap();
    crate::helpers::add_tester(
        env!("CARGO_BIN_EXE_pantau"),
        &["--data-dir", dir.path().to_str().unwrap()],
    )
    .await;
    let (mut child, base) = start(dir.path()).await;
    let http = crate::helpers::signed_in(&base, "tester").await;
    let mut streams = vec![];
    for _ in 0..3 {
        streams.push(SseClient::connect(&http, &format!("{base}/api/events"), None).await);
    }
    let pid = child.id().unwrap().to_string();
    let started = std::time::Instant::now();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::time::timeout(Duration::from_secs(8), child.wait())
        .await
        .expect("exits")
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    for stream in &mut streams {
        assert!(
            stream.next(Duration::from_secs(1)).await.is_none(),
            "the stream was closed"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_add_makes_an_account_that_logs_in_and_never_prints_a_typed_password() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pantau"))
        .args([
            "user",
            "add",
            "budi",
            "--role",
            "tu,admin",
            "--name",
            "Budi Santoso",
            "--password-stdin",
            "--data-dir",
        ])
        .arg(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use tokio::io::AsyncWriteExt;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"kata-sandi-rahasia\n")
        .await
        .unwrap();
    let out = child.wait_with_output().await.unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("added budi (Budi Santoso) with roles tu,admin"),
        "{stdout}"
    );
    assert!(!stdout.contains("kata-sandi-rahasia") && !stderr.contains("kata-sandi-rahasia"));

    let db = pantau::db::Db::open(None, dir.path()).await.unwrap();
    let (user, _) = pantau::auth::store::login(
        &db,
        "budi",
        "kata-sandi-rahasia",
        "127.0.0.1".parse().unwrap(),
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(user.roles, [Role::Tu, Role::Admin]);

    let again = Command::new(env!("CARGO_BIN_EXE_pantau"))
        .args(["user", "add", "budi", "--role", "walikota", "--data-dir"])
        .arg(dir.path())
        .output()
        .await
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("unknown role: walikota"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_production_start_refuses_while_a_demo_password_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let (child, _) = start_with(dir.path(), &["--demo"]).await;
    drop(child);
    let out = Command::new(env!("CARGO_BIN_EXE_pantau"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("demo passwords are still set for demo.admin"),
        "{stderr}"
    );
}

/// Logins (right, wrong, throttled) with every log level on: no password appears in any log line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_never_appear_in_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    crate::helpers::add_tester(
        env!("CARGO_BIN_EXE_pantau"),
        &["--data-dir", dir.path().to_str().unwrap()],
    )
    .await;
    let log = dir.path().join("server.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pantau"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stdout = String::new();
    let base = loop {
        let line = lines.next_line().await.unwrap().expect("ready line");
        stdout.push_str(&line);
        if let Some(url) = line.strip_prefix("Pantau siap / ready: ") {
            break url.to_owned();
        }
    };
    let wrong = "salah-sekali-sandinya";
    let http = reqwest::Client::new();
    for (user, password) in [
        ("tester", crate::helpers::PASSWORD),
        ("tester", wrong),
        ("tidak-ada", wrong),
        ("tester", crate::helpers::PASSWORD),
    ] {
        let res = http
            .post(format!("{base}/api/auth/login"))
            .json(&serde_json::json!({ "username": user, "password": password }))
            .send()
            .await
            .unwrap();
        assert!(
            res.status() == 200 || res.status() == 401,
            "{}",
            res.status()
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    child.kill().await.unwrap();
    while let Ok(Some(line)) = lines.next_line().await {
        stdout.push_str(&line);
    }
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.len() > 200, "trace logging is on: {logged}");
    for secret in [crate::helpers::PASSWORD, wrong] {
        assert!(!logged.contains(secret), "a password in the log");
        assert!(!stdout.contains(secret), "a password on stdout");
    }
}
