//! The CCTV status feed against real cameras: GStreamer's RTSP server (Debian's packages), a real
//! HTTP snapshot server, closed ports and a TCP server that never answers.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::helpers::{RtspCamera, SseClient, TestServer, free_port};
use axum::http::header;
use pantau::cameras::ProbeSettings;
use pantau::cameras::api::{HistoryAnswer, ImportAnswer};
use pantau_core::domain::Role;
use pantau_core::domain::camera::{CameraFeed, CameraInfo, CameraStatus};
use serde_json::json;
use tokio::time::Instant;

/// Probes every second, cut after 2 s.
fn fast() -> ProbeSettings {
    ProbeSettings {
        interval: Duration::from_secs(1),
        timeout: Duration::from_secs(2),
        slow: Duration::from_millis(1500),
        concurrency: 8,
        network: Vec::new(),
    }
}

async fn feed(server: &TestServer) -> CameraFeed {
    server.get_json("/api/cameras").await
}

async fn camera(server: &TestServer, id: &str) -> CameraInfo {
    feed(server)
        .await
        .cameras
        .into_iter()
        .find(|c| c.id == id)
        .expect("the camera is in the feed")
}

/// Polls the feed until the camera has `status`; returns it and how long that took.
async fn wait_for(
    server: &TestServer,
    id: &str,
    status: CameraStatus,
    within: Duration,
) -> (CameraInfo, Duration) {
    let started = Instant::now();
    loop {
        let camera = camera(server, id).await;
        if camera.status == status {
            return (camera, started.elapsed());
        }
        assert!(
            started.elapsed() < within,
            "{} is still {:?} ({:?}) after {within:?}, expected {status:?}",
            camera.name,
            camera.status,
            camera.detail
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_rtsp_camera_goes_offline_when_stopped_and_online_when_started_again() {
    let server = TestServer::sqlite_with(fast()).await;
    let port = free_port();
    let rtsp = RtspCamera::start(port, Some(("operator", "kamera-rahasia"))).await;
    let cam = server
        .add_camera(json!({
            "name": "Simpang Tugu Naga",
            "location": "Jl. Niaga / Jl. Diponegoro",
            "kind": "rtsp",
            "url": format!("rtsp://operator:kamera-rahasia@127.0.0.1:{port}/cam"),
        }))
        .await;
    let (online, _) = wait_for(
        &server,
        &cam.id,
        CameraStatus::Online,
        Duration::from_secs(15),
    )
    .await;
    let frame = online.last_frame_at.expect("a last frame time");
    assert!(
        (chrono::Utc::now() - frame).num_seconds() < 5,
        "the frame is recent"
    );
    assert!(online.latency_ms.is_some());

    rtsp.stop().await;
    let interval = fast().interval;
    let (offline, took) = wait_for(
        &server,
        &cam.id,
        CameraStatus::Offline,
        Duration::from_secs(10),
    )
    .await;
    assert!(
        took <= interval * 2,
        "offline after {took:?}: more than two probe intervals"
    );
    assert!(offline.detail.is_some(), "the page says why");
    assert_eq!(
        offline.last_frame_at,
        Some(frame).max(offline.last_frame_at),
        "the last frame stays"
    );

    let rtsp = RtspCamera::start(port, Some(("operator", "kamera-rahasia"))).await;
    wait_for(
        &server,
        &cam.id,
        CameraStatus::Online,
        Duration::from_secs(15),
    )
    .await;

    // The changes are stored: online, offline, online again, newest first.
    let history: HistoryAnswer = server
        .get_json(&format!("/api/cameras/{}/history", cam.id))
        .await;
    let statuses: Vec<CameraStatus> = history.changes.iter().map(|c| c.status).collect();
    assert_eq!(
        &statuses[..3],
        [
            CameraStatus::Online,
            CameraStatus::Offline,
            CameraStatus::Online
        ]
    );
    let uptime = history.camera.uptime_24h.expect("an uptime");
    assert!(uptime > 0.0 && uptime < 1.0, "uptime {uptime}");
    rtsp.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_rtsp_password_is_offline_and_says_the_login_was_refused() {
    let server = TestServer::sqlite_with(fast()).await;
    let port = free_port();
    let rtsp = RtspCamera::start(port, Some(("operator", "benar"))).await;
    let cam = server.add_camera(json!({"name": "Jl. Niaga", "kind": "rtsp", "url": format!("rtsp://127.0.0.1:{port}/cam"),
               "username": "operator", "password": "salah-sekali"}),
    )
    .await;
    let (offline, _) = wait_for(
        &server,
        &cam.id,
        CameraStatus::Offline,
        Duration::from_secs(10),
    )
    .await;
    assert!(
        offline.detail.as_deref().unwrap_or("").contains("401"),
        "{:?}",
        offline.detail
    );
    rtsp.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_port_is_offline_for_every_kind() {
    let server = TestServer::sqlite_with(fast()).await;
    let port = free_port();
    let mut ids = vec![];
    for (name, kind, url) in [
        (
            "RTSP tertutup",
            "rtsp",
            format!("rtsp://127.0.0.1:{port}/cam"),
        ),
        (
            "HTTP tertutup",
            "http",
            format!("http://127.0.0.1:{port}/snap.jpg"),
        ),
        ("TCP tertutup", "tcp", format!("tcp://127.0.0.1:{port}")),
    ] {
        ids.push(
            server
                .add_camera(json!({"name": name, "kind": kind, "url": url}))
                .await
                .id,
        );
    }
    for id in ids {
        let (camera, _) =
            wait_for(&server, &id, CameraStatus::Offline, Duration::from_secs(10)).await;
        assert!(
            camera.detail.as_deref().unwrap_or("").contains("refused"),
            "{}: {:?}",
            camera.name,
            camera.detail
        );
    }
}

/// A snapshot server: `/snap.jpg` an image, `/page` HTML, `/private.jpg` behind Basic auth.
async fn snapshot_server() -> (u16, tokio::task::JoinHandle<()>) {
    use axum::response::IntoResponse;
    use axum::routing::get;
    const JPEG: &[u8] = &[
        0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0xFF, 0xD9,
    ];
    let app = axum::Router::new()
        .route(
            "/snap.jpg",
            get(|| async { ([(header::CONTENT_TYPE, "image/jpeg")], JPEG) }),
        )
        .route(
            "/page",
            get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<h1>login</h1>") }),
        )
        .route(
            "/private.jpg",
            get(|headers: axum::http::HeaderMap| async move {
                // "kasir:rahasia-http" in Basic auth.
                let ok = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    == Some("Basic a2FzaXI6cmFoYXNpYS1odHRw");
                if ok {
                    ([(header::CONTENT_TYPE, "image/jpeg")], JPEG).into_response()
                } else {
                    axum::http::StatusCode::UNAUTHORIZED.into_response()
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (port, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_snapshot_is_online_with_an_image_degraded_without_and_offline_when_down() {
    let server = TestServer::sqlite_with(fast()).await;
    let (port, snapshots) = snapshot_server().await;
    let image = server.add_camera(json!({"name": "Pasar Hongkong", "kind": "http", "url": format!("http://127.0.0.1:{port}/snap.jpg")}),
    )
    .await;
    let page = server.add_camera(json!({"name": "Halaman login", "kind": "http", "url": format!("http://127.0.0.1:{port}/page")}),
    )
    .await;
    let private = server
        .add_camera(json!({"name": "Kamera berpassword", "kind": "http",
               "url": format!("http://kasir:rahasia-http@127.0.0.1:{port}/private.jpg")}))
        .await;
    wait_for(
        &server,
        &image.id,
        CameraStatus::Online,
        Duration::from_secs(10),
    )
    .await;
    wait_for(
        &server,
        &private.id,
        CameraStatus::Online,
        Duration::from_secs(10),
    )
    .await;
    let (degraded, _) = wait_for(
        &server,
        &page.id,
        CameraStatus::Degraded,
        Duration::from_secs(10),
    )
    .await;
    assert!(degraded.detail.unwrap().contains("text/html"));

    snapshots.abort();
    let _ = snapshots.await;
    wait_for(
        &server,
        &image.id,
        CameraStatus::Offline,
        Duration::from_secs(10),
    )
    .await;
}

/// A TCP server that accepts every connection and never says a word.
async fn silent_server() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let mut held = vec![];
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (port, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_that_never_answers_is_offline_by_timeout_while_others_keep_their_interval() {
    // A 4 s timeout: a camera made to wait behind the stuck one would go 4 s and more unchecked.
    let server = TestServer::sqlite_with(ProbeSettings {
        timeout: Duration::from_secs(4),
        ..fast()
    })
    .await;
    let (silent, _silent_task) = silent_server().await;
    let (port, _snapshots) = snapshot_server().await;
    let stuck = server.add_camera(json!({"name": "Kamera macet", "kind": "rtsp", "url": format!("rtsp://127.0.0.1:{silent}/cam")}),
    )
    .await;
    let healthy = server.add_camera(json!({"name": "Kamera sehat", "kind": "http", "url": format!("http://127.0.0.1:{port}/snap.jpg")}),
    )
    .await;
    let (offline, took) = wait_for(
        &server,
        &stuck.id,
        CameraStatus::Offline,
        Duration::from_secs(10),
    )
    .await;
    assert!(
        offline
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("no answer within 4 s"),
        "{:?}",
        offline.detail
    );
    assert!(
        took >= Duration::from_millis(3500),
        "offline by the timeout, not at once ({took:?})"
    );

    // Over 6 s of the stuck camera holding its probe for 4 s each time, the healthy one is still
    // checked every second (a loaded machine may stretch that a little, never to the 4 s timeout).
    let mut checks = std::collections::BTreeSet::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(6) {
        let camera = camera(&server, &healthy.id).await;
        assert_eq!(camera.status, CameraStatus::Online);
        checks.insert(camera.checked_at.unwrap());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let checks: Vec<_> = checks.into_iter().collect();
    assert!(
        checks.len() >= 5,
        "only {} checks of the healthy camera in 6 s",
        checks.len()
    );
    let longest = checks
        .windows(2)
        .map(|w| (w[1] - w[0]).num_milliseconds())
        .max()
        .unwrap();
    assert!(
        longest <= 2500,
        "the healthy camera waited {longest} ms between checks"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_checks_report_up_and_down_with_latency() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let up = listener.local_addr().unwrap().to_string();
    let down = format!("127.0.0.1:{}", free_port());
    let mut settings = fast();
    settings.network = vec![("gateway".into(), up), ("internet".into(), down)];
    let server = TestServer::sqlite_with(settings).await;
    let started = Instant::now();
    loop {
        let feed = feed(&server).await;
        let by = |name: &str| {
            feed.network
                .iter()
                .find(|n| n.name == name)
                .unwrap()
                .clone()
        };
        if by("gateway").up.is_some() && by("internet").up.is_some() {
            assert_eq!(by("gateway").up, Some(true));
            assert!(by("gateway").latency_ms.is_some());
            assert_eq!(by("internet").up, Some(false));
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "the checks ran");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(listener);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_sends_the_feed_then_each_change_and_wall_tokens_may_read_it() {
    let server = TestServer::sqlite_with(fast()).await;
    let token = server.kiosk("tv-ruang-tcm").await;
    let wall = reqwest::Client::new();
    let mut stream = SseClient::connect(
        &wall,
        &server.url(&format!("/api/cameras/stream?token={token}")),
        None,
    )
    .await;
    let (name, first) = stream.next_named(Duration::from_secs(5)).await.unwrap();
    assert_eq!(name, "feed");
    assert_eq!(first["cameras"].as_array().unwrap().len(), 0);
    let port = free_port();
    let cam = server.add_camera(json!({"name": "Jl. GM Situt", "kind": "tcp", "url": format!("tcp://127.0.0.1:{port}")}),
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen_offline = false;
    while Instant::now() < deadline && !seen_offline {
        let Some((name, change)) = stream.next_named(Duration::from_secs(3)).await else {
            break;
        };
        assert_eq!(name, "change");
        seen_offline = change["cameras"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == cam.id.as_str() && c["status"] == "offline");
    }
    assert!(seen_offline, "the change reached the wall's stream");

    // A wall token reads the feed but cannot change the registry.
    let res = wall
        .post(server.url(&format!("/api/cameras?token={token}")))
        .json(&json!({"name": "x", "kind": "tcp", "url": "tcp://127.0.0.1:1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Revoked: the stream ends.
    pantau::auth::store::revoke_kiosk(&server.state.db, "tv-ruang-tcm", chrono::Utc::now())
        .await
        .unwrap();
    server.state.credentials.changed();
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while stream.next_named(Duration::from_secs(5)).await.is_some() {}
    })
    .await;
    assert!(ended.is_ok(), "the revoked token's stream ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_registry_input_is_refused_field_by_field_and_names_stay_unique() {
    let server = TestServer::sqlite_with(fast()).await;
    let res = server
        .post("/api/cameras")
        .json(&json!({"name": "", "kind": "onvif", "url": "x", "latitude": 91.0, "longitude": 1.0}))
        .send()
        .await
        .unwrap();
    let body = crate::helpers::error_answer(res, 422).await;
    let fields: Vec<&str> = body.error.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["name", "latitude", "kind"]);

    server
        .add_camera(json!({"name": "Jl. Niaga", "kind": "tcp", "url": "tcp://127.0.0.1:9"}))
        .await;
    let res = server
        .post("/api/cameras")
        .json(&json!({"name": "JL. NIAGA", "kind": "tcp", "url": "tcp://127.0.0.1:9"}))
        .send()
        .await
        .unwrap();
    let message = crate::helpers::error_message(res, 409).await;
    assert!(message.contains("already exists"), "{message}");

    // Only an Admin edits the registry.
    let operator = server.user("operator", &[Role::OperatorTcmr]).await;
    let res = operator
        .post(server.url("/api/cameras"))
        .json(&json!({"name": "Lain", "kind": "tcp", "url": "tcp://127.0.0.1:9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = operator
        .get(server.url("/api/cameras"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "every signed-in user reads the feed");
    let res = reqwest::get(server.url("/api/cameras")).await.unwrap();
    assert_eq!(res.status(), 401, "nobody else");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_import_takes_the_good_rows_and_names_the_line_of_each_bad_one() {
    let server = TestServer::sqlite_with(fast()).await;
    let csv = "name,location,kind,url,latitude,longitude,enabled\n\
               Simpang Tugu Naga,Pusat kota,rtsp,rtsp://10.255.0.1/s1,0.9071,108.9846,ya\n\
               Jl. Niaga,,rtsp,http://10.255.0.2/s1,,,ya\n\
               Pasar Hongkong,,tcp,tcp://10.255.0.3:554,utara,108.98,ya\n\
               Bundaran Tugu Bambu,,tcp,tcp://10.255.0.4:554,,,tidak\n";
    let res = server
        .post("/api/cameras/import")
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let answer: ImportAnswer = res.json().await.unwrap();
    assert_eq!((answer.added, answer.updated), (2, 0));
    let lines: Vec<(u64, &str)> = answer
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(lines, [(3, "url"), (4, "latitude")]);
    let feed = feed(&server).await;
    let bambu = feed.find("Bundaran Tugu Bambu").unwrap();
    assert!(!bambu.enabled);
    assert_eq!(bambu.status, CameraStatus::Unknown);

    // The corrected file again: the good rows update, the fixed ones are added.
    let fixed = csv
        .replace("http://10.255.0.2", "rtsp://10.255.0.2")
        .replace("utara", "0.905");
    let answer: ImportAnswer = server
        .post("/api/cameras/import")
        .body(fixed)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (answer.added, answer.updated, answer.errors.len()),
        (2, 2, 0)
    );
    let res = server
        .post("/api/cameras/import")
        .body("nama,jenis\n")
        .send()
        .await
        .unwrap();
    let message = crate::helpers::error_message(res, 400).await;
    assert!(message.contains("unknown column"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_camera_is_not_probed_and_its_time_does_not_count() {
    let server = TestServer::sqlite_with(fast()).await;
    let port = free_port();
    let cam = server.add_camera(json!({"name": "Jl. Diponegoro", "kind": "tcp", "url": format!("tcp://127.0.0.1:{port}")}),
    )
    .await;
    wait_for(
        &server,
        &cam.id,
        CameraStatus::Offline,
        Duration::from_secs(10),
    )
    .await;
    let res = server
        .post(&format!("/api/cameras/{}/enabled", cam.id))
        .json(&json!({"enabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let off: CameraInfo = res.json().await.unwrap();
    assert!(!off.enabled);
    assert_eq!(off.status, CameraStatus::Unknown);
    let checked = off.checked_at;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let still = camera(&server, &cam.id).await;
    assert_eq!(still.checked_at, checked, "no probe while disabled");
    assert_eq!(
        feed(&server).await.counts().total(),
        0,
        "disabled cameras are not counted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_history_and_since_survive_a_restart() {
    let server = TestServer::sqlite_with(fast()).await;
    let port = free_port();
    let cam = server
        .add_camera(
            json!({"name": "Alun-alun", "kind": "tcp", "url": format!("tcp://127.0.0.1:{port}")}),
        )
        .await;
    let (before, _) = wait_for(
        &server,
        &cam.id,
        CameraStatus::Offline,
        Duration::from_secs(10),
    )
    .await;
    // A second process on the same data, as after a restart.
    let again = server.another_with(fast()).await;
    let after = camera(&again, &cam.id).await;
    assert_eq!(after.status, CameraStatus::Offline);
    assert_eq!(after.since, before.since, "since when is kept");
    let history: HistoryAnswer = again
        .get_json(&format!("/api/cameras/{}/history", cam.id))
        .await;
    assert_eq!(history.changes.len(), 1);
    assert_eq!(history.changes[0].status, CameraStatus::Offline);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgresql_record_a_change_once_and_see_each_others_cameras() {
    let Some(first) = TestServer::postgres_with(fast()).await else {
        return;
    };
    let second = first.another_with(fast()).await;
    let port = free_port();
    let cam = first
        .add_camera(json!({"name": "Terminal Induk", "kind": "tcp", "url": format!("tcp://127.0.0.1:{port}")}),
    )
    .await;
    // The second instance picks the camera up from the registry by itself.
    let started = Instant::now();
    while !feed(&second).await.cameras.iter().any(|c| c.id == cam.id) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the second instance knows the camera"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    wait_for(
        &first,
        &cam.id,
        CameraStatus::Offline,
        Duration::from_secs(10),
    )
    .await;
    wait_for(
        &second,
        &cam.id,
        CameraStatus::Offline,
        Duration::from_secs(10),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let history: HistoryAnswer = second
        .get_json(&format!("/api/cameras/{}/history", cam.id))
        .await;
    assert_eq!(
        history.changes.len(),
        1,
        "both instances saw it; it is recorded once"
    );
}

/// Every log line of this test binary's servers.
fn logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter("debug,hyper=info,h2=info,reqwest=info")
            .with_ansi(false)
            .with_writer(move || LogWriter(writer.clone()))
            .try_init();
        buffer
    })
    .clone()
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn camera_logins_never_appear_in_an_answer_or_a_log_line() {
    let logs = logs();
    let server = TestServer::sqlite_with(fast()).await;
    let port = free_port();
    let rtsp = RtspCamera::start(port, Some(("petugas-rahasia", "sandi-kamera-77"))).await;
    let (http_port, _snapshots) = snapshot_server().await;
    let secrets = [
        "petugas-rahasia",
        "sandi-kamera-77",
        "sandi-salah-99",
        "kasir",
        "rahasia-http",
    ];
    let good = server
        .add_camera(json!({"name": "Kamera benar", "kind": "rtsp",
        "url": format!("rtsp://petugas-rahasia:sandi-kamera-77@127.0.0.1:{port}/cam")}))
        .await;
    let wrong = server.add_camera(json!({"name": "Kamera salah", "kind": "rtsp",
        "url": format!("rtsp://127.0.0.1:{port}/cam"), "username": "petugas-rahasia", "password": "sandi-salah-99"})).await;
    let http = server
        .add_camera(json!({"name": "Snapshot", "kind": "http",
        "url": format!("http://kasir:rahasia-http@127.0.0.1:{http_port}/private.jpg")}))
        .await;
    wait_for(
        &server,
        &good.id,
        CameraStatus::Online,
        Duration::from_secs(15),
    )
    .await;
    wait_for(
        &server,
        &wrong.id,
        CameraStatus::Offline,
        Duration::from_secs(15),
    )
    .await;
    wait_for(
        &server,
        &http.id,
        CameraStatus::Online,
        Duration::from_secs(15),
    )
    .await;

    let mut answers = vec![];
    for path in [
        "/api/cameras".to_owned(),
        format!("/api/cameras/{}/history", good.id),
        format!("/api/cameras/{}/settings", good.id),
        format!("/api/cameras/{}/settings", http.id),
        "/kamera".to_owned(),
    ] {
        answers.push(
            server
                .get(&path)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
    }
    let mut stream =
        SseClient::connect(&server.http, &server.url("/api/cameras/stream"), None).await;
    answers.push(
        stream
            .next_named(Duration::from_secs(5))
            .await
            .unwrap()
            .1
            .to_string(),
    );
    answers.push(
        stream
            .next_named(Duration::from_secs(5))
            .await
            .unwrap()
            .1
            .to_string(),
    );
    let settings: serde_json::Value = server
        .get_json(&format!("/api/cameras/{}/settings", http.id))
        .await;
    assert_eq!(settings["has_login"], true);
    assert_eq!(
        settings["url"],
        format!("http://127.0.0.1:{http_port}/private.jpg")
    );
    // An edit that leaves the login out keeps it.
    let res = server
        .http
        .put(server.url(&format!("/api/cameras/{}", good.id)))
        .json(&json!({"name": "Kamera benar", "kind": "rtsp", "url": format!("rtsp://127.0.0.1:{port}/cam")}))
        .send()
        .await
        .unwrap();
    answers.push(res.text().await.unwrap());
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        camera(&server, &good.id).await.status,
        CameraStatus::Online,
        "the login was kept"
    );

    for answer in &answers {
        for secret in secrets {
            assert!(
                !answer.contains(secret),
                "an answer shows {secret:?}: {answer}"
            );
        }
    }
    let logged = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        logged.contains("camera status changed"),
        "the log was captured"
    );
    for secret in secrets {
        assert!(!logged.contains(secret), "a log line shows {secret:?}");
    }
    rtsp.stop().await;
}
