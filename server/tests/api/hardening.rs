//! What a hostile client can do to the server, and what it cannot: hold connections open, leave a
//! stream unread, keep a revoked stream running, send text the databases disagree on, guess
//! passwords in parallel, lie about its address; and what the server says back when it refuses.

use std::time::{Duration, Instant};

use crate::helpers::{PASSWORD, Rng, TestServer, envelope, error_message};
use futures::StreamExt;
use pantau_core::domain::demo::text;
use pantau_core::domain::{Mutation, Role};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn addr(server: &TestServer) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection; how long that took. `None` if still open at `wait`.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at((start + wait).into(), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(start.elapsed()),
            Ok(Ok(_)) => continue,
            Err(_) => return None,
        }
    }
}

fn quick_timeouts(header: u64) -> impl FnOnce(&mut pantau::config::Config) {
    move |c| c.limits.header_timeout = Duration::from_secs(header)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_slow_header_and_idle_connections_are_closed_by_the_header_timeout() {
    let server = TestServer::sqlite_configured(quick_timeouts(1)).await;
    // Sends nothing at all.
    let mut silent = TcpStream::connect(addr(&server)).await.unwrap();
    // Sends a request's head one byte every 300 ms: never done within the timeout.
    let mut slow = TcpStream::connect(addr(&server)).await.unwrap();
    let dripping = tokio::spawn(async move {
        for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaa" {
            if slow.write_all(&[*byte]).await.is_err() {
                return (slow, true);
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        (slow, false)
    });
    // One whole request, answered, then idle on keep-alive.
    let mut idle = TcpStream::connect(addr(&server)).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 1024];
    let n = idle.read(&mut answer).await.unwrap();
    assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"));

    let silent_after = closed_within(&mut silent, Duration::from_secs(5)).await;
    let idle_after = closed_within(&mut idle, Duration::from_secs(5)).await;
    let (mut slow, cut_while_sending) = dripping.await.unwrap();
    let slow_after = closed_within(&mut slow, Duration::from_secs(5)).await;
    assert!(silent_after.is_some(), "a silent connection is closed");
    assert!(
        idle_after.is_some(),
        "an idle keep-alive connection is closed"
    );
    assert!(
        cut_while_sending || slow_after.is_some(),
        "a connection sending its head slowly is closed"
    );
    // And the server still answers everyone else.
    let res = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_every_connection_slot_taken_healthz_still_answers_and_the_rest_hear_busy() {
    let server = TestServer::sqlite_configured(|c| {
        c.limits.header_timeout = Duration::from_secs(30);
        c.limits.max_connections = 16;
    })
    .await;
    // The start-up login's connection goes first (its slot must not come free halfway through).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut held = Vec::new();
    for _ in 0..16 {
        held.push(TcpStream::connect(addr(&server)).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let fresh = || {
        reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap()
    };
    let health = fresh().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "/healthz answers past the cap");
    let busy = fresh().get(server.url("/api/board")).send().await.unwrap();
    assert_eq!(busy.headers()["retry-after"], "5");
    let message = error_message(busy, 503).await;
    assert!(message.contains("server sedang penuh"), "{message}");
    // When the held connections go, everything is served again.
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let res = fresh().get(server.url("/api/board")).send().await.unwrap();
    assert_eq!(res.status(), 401, "served normally again (not signed in)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_take_every_connection_slot() {
    let server = TestServer::sqlite_configured(|c| {
        c.limits.header_timeout = Duration::from_secs(30);
        c.limits.max_connections = 64;
        c.limits.max_per_address = 16;
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut held = Vec::new();
    for _ in 0..80 {
        held.push(TcpStream::connect(addr(&server)).await.unwrap());
    }
    // Past its share, the address's connections are closed at once.
    let mut closed = 0;
    for s in held.iter_mut() {
        if closed_within(s, Duration::from_millis(200)).await.is_some() {
            closed += 1;
        }
    }
    assert_eq!(closed, 80 - 16, "16 held, the rest closed");
    // Another client (127.0.0.2 is this machine too) is served as usual.
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let health = other.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let board = other.get(server.url("/api/board")).send().await.unwrap();
    assert_eq!(board.status(), 401, "served, not busy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_never_read_event_stream_is_dropped_and_others_go_on() {
    let server =
        TestServer::sqlite_configured(|c| c.limits.write_stall = Duration::from_secs(1)).await;
    // A staff session: a wall's events come without their notes, far smaller.
    let cookie = crate::helpers::session_cookie(&server.base, "tester").await;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stalled = socket
        .connect(addr(&server).parse().unwrap())
        .await
        .unwrap();
    stalled
        .write_all(
            format!("GET /api/events?since=0 HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    let hub = &server.state.hub;
    let deadline = Instant::now() + Duration::from_secs(5);
    while hub.subscribers() < 1 {
        assert!(Instant::now() < deadline, "the stream subscribes");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let note = "x".repeat(2000);
    let mut card = server.create(1).await;
    let mut pushed = 0;
    let deadline = Instant::now() + Duration::from_secs(60);
    while hub.subscribers() > 0 {
        assert!(
            Instant::now() < deadline,
            "the unread stream is dropped (after {pushed} events of ~2 KB)"
        );
        let batch = (0..50)
            .map(|_| {
                envelope(
                    Role::Tu,
                    Mutation::AddNote {
                        card,
                        text: text(&note),
                    },
                )
            })
            .collect();
        server.push(batch).await;
        pushed += 50;
        if pushed % 150 == 0 {
            // A card holds at most 200 notes.
            card = server.create(pushed).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("the unread stream was dropped after {pushed} events of ~2 KB");
    // A stream that reads still gets every event.
    let mut reader =
        crate::helpers::SseClient::connect(&server.http, &server.url("/api/events?since=0"), None)
            .await;
    let (first, _) = reader.next(Duration::from_secs(5)).await.expect("an event");
    assert_eq!(first, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_kiosk_stream_ends_at_once_even_while_it_catches_up() {
    let server = TestServer::sqlite().await;
    let card = server.create(1).await;
    for _ in 0..6 {
        let batch = (0..100)
            .map(|_| {
                envelope(
                    Role::Tu,
                    Mutation::AddNote {
                        card,
                        text: text("catatan"),
                    },
                )
            })
            .collect();
        server.push(batch).await;
    }
    let (end, ended) = tokio::sync::oneshot::channel::<()>();
    let mut events = Box::pin(server.state.hub.events_for(
        0,
        Box::pin(async move {
            let _ = ended.await;
        }),
    ));
    for expected in 1..=10 {
        let item = events.next().await.expect("an event while catching up");
        assert_eq!(item.seq, expected);
    }
    // 591 events are still to come from the log when the credential ends.
    end.send(()).unwrap();
    let after = tokio::time::timeout(Duration::from_secs(1), events.next())
        .await
        .expect("the stream answers at once");
    assert!(after.is_none(), "no event after the end: got {after:?}");

    // Over HTTP, with a real revoke: the stream ends within a second.
    let token = server.kiosk("tv-dicabut").await;
    let kiosk = reqwest::Client::new();
    let mut stream = crate::helpers::SseClient::connect(
        &kiosk,
        &server.url(&format!("/api/events?token={token}&since=0")),
        None,
    )
    .await;
    stream
        .next(Duration::from_secs(5))
        .await
        .expect("first event");
    let res = server
        .post("/api/kiosks/tv-dicabut/revoke")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let revoked_at = Instant::now();
    // The credential list is re-read at once after a revoke; a loaded test machine gets slack.
    while stream.next(Duration::from_secs(10)).await.is_some() {}
    assert!(
        revoked_at.elapsed() < Duration::from_secs(5),
        "the stream ended {:?} after the revoke",
        revoked_at.elapsed()
    );
}

/// Pushes a JSON body as the tester, as it is (it may be one the types could not make).
async fn push_raw(server: &TestServer, body: &serde_json::Value) -> reqwest::Response {
    server
        .post("/api/sync/push")
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn nul_in_device_is_refused_not_failing_others(server: TestServer) {
    let card = server.create(1).await;
    let mut bad = envelope(
        Role::Tu,
        Mutation::AddNote {
            card,
            text: text("catatan"),
        },
    );
    let mut body = json!({ "mutations": [bad.clone()] });
    body["mutations"][0]["device"] = json!("tablet\u{0}tcm");
    // Others push at the same moment, in the same group commit if the writer takes them together.
    let others: Vec<_> = (0..20)
        .map(|_| {
            let env = envelope(
                Role::Tu,
                Mutation::AddNote {
                    card,
                    text: text("baik"),
                },
            );
            let req = server
                .post("/api/sync/push")
                .json(&json!({ "mutations": [env] }));
            tokio::spawn(async move { req.send().await.unwrap().status() })
        })
        .collect();
    let res = push_raw(&server, &body).await;
    let message = error_message(res, 422).await;
    assert!(message.contains("device"), "names the field: {message}");
    assert!(message.contains("control character"), "{message}");
    for other in others {
        assert_eq!(
            other.await.unwrap(),
            200,
            "another user's push goes through"
        );
    }
    // The same with a NUL in an override reason and in a note: refused, nothing stored.
    bad.override_reason = Some(text("x"));
    let mut body = json!({ "mutations": [bad] });
    body["mutations"][0]["override_reason"] = json!("karena\u{0}");
    let res = push_raw(&server, &body).await;
    assert_eq!(res.status(), 422);
    let events = server.state.hub.store.card_events(card).await.unwrap();
    assert_eq!(events.len(), 21, "the card and the 20 good notes");
    // A note may have line breaks and tabs; other control characters are refused.
    let env = envelope(
        Role::Tu,
        Mutation::AddNote {
            card,
            text: text("baris 1\n\tbaris 2"),
        },
    );
    let res = push_raw(&server, &json!({ "mutations": [env] })).await;
    assert_eq!(res.status(), 200);
    let mut body =
        json!({ "mutations": [envelope(Role::Tu, Mutation::AddNote { card, text: text("x") })] });
    body["mutations"][0]["mutation"]["text"] = json!("bel\u{7}");
    let res = push_raw(&server, &body).await;
    assert_eq!(res.status(), 422);
}

async fn login_names_of_any_size_or_content_are_refused_as_wrong_never_failing(server: TestServer) {
    for name in [
        "a".repeat(3000),
        "budi\u{0}".to_owned(),
        "\u{7f}".repeat(50),
        "ß".repeat(2000),
    ] {
        let res = reqwest::Client::new()
            .post(server.url("/api/auth/login"))
            .json(&json!({ "username": name, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        let message = error_message(res, 401).await;
        assert!(
            message.contains("nama pengguna atau kata sandi salah"),
            "{message}"
        );
    }
    // The failed-login table keeps no name as typed.
    let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM login_failures")
        .fetch_all(&server.state.db.pool)
        .await
        .unwrap();
    assert!(!keys.is_empty());
    assert!(
        keys.iter()
            .all(|k| k.len() < 64 && !k.contains("budi") && !k.contains("aaa")),
        "{keys:?}"
    );
    // A kiosk name with a NUL in a path is simply not there.
    let res = server
        .post("/api/kiosks/tv%00x/revoke")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

async fn parallel_guesses_get_no_more_password_checks_than_the_limit(server: TestServer) {
    crate::helpers::add_user(&server.state, "budi", &[Role::Tu])
        .await
        .unwrap();
    let guesses: Vec<_> = (0..60)
        .map(|i| {
            let req = reqwest::Client::new()
                .post(server.url("/api/auth/login"))
                .json(&json!({ "username": "budi", "password": format!("tebakan-ke-{i}") }));
            tokio::spawn(async move { req.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut checked = 0;
    for guess in guesses {
        match guess.await.unwrap() {
            401 => checked += 1,
            429 => {}
            other => panic!("a guess answered {other}"),
        }
    }
    assert!(
        checked <= pantau::auth::store::MAX_FAILURES_PER_ACCOUNT,
        "{checked} of 60 parallel guesses had their password checked"
    );
    // The throttled guesses checked nothing and count for nothing: below the limit, the owner
    // still signs in.
    if checked < pantau::auth::store::MAX_FAILURES_PER_ACCOUNT {
        crate::helpers::session_cookie(&server.base, "budi").await;
    }
}

async fn database_errors_say_nothing_of_the_database(server: TestServer) {
    // A kiosk that exists already: 409 from the database's unique key, in plain words.
    let first = server
        .post("/api/kiosks")
        .json(&json!({ "name": "tv-satu" }))
        .send()
        .await
        .unwrap();
    assert!(first.status().is_success(), "{}", first.status());
    let again = server
        .post("/api/kiosks")
        .json(&json!({ "name": "tv-satu" }))
        .send()
        .await
        .unwrap();
    let message = error_message(again, 409).await;
    assert!(!message.to_lowercase().contains("unique"), "{message}");
    // Health says which backend and whether it is up, nothing more, and is not cached.
    let res = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["database", "database_up", "status", "version"]);
    // API answers with personal data are never cached.
    let board = server.get("/api/board").send().await.unwrap();
    assert_eq!(board.headers()["cache-control"], "no-store");
}

async fn report_dates_out_of_range_are_refused(server: TestServer) {
    for (from, to) in [
        ("-262143-01-01", "-262143-01-01"),
        ("+262142-12-31", "+262142-12-31"),
        ("1900-01-01", "1900-01-31"),
        ("2026-01-01", "9999-12-31"),
        ("2026-13-01", "2026-13-02"),
    ] {
        let res = server
            .get(&format!("/api/reports/sla?from={from}&to={to}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{from}..{to}");
    }
}

async fn a_wall_reads_the_board_without_personal_data(server: TestServer) {
    // "Siti Rahmawati", her phone and e-mail address, by the tester.
    let card = server
        .create_with(1, |r| r.contact_email = "siti.rahma@dishub.go.id".into())
        .await;
    let env = envelope(
        Role::Tu,
        Mutation::AddNote {
            card,
            text: text("Ibu Siti minta ditelepon di 0812-7777-1234"),
        },
    );
    server.push(vec![env]).await;
    let token = server.kiosk("tv-ruang-tcm").await;
    let kiosk = reqwest::Client::new();
    let as_kiosk = |path: &str| kiosk.get(server.url(path)).bearer_auth(&token).send();
    let board = as_kiosk("/api/board").await.unwrap().text().await.unwrap();
    let pull = as_kiosk("/api/sync/pull?since=0")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut stream = crate::helpers::SseClient::connect(
        &kiosk,
        &server.url(&format!("/api/events?since=0&token={token}")),
        None,
    )
    .await;
    let mut streamed = String::new();
    while let Some((_, event)) = stream.next(Duration::from_secs(2)).await {
        streamed.push_str(&event.to_string());
        if event["seq"] == 2 {
            break;
        }
    }
    let staff = server
        .get("/api/board")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let personal = [
        "Siti Rahmawati",
        "siti.rahma@",
        "6281256701001",
        "0812-7777",
        "tester",
        "\"test\"",
    ];
    assert!(staff.contains("Siti Rahmawati"), "staff see the contact");
    assert!(staff.contains("siti.rahma@dishub.go.id"), "and the address");
    for (what, body) in [("board", &board), ("pull", &pull), ("stream", &streamed)] {
        assert!(
            body.contains("000.8"),
            "{what} still has the letter: {body}"
        );
        for p in personal {
            assert!(!body.contains(p), "{what} shows {p}: {body}");
        }
    }
    // Staff and the wall fold the same log to the same steps.
    let wall: serde_json::Value = serde_json::from_str(&board).unwrap();
    let full: serde_json::Value = serde_json::from_str(&staff).unwrap();
    assert_eq!(wall["cards"][0]["stage"], full["cards"][0]["stage"]);
    assert_eq!(wall["cards"][0]["visits"], full["cards"][0]["visits"]);
}

/// An applicant account of `agency`, signed in.
async fn applicant(server: &TestServer, name: &str, agency: &str) -> reqwest::Client {
    crate::helpers::add_user(&server.state, name, &[Role::Pemohon])
        .await
        .unwrap();
    let agency =
        pantau_core::domain::request::AgencyName::parse(pantau_core::domain::Field::Agency, agency)
            .unwrap();
    pantau::auth::store::set_agency(
        &server.state.db,
        &pantau::auth::Username::parse(name).unwrap(),
        Some(&agency),
    )
    .await
    .unwrap();
    crate::helpers::signed_in(&server.base, name).await
}

async fn an_applicant_acts_only_on_its_own_agency_s_requests(server: TestServer) {
    let dishub_card = server.create(0).await; // Dinas Perhubungan, registered by TU
    let dishub = applicant(&server, "dishub", "dinas perhubungan").await;
    let satpol = applicant(&server, "satpol", "Satpol PP").await;
    let push = |client: &reqwest::Client, mutation: Mutation| {
        let env = envelope(Role::Pemohon, mutation);
        let req = client
            .post(server.url("/api/sync/push"))
            .json(&json!({ "mutations": [env] }));
        async move {
            let answer: serde_json::Value = req.send().await.unwrap().json().await.unwrap();
            answer["results"][0].clone()
        }
    };
    let edit = |n| Mutation::EditRequest {
        card: dishub_card,
        request: pantau_core::domain::demo::sample_request(n, chrono::Utc::now(), 5),
    };
    // Another agency's applicant can neither correct the request nor note on it.
    let refused = push(&satpol, edit(0)).await;
    assert_eq!(refused["code"], "other_agency", "{refused}");
    assert!(
        refused["message"]["id"]
            .as_str()
            .unwrap()
            .contains("instansi lain")
    );
    let note = push(
        &satpol,
        Mutation::AddNote {
            card: dishub_card,
            text: text("bukan urusan saya"),
        },
    )
    .await;
    assert_eq!(note["code"], "other_agency", "{note}");
    // Nor register a letter in another agency's name.
    let forged = push(
        &satpol,
        Mutation::CreateRequest {
            card: pantau_core::domain::CardId(uuid::Uuid::new_v4()),
            request: pantau_core::domain::demo::sample_request(0, chrono::Utc::now(), 5),
        },
    )
    .await;
    assert_eq!(forged["code"], "other_agency", "{forged}");
    // Nor give or revoke the request's tracking link.
    let link = satpol
        .post(server.url(&format!("/api/cards/{}/tracking", dishub_card.0)))
        .send()
        .await
        .unwrap();
    assert_eq!(link.status(), 403);
    // Its own agency's applicant can (the agency named in any case).
    let own = push(&dishub, edit(0)).await;
    assert_eq!(own["status"], "accepted", "{own}");
    // And may not move it to another agency's name.
    let moved = push(&dishub, edit(2)).await;
    assert_eq!(moved["code"], "other_agency", "{moved}");
    let link = dishub
        .post(server.url(&format!("/api/cards/{}/tracking", dishub_card.0)))
        .send()
        .await
        .unwrap();
    assert_eq!(link.status(), 201);
    let revoked = satpol
        .delete(server.url(&format!("/api/cards/{}/tracking", dishub_card.0)))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 403);
    // Staff are not bound to an agency.
    let staff = server.push_one(envelope(Role::Tu, edit(0))).await;
    assert!(
        matches!(staff, pantau::sync::api::PushResult::Accepted { .. }),
        "{staff:?}"
    );
}

async fn an_applicant_reads_only_its_own_agency_s_letters(server: TestServer) {
    let dishub_card = server.create(0).await; // Dinas Perhubungan
    let satpol_card = server.create(2).await; // Satpol PP
    let dishub = applicant(&server, "dishub", "Dinas Perhubungan").await;
    let get = |path: String| {
        let req = dishub.get(server.url(&path));
        async move {
            let res = req.send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    let ids = |cards: &serde_json::Value| -> Vec<String> {
        cards
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let own = dishub_card.0.to_string();
    let other = satpol_card.0.to_string();
    // The board, the log and the card's page hold the agency's letter and nothing of the other.
    let (status, board) = get("/api/board".into()).await;
    assert_eq!(status, 200);
    let board: serde_json::Value = serde_json::from_str(&board).unwrap();
    assert_eq!(ids(&board["cards"]), std::slice::from_ref(&own));
    let (_, pull) = get("/api/sync/pull?since=0".into()).await;
    assert!(
        pull.contains(&own) && !pull.contains(&other) && !pull.contains("Satpol"),
        "{pull}"
    );
    let pull: serde_json::Value = serde_json::from_str(&pull).unwrap();
    assert_eq!(
        pull["next"], 2,
        "the next page starts after the other agency's event too"
    );
    let (status, card) = get(format!("/api/cards/{own}")).await;
    assert_eq!(status, 200, "{card}");
    // The report counts its own agency's letters only (each letter's step done, so it counts).
    for card in [dishub_card, satpol_card] {
        let state = server.card(card).await;
        let step = state.current_step().unwrap();
        let done = Mutation::CompleteStep {
            card,
            step,
            output: pantau_core::domain::demo::sample_output(step, &state),
        };
        let result = server.push_one(envelope(step.def().performer, done)).await;
        assert!(
            matches!(result, pantau::sync::api::PushResult::Accepted { .. }),
            "{result:?}"
        );
    }
    let (status, report) = get("/api/reports/sla".into()).await;
    assert_eq!(status, 200, "{report}");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let agencies: Vec<&str> = report["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(agencies, ["Dinas Perhubungan"], "{report}");
    let staff_report: serde_json::Value = server.get_json("/api/reports/sla").await;
    assert_eq!(
        staff_report["agencies"].as_array().unwrap().len(),
        2,
        "{staff_report}"
    );
    for path in [
        format!("/api/cards/{other}"),
        format!("/api/cards/{other}/record"),
    ] {
        let (status, body) = get(path.clone()).await;
        assert_eq!(status, 403, "{path}: {body}");
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["error"]["code"], "other_agency", "{path}");
        assert!(
            body["error"]["text"]["id"]
                .as_str()
                .unwrap()
                .contains("instansi lain")
        );
        assert!(
            body["error"]["text"]["en"]
                .as_str()
                .unwrap()
                .contains("agency")
        );
        assert!(!body.to_string().contains("Satpol"), "{path}: {body}");
    }
    // The live stream: the agency's letters, old and new, and none of the other's.
    let mut stream =
        pantau::testing::SseClient::connect(&dishub, &server.url("/api/events?since=0"), None)
            .await;
    let (first, data) = stream.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!((first, data["card"].as_str().unwrap()), (1, own.as_str()));
    let (step_done, data) = stream.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        (step_done, data["card"].as_str().unwrap()),
        (3, own.as_str())
    );
    server.create(8).await; // Satpol PP again (the sample agencies repeat every 6)
    let later = server.create(6).await; // Dinas Perhubungan
    let (seq, data) = stream.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        (seq, data["card"].as_str().unwrap()),
        (6, later.0.to_string().as_str())
    );
    assert!(stream.next(Duration::from_millis(300)).await.is_none());
    // Staff read everything.
    let staff: serde_json::Value = server.get_json("/api/board").await;
    assert_eq!(staff["cards"].as_array().unwrap().len(), 4);
}

async fn a_job_the_database_refuses_fails_alone_in_its_group_commit(server: TestServer) {
    // A fault of the database for one job only: a trigger refuses events carrying a marker.
    let db = &server.state.db;
    let statements: &[&str] = if server.database_url.is_some() {
        &[
            "CREATE FUNCTION refuse_marked() RETURNS trigger AS $$ BEGIN \
             IF NEW.payload LIKE '%GAGAL-DB%' THEN RAISE EXCEPTION 'uji'; END IF; RETURN NEW; END $$ \
             LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_marked BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_marked()",
        ]
    } else {
        &[
            "CREATE TRIGGER refuse_marked BEFORE INSERT ON events WHEN NEW.payload LIKE '%GAGAL-DB%' \
           BEGIN SELECT RAISE(ABORT, 'uji'); END",
        ]
    };
    for sql in statements {
        sqlx::query(sql).execute(&db.pool).await.unwrap();
    }
    let cards = [server.create(1).await, server.create(2).await];
    let note = |card, text_: &str| {
        envelope(
            Role::Tu,
            Mutation::AddNote {
                card,
                text: text(text_),
            },
        )
    };
    // Keep the writer busy, so what comes next waits and is taken as one group.
    let busy: Vec<_> = (0..200)
        .map(|_| note(cards[0], &"x".repeat(1500)))
        .collect();
    let busy = {
        let req = server
            .post("/api/sync/push")
            .json(&json!({ "mutations": busy }));
        tokio::spawn(async move { req.send().await.unwrap().status() })
    };
    let good: Vec<_> = (0..20)
        .map(|i| {
            let req = server
                .post("/api/sync/push")
                .json(&json!({ "mutations": [note(cards[1], &format!("baik {i}"))] }));
            tokio::spawn(async move { req.send().await.unwrap().status() })
        })
        .collect();
    let bad = server
        .post("/api/sync/push")
        .json(&json!({ "mutations": [note(cards[1], "GAGAL-DB")] }))
        .send()
        .await
        .unwrap();
    let message = error_message(bad, 500).await;
    assert!(
        !message.contains("uji"),
        "the database's words stay in the log: {message}"
    );
    assert_eq!(busy.await.unwrap(), 200);
    for g in good {
        assert_eq!(
            g.await.unwrap(),
            200,
            "a job beside the failing one goes through"
        );
    }
    let events = server.state.hub.store.card_events(cards[1]).await.unwrap();
    assert_eq!(events.len(), 21, "the card and the 20 good notes");
    // And the writer goes on.
    let after = server.push(vec![note(cards[1], "sesudahnya")]).await;
    assert!(matches!(
        after.results[0],
        pantau::sync::api::PushResult::Accepted { .. }
    ));
}

on_both_backends!(
    a_job_the_database_refuses_fails_alone_in_its_group_commit,
    an_applicant_acts_only_on_its_own_agency_s_requests,
    an_applicant_reads_only_its_own_agency_s_letters,
    a_wall_reads_the_board_without_personal_data,
    nul_in_device_is_refused_not_failing_others,
    login_names_of_any_size_or_content_are_refused_as_wrong_never_failing,
    parallel_guesses_get_no_more_password_checks_than_the_limit,
    database_errors_say_nothing_of_the_database,
    report_dates_out_of_range_are_refused,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_is_unhealthy_when_a_background_task_has_died() {
    let server = TestServer::sqlite().await;
    assert_eq!(
        reqwest::get(server.url("/healthz")).await.unwrap().status(),
        200
    );
    server.state.tasks.abort("credential refresher");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let res = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["stopped"], json!(["credential refresher"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    // Behind a proxy (this test is it): failures from one client do not lock out another.
    let server = TestServer::sqlite_configured(|c| {
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    crate::helpers::add_user(&server.state, "budi", &[Role::Tu])
        .await
        .unwrap();
    let login = |name: String, password: &str, client: &str| {
        reqwest::Client::new()
            .post(server.url("/api/auth/login"))
            .header("x-forwarded-for", client)
            .json(&json!({ "username": name, "password": password }))
            .send()
    };
    for i in 0..pantau::auth::store::MAX_FAILURES_PER_ADDRESS {
        let res = login(format!("orang{i}"), "salah-salah-salah", "198.51.100.1")
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
    let locked = login("budi".into(), PASSWORD, "198.51.100.1")
        .await
        .unwrap();
    assert_eq!(locked.status(), 429, "the guessing client is throttled");
    let other = login("budi".into(), PASSWORD, "198.51.100.2")
        .await
        .unwrap();
    assert_eq!(
        other.status(),
        200,
        "another client behind the proxy signs in"
    );

    // Without a trusted proxy the header is the client's own word, and not believed.
    let direct = TestServer::sqlite().await;
    crate::helpers::add_user(&direct.state, "budi", &[Role::Tu])
        .await
        .unwrap();
    for i in 0..pantau::auth::store::MAX_FAILURES_PER_ADDRESS {
        let _ = reqwest::Client::new()
            .post(direct.url("/api/auth/login"))
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .json(&json!({ "username": format!("orang{i}"), "password": "salah-salah-salah" }))
            .send()
            .await
            .unwrap();
    }
    let res = reqwest::Client::new()
        .post(direct.url("/api/auth/login"))
        .header("x-forwarded-for", "203.0.113.250")
        .json(&json!({ "username": "budi", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        429,
        "a forged header does not escape the address's limit"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_adding_one_user_at_once_add_it_once() {
    let server = TestServer::sqlite().await;
    let adds: Vec<_> = (0..8)
        .map(|_| {
            let state = server.state.clone();
            tokio::spawn(
                async move { crate::helpers::add_user(&state, "kembar", &[Role::Tu]).await },
            )
        })
        .collect();
    let mut ok = 0;
    for add in adds {
        match add.await.unwrap() {
            Ok(()) => ok += 1,
            Err(pantau::auth::store::AuthError::UserExists(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(ok, 1);
}

async fn a_copied_database_opens_no_tracking_link_and_reveals_no_camera_password(
    server: TestServer,
) {
    let card = server.create(1).await;
    let give = || async { crate::helpers::give_link(&server, card).await.token };
    let token = give().await;
    assert_eq!(give().await, token, "the same link is shown again");
    // Given by several people at once after a revoke: one new link for all.
    let res = server
        .http
        .delete(server.url(&format!("/api/cards/{}/tracking", card.0)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let gives = futures::future::join_all((0..8).map(|_| give())).await;
    assert!(gives.iter().all(|t| *t == gives[0]), "{gives:?}");
    assert_ne!(gives[0], token);
    let token = gives[0].clone();
    server
        .add_camera(json!({"name": "Kamera rahasia", "kind": "http",
            "url": "http://127.0.0.1:9/snapshot.jpg",
            "username": "petugas-rahasia", "password": "sandi-kamera-rahasia"}))
        .await;
    // What a copy of the database holds.
    let links: Vec<String> = sqlx::query_scalar(
        "SELECT card_id || '|' || token || '|' || COALESCE(token_sealed, '') FROM tracking_links",
    )
    .fetch_all(&server.state.db.pool)
    .await
    .unwrap();
    let cameras: Vec<String> = sqlx::query_scalar(
        "SELECT url || '|' || COALESCE(username, '') || '|' || COALESCE(password, '') || '|' \
         || COALESCE(login_sealed, '') FROM cameras",
    )
    .fetch_all(&server.state.db.pool)
    .await
    .unwrap();
    assert_eq!(links.len(), 1);
    assert!(!links[0].contains(&token), "{links:?}");
    assert!(
        cameras.iter().all(|c| !c.contains("rahasia")),
        "{cameras:?}"
    );
    // And the link works.
    let res = reqwest::get(server.url(&format!("/api/track/{token}")))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

async fn an_instance_with_another_secret_key_refuses_to_start(server: TestServer) {
    let mut config = crate::helpers::config(
        "127.0.0.1:0".parse().unwrap(),
        server.data_dir.clone(),
        server.database_url.clone(),
    );
    config.secret_key = Some("b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMzI=".into());
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let err = pantau::state::AppState::open(&config, stopped)
        .await
        .err()
        .expect("refused");
    assert!(err.contains("another secret key"), "{err}");
    assert!(err.contains("PANTAU_SECRET_KEY"), "{err}");
}

on_both_backends!(
    a_copied_database_opens_no_tracking_link_and_reveals_no_camera_password,
    an_instance_with_another_secret_key_refuses_to_start,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_and_logins_stored_before_sealing_are_sealed_at_start_and_still_work() {
    let server = TestServer::sqlite().await;
    let card = server.create(1).await;
    let camera = server
        .add_camera(json!({"name": "Kamera lama", "kind": "http", "url": "http://127.0.0.1:9/snapshot.jpg"}))
        .await;
    // As Pantau stored them before this version.
    let old_token = "tokenLamaYangSudahDikirimKePemohon";
    let db = &server.state.db.pool;
    sqlx::query("INSERT INTO tracking_links (card_id, token, created_at) VALUES ($1, $2, 0)")
        .bind(card.0.to_string())
        .bind(old_token)
        .execute(db)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE cameras SET username = 'petugas-lama', password = 'sandi-lama-rahasia', \
         login_sealed = NULL WHERE id = $1",
    )
    .bind(&camera.id)
    .execute(db)
    .await
    .unwrap();
    // The upgrade: the next start seals them.
    let upgraded = TestServer::on_sqlite_dir(server.data_dir.clone()).await;
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT token || COALESCE(token_sealed, '') FROM tracking_links UNION ALL \
         SELECT COALESCE(username, '') || COALESCE(password, '') || COALESCE(login_sealed, '') FROM cameras",
    )
    .fetch_all(&upgraded.state.db.pool)
    .await
    .unwrap();
    assert!(
        rows.iter()
            .all(|r| !r.contains(old_token) && !r.contains("rahasia")),
        "{rows:?}"
    );
    // The link the applicant already has still opens, and is the one shown again.
    let res = reqwest::get(upgraded.url(&format!("/api/track/{old_token}")))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let shown = crate::helpers::give_link(&upgraded, card).await;
    assert_eq!(shown.token, old_token);
    // The camera keeps its login.
    let row = pantau::cameras::store::get(&upgraded.state.db, &camera.id)
        .await
        .unwrap()
        .unwrap();
    let login = row.login.expect("the login is kept");
    assert_eq!(login.password.reveal(), "sandi-lama-rahasia");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_user_flooding_pushes_is_slowed_and_others_are_not() {
    let server = TestServer::sqlite_configured(|c| c.limits.mutations_per_minute = 50).await;
    let card = server.create(1).await;
    let flood = server.user("banjir", &[Role::Tu]).await;
    let note = || {
        envelope(
            Role::Tu,
            Mutation::AddNote {
                card,
                text: text("spam"),
            },
        )
    };
    let mut answers = Vec::new();
    for _ in 0..4 {
        let batch: Vec<_> = (0..20).map(|_| note()).collect();
        let res = flood
            .post(server.url("/api/sync/push"))
            .json(&json!({ "mutations": batch }))
            .send()
            .await
            .unwrap();
        answers.push(res.status().as_u16());
        if res.status() == 429 {
            let wait: i64 = res.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&wait), "{wait}");
            let message = error_message(res, 429).await;
            assert!(message.contains("terlalu banyak perubahan"), "{message}");
        }
    }
    assert_eq!(
        answers,
        [200, 200, 429, 429],
        "50 a minute: two batches of 20, not a third"
    );
    // Another user's push is not held back.
    let other = server.user("rina", &[Role::Tu]).await;
    let res = other
        .post(server.url("/api/sync/push"))
        .json(&json!({ "mutations": [note()] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

// ---------------------------------------------------------------------------------------------
// Generated bad input to every route, as every kind of principal.

/// Every route of the server: method and path, `{}` where a path parameter goes.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/api/board"),
    ("POST", "/api/sync/push"),
    ("GET", "/api/sync/pull"),
    ("GET", "/api/cards/{}"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/logout"),
    ("GET", "/api/auth/me"),
    ("GET", "/api/kiosks"),
    ("POST", "/api/kiosks"),
    ("POST", "/api/kiosks/{}/revoke"),
    ("GET", "/api/cameras"),
    ("POST", "/api/cameras"),
    ("POST", "/api/cameras/import"),
    ("PUT", "/api/cameras/{}"),
    ("GET", "/api/cameras/{}/history"),
    ("GET", "/api/cameras/{}/settings"),
    ("POST", "/api/cameras/{}/enabled"),
    ("GET", "/api/reports/sla"),
    ("POST", "/api/cards/{}/tracking"),
    ("DELETE", "/api/cards/{}/tracking"),
    ("GET", "/api/cards/{}/record"),
    ("GET", "/api/track/{}"),
    ("GET", "/api/events"),
    ("GET", "/api/cameras/stream"),
    ("GET", "/api/{}"),
    ("GET", "/"),
    ("GET", "/masuk"),
    ("GET", "/wall"),
    ("GET", "/kamera"),
    ("GET", "/laporan"),
    ("GET", "/lacak/{}"),
    ("GET", "/rekaman/{}/surat-balasan"),
    ("GET", "/rekaman/{}/laporan-monitoring"),
    ("GET", "/pkg/{}"),
];

/// Text that has broken servers before: control characters, NUL, very long, odd Unicode, paths.
fn nasty_text(g: &mut Rng) -> String {
    let pieces = [
        "",
        " ",
        "\u{0}",
        "a\u{0}b",
        "\u{1b}[31m",
        "\u{7f}",
        "\u{85}",
        "\u{202e}gnp.exe",
        "\u{feff}",
        "🚦🚓",
        "ß",
        "Ω",
        "../../etc/passwd",
        "%00",
        "%ff%fe",
        "<script>alert(1)</script>",
        "'; DROP TABLE events; --",
        "=HYPERLINK(\"x\")",
        "\r\n\r\nHTTP/1.1 200 OK",
        "null",
        "-1",
        "18446744073709551616",
        "-262143-01-01",
        "+262142-12-31T23:59:59Z",
        "2026-02-30",
        "9999-12-31T23:59:59Z",
        "0000-00-00",
        "tv-1",
        "demo.tu",
        "00000000-0000-0000-0000-000000000000",
        "de400000-0000-0000-0000-000000000001",
    ];
    let mut text = String::new();
    for _ in 0..=g.below(3) {
        text.push_str(g.pick::<&str>(&pieces));
    }
    if g.chance(8) {
        let unit = g.pick(&["a", "ß", "🚦", "\u{0}", "/"]).to_string();
        text.push_str(&unit.repeat(1 + g.below(5000)));
    }
    text
}

fn nasty_json(g: &mut Rng, depth: usize) -> serde_json::Value {
    use serde_json::Value;
    match g.below(if depth > 3 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => Value::Bool(g.chance(2)),
        2 => json!(*g.pick(&[0i64, -1, 1, i64::MIN, i64::MAX, 4_294_967_296])),
        3 => json!(*g.pick(&[u64::MAX, 1u64 << 53])),
        4 => json!(*g.pick(&[1e308f64, -1e-308, 0.5, f64::MIN_POSITIVE])),
        5 => Value::String(nasty_text(g)),
        6 => Value::Array((0..g.below(4)).map(|_| nasty_json(g, depth + 1)).collect()),
        _ => {
            let keys = [
                "mutations",
                "id",
                "actor",
                "role",
                "device",
                "client_time",
                "mutation",
                "type",
                "card",
                "request",
                "step",
                "output",
                "username",
                "password",
                "name",
                "kind",
                "url",
                "enabled",
                "letter_number",
                "agency",
                "cameras",
                "window_start",
                "override_reason",
            ];
            Value::Object(
                (0..g.below(5))
                    .map(|_| (g.pick(&keys[..]).to_string(), nasty_json(g, depth + 1)))
                    .collect(),
            )
        }
    }
}

/// A valid JSON value with one of its parts (any depth) replaced by something nasty.
fn mutated(g: &mut Rng, mut value: serde_json::Value) -> serde_json::Value {
    fn walk(g: &mut Rng, v: &mut serde_json::Value) {
        let children: Vec<&mut serde_json::Value> = match v {
            serde_json::Value::Object(map) => map.values_mut().collect(),
            serde_json::Value::Array(items) => items.iter_mut().collect(),
            _ => Vec::new(),
        };
        if children.is_empty() || g.chance(3) {
            *v = nasty_json(g, 2);
            return;
        }
        let n = children.len();
        let i = g.below(n);
        if let Some(child) = children.into_iter().nth(i) {
            walk(g, child);
        }
    }
    walk(g, &mut value);
    value
}

/// Bodies a route may get: valid ones with a part spoiled, random JSON, and bytes that are not JSON.
fn nasty_body(g: &mut Rng, card: pantau_core::domain::CardId) -> (Option<&'static str>, Vec<u8>) {
    let valid = [
        json!({ "mutations": [envelope(Role::Tu, Mutation::AddNote { card, text: text("catatan") })] }),
        json!({ "mutations": [envelope(Role::Tu, Mutation::CreateRequest {
            card: pantau_core::domain::CardId(uuid::Uuid::from_u64_pair(g.next(), g.next())),
            request: pantau_core::domain::demo::sample_request(3, chrono::Utc::now(), 5),
        })] }),
        json!({ "username": "tester", "password": PASSWORD }),
        json!({ "name": "tv-fuzz", "kind": "http", "url": "http://127.0.0.1:9/s.jpg",
                "username": "u", "password": "p", "enabled": true, "location": "Simpang" }),
        json!({ "enabled": false }),
    ];
    match g.below(10) {
        0..=4 => {
            let base = g.pick(&valid[..]).clone();
            let v = mutated(g, base);
            (Some("application/json"), serde_json::to_vec(&v).unwrap())
        }
        5 | 6 => (
            Some("application/json"),
            serde_json::to_vec(&nasty_json(g, 0)).unwrap(),
        ),
        7 => {
            let raw: &[&[u8]] = &[
                b"\xff\xfe\xfd",
                b"{\"mutations\": [",
                b"{\"a\":\"\xc3\x28\"}",
                b"",
                b"{}{}",
                b"\x00\x00\x00",
            ];
            (Some("application/json"), g.pick(raw).to_vec())
        }
        8 => {
            // Deeply nested: past serde_json's recursion limit.
            let depth = 10 + g.below(20_000);
            let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            (Some("application/json"), body.into_bytes())
        }
        _ => {
            let types = [
                "application/x-www-form-urlencoded",
                "text/csv",
                "text/plain",
                "multipart/form-data",
            ];
            let body = format!(
                "username={}&password={}&lanjut={}",
                urlencode(&nasty_text(g)),
                urlencode(&nasty_text(g)),
                urlencode(&nasty_text(g))
            );
            (Some(*g.pick(&types[..])), body.into_bytes())
        }
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn nasty_query(g: &mut Rng) -> String {
    let keys = [
        "since", "limit", "from", "to", "format", "token", "download", "lanjut", "x", "",
    ];
    let mut pairs = Vec::new();
    for _ in 0..g.below(4) {
        let value = if g.chance(3) {
            g.pick(&[
                "-1",
                "0",
                "18446744073709551616",
                "99999999999",
                "csv",
                "json",
                "1",
                "2026-01-01",
            ])
            .to_string()
        } else {
            nasty_text(g)
        };
        pairs.push(format!(
            "{}={}",
            urlencode(g.pick::<&str>(&keys)),
            urlencode(&value)
        ));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

fn nasty_segment(g: &mut Rng, card: pantau_core::domain::CardId) -> String {
    match g.below(4) {
        0 => card.0.to_string(),
        1 => uuid::Uuid::from_u64_pair(g.next(), g.next()).to_string(),
        _ => urlencode(&nasty_text(g)).replace('+', "%20"),
    }
}

async fn every_route_answers_generated_bad_input_with_4xx_never_5xx(server: TestServer) {
    let seed: u64 = std::env::var("PANTAU_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| chrono::Utc::now().timestamp_micros() as u64 | 1);
    let cases: usize = std::env::var("PANTAU_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2500);
    eprintln!("fuzz: seed {seed}, {cases} cases (replay: PANTAU_FUZZ_SEED={seed})");
    let card = server.create(1).await;
    let kiosk = server.kiosk("tv-fuzz").await;
    crate::helpers::add_user(&server.state, "pemohon-fuzz", &[Role::Pemohon])
        .await
        .unwrap();
    // No connection is kept between cases: "no answer" then means the server dropped this one
    // (a kept connection the server closed after an unread body is a race the client would retry).
    let client = |cookie: Option<String>| {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(cookie) = cookie {
            headers.insert(reqwest::header::COOKIE, cookie.parse().unwrap());
        }
        reqwest::Client::builder()
            .default_headers(headers)
            .pool_max_idle_per_host(0)
            .build()
            .unwrap()
    };
    let nobody = client(None);
    let admin = client(Some(
        crate::helpers::session_cookie(&server.base, "tester").await,
    ));
    let applicant = client(Some(
        crate::helpers::session_cookie(&server.base, "pemohon-fuzz").await,
    ));
    let principals: [(&str, &reqwest::Client); 4] = [
        ("nobody", &nobody),
        ("admin", &admin),
        ("applicant", &applicant),
        ("kiosk", &nobody),
    ];
    let panics_before = panics();
    let mut g = Rng::new(seed);
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for case in 0..cases {
        let (method, template) = *g.pick(ROUTES);
        let (mut who, mut client) = *g.pick(&principals[..]);
        if template.starts_with("/api/auth/log") {
            // Signing in or out ends the session a request carries: keep the principals signed in.
            (who, client) = principals[0];
        }
        let path = template.replace("{}", &nasty_segment(&mut g, card));
        let url = format!("{}{path}{}", server.base, nasty_query(&mut g));
        let method = if g.chance(20) {
            g.pick(&["PATCH", "OPTIONS", "HEAD", "PUT", "DELETE"])
                .to_string()
        } else {
            method.to_owned()
        };
        let mut req = client
            .request(method.parse().unwrap(), &url)
            .timeout(Duration::from_secs(10));
        if who == "kiosk" {
            req = req.bearer_auth(&kiosk);
        }
        if method != "GET" && method != "HEAD" {
            let (content_type, body) = nasty_body(&mut g, card);
            if let Some(ct) = content_type {
                req = req.header("content-type", ct);
            }
            req = req.body(body);
        }
        if g.chance(10) {
            req = req.header(
                "last-event-id",
                nasty_text(&mut g).replace(['\r', '\n', '\0'], ""),
            );
        }
        let what = format!("case {case} (seed {seed}): {method} {url} as {who}");
        let res = match req.send().await {
            Ok(res) => res,
            Err(e) if e.is_builder() => continue, // a URL or header reqwest itself refuses
            Err(e) => panic!("{what}: no answer: {e}"),
        };
        let status = res.status().as_u16();
        *by_status.entry(status).or_default() += 1;
        assert!(
            status < 500,
            "{what}: {status} {}",
            res.text().await.unwrap_or_default()
        );
        // Streams stay open: do not wait on them.
        if !url.contains("/events") && !url.contains("/stream") {
            let _ = res.bytes().await;
        }
        assert_eq!(panics(), panics_before, "{what}: the server panicked");
    }
    eprintln!("fuzz: answers by status {by_status:?}");
    // The server still works for everyone.
    assert_eq!(server.get("/api/board").send().await.unwrap().status(), 200);
}

on_both_backends!(every_route_answers_generated_bad_input_with_4xx_never_5xx);

/// How many panics this process has seen (the server runs in it): a panicking handler or task.
fn panics() -> usize {
    use std::sync::Once;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // The servers' tasks run on the runtimes' workers; a test's own assertions on its
            // thread (named after the test) are not the server's.
            if std::thread::current().name() == Some("tokio-runtime-worker") {
                COUNT.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
    COUNT.load(Ordering::SeqCst)
}
