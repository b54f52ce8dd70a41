//! Who may do what, over real HTTP: every role against every SOP step, roles a user does not
//! hold, kiosk tokens (read-only, revocable, also on an open stream), and no access without sign-in.

use std::time::Duration;

use crate::helpers::{SseClient, TestServer, envelope};
use chrono::Utc;
use pantau::sync::api::{PushAnswer, PushResult};
use pantau_core::domain::demo::{sample_output, sample_request, text};
use pantau_core::domain::{CardId, Mutation, Role, StepId};
use serde_json::json;

/// The SOP's Pelaksana column: who performs each step.
const SOP: [(StepId, Role); 8] = [
    (StepId::S1, Role::Pemohon),
    (StepId::S2, Role::Tu),
    (StepId::S3, Role::KepalaDinas),
    (StepId::S4, Role::KabidAptika),
    (StepId::S5, Role::SubkorIle),
    (StepId::S5a, Role::OperatorTcmr),
    (StepId::S6, Role::SubkorIle),
    (StepId::S7, Role::OperatorTcmr),
];

/// A new card, walked by the tester up to `step`.
async fn card_at(server: &TestServer, step: StepId, n: usize) -> CardId {
    let card = CardId(uuid::Uuid::new_v4());
    let request = sample_request(n, Utc::now(), 5);
    let created = server
        .push_one(envelope(
            Role::Pemohon,
            Mutation::CreateRequest { card, request },
        ))
        .await;
    assert!(
        matches!(created, PushResult::Accepted { .. }),
        "{created:?}"
    );
    while server.card(card).await.current_step() != Some(step) {
        let next = server.next_move(card).await;
        let result = server.push_one(next).await;
        assert!(matches!(result, PushResult::Accepted { .. }), "{result:?}");
    }
    if step == StepId::S7 {
        server.start_monitoring_now(card).await;
    }
    card
}

async fn push_as(
    server: &TestServer,
    client: &reqwest::Client,
    env: pantau_core::domain::Envelope,
) -> PushResult {
    let res = client
        .post(server.url("/api/sync/push"))
        .json(&json!({ "mutations": [env] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json::<PushAnswer>()
        .await
        .unwrap()
        .results
        .pop()
        .unwrap()
}

/// The last event of a card's history.
async fn last_event(server: &TestServer, card: CardId) -> serde_json::Value {
    let history: serde_json::Value = server.get_json(&format!("/api/cards/{}", card.0)).await;
    history["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone()
}

fn code(result: &PushResult) -> &str {
    match result {
        PushResult::Accepted { .. } => "accepted",
        PushResult::Refused { code, .. } => code,
    }
}

async fn every_role_may_complete_exactly_the_steps_the_sop_assigns_it(server: TestServer) {
    let mut clients = vec![];
    for role in Role::ALL {
        let name = format!("only-{}", role.as_str()).replace('_', "-");
        if role == Role::Pemohon {
            // An applicant acts on its own agency's requests: every card here is Dinas Perhubungan's.
            crate::helpers::add_user(&server.state, &name, &[role])
                .await
                .unwrap();
            let agency = pantau_core::domain::request::AgencyName::parse(
                pantau_core::domain::Field::Agency,
                "Dinas Perhubungan",
            )
            .unwrap();
            let username = pantau::auth::Username::parse(&name).unwrap();
            pantau::auth::store::set_agency(&server.state.db, &username, Some(&agency))
                .await
                .unwrap();
            clients.push((role, crate::helpers::signed_in(&server.base, &name).await));
            continue;
        }
        clients.push((role, server.user(&name, &[role]).await));
    }
    let mut n = 0;
    let mut table = vec![];
    for (step, performer) in SOP {
        for (role, client) in &clients {
            n += 1;
            // sample_request(6k) is a letter of Dinas Perhubungan.
            let card = card_at(&server, step, n * 6).await;
            let state = server.card(card).await;
            let complete = Mutation::CompleteStep {
                card,
                step,
                output: sample_output(step, &state),
            };
            let result = push_as(&server, client, envelope(*role, complete.clone())).await;
            let expected = if *role == performer {
                "accepted"
            } else if *role == Role::Admin {
                "override_needs_reason"
            } else {
                "not_performer"
            };
            table.push(format!("{step} {role:?}: {}", code(&result)));
            assert_eq!(code(&result), expected, "step {step} by {role:?}");
            if *role == Role::Admin {
                // With a written reason the Admin may, and the history says why.
                let mut env = envelope(Role::Admin, complete);
                env.override_reason = Some(text("Kabid sedang dinas luar, disetujui lisan"));
                let result = push_as(&server, client, env).await;
                assert_eq!(code(&result), "accepted", "admin override at {step}");
                let last = last_event(&server, card).await;
                assert_eq!(
                    last["override_reason"],
                    "Kabid sedang dinas luar, disetujui lisan"
                );
                assert_eq!(last["actor"], "only-admin");
            }
        }
    }
    eprintln!("{}", table.join("\n"));
}

async fn a_user_cannot_act_in_a_role_they_do_not_hold_and_acts_under_their_own_name(
    server: TestServer,
) {
    let card = card_at(&server, StepId::S3, 1).await;
    let tu = server.user("siti", &[Role::Tu]).await;
    let state = server.card(card).await;
    let complete = Mutation::CompleteStep {
        card,
        step: StepId::S3,
        output: sample_output(StepId::S3, &state),
    };
    // TU claims to be Kepala Dinas: refused, and the card stays.
    let result = push_as(&server, &tu, envelope(Role::KepalaDinas, complete.clone())).await;
    let PushResult::Refused { message, .. } = &result else {
        panic!("accepted: {result:?}");
    };
    assert_eq!(code(&result), "role_not_held");
    assert_eq!(message.id, "Akun Anda tidak memegang peran Kepala Dinas");
    assert_eq!(server.card(card).await.current_step(), Some(StepId::S3));

    // The Kepala Dinas's move is recorded under her user name, whatever the envelope says.
    let kadis = server.user("ibu-kadis", &[Role::KepalaDinas]).await;
    let mut env = envelope(Role::KepalaDinas, complete);
    env.actor = text("Walikota Singkawang");
    assert_eq!(code(&push_as(&server, &kadis, env).await), "accepted");
    let last = last_event(&server, card).await;
    assert_eq!(last["actor"], "ibu-kadis");
}

async fn nothing_is_readable_or_writable_without_signing_in(server: TestServer) {
    let anonymous = reqwest::Client::new();
    let card = server.create(1).await;
    for path in [
        "/api/board".to_owned(),
        "/api/sync/pull?since=0".to_owned(),
        "/api/events".to_owned(),
        format!("/api/cards/{}", card.0),
        "/api/auth/me".to_owned(),
        "/api/kiosks".to_owned(),
    ] {
        let res = anonymous.get(server.url(&path)).send().await.unwrap();
        assert_eq!(
            crate::helpers::error_message(res, 401).await,
            "silakan masuk / please sign in"
        );
    }
    let next = server.next_move(card).await;
    let res = anonymous
        .post(server.url("/api/sync/push"))
        .json(&json!({ "mutations": [next] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(server.card(card).await.current_step(), Some(StepId::S2));
}

async fn a_kiosk_token_reads_the_board_and_nothing_else(server: TestServer) {
    let card = server.create(1).await;
    let token = server.kiosk("tv-tcm").await;
    let anonymous = reqwest::Client::new();
    let by_query = anonymous
        .get(server.url(&format!("/api/board?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(by_query.status(), 200);
    let board: serde_json::Value = by_query.json().await.unwrap();
    assert_eq!(board["cards"].as_array().unwrap().len(), 1);
    let by_header = anonymous
        .get(server.url("/api/sync/pull?since=0"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(by_header.status(), 200);

    // It cannot move a card, read a card's history (names of staff), or see the accounts.
    let next = server.next_move(card).await;
    let push = anonymous
        .post(server.url("/api/sync/push"))
        .bearer_auth(&token)
        .json(&json!({ "mutations": [next] }))
        .send()
        .await
        .unwrap();
    assert!(
        crate::helpers::error_message(push, 403)
            .await
            .contains("a kiosk token can only read the board")
    );
    assert_eq!(server.card(card).await.current_step(), Some(StepId::S2));
    for path in [
        format!("/api/cards/{}", card.0),
        "/api/auth/me".into(),
        "/api/kiosks".into(),
    ] {
        let res = anonymous
            .get(server.url(&path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
    // A made-up token gets a clear 401.
    let res = anonymous
        .get(server.url("/api/board?token=tebakan"))
        .send()
        .await
        .unwrap();
    assert!(
        crate::helpers::error_message(res, 401)
            .await
            .contains("the kiosk token is invalid or revoked")
    );
}

async fn a_revoked_kiosk_token_stops_at_once_also_on_an_open_stream(server: TestServer) {
    let admin = server.user("admin-kominfo", &[Role::Admin]).await;
    let created: serde_json::Value = admin
        .post(server.url("/api/kiosks"))
        .json(&json!({ "name": "tv-lobi" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    let anonymous = reqwest::Client::new();
    let mut stream = SseClient::connect(
        &anonymous,
        &server.url(&format!("/api/events?since=0&token={token}")),
        None,
    )
    .await;
    server.create(1).await;
    assert!(
        stream.next(Duration::from_secs(5)).await.is_some(),
        "the wall sees the event"
    );

    let revoked = admin
        .post(server.url("/api/kiosks/tv-lobi/revoke"))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let started = std::time::Instant::now();
    assert!(
        stream.next(Duration::from_secs(5)).await.is_none(),
        "the open stream ended"
    );
    eprintln!("stream ended {:?} after the revoke", started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(2));
    let res = anonymous
        .get(server.url(&format!("/api/board?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let listed: serde_json::Value = admin
        .get(server.url("/api/kiosks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["name"], "tv-lobi");
    assert_eq!(listed[0]["revoked"], true);
    assert!(
        listed[0].get("token").is_none(),
        "the token is never listed"
    );

    // An Admin may make kiosk tokens, another role may not.
    let res = server
        .post("/api/kiosks")
        .json(&json!({ "name": "tv-lain" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "tester holds Admin");
    let tu = server.user("tu-saja", &[Role::Tu]).await;
    let res = tu
        .post(server.url("/api/kiosks"))
        .json(&json!({ "name": "tv-tu" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

async fn a_revoke_by_the_cli_or_another_instance_ends_the_stream_within_the_recheck(
    server: TestServer,
) {
    let token = server.kiosk("tv-cli").await;
    let mut stream = SseClient::connect(
        &reqwest::Client::new(),
        &server.url(&format!("/api/events?token={token}")),
        None,
    )
    .await;
    // Straight in the database, as `pantau kiosk revoke` in another process does.
    pantau::auth::store::revoke_kiosk(&server.state.db, "tv-cli", Utc::now())
        .await
        .unwrap();
    let started = std::time::Instant::now();
    assert!(stream.next(Duration::from_secs(5)).await.is_none());
    assert!(
        started.elapsed() < pantau::auth::guard::RECHECK + Duration::from_secs(1),
        "ended after {:?}",
        started.elapsed()
    );
}

async fn signing_out_ends_the_session_and_its_stream(server: TestServer) {
    let cookie = crate::helpers::session_cookie(&server.base, "tester").await;
    let client = crate::helpers::with_cookie(&cookie);
    let mut stream = SseClient::connect(&client, &server.url("/api/events"), None).await;
    let out = client
        .post(server.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    // The stream's last word says why it ends, so a screen acts at once.
    let (name, data) = stream
        .next_named(Duration::from_secs(5))
        .await
        .expect("an ended event");
    assert_eq!(
        (name.as_str(), data["reason"].as_str()),
        ("ended", Some("credential"))
    );
    assert!(stream.next(Duration::from_secs(2)).await.is_none());
    let res = client.get(server.url("/api/board")).send().await.unwrap();
    assert_eq!(res.status(), 401);
}

async fn a_user_disabled_by_another_process_is_refused_within_the_recheck(server: TestServer) {
    let budi = server.user("budi", &[Role::Tu]).await;
    let me = || budi.get(server.url("/api/auth/me")).send();
    // Asked twice: the second answer may come from the server's memory of the session.
    assert_eq!(me().await.unwrap().status(), 200);
    assert_eq!(me().await.unwrap().status(), 200);
    // Straight in the database, as `pantau user disable` in another process does.
    pantau::auth::store::disable_user(
        &server.state.db,
        &pantau::auth::Username::parse("budi").unwrap(),
    )
    .await
    .unwrap();
    let started = std::time::Instant::now();
    while me().await.unwrap().status() == 200 {
        assert!(
            started.elapsed() < pantau::auth::guard::RECHECK + Duration::from_secs(1),
            "still signed in after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(me().await.unwrap().status(), 401);
}

on_both_backends!(
    every_role_may_complete_exactly_the_steps_the_sop_assigns_it,
    a_user_cannot_act_in_a_role_they_do_not_hold_and_acts_under_their_own_name,
    nothing_is_readable_or_writable_without_signing_in,
    a_kiosk_token_reads_the_board_and_nothing_else,
    a_revoked_kiosk_token_stops_at_once_also_on_an_open_stream,
    a_revoke_by_the_cli_or_another_instance_ends_the_stream_within_the_recheck,
    signing_out_ends_the_session_and_its_stream,
    a_user_disabled_by_another_process_is_refused_within_the_recheck,
);
