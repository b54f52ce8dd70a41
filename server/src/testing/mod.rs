//! What the integration tests and the benchmark start and drive (feature `test-support`): a real
//! Pantau server in-process on a free port ([`crate::startup::Application`], as `pantau serve`
//! starts), on a real database: a fresh SQLite file, or the real PostgreSQL in a fresh schema of
//! its own; signed-in clients, event stream readers, a cuttable proxy, a real RTSP camera.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::cameras::ProbeSettings;
use crate::config::Config;
use crate::startup::Application;
use crate::state::AppState;
use crate::sync::api::{PushAnswer, PushResult};
use chrono::Utc;
use futures::StreamExt;
use pantau_core::domain::demo::{sample_output, sample_request, text};
use pantau_core::domain::{CardId, Envelope, Mutation, MutationId, Role, SlaConfig, StepId};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;

pub struct TestServer {
    pub base: String,
    /// Signed in as `tester`, who holds every role.
    pub http: reqwest::Client,
    pub state: AppState,
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    stop: watch::Sender<bool>,
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

/// A fresh schema on the test PostgreSQL; the URL that puts a connection in it.
pub async fn fresh_postgres_schema() -> Option<String> {
    use sqlx::Connection;
    let base = postgres_url()?;
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .expect("PostgreSQL reachable");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}options=-c%20search_path%3D{schema}"))
}

pub fn config(addr: SocketAddr, data_dir: PathBuf, database_url: Option<String>) -> Config {
    Config {
        addr,
        data_dir,
        database_url,
        site_root: PathBuf::from("target/site"),
        dev: false,
        sla: SlaConfig::default(),
        secure_cookies: false,
        cameras: ProbeSettings::default(),
        letterhead: pantau_core::domain::record::Letterhead::default(),
        // The suites push thousands of mutations as one user; the rate has its own test.
        limits: crate::limits::Limits {
            mutations_per_minute: 1_000_000,
            ..crate::limits::Limits::default()
        },
        trusted_proxies: Vec::new(),
        // One key for every test instance, as instances sharing a database must have.
        secret_key: Some("cGFudGF1LXRlc3Qta2V5LW5vdC1mb3ItcHJvZHVjdCE=".into()),
        notify: crate::notify::NotifySettings::default(),
    }
}

impl TestServer {
    /// A server on a fresh SQLite file in a temporary directory.
    pub async fn sqlite() -> TestServer {
        Self::sqlite_with(ProbeSettings::default()).await
    }

    /// A server on a fresh SQLite file, probing cameras with `cameras`.
    pub async fn sqlite_with(cameras: ProbeSettings) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().to_path_buf();
        Self::start(path, None, Some(dir), cameras).await
    }

    /// A server on a fresh PostgreSQL schema; `None` when this run has no PostgreSQL.
    pub async fn postgres() -> Option<TestServer> {
        Self::postgres_with(ProbeSettings::default()).await
    }

    pub async fn postgres_with(cameras: ProbeSettings) -> Option<TestServer> {
        let url = fresh_postgres_schema().await?;
        Some(Self::start(PathBuf::from("unused"), Some(url), None, cameras).await)
    }

    /// Another instance on the same database as `self`, probing with `cameras`.
    pub async fn another_with(&self, cameras: ProbeSettings) -> TestServer {
        let dir = self.data_dir.clone();
        Self::start(dir, self.database_url.clone(), None, cameras).await
    }

    /// Another instance on the same PostgreSQL database (and schema).
    pub async fn on_postgres(url: String) -> TestServer {
        Self::start(
            PathBuf::from("unused"),
            Some(url),
            None,
            ProbeSettings::default(),
        )
        .await
    }

    /// Another instance on the same PostgreSQL database, with its settings changed by `tweak`.
    pub async fn on_postgres_configured(
        url: String,
        tweak: impl FnOnce(&mut Config),
    ) -> TestServer {
        Self::start_with(PathBuf::from("unused"), Some(url), None, tweak).await
    }

    /// Another instance on the same SQLite directory.
    pub async fn on_sqlite_dir(dir: PathBuf) -> TestServer {
        Self::start(dir, None, None, ProbeSettings::default()).await
    }

    async fn start(
        data_dir: PathBuf,
        database_url: Option<String>,
        data: Option<tempfile::TempDir>,
        cameras: ProbeSettings,
    ) -> TestServer {
        Self::start_with(data_dir, database_url, data, move |c| c.cameras = cameras).await
    }

    /// A server on a fresh SQLite file, with its settings changed by `tweak`.
    pub async fn sqlite_configured(tweak: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().to_path_buf();
        Self::start_with(path, None, Some(dir), tweak).await
    }

    /// A server on a fresh PostgreSQL schema with its settings changed by `tweak`; `None` without PostgreSQL.
    pub async fn postgres_configured(tweak: impl FnOnce(&mut Config)) -> Option<TestServer> {
        let url = fresh_postgres_schema().await?;
        Some(Self::start_with(PathBuf::from("unused"), Some(url), None, tweak).await)
    }

    async fn start_with(
        data_dir: PathBuf,
        database_url: Option<String>,
        data: Option<tempfile::TempDir>,
        tweak: impl FnOnce(&mut Config),
    ) -> TestServer {
        let mut config = config(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir.clone(),
            database_url.clone(),
        );
        tweak(&mut config);
        let app = Application::build(config).await.expect("server starts");
        let addr = app.addr();
        let state = app.state().clone();
        let stop = app.stopper();
        tokio::spawn(app.run_until(std::future::pending()));
        let base = format!("http://{addr}");
        // Instances on one database share the user; the first one adds it.
        let _ = add_user(&state, "tester", &Role::ALL).await;
        let http = signed_in(&base, "tester").await;
        TestServer {
            base,
            http,
            state,
            database_url,
            data_dir,
            stop,
            _data: data,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A GET as the signed-in tester.
    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(self.url(path))
    }

    /// A POST as the signed-in tester.
    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(self.url(path))
    }

    /// A GET as the signed-in tester, its JSON answer.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        self.get(path)
            .send()
            .await
            .expect("the server answers")
            .json()
            .await
            .expect("a JSON answer")
    }

    /// A client signed in as a new user holding `roles`.
    pub async fn user(&self, name: &str, roles: &[Role]) -> reqwest::Client {
        add_user(&self.state, name, roles)
            .await
            .expect("user added");
        signed_in(&self.base, name).await
    }

    /// A new kiosk token.
    pub async fn kiosk(&self, name: &str) -> String {
        crate::auth::store::create_kiosk(&self.state.db, name, Utc::now())
            .await
            .expect("kiosk created")
    }

    /// Registers a camera (as the signed-in Admin tester) and returns it as the feed lists it.
    pub async fn add_camera(
        &self,
        body: serde_json::Value,
    ) -> pantau_core::domain::camera::CameraInfo {
        let res = self.post("/api/cameras").json(&body).send().await.unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        res.json().await.unwrap()
    }

    /// Ends the event streams, as a shutdown does.
    pub fn stop_streams(&self) {
        let _ = self.stop.send(true);
    }

    pub async fn push(&self, mutations: Vec<Envelope>) -> PushAnswer {
        let res = self
            .http
            .post(self.url("/api/sync/push"))
            .json(&serde_json::json!({ "mutations": mutations }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "push answers 200");
        res.json().await.unwrap()
    }

    /// Pushes one mutation and returns its result.
    pub async fn push_one(&self, envelope: Envelope) -> PushResult {
        self.push(vec![envelope]).await.results.pop().unwrap()
    }

    /// A request registered by TU (now, by the server's clock): the card stands at step 2.
    pub async fn create(&self, n: usize) -> CardId {
        self.create_with(n, |_| {}).await
    }

    /// [`TestServer::create`] with the sample letter changed by `edit` first.
    pub async fn create_with(
        &self,
        n: usize,
        edit: impl FnOnce(&mut pantau_core::domain::RequestInput),
    ) -> CardId {
        let card = pantau_core::domain::demo::demo_card_id(n);
        let mut request = sample_request(n, self.state.clock.now(), 5);
        edit(&mut request);
        let result = self
            .push_one(envelope(
                Role::Tu,
                Mutation::CreateRequest { card, request },
            ))
            .await;
        assert!(matches!(result, PushResult::Accepted { .. }), "{result:?}");
        card
    }

    pub async fn card(&self, id: CardId) -> pantau_core::domain::Card {
        self.state
            .hub
            .store
            .card(id)
            .await
            .unwrap()
            .expect("card exists")
    }

    /// A move from step 2 by TU, built without asking the server (which may be unreachable).
    pub fn next_move_unchecked(&self, card: CardId) -> Envelope {
        let output = pantau_core::domain::StepOutput::Received {
            agenda_number: None,
            note: None,
        };
        envelope(
            Role::Tu,
            Mutation::CompleteStep {
                card,
                step: StepId::S2,
                output,
            },
        )
    }

    /// A card at step 7 whose monitoring starts in a moment (Subkor ILE moves the confirmed
    /// window to now): its report may be given once this returns.
    pub async fn start_monitoring_now(&self, card: CardId) {
        let start = Utc::now() + chrono::Duration::milliseconds(1200);
        let window = pantau_core::domain::Window {
            start,
            end: start + chrono::Duration::hours(2),
        };
        let result = self
            .push_one(envelope(
                Role::SubkorIle,
                Mutation::Reschedule {
                    card,
                    step: StepId::S7,
                    window,
                    reason: pantau_core::domain::demo::text("Monitoring dimulai sekarang"),
                },
            ))
            .await;
        assert!(matches!(result, PushResult::Accepted { .. }), "{result:?}");
        let wait = (start - Utc::now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait + std::time::Duration::from_millis(50)).await;
    }

    /// The envelope that completes the card's current step by its performer. At step 7 before
    /// the monitoring's start, Subkor ILE first moves the start to now (a report cannot come
    /// before the monitoring): one more event in the card's log.
    pub async fn next_move(&self, id: CardId) -> Envelope {
        let mut card = self.card(id).await;
        if card.current_step() == Some(StepId::S7)
            && card.schedule.is_some_and(|s| s.start > Utc::now())
        {
            self.start_monitoring_now(id).await;
            card = self.card(id).await;
        }
        let step = card.current_step().expect("open card");
        envelope(
            step.def().performer,
            Mutation::CompleteStep {
                card: id,
                step,
                output: sample_output(step, &card),
            },
        )
    }
}

/// The password of every test user.
pub const PASSWORD: &str = "kata-sandi-uji-coba";

pub async fn add_user(
    state: &AppState,
    name: &str,
    roles: &[Role],
) -> Result<(), crate::auth::store::AuthError> {
    let username = crate::auth::Username::parse(name).expect("valid user name");
    let password = crate::auth::Password::parse(PASSWORD).expect("valid password");
    crate::auth::store::add_user(
        &state.db,
        &username,
        name,
        &password,
        roles,
        false,
        Utc::now(),
    )
    .await
    .map(|_| ())
}

/// Adds `tester` (every role, password [`PASSWORD`]) to the database `db_args` name,
/// as an administrator would: with the CLI, the password on stdin.
pub async fn add_tester(bin: &str, db_args: &[&str]) {
    add_cli_user(
        bin,
        db_args,
        "tester",
        "tu,kepala_dinas,kabid_aptika,subkor_ile,operator_tcmr,admin",
    )
    .await;
}

/// Adds `name` with `roles` (password [`PASSWORD`]) with the CLI, the password on stdin.
pub async fn add_cli_user(bin: &str, db_args: &[&str], name: &str, roles: &str) {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new(bin)
        .args(["user", "add", name, "--role", roles])
        .arg("--password-stdin")
        .args(db_args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{}\n", PASSWORD).as_bytes())
        .await
        .unwrap();
    drop(stdin);
    assert!(child.wait().await.unwrap().success(), "user add");
}

/// Signs `name` in; the session cookie (`name=value`).
pub async fn session_cookie(base: &str, name: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({ "username": name, "password": PASSWORD }))
        .send()
        .await
        .expect("login answers");
    assert_eq!(res.status(), 200, "{name} signs in");
    res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// Signs `name` in; the client sends the session cookie with every request.
pub async fn signed_in(base: &str, name: &str) -> reqwest::Client {
    with_cookie(&session_cookie(base, name).await)
}

/// A client that sends `cookie` with every request.
pub fn with_cookie(cookie: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::COOKIE,
        reqwest::header::HeaderValue::from_str(cookie).unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

pub fn envelope(role: Role, mutation: Mutation) -> Envelope {
    Envelope {
        id: MutationId(uuid::Uuid::new_v4()),
        actor: text(&format!("tester-{role:?}")),
        role,
        device: text("test"),
        client_time: Utc::now(),
        override_reason: None,
        mutation,
    }
}

pub fn seq_of(result: &PushResult) -> u64 {
    match result {
        PushResult::Accepted { seq, .. } => *seq,
        PushResult::Refused { code, .. } => panic!("refused: {code}"),
    }
}

/// The error message of an answer, after checking its status.
pub async fn error_message(res: reqwest::Response, status: u16) -> String {
    error_answer(res, status).await.error.message
}

/// The error answer of `res`, which must have `status`.
pub async fn error_answer(res: reqwest::Response, status: u16) -> pantau_core::api::ErrorAnswer {
    assert_eq!(res.status(), status, "{}", res.url());
    res.json().await.expect("an error answer")
}

/// A Server-Sent Events client: yields (id, data) pairs.
pub struct SseClient {
    lines: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
}

impl SseClient {
    pub async fn connect(
        client: &reqwest::Client,
        url: &str,
        last_event_id: Option<u64>,
    ) -> SseClient {
        let mut req = client.get(url).header("Accept", "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        SseClient {
            lines: res.bytes_stream().boxed(),
            buffer: String::new(),
        }
    }

    /// The next event with an id (skipping heartbeats), or `None` at the end of the stream or after `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<(u64, serde_json::Value)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let (id, _, data) = self.block(deadline).await?;
            if let Some(id) = id {
                return Some((id, serde_json::from_str(&data).unwrap()));
            }
        }
    }

    /// The next named event (`event: name`), or `None` at the end of the stream or after `wait`.
    pub async fn next_named(&mut self, wait: Duration) -> Option<(String, serde_json::Value)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let (_, name, data) = self.block(deadline).await?;
            if let Some(name) = name {
                return Some((name, serde_json::from_str(&data).unwrap()));
            }
        }
    }

    /// The next block: its id, its event name and its data.
    async fn block(
        &mut self,
        deadline: tokio::time::Instant,
    ) -> Option<(Option<u64>, Option<String>, String)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut name) = (None, None);
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        name = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                return Some((id, name, data));
            }
            match tokio::time::timeout_at(deadline, self.lines.next()).await {
                Ok(Some(Ok(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }
}

/// A TCP proxy the test can cut and restore: the database "goes away" and comes back.
pub struct Proxy {
    pub port: u16,
    target: String,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Proxy {
    pub async fn start(target: &str) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut proxy = Proxy {
            port,
            target: target.to_owned(),
            task: None,
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&mut self, listener: tokio::net::TcpListener) {
        let target = self.target.clone();
        self.task = Some(tokio::spawn(async move {
            let mut pipes = tokio::task::JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                pipes.spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }

    /// Closes the port and every connection through it.
    pub fn cut(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn restore(&mut self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .unwrap();
        self.serve(listener);
    }
}

/// A port on 127.0.0.1 that nothing listens on (a closed camera, or one to start a server on).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// GStreamer's RTSP server streaming H.264 at `rtsp://127.0.0.1:PORT/cam`.
pub struct RtspCamera {
    child: Child,
}

impl RtspCamera {
    pub async fn start(port: u16, login: Option<(&str, &str)>) -> RtspCamera {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/rtsp_camera.py");
        let mut command = Command::new("/usr/bin/python3");
        command.arg(script).arg(port.to_string());
        if let Some((user, password)) = login {
            command.args([user, password]);
        }
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("GStreamer's RTSP server starts (apt install python3-gi gir1.2-gst-rtsp-server-1.0)");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if line == "ready" {
                    return;
                }
            }
            panic!("the RTSP server exited before it was ready");
        })
        .await
        .expect("the RTSP server is ready within 20 s");
        RtspCamera { child }
    }

    pub async fn stop(mut self) {
        self.child.kill().await.unwrap();
        let _ = self.child.wait().await;
    }
}

/// A small seeded generator (xorshift64*): the same seed gives the same cases, for the generated-input
/// suite and the sync simulation. A zero seed is made odd (xorshift would stay at zero).
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    // Not an iterator: it never ends, and the fuzz loops read it as a plain call.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Staff give (or show again) the card's tracking link: 201 and the link.
pub async fn give_link(server: &TestServer, card: CardId) -> pantau_core::api::tracking::Link {
    let res = server
        .post(&format!("/api/cards/{}/tracking", card.0))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

pub mod push;
pub mod receiver;
pub mod smtp;
pub mod telegram;

/// `[notify]` for a test: Telegram through `bot`, retries after 0.2 s (doubling, at most 1 s).
pub fn notify_with(bot: &telegram::TelegramStandIn) -> crate::notify::NotifySettings {
    crate::notify::NotifySettings {
        telegram: Some(bot.settings()),
        ..notify_fast()
    }
}

/// `[notify]` for a test, no channel yet: retries after 0.2 s (doubling, at most 1 s); no
/// morning digest (its own test turns it on), so a test's count of messages is its own.
pub fn notify_fast() -> crate::notify::NotifySettings {
    crate::notify::NotifySettings {
        digest: false,
        retry_first: Duration::from_millis(200),
        retry_max: Duration::from_secs(1),
        send_timeout: Duration::from_secs(5),
        lease: Duration::from_secs(10),
        ..crate::notify::NotifySettings::default()
    }
}

impl TestServer {
    /// A client signed in as a new user holding `roles`, whose Telegram chat `chat` is bound
    /// through the settings' link and a `/start` to `bot`, as a person binds it.
    pub async fn telegram_user(
        &self,
        bot: &telegram::TelegramStandIn,
        name: &str,
        roles: &[Role],
        chat: i64,
    ) -> reqwest::Client {
        let client = self.user(name, roles).await;
        bot.bind(&client, &self.base, name, chat).await;
        client
    }
}
