//! The applicant's tracking link: unguessable, readable without an account, revocable, and it shows
//! the request's step, clock and schedule and nothing else: no staff, notes, devices, contact
//! details or other requests.

use crate::helpers::{TestServer, envelope, give_link};
use pantau_core::domain::demo::text;
use pantau_core::domain::{Mutation, Role};

async fn a_tracking_link_reveals_only_its_own_request(server: TestServer) {
    let card = server.create(1).await;
    let other = server.create(2).await;
    let note = "Catatan internal: pemohon sulit dihubungi";
    server
        .push_one(envelope(
            Role::Tu,
            Mutation::AddNote {
                card,
                text: text(note),
            },
        ))
        .await;
    for _ in 0..2 {
        let next = server.next_move(card).await;
        server.push_one(next).await;
    }
    let link = give_link(&server, card).await;
    assert_eq!(link.token.len(), 32, "192 random bits");
    assert_eq!(link.path, format!("/lacak/{}", link.token));
    // Asked again: the same live link.
    let again = give_link(&server, card).await;
    assert_eq!(again.token, link.token);

    // Without an account.
    let anyone = reqwest::Client::new();
    let res = anyone
        .get(server.url(&format!("/api/track/{}", link.token)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    let view: serde_json::Value = serde_json::from_str(&body).unwrap();
    let mine = server.card(card).await;
    assert_eq!(view["letter_number"], mine.request.letter_number.as_str());
    assert_eq!(view["stage"], serde_json::json!({"step": "4"}), "{body}");
    assert_eq!(view["sla"]["step"], "4");
    assert_eq!(
        view["passed"].as_array().unwrap().len(),
        3,
        "steps 1 to 3 with their times"
    );
    let keys: Vec<&str> = view
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "agency",
            "as_of",
            "end_reason",
            "letter_number",
            "passed",
            "schedule",
            "sla",
            "stage",
            "subject",
            "submitted_at"
        ]
    );
    let theirs = server.card(other).await;
    for secret in [
        "tester",
        note,
        "test\"",
        mine.request.contact_name.as_ref().unwrap().as_str(),
        mine.request.contact_phone.as_ref().unwrap().as_str(),
        mine.request.purpose.as_ref().unwrap().as_str(),
        theirs.request.letter_number.as_str(),
        &other.0.to_string(),
        &card.0.to_string(),
    ] {
        assert!(!body.contains(secret), "the link shows {secret:?}: {body}");
    }

    // Revoked: the same 404 as a link that never was; a new link is a new token.
    let res = server
        .http
        .delete(server.url(&format!("/api/cards/{}/tracking", card.0)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let gone = anyone
        .get(server.url(&format!("/api/track/{}", link.token)))
        .send()
        .await
        .unwrap();
    let message = crate::helpers::error_message(gone, 404).await;
    assert!(message.contains("not valid"), "{message}");
    for bad in ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "..%2F..%2Fetc", "x"] {
        let res = anyone
            .get(server.url(&format!("/api/track/{bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(crate::helpers::error_message(res, 404).await, message);
    }
    let renewed = give_link(&server, card).await;
    assert_ne!(renewed.token, link.token);

    // Only staff give links: not a wall screen, not anyone.
    let token = server.kiosk("tv-lacak").await;
    let res = anyone
        .post(server.url(&format!("/api/cards/{}/tracking?token={token}", card.0)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = anyone
        .post(server.url(&format!("/api/cards/{}/tracking", card.0)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

on_both_backends!(a_tracking_link_reveals_only_its_own_request);
