//! Benchmarks of the server (print figures; assert nothing). Run through `.ci/bench`, which builds the
//! release binary and raises the open-file limit:
//!
//!     bash .ci/bench push            # SQLite, and PostgreSQL when PANTAU_TEST_POSTGRES_URL is set
//!     bash .ci/bench sse [N]         # N event-stream subscribers (default 10000)
//!     bash .ci/bench cameras [secs]  # 500 cameras, half down, probed every 30 s: the server's CPU and memory
//!     bash .ci/bench attack          # held connections, memory per stalled stream, throttle under a burst
//!     bash .ci/bench notify          # 2,000 open cards: warnings on time, outbox throughput, CPU
//!
//! The server runs as its own process (the real `pantau` binary), so its memory is measured alone.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use chrono::Utc;
use pantau::testing::{self as common, envelope};
use pantau_core::domain::demo::{sample_output, sample_request};
use pantau_core::domain::{Board, CardId, Envelope, Mutation, Role, StepId};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// One mutation through `POST /api/sync/push`; the answer's JSON.
async fn push(http: &reqwest::Client, base: &str, envelope: Envelope) -> serde_json::Value {
    let res = http
        .post(format!("{base}/api/sync/push"))
        .json(&serde_json::json!({ "mutations": [envelope] }))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(res.status(), 200);
    res.json().await.expect("JSON")
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bin = std::env::var("PANTAU_BIN").expect("PANTAU_BIN: the release pantau binary");
    match args.get(1).map(String::as_str) {
        Some("push") => {
            let dir = tempfile::tempdir().unwrap();
            let (child, base, cookie) =
                start(&bin, &["--data-dir", dir.path().to_str().unwrap()]).await;
            push_bench("SQLite (WAL, synchronous=FULL)", &base, &cookie).await;
            drop(child);
            if let Some(url) = common::fresh_postgres_schema().await {
                let (child, base, cookie) = start(&bin, &["--database-url", &url]).await;
                push_bench("PostgreSQL", &base, &cookie).await;
                drop(child);
            }
        }
        Some("sse") => {
            let n: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10_000);
            let dir = tempfile::tempdir().unwrap();
            let (child, base, cookie) =
                start(&bin, &["--data-dir", dir.path().to_str().unwrap()]).await;
            sse_bench(&child, &base, &cookie, n).await;
        }
        Some("cameras") => {
            let secs: u64 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(120);
            cameras_bench(&bin, secs).await;
        }
        Some("attack") => attack_bench(&bin).await,
        Some("notify") => notify_bench().await,
        _ => eprintln!(
            "usage: bench push | bench sse [subscribers] | bench cameras [seconds] | bench attack | bench notify"
        ),
    }
}

/// Starts the server with `tester` added; the base URL and tester's session cookie.
async fn start(bin: &str, args: &[&str]) -> (Child, String, String) {
    common::add_tester(bin, args).await;
    let (child, base) = start_server(bin, args).await;
    let cookie = common::session_cookie(&base, "tester").await;
    (child, base, cookie)
}

async fn start_server(bin: &str, args: &[&str]) -> (Child, String) {
    start_server_with(bin, args, &[]).await
}

/// The server with these environment variables set too.
async fn start_server_with(bin: &str, args: &[&str], envs: &[(&str, &str)]) -> (Child, String) {
    let mut child = Command::new(bin)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .env("RUST_LOG", "warn")
        // The push benchmark sends thousands of moves a second as one user, the stream benchmark
        // opens 10,000 streams from one address; `attack` sets its own limits.
        .env("PANTAU_MUTATIONS_PER_MINUTE", "100000000")
        .env("PANTAU_MAX_PER_ADDRESS", "1000000")
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("pantau starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(url) = line.strip_prefix("Pantau siap / ready: ") {
            let url = url.to_owned();
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return (child, url);
        }
    }
    panic!("pantau did not start");
}

/// Clients, each moving its own cards through the SOP one push per move, as browsers do.
async fn push_bench(label: &str, base: &str, cookie: &str) {
    const CLIENTS: usize = 32;
    const CARDS_PER_CLIENT: usize = 40;
    let http = common::with_cookie(cookie);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let http = http.clone();
            let base = base.to_owned();
            tokio::spawn(async move {
                let mut board = Board::new(); // the client's own optimistic copy
                let mut latencies = vec![];
                let mut moves = 0usize;
                for k in 0..CARDS_PER_CLIENT {
                    let id = CardId(uuid::Uuid::new_v4());
                    let request = sample_request(c * 100 + k, Utc::now(), 30);
                    let mut next = Some(envelope(
                        Role::Tu,
                        Mutation::CreateRequest { card: id, request },
                    ));
                    while let Some(env) = next.take() {
                        board.execute(&env, Utc::now()).expect("valid move");
                        let t = Instant::now();
                        let body = push(&http, &base, env).await;
                        latencies.push(t.elapsed());
                        assert_eq!(body["results"][0]["status"], "accepted", "{body}");
                        moves += 1;
                        let card = board.card(id).unwrap();
                        // Step 7's report may only come once the monitoring has started (days
                        // ahead): each card goes through step 6, seven moves.
                        if let Some(step) = card.current_step().filter(|s| *s != StepId::S7) {
                            let output = sample_output(step, card);
                            next = Some(envelope(
                                step.def().performer,
                                Mutation::CompleteStep {
                                    card: id,
                                    step,
                                    output,
                                },
                            ));
                        }
                    }
                }
                (moves, latencies)
            })
        })
        .collect();
    let mut latencies = vec![];
    let mut moves = 0;
    for t in tasks {
        let (m, l) = t.await.unwrap();
        moves += m;
        latencies.extend(l);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "{label}: {moves} accepted moves from {CLIENTS} clients in {elapsed:.2?}: {:.0} moves/s; \
         push latency p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        moves as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        latencies.last().unwrap()
    );
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// N raw SSE connections (plain sockets: the load generator stays light), then one event to all.
async fn sse_bench(child: &Child, base: &str, cookie: &str, n: usize) {
    let pid = child.id().unwrap();
    let addr = base.trim_start_matches("http://").to_owned();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kib(pid);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, Instant)>();
    let mut connected = 0;
    let opened = Instant::now();
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        let mut stream = match tokio::net::TcpStream::connect(&addr).await {
            Ok(s) => s,
            Err(e) => {
                println!("connection {i} failed: {e} (raise the open-file limit)");
                break;
            }
        };
        // PANTAU_BENCH_PATH=/healthz measures plain idle keep-alive connections instead.
        let path = std::env::var("PANTAU_BENCH_PATH").unwrap_or_else(|_| "/api/events".into());
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let tx = tx.clone();
        handles.push(tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            let mut seen_headers = false;
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(k) => {
                        let chunk = String::from_utf8_lossy(&buf[..k]);
                        if !seen_headers {
                            seen_headers = chunk.contains("\r\n\r\n");
                            if seen_headers
                                && !chunk.contains("\ndata:")
                                && !chunk.contains("\nid:")
                            {
                                let _ = tx.send((usize::MAX, Instant::now()));
                                continue;
                            }
                        }
                        if chunk.contains("id:") {
                            let _ = tx.send((i, Instant::now()));
                            return;
                        }
                    }
                }
            }
        }));
        connected += 1;
    }
    // Wait until every stream has its response headers.
    let mut ready = 0;
    while ready < connected {
        match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some((usize::MAX, _))) => ready += 1,
            _ => break,
        }
    }
    let open_time = opened.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rss_kib(pid);
    println!(
        "{ready} of {n} subscribers connected in {open_time:.2?}; server memory {} MiB before, {} MiB after: {:.1} KiB per subscriber",
        before / 1024,
        after / 1024,
        (after.saturating_sub(before)) as f64 / ready.max(1) as f64
    );

    let http = common::with_cookie(cookie);
    let id = CardId(uuid::Uuid::new_v4());
    let env = envelope(
        Role::Tu,
        Mutation::CreateRequest {
            card: id,
            request: sample_request(1, Utc::now(), 3),
        },
    );
    let sent = Instant::now();
    push(&http, base, env).await;
    let mut arrivals: BTreeMap<usize, Duration> = BTreeMap::new();
    while arrivals.len() < ready {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some((i, at))) if i != usize::MAX => {
                arrivals.insert(i, at.duration_since(sent));
            }
            Ok(Some(_)) => {}
            _ => break,
        }
    }
    let mut times: Vec<Duration> = arrivals.values().copied().collect();
    times.sort();
    if let Some(last) = times.last() {
        println!(
            "one event reached {} of {ready} subscribers; median {:.2?}, last {:.2?} after the push was sent",
            times.len(),
            times[times.len() / 2],
            last
        );
    }
    for h in handles {
        h.abort();
    }
}

/// CPU ticks (user + system) of a process, from /proc.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    fields
        .get(11)
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        + fields
            .get(12)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
}

/// 500 cameras at the default 30 s interval and 10 s timeout: 250 up (50 RTSP sessions to GStreamer's
/// RTSP server, 100 HTTP snapshots, 100 TCP), 250 down (125 refused, 125 silent until the timeout).
async fn cameras_bench(bin: &str, secs: u64) {
    use tokio::net::TcpListener;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    // The up and down "cameras".
    let rtsp_port = common::free_port();
    let rtsp = common::RtspCamera::start(rtsp_port, None).await;
    let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http_port = http.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = http.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                let _ = socket.read(&mut buf).await;
                let body = [0xFFu8, 0xD8, 0xFF, 0xD9];
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: image/jpeg\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tcp_port = tcp.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let _ = tcp.accept().await;
        }
    });
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let closed = common::free_port();
    let mut csv = String::from("name,kind,url\n");
    for i in 0..500 {
        let (kind, url) = match i {
            0..50 => ("rtsp", format!("rtsp://127.0.0.1:{rtsp_port}/cam")),
            50..150 => ("http", format!("http://127.0.0.1:{http_port}/snap.jpg")),
            150..250 => ("tcp", format!("tcp://127.0.0.1:{tcp_port}")),
            250..375 => ("tcp", format!("tcp://127.0.0.1:{closed}")),
            _ => ("rtsp", format!("rtsp://127.0.0.1:{silent_port}/cam")),
        };
        csv.push_str(&format!("Kamera {i:03},{kind},{url}\n"));
    }
    let (child, base, cookie) = start(bin, &["--data-dir", &data]).await;
    let pid = child.id().unwrap();
    let http = common::with_cookie(&cookie);
    let idle_rss = rss_kib(pid);
    let imported: serde_json::Value = http
        .post(format!("{base}/api/cameras/import"))
        .body(csv)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(imported["added"], 500, "{imported}");
    println!(
        "500 cameras imported (50 RTSP + 100 HTTP + 100 TCP up; 125 refused + 125 silent down); interval 30 s, timeout 10 s"
    );
    // The first round (every camera at once, bounded by the concurrency), then a steady state.
    tokio::time::sleep(Duration::from_secs(40)).await;
    let ticks_before = cpu_ticks(pid);
    let started = Instant::now();
    let mut peak_rss = 0;
    while started.elapsed() < Duration::from_secs(secs) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        peak_rss = peak_rss.max(rss_kib(pid));
    }
    let ticks = cpu_ticks(pid) - ticks_before;
    let clk = 100.0; // USER_HZ on Linux
    let cpu_percent = ticks as f64 / clk / started.elapsed().as_secs_f64() * 100.0;
    let feed: pantau_core::domain::camera::CameraFeed = http
        .get(format!("{base}/api/cameras"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let counts = feed.counts();
    let now = Utc::now();
    let oldest = feed
        .cameras
        .iter()
        .filter_map(|c| c.checked_at)
        .map(|t| (now - t).num_milliseconds())
        .max()
        .unwrap_or(0);
    println!(
        "status: {} online, {} degraded, {} offline, {} unknown; oldest check {:.1} s ago",
        counts.online,
        counts.degraded,
        counts.offline,
        counts.unknown,
        oldest as f64 / 1000.0
    );
    println!(
        "server over {} s: CPU {:.1} % of one core, RSS {:.1} MiB peak ({:.1} MiB before the cameras)",
        started.elapsed().as_secs(),
        cpu_percent,
        peak_rss as f64 / 1024.0,
        idle_rss as f64 / 1024.0
    );
    drop(child);
    rtsp.stop().await;
}

/// A new request registered by TU: its card.
async fn new_card(http: &reqwest::Client, base: &str, n: usize) -> CardId {
    let card = CardId(uuid::Uuid::new_v4());
    let request = sample_request(n, Utc::now(), 3);
    push(
        http,
        base,
        envelope(Role::Tu, Mutation::CreateRequest { card, request }),
    )
    .await;
    card
}

/// What one hostile client can do: hold connections, stall streams, guess in parallel.
async fn attack_bench(bin: &str) {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--data-dir", dir.path().to_str().unwrap()];
    common::add_tester(bin, &args).await;
    let envs = [
        ("PANTAU_MAX_CONNECTIONS", "1000"),
        ("PANTAU_MAX_PER_ADDRESS", "256"),
        ("PANTAU_WRITE_STALL_SECS", "10"),
    ];
    let (child, base) = start_server_with(bin, &args, &envs).await;
    let pid = child.id().unwrap();
    let addr = base.trim_start_matches("http://").to_owned();
    let cookie = common::session_cookie(&base, "tester").await;

    // 1. Silent connections: more than the cap; does /healthz still answer, and when are they closed?
    let mut silent = Vec::new();
    for _ in 0..1050 {
        if let Ok(s) = tokio::net::TcpStream::connect(&addr).await {
            silent.push(s);
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Another client: 127.0.0.2 is this machine too.
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let asked = Instant::now();
    let health = other
        .get(format!("{base}/healthz"))
        .timeout(Duration::from_secs(30))
        .send()
        .await;
    let health_time = asked.elapsed();
    let busy = other
        .get(format!("{base}/api/board"))
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map(|r| r.status().as_u16());
    let start = Instant::now();
    let mut closed_at = Vec::new();
    let reads = silent.into_iter().map(|mut s| async move {
        let mut buf = [0u8; 64];
        let opened = Instant::now();
        let _ = tokio::time::timeout(Duration::from_secs(20), s.read(&mut buf)).await;
        opened.elapsed()
    });
    for t in futures::future::join_all(reads).await {
        closed_at.push(t);
    }
    closed_at.sort();
    println!(
        "silent connections from one address: {} opened (256 may stay); another client's /healthz answered {} \
         in {health_time:.1?}, its /api/board {busy:?}; all closed by the server within {:.1?} (the last after {:.1?})",
        closed_at.len(),
        health.map(|r| r.status().as_u16()).unwrap_or(0),
        start.elapsed(),
        closed_at.last().copied().unwrap_or_default(),
    );

    // 2. Never-read event streams while events flow: memory per stream, and when they are dropped.
    let before = rss_kib(pid);
    let mut stalled = Vec::new();
    for _ in 0..250 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let mut s = socket.connect(addr.parse().unwrap()).await.unwrap();
        s.write_all(
            format!("GET /api/events?since=0 HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
        stalled.push(s);
    }
    let http = common::with_cookie(&cookie);
    let note = "x".repeat(2000);
    let mut peak = before;
    let flowing = Instant::now();
    let mut card = CardId(uuid::Uuid::new_v4());
    let mut n = 0;
    while flowing.elapsed() < Duration::from_secs(25) {
        if n % 150 == 0 {
            card = new_card(&http, &base, n).await;
        }
        let batch: Vec<Envelope> = (0..50)
            .map(|_| {
                envelope(
                    Role::Tu,
                    Mutation::AddNote {
                        card,
                        text: pantau_core::domain::demo::text(&note),
                    },
                )
            })
            .collect();
        let _ = http
            .post(format!("{base}/api/sync/push"))
            .json(&serde_json::json!({ "mutations": batch }))
            .send()
            .await;
        n += 50;
        peak = peak.max(rss_kib(pid));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let after = rss_kib(pid);
    drop(stalled);
    println!(
        "never-read streams: 250 while {n} events of ~2 KB flowed for 25 s; server memory {} MiB before, \
         {} MiB at the peak ({:.0} KiB per stream), {} MiB at the end (streams cut after 10 s without progress)",
        before / 1024,
        peak / 1024,
        peak.saturating_sub(before) as f64 / 250.0,
        after / 1024
    );

    // 3. A burst of parallel guesses at one account.
    let guesses = (0..100).map(|i| {
        let base = base.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/api/auth/login"))
                .json(&serde_json::json!({ "username": "tester", "password": format!("tebakan-{i}-salah") }))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }
    });
    let answers = futures::future::join_all(guesses).await;
    let checked = answers.iter().filter(|s| **s == 401).count();
    let throttled = answers.iter().filter(|s| **s == 429).count();
    println!(
        "parallel guesses: 100 at one account: {checked} password checks (limit 10), {throttled} throttled, {} other",
        100 - checked - throttled
    );

    // 4. One user's largest legal load (three batches of 200 at once, its minute's 600) against
    // another user's single moves: how long the other waits.
    let flood_cookie = cookie.clone();
    let cards: Vec<CardId> = {
        let mut cards = Vec::new();
        for i in 0..4 {
            cards.push(new_card(&http, &base, 900 + i).await);
        }
        cards
    };
    let mut quiet = Vec::new();
    let mut loaded = Vec::new();
    {
        // Another user makes the single moves; the tester floods.
        common::add_cli_user(bin, &args, "rina", "tu").await;
        let rina = common::with_cookie(&common::session_cookie(&base, "rina").await);
        let one = |card: CardId| {
            envelope(
                Role::Tu,
                Mutation::AddNote {
                    card,
                    text: pantau_core::domain::demo::text("satu"),
                },
            )
        };
        for _ in 0..20 {
            let t = Instant::now();
            push(&rina, &base, one(cards[3])).await;
            quiet.push(t.elapsed());
        }
        let flood = common::with_cookie(&flood_cookie);
        let note = "y".repeat(2000);
        let batches = (0..3).map(|b| {
            let flood = flood.clone();
            let base = base.clone();
            let batch: Vec<Envelope> = (0..200)
                .map(|_| {
                    envelope(
                        Role::Tu,
                        Mutation::AddNote {
                            card: cards[b % 3],
                            text: pantau_core::domain::demo::text(&note),
                        },
                    )
                })
                .collect();
            async move {
                flood
                    .post(format!("{base}/api/sync/push"))
                    .json(&serde_json::json!({ "mutations": batch }))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            }
        });
        let flooding = futures::future::join_all(batches);
        let measuring = async {
            for _ in 0..20 {
                let t = Instant::now();
                push(&rina, &base, one(cards[3])).await;
                loaded.push(t.elapsed());
            }
        };
        let (statuses, ()) = tokio::join!(flooding, measuring);
        let _ = statuses;
    }
    quiet.sort();
    loaded.sort();
    println!(
        "one user's 3 × 200-mutation batches at once: another user's single push p50 {:.1?} / max {:.1?} \
         (quiet: p50 {:.1?} / max {:.1?})",
        loaded[loaded.len() / 2],
        loaded.last().unwrap(),
        quiet[quiet.len() / 2],
        quiet.last().unwrap()
    );
    drop(child);
}

/// This process's CPU time so far (user + system), from /proc.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    // After the command's ")": state is field 3, utime 14, stime 15 (clock ticks of 1/100 s).
    let ticks = |i: usize| {
        fields
            .get(i - 3)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((ticks(14) + ticks(15)) * 10)
}

/// 2,000 open cards at step 3, counted around the clock, through the in-process server (its
/// scheduler, outbox and sender) to a webhook receiver on this machine.
/// Phase 1: their warnings come due one after another over a minute: how late each arrives
/// against its due moment (the scheduler's and the whole way's), and the CPU meanwhile.
/// Phase 2: 2,000 warnings due at once: notifications per second through the outbox.
async fn notify_bench() {
    use pantau::testing::receiver::Receiver;
    const CARDS: usize = 2_000;
    for phase in ["spread", "burst"] {
        let receiver = Receiver::start().await;
        let sla = pantau_core::domain::SlaConfig {
            calendars: [pantau_core::domain::Calendar::AlwaysOn; 8],
            ..Default::default()
        };
        let hook = pantau::notify::config::WebhookSettings {
            url: receiver.url.clone(),
            secret: "bench-secret-0123456789".to_owned().into(),
            events: vec!["warning".into()],
        };
        let server = common::TestServer::sqlite_configured(|c| {
            c.sla = sla.clone();
            c.notify = pantau::notify::NotifySettings {
                webhooks: vec![hook.clone()],
                ..common::notify_fast()
            };
            c.limits.mutations_per_minute = 10_000_000;
        })
        .await;
        // The warning is at 80 % of step 3's 30 minutes.
        let warn_after = chrono::Duration::minutes(24);
        let first_due = Utc::now() + chrono::Duration::seconds(90);
        let seeding = Instant::now();
        let mut due = std::collections::HashMap::new();
        for n in 0..CARDS {
            let entered = match phase {
                "spread" => first_due - warn_after + chrono::Duration::milliseconds(n as i64 * 30),
                _ => first_due - warn_after,
            };
            server.state.clock.set(entered);
            let card = server.create(10_000 + n).await;
            let step = server.push_one(server.next_move(card).await).await;
            assert!(matches!(
                step,
                pantau_core::api::sync::PushResult::Accepted { .. }
            ));
            let visit = server.card(card).await;
            let at = visit.current_visit().expect("open").entered + warn_after;
            due.insert(card.0.to_string(), at);
        }
        server.state.clock.set(Utc::now());
        let seeded = seeding.elapsed();
        if Utc::now() > first_due {
            println!(
                "notify {phase}: seeding {CARDS} cards took {seeded:.1?}, past the first due moment: figures are late by that"
            );
        }
        let cpu_before = cpu_time();
        let wall = Instant::now();
        let got = receiver.wait_for(CARDS, Duration::from_secs(300)).await;
        let cpu = cpu_time() - cpu_before;
        let elapsed = wall.elapsed();
        let mut whole: Vec<i64> = Vec::new();
        let mut written: Vec<i64> = Vec::new();
        for r in &got {
            let body = r.json();
            let Some(at) = body["card"].as_str().and_then(|c| due.get(c)) else {
                continue;
            };
            whole.push((r.received_at - *at).num_milliseconds());
            let created: chrono::DateTime<Utc> =
                body["created_at"].as_str().unwrap().parse().unwrap();
            written.push((created - *at).num_milliseconds());
        }
        whole.sort();
        written.sort();
        let pct = |v: &[i64], p: f64| v[((v.len() as f64 * p) as usize).min(v.len() - 1)];
        match phase {
            "spread" => println!(
                "notify spread: {} of {CARDS} warnings (due over {:.0} s, seeded in {seeded:.1?}); \
                 written after the due moment p50 {} ms, p99 {} ms, max {} ms; received p50 {} ms, \
                 p99 {} ms, max {} ms; CPU {:.2} s in {:.1?} ({:.1} % of one core)",
                got.len(),
                CARDS as f64 * 0.03,
                pct(&written, 0.5),
                pct(&written, 0.99),
                written.last().unwrap(),
                pct(&whole, 0.5),
                pct(&whole, 0.99),
                whole.last().unwrap(),
                cpu.as_secs_f64(),
                elapsed,
                100.0 * cpu.as_secs_f64() / elapsed.as_secs_f64()
            ),
            _ => {
                let first = got.iter().map(|r| r.received_at).min().unwrap();
                let last = got.iter().map(|r| r.received_at).max().unwrap();
                let span = (last - first).num_milliseconds().max(1) as f64 / 1000.0;
                println!(
                    "notify burst: {} warnings due at once delivered in {span:.2} s after the first: \
                     {:.0} notifications/s through the outbox (8 sends at once per channel); \
                     the last received {} ms after its due moment",
                    got.len(),
                    got.len() as f64 / span,
                    whole.last().unwrap()
                );
            }
        }
    }
}
