//! The sync API over real HTTP, on a real SQLite file and on the real PostgreSQL.

use pantau_core::api::ErrorAnswer;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use crate::helpers::{SseClient, TestServer, envelope, seq_of};
use chrono::Utc;
use pantau::sync::api::{PullAnswer, PushResult};
use pantau_core::domain::camera::CameraStatus;
use pantau_core::domain::{Mutation, Role, Stage, StepId};
use serde_json::{Value, json};

on_both_backends!(
    an_accepted_move_gets_a_sequence_number_and_shows_on_the_board,
    resending_a_mutation_gives_the_same_answer_and_applies_it_once,
    a_large_batch_moving_one_card_twice_keeps_every_event_and_the_cards_last_state,
    two_clients_moving_the_same_card_one_is_accepted_the_other_told_why,
    pull_pages_through_the_log_in_order,
    the_event_stream_resumes_after_last_event_id_with_no_gap_or_duplicate,
    concurrent_writers_and_a_stream_reader_see_every_event_exactly_once,
    pushes_are_accepted_while_camera_checks_write_beside_them,
    bad_input_gets_a_4xx_with_a_clear_message,
    the_event_log_is_append_only,
    a_cards_history_lists_every_event_with_who_and_which_device,
    the_demo_seeds_weeks_of_history_once_and_the_board_goes_on_from_it,
    shutdown_ends_open_event_streams,
);

async fn an_accepted_move_gets_a_sequence_number_and_shows_on_the_board(server: TestServer) {
    let card = server.create(1).await;
    let result = server.push_one(server.next_move(card).await).await;
    assert_eq!(seq_of(&result), 2);

    let board: Value = server.get_json("/api/board").await;
    assert_eq!(board["seq"], 2);
    assert_eq!(board["cards"].as_array().unwrap().len(), 1);
    assert_eq!(board["cards"][0]["stage"], json!({"step": "3"}));
    assert_eq!(board["sla"]["warning_percent"], 80);
    assert!(board["server_time"].as_str().unwrap().ends_with('Z'));
}

async fn resending_a_mutation_gives_the_same_answer_and_applies_it_once(server: TestServer) {
    let card = server.create(1).await;
    let mv = server.next_move(card).await;
    let first = server.push_one(mv.clone()).await;
    let again = server.push_one(mv.clone()).await;
    assert_eq!(first, again);
    assert_eq!(
        server.card(card).await.current_step(),
        Some(StepId::S3),
        "applied once"
    );

    // Sent twice in one batch as well.
    let next = server.next_move(card).await;
    let answer = server.push(vec![next.clone(), next]).await;
    assert_eq!(answer.results[0], answer.results[1]);
    assert_eq!(server.card(card).await.current_step(), Some(StepId::S4));

    // A refusal is remembered too: the same id gets the same refusal even after the card moved on.
    let stale = envelope(
        Role::Tu,
        Mutation::AddNote {
            card: pantau_core::domain::demo::demo_card_id(99),
            text: pantau_core::domain::demo::text("x"),
        },
    );
    let refused = server.push_one(stale.clone()).await;
    assert!(
        matches!(&refused, PushResult::Refused { code, .. } if code == "unknown_card"),
        "{refused:?}"
    );
    server.create(99).await;
    assert_eq!(server.push_one(stale).await, refused);
    let pull: PullAnswer = server.get_json("/api/sync/pull?since=0").await;
    assert_eq!(pull.events.len(), 4, "create, two moves, create");
}

/// 71 events in one push (the writer stores them 64, 4, 1, 1, 1 at a time) and one card created
/// and moved in it: every event in the log in order, the card stored as it ended.
async fn a_large_batch_moving_one_card_twice_keeps_every_event_and_the_cards_last_state(
    server: TestServer,
) {
    let now = Utc::now();
    let create = |n: usize| {
        let card = pantau_core::domain::demo::demo_card_id(n);
        let request = pantau_core::domain::demo::sample_request(n, now, 5);
        envelope(Role::Tu, Mutation::CreateRequest { card, request })
    };
    let first = pantau_core::domain::demo::demo_card_id(0);
    let mut batch = vec![create(0), server.next_move_unchecked(first)];
    batch.extend((1..70).map(create));
    let answer = server.push(batch).await;
    let seqs: Vec<u64> = answer.results.iter().map(seq_of).collect();
    assert_eq!(seqs, (1..=71).collect::<Vec<_>>(), "{answer:?}");

    let board: Value = server.get_json("/api/board").await;
    assert_eq!(board["seq"], 71);
    let cards = board["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 70);
    let stage_of = |id: pantau_core::domain::CardId| {
        let card = cards.iter().find(|c| c["id"] == id.0.to_string()).unwrap();
        card["stage"].clone()
    };
    assert_eq!(stage_of(first), json!({"step": "3"}), "created, then moved");
    assert_eq!(
        stage_of(pantau_core::domain::demo::demo_card_id(69)),
        json!({"step": "2"})
    );
    let pull: PullAnswer = server.get_json("/api/sync/pull?since=0&limit=100").await;
    let pulled: Vec<u64> = pull.events.iter().filter_map(|e| e.seq).collect();
    assert_eq!(pulled, (1..=71).collect::<Vec<_>>());
    assert_eq!(pull.events[1].card, first);
}

async fn two_clients_moving_the_same_card_one_is_accepted_the_other_told_why(server: TestServer) {
    let card = server.create(1).await;
    let (a, b) = (server.next_move(card).await, server.next_move(card).await);
    let (ra, rb) = tokio::join!(server.push_one(a), server.push_one(b));
    let (accepted, refused): (Vec<_>, Vec<_>) = [ra, rb]
        .into_iter()
        .partition(|r| matches!(r, PushResult::Accepted { .. }));
    assert_eq!((accepted.len(), refused.len()), (1, 1));
    let PushResult::Refused { code, message, .. } = &refused[0] else {
        unreachable!()
    };
    assert_eq!(code, "moved");
    assert_eq!(message.id, "Kartu sudah dipindahkan ke langkah 3 oleh TU");
    assert_eq!(
        message.en,
        "The card was already moved to step 3 by Administration (TU)"
    );
}

async fn pull_pages_through_the_log_in_order(server: TestServer) {
    for n in 0..7 {
        server.create(n).await;
    }
    let mut since = 0;
    let mut seen = vec![];
    loop {
        let page: PullAnswer = server
            .get_json(&format!("/api/sync/pull?since={since}&limit=3"))
            .await;
        seen.extend(page.events.iter().map(|e| e.seq.unwrap()));
        since = page.next;
        if !page.more {
            assert_eq!(page.last, 7, "the last page names the log's last seq");
            break;
        }
        assert_eq!(page.events.len(), 3);
    }
    assert_eq!(seen, (1..=7).collect::<Vec<u64>>());
    // A board from another database (it claims seq 50) learns that the log ends at 7.
    let ahead: PullAnswer = server.get_json("/api/sync/pull?since=50").await;
    assert!(ahead.events.is_empty() && !ahead.more);
    assert_eq!(ahead.last, 7);
}

async fn the_event_stream_resumes_after_last_event_id_with_no_gap_or_duplicate(server: TestServer) {
    for n in 0..3 {
        server.create(n).await;
    }
    let mut stream =
        SseClient::connect(&server.http, &server.url("/api/events?since=0"), None).await;
    for expected in 1..=3 {
        assert_eq!(
            stream.next(Duration::from_secs(5)).await.unwrap().0,
            expected
        );
    }
    // A live event.
    server.create(3).await;
    let (id, data) = stream.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(id, 4);
    assert_eq!(data["change"]["type"], "created");
    drop(stream);

    // Disconnected while two more happen; resume with Last-Event-ID.
    server.create(4).await;
    server.create(5).await;
    let mut resumed = SseClient::connect(&server.http, &server.url("/api/events"), Some(4)).await;
    let ids: Vec<u64> = [
        resumed.next(Duration::from_secs(5)).await.unwrap().0,
        resumed.next(Duration::from_secs(5)).await.unwrap().0,
    ]
    .into();
    assert_eq!(ids, [5, 6]);
    assert!(
        resumed.next(Duration::from_millis(300)).await.is_none(),
        "nothing repeated"
    );
}

async fn concurrent_writers_and_a_stream_reader_see_every_event_exactly_once(server: TestServer) {
    let mut stream =
        SseClient::connect(&server.http, &server.url("/api/events?since=0"), None).await;
    let server = Arc::new(server);
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let server = server.clone();
            tokio::spawn(async move {
                for i in 0..15 {
                    server.create(w * 100 + i).await;
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    let total = 8 * 15;
    let mut seen = vec![];
    while seen.len() < total {
        match stream.next(Duration::from_secs(10)).await {
            Some((id, _)) => seen.push(id),
            None => break,
        }
    }
    assert_eq!(
        seen,
        (1..=total as u64).collect::<Vec<_>>(),
        "every event once, in order"
    );
    assert!(stream.next(Duration::from_millis(300)).await.is_none());
}

/// The camera monitor writes status changes on its own connections at any moment; a push that
/// read the log meanwhile must still be written (on SQLite it was refused with "database is
/// locked" when its transaction had to upgrade from reading to writing after such a write).
async fn pushes_are_accepted_while_camera_checks_write_beside_them(server: TestServer) {
    let camera = server
        .add_camera(json!({ "name": "Simpang Sibuk", "kind": "tcp", "url": "tcp://127.0.0.1:9" }))
        .await
        .id;
    let db = server.state.db.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let changes = Arc::new(AtomicUsize::new(0));
    let flapping = {
        let (stop, changes) = (stop.clone(), changes.clone());
        tokio::spawn(async move {
            while !stop.load(Relaxed) {
                let status = if changes.load(Relaxed) % 2 == 0 {
                    CameraStatus::Online
                } else {
                    CameraStatus::Offline
                };
                pantau::cameras::store::record_status(
                    &db,
                    &camera,
                    status,
                    chrono::Utc::now(),
                    None,
                )
                .await
                .expect("the status change is written");
                changes.fetch_add(1, Relaxed);
            }
        })
    };
    // Four screens push requests one by one until the camera has changed 5 times meanwhile (the
    // status writer waits its turn behind the pushes: under load it may take a while), or 20 s.
    let server = Arc::new(server);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (server, changes) = (server.clone(), changes.clone());
            tokio::spawn(async move {
                let mut pushed = 0;
                while pushed < 10
                    || (changes.load(Relaxed) < 5 && tokio::time::Instant::now() < deadline)
                {
                    // `create` asserts that the push answers 200 and is accepted.
                    server.create(w * 100_000 + pushed).await;
                    pushed += 1;
                }
                pushed
            })
        })
        .collect();
    let mut pushed = 0;
    for w in writers {
        pushed += w.await.unwrap();
    }
    stop.store(true, Relaxed);
    flapping.await.unwrap();
    let changes = changes.load(Relaxed);
    assert!(
        changes >= 5,
        "the camera's status changed {changes} times meanwhile"
    );
    let board: Value = server.get_json("/api/board").await;
    assert_eq!(board["cards"].as_array().unwrap().len(), pushed);
}

async fn bad_input_gets_a_4xx_with_a_clear_message(server: TestServer) {
    let client = server.http.clone();
    let push = |body: String| {
        client
            .post(server.url("/api/sync/push"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let check = |res: reqwest::Response, status: u16, needle: &'static str| async move {
        assert_eq!(res.status().as_u16(), status, "{needle}");
        let body: ErrorAnswer = res.json().await.unwrap();
        let message = body.error.message;
        assert!(
            message.contains(needle),
            "{message:?} should contain {needle:?}"
        );
    };
    check(
        push("{not json".into()).await.unwrap(),
        400,
        "parse the request body as JSON",
    )
    .await;
    check(
        push(r#"{"mutations":[],"extra":1}"#.into()).await.unwrap(),
        422,
        "unknown field `extra`",
    )
    .await;
    check(
        push(r#"{"mutations":"many"}"#.into()).await.unwrap(),
        422,
        "invalid type",
    )
    .await;
    check(
        push(r#"{"mutations":[]}"#.into()).await.unwrap(),
        422,
        "empty",
    )
    .await;
    let card = pantau_core::domain::demo::demo_card_id(1);
    let one = serde_json::to_value(envelope(
        Role::Tu,
        Mutation::AddNote {
            card,
            text: pantau_core::domain::demo::text("x"),
        },
    ))
    .unwrap();
    let mut wrong_role = one.clone();
    wrong_role["role"] = json!("walikota");
    check(
        push(json!({"mutations":[wrong_role]}).to_string())
            .await
            .unwrap(),
        422,
        "unknown variant `walikota`",
    )
    .await;
    let too_many: Vec<Value> = (0..201).map(|_| one.clone()).collect();
    check(
        push(json!({"mutations":too_many}).to_string())
            .await
            .unwrap(),
        422,
        "at most 200",
    )
    .await;
    let huge = format!(r#"{{"mutations":[],"pad":"{}"}}"#, "x".repeat(600 * 1024));
    check(push(huge).await.unwrap(), 413, "larger than").await;
    let res = client
        .post(server.url("/api/sync/push"))
        .body("{}")
        .send()
        .await
        .unwrap();
    check(res, 415, "must be JSON").await;

    check(
        server.get("/api/sync/pull?since=-1").send().await.unwrap(),
        400,
        "since",
    )
    .await;
    check(
        server
            .get("/api/sync/pull?limit=5000")
            .send()
            .await
            .unwrap(),
        400,
        "limit",
    )
    .await;
    check(
        server
            .get(&format!("/api/cards/{}", card.0))
            .send()
            .await
            .unwrap(),
        404,
        "no card",
    )
    .await;
    check(
        server.get("/api/cards/kartu-1").send().await.unwrap(),
        400,
        "not a UUID",
    )
    .await;
    check(
        server.get("/api/nothing").send().await.unwrap(),
        404,
        "API.md",
    )
    .await;
    let res = client
        .get(server.url("/api/events"))
        .header("Last-Event-ID", "abc")
        .send()
        .await
        .unwrap();
    check(res, 400, "Last-Event-ID").await;

    // Nothing of that reached the log.
    let pull: PullAnswer = server.get_json("/api/sync/pull").await;
    assert!(pull.events.is_empty());
}

async fn the_event_log_is_append_only(server: TestServer) {
    server.create(1).await;
    let pool = &server.state.db.pool;
    let update = sqlx::query("UPDATE events SET actor = 'someone else'")
        .execute(pool)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM events").execute(pool).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

async fn a_cards_history_lists_every_event_with_who_and_which_device(server: TestServer) {
    let card = server.create(1).await;
    server.push_one(server.next_move(card).await).await;
    let answer: Value = server.get_json(&format!("/api/cards/{}", card.0)).await;
    let events = answer["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["role"], "tu");
    assert_eq!(events[1]["device"], "test");
    assert_eq!(events[1]["change"]["type"], "step_completed");
    assert_eq!(answer["card"]["stage"], json!({"step": "3"}));
}

async fn the_demo_seeds_weeks_of_history_once_and_the_board_goes_on_from_it(server: TestServer) {
    let store = &server.state.hub.store;
    let sla = pantau_core::domain::SlaConfig::default();
    let added = pantau::demo::seed(store, &sla).await.unwrap();
    assert!(added >= 60, "{added} requests");
    assert_eq!(
        pantau::demo::seed(store, &sla).await.unwrap(),
        0,
        "a second start adds nothing"
    );
    let (_, cards) = store.snapshot().await.unwrap();
    let cards: Vec<pantau_core::domain::Card> = cards
        .iter()
        .map(|c| serde_json::from_str(c).unwrap())
        .collect();
    let stages: BTreeSet<String> = cards
        .iter()
        .map(|c| match c.stage {
            Stage::Step(step) => step.code().to_owned(),
            Stage::Ended(end) => format!("{end:?}"),
        })
        .collect();
    assert_eq!(stages.len(), 8 + 3, "every step and every end: {stages:?}");
    let oldest = cards.iter().map(|c| c.created_at).min().unwrap();
    assert!(
        chrono::Utc::now() - oldest > chrono::Duration::days(28),
        "weeks of history, from {oldest}"
    );
    // The writer goes on from the seeded log: the next move gets the next sequence number.
    let last = store.last_seq().await.unwrap();
    let open = cards
        .iter()
        .find(|c| c.current_step() == Some(StepId::S2))
        .unwrap();
    let result = server.push_one(server.next_move(open.id).await).await;
    assert_eq!(seq_of(&result), last + 1, "{result:?}");
}

async fn shutdown_ends_open_event_streams(server: TestServer) {
    let mut stream = SseClient::connect(&server.http, &server.url("/api/events"), None).await;
    server.stop_streams();
    assert!(
        stream.next_named(Duration::from_secs(3)).await.is_none(),
        "the stream ended, without saying the credential ended (a wall keeps its board)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_see_each_others_moves_within_a_second() {
    let Some(url) = crate::helpers::fresh_postgres_schema().await else {
        return;
    };
    let a = TestServer::on_postgres(url.clone()).await;
    let b = TestServer::on_postgres(url).await;
    let mut on_b = SseClient::connect(&b.http, &b.url("/api/events"), None).await;
    let card = a.create(1).await;
    let started = std::time::Instant::now();
    let seq = seq_of(&a.push_one(a.next_move(card).await).await);
    let mut received = None;
    while let Some((id, _)) = on_b.next(Duration::from_secs(1)).await {
        if id == seq {
            received = Some(started.elapsed());
            break;
        }
    }
    let elapsed = received.expect("instance B streamed A's move");
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    // And B's writer knows A's events: it refuses a stale move with the reason.
    let stale = envelope(
        Role::Tu,
        Mutation::CompleteStep {
            card,
            step: StepId::S2,
            output: pantau_core::domain::StepOutput::Received {
                agenda_number: None,
                note: None,
            },
        },
    );
    let refused = b.push_one(stale).await;
    assert!(
        matches!(&refused, PushResult::Refused { code, .. } if code == "moved"),
        "{refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_on_two_postgres_instances_interleave_without_gaps() {
    let Some(url) = crate::helpers::fresh_postgres_schema().await else {
        return;
    };
    let a = Arc::new(TestServer::on_postgres(url.clone()).await);
    let b = Arc::new(TestServer::on_postgres(url).await);
    let mut reader = SseClient::connect(&a.http, &a.url("/api/events?since=0"), None).await;
    let tasks: Vec<_> = (0..6)
        .map(|w| {
            let server = if w % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move {
                for i in 0..10 {
                    server.create(w * 100 + i).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let mut seen = vec![];
    while seen.len() < 60 {
        match reader.next(Duration::from_secs(10)).await {
            Some((id, _)) => seen.push(id),
            None => break,
        }
    }
    assert_eq!(seen, (1..=60).collect::<Vec<u64>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_database_goes_away_requests_get_503_and_the_server_recovers_by_itself() {
    let Some(url) = crate::helpers::fresh_postgres_schema().await else {
        return;
    };
    let host_port = url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let mut proxy = crate::helpers::Proxy::start(&host_port).await;
    let server =
        TestServer::on_postgres(url.replacen(&host_port, &format!("127.0.0.1:{}", proxy.port), 1))
            .await;
    let card = server.create(1).await;

    proxy.cut();
    let board = server.get("/api/board").send().await.unwrap();
    assert_eq!(board.status(), 503);
    let body: ErrorAnswer = board.json().await.unwrap();
    assert!(
        body.error.message.contains("database is not available"),
        "{body:?}"
    );
    let move_while_down = server.next_move_unchecked(card);
    let res = server
        .post("/api/sync/push")
        .json(&json!({ "mutations": [move_while_down.clone()] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503, "a push is answered, not lost silently");
    assert_eq!(server.get("/healthz").send().await.unwrap().status(), 503);

    proxy.restore().await;
    let mut recovered = false;
    for _ in 0..40 {
        if server.get("/healthz").send().await.unwrap().status() == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(recovered, "healthz answers 200 again");
    // The client re-sends what was not acknowledged; it applies once.
    assert!(matches!(
        server.push_one(move_while_down.clone()).await,
        PushResult::Accepted { .. }
    ));
    assert!(matches!(
        server.push_one(move_while_down).await,
        PushResult::Accepted { .. }
    ));
    assert_eq!(server.card(card).await.current_step(), Some(StepId::S3));
}

// ---------------------------------------------------------------------------------------------
// The sync simulation: seeded scenarios against the real store.

/// What a client heard back for one mutation.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Heard {
    Accepted(u64),
    Refused(String),
}

/// One scenario: three clients (screens) work one card at once. Each round every client makes a
/// mutation from the card as it last saw it (so they race for the same move), then sends part of
/// its outbox, shuffled, with mutations it already had answered sent again; some answers are lost
/// (the client keeps the mutation and sends it again later). At the end every client sends until
/// each of its mutations is answered. Returns every answer heard, by mutation.
async fn scenario(
    store: &pantau::sync::Store,
    seed: u64,
) -> (
    pantau_core::domain::CardId,
    std::collections::HashMap<uuid::Uuid, Vec<Heard>>,
) {
    use pantau::sync::store::Outcome;
    use pantau_core::domain::demo::{sample_output, sample_request, text};
    let mut rng = crate::helpers::Rng::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let card = pantau_core::domain::CardId(uuid::Uuid::from_u64_pair(0x5_1A, seed));
    let mut heard: std::collections::HashMap<uuid::Uuid, Vec<Heard>> = Default::default();
    let create = envelope(
        Role::Tu,
        Mutation::CreateRequest {
            card,
            request: sample_request(seed as usize, chrono::Utc::now(), 5),
        },
    );
    // Each client's mutations not yet answered, and those answered (for re-sending).
    let mut outbox: Vec<Vec<pantau_core::domain::Envelope>> =
        vec![vec![create.clone()], vec![], vec![]];
    let mut answered: Vec<Vec<pantau_core::domain::Envelope>> = vec![vec![], vec![], vec![]];
    if rng.chance(2) {
        outbox[1].push(create); // a second screen sends the same registration
    }
    let rounds = 2 + rng.below(6);
    for round in 0..=rounds {
        let last = round == rounds;
        // New mutations from the card as it stands now (the same view for every client: a race).
        let seen = store.card(card).await.unwrap();
        for (client, queue) in outbox.iter_mut().enumerate() {
            let Some(seen) = &seen else { break };
            if last || rng.chance(4) {
                continue;
            }
            let mutation = match seen.current_step() {
                Some(step) if !rng.chance(3) => (
                    step.def().performer,
                    Mutation::CompleteStep {
                        card,
                        step,
                        output: sample_output(step, seen),
                    },
                ),
                _ => (
                    Role::Tu,
                    Mutation::AddNote {
                        card,
                        text: text(&format!("catatan {client}.{round}")),
                    },
                ),
            };
            queue.push(envelope(mutation.0, mutation.1));
        }
        // Every client sends at once.
        let mut sends = Vec::new();
        for client in 0..3 {
            let mut batch: Vec<pantau_core::domain::Envelope> = if last {
                std::mem::take(&mut outbox[client])
            } else {
                let keep = rng.below(outbox[client].len() + 1);
                outbox[client].drain(..keep).collect()
            };
            // Re-sent: answers the client already had (a retry after a timeout, a second tab).
            for done in &answered[client] {
                if rng.chance(4) {
                    batch.push(done.clone());
                }
            }
            rng.shuffle(&mut batch);
            let lose_answer = !last && rng.chance(5);
            sends.push((client, batch, lose_answer));
        }
        let results =
            futures::future::join_all(sends.into_iter().map(|(client, batch, lose)| async move {
                if batch.is_empty() {
                    return (client, batch, Vec::new(), lose);
                }
                let outcomes = store.push(batch.clone()).await.expect("the store answers");
                (client, batch, outcomes, lose)
            }))
            .await;
        for (client, batch, outcomes, lose) in results {
            for (env, outcome) in batch.into_iter().zip(outcomes) {
                let h = match outcome {
                    Outcome::Accepted { seq } => Heard::Accepted(seq),
                    Outcome::Refused(r) => Heard::Refused(r.code().to_owned()),
                };
                heard.entry(env.id.0).or_default().push(h);
                if lose {
                    outbox[client].push(env); // never heard: it is sent again
                } else if !answered[client].iter().any(|a| a.id == env.id) {
                    answered[client].push(env);
                }
            }
        }
        if last && outbox.iter().any(|q| !q.is_empty()) {
            unreachable!("the last round sends everything and loses no answer");
        }
    }
    (card, heard)
}

async fn seeded_clients_that_go_offline_duplicate_reorder_and_retry_lose_nothing_and_apply_nothing_twice(
    server: TestServer,
) {
    let postgres = server.database_url.is_some();
    let scenarios: u64 = std::env::var("PANTAU_SIM_SCENARIOS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if postgres { 2_000 } else { 10_000 });
    let base: u64 = std::env::var("PANTAU_SIM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| chrono::Utc::now().timestamp_micros() as u64);
    eprintln!(
        "sync simulation: {scenarios} scenarios from seed {base} (replay: PANTAU_SIM_SEED={base})"
    );
    let started = std::time::Instant::now();
    let store = server.state.hub.store.clone();
    let mut running = tokio::task::JoinSet::new();
    let mut done = Vec::new();
    for s in 0..scenarios {
        if running.len() >= 48 {
            done.push(running.join_next().await.unwrap().unwrap());
        }
        let store = store.clone();
        running.spawn(async move { (s, scenario(&store, base.wrapping_add(s)).await) });
    }
    while let Some(r) = running.join_next().await {
        done.push(r.unwrap());
    }
    let (mut accepted, mut refused) = (0usize, 0usize);
    for (s, (card, heard)) in done {
        let why = format!("scenario {s} (PANTAU_SIM_SEED={base}, offset {s})");
        let events = store.card_events(card).await.unwrap();
        let mut in_log = std::collections::HashMap::new();
        for e in &events {
            assert!(
                in_log.insert(e.mutation_id.0, e.seq.unwrap()).is_none(),
                "{why}: a mutation applied twice"
            );
        }
        for (id, answers) in &heard {
            assert!(
                answers.iter().all(|a| a == &answers[0]),
                "{why}: one mutation, different answers: {answers:?}"
            );
            match &answers[0] {
                Heard::Accepted(seq) => {
                    accepted += 1;
                    assert_eq!(
                        in_log.get(id),
                        Some(seq),
                        "{why}: an acknowledged mutation is not in the log at its seq"
                    );
                }
                Heard::Refused(code) => {
                    refused += 1;
                    assert!(
                        !in_log.contains_key(id),
                        "{why}: a refused mutation ({code}) is in the log"
                    );
                }
            }
        }
        assert_eq!(
            in_log.len(),
            heard
                .values()
                .filter(|a| matches!(a[0], Heard::Accepted(_)))
                .count(),
            "{why}: the log holds a mutation nobody was told of"
        );
        // The stored card is the fold of its log.
        let folded = pantau_core::domain::Board::from_events(&events);
        assert_eq!(
            folded.card(card),
            store.card(card).await.unwrap().as_ref(),
            "{why}: the card is not its log folded"
        );
    }
    eprintln!(
        "sync simulation: {scenarios} scenarios, {accepted} mutations accepted and {refused} refused, \
         0 lost, 0 applied twice, every card its log folded; {:.1?}",
        started.elapsed()
    );
}

on_both_backends!(
    seeded_clients_that_go_offline_duplicate_reorder_and_retry_lose_nothing_and_apply_nothing_twice
);
