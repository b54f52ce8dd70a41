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

/// What a phone opening the link gets: a page rendered whole, without the app's bundle or any
/// script, reloading itself each minute, in the language chosen by its switch (then kept).
async fn the_tracking_page_is_plain_html_in_the_chosen_language_and_refuses_garbage(
    server: TestServer,
) {
    let card = server.create(1).await;
    let link = give_link(&server, card).await;
    let anyone = reqwest::Client::new();
    let res = anyone.get(server.url(&link.path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(res.headers().get("set-cookie").is_none());
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<html lang="id""#), "{html}");
    assert!(html.contains("Sekarang di tahap 2"), "{html}");
    assert!(html.contains(r#"<meta http-equiv="refresh" content="60">"#));
    for bundle in ["/pkg/pantau.js", ".wasm", "<script"] {
        assert!(!html.contains(bundle), "the page loads {bundle}: {html}");
    }
    assert!(html.len() < 8_000, "{} bytes", html.len());

    // English by the switch's link; kept in a cookie for the next visit.
    let res = anyone
        .get(server.url(&format!("{}?lang=en&fbclid=x%00y", link.path)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("pantau_lang=en;"), "{cookie}");
    assert!(res.text().await.unwrap().contains("Now at step 2"));
    let res = anyone
        .get(server.url(&link.path))
        .header("cookie", "pantau_lang=en")
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains(r#"<html lang="en""#));

    // Garbage in the link, the language or the cookie: the page's own 404, never a 5xx.
    let long = "A".repeat(10_000);
    for bad in [
        "%00",
        "%FF%FE",
        "..%2F..%2Fetc%2Fpasswd",
        "%3Cscript%3E",
        long.as_str(),
    ] {
        let res = anyone
            .get(server.url(&format!("/lacak/{bad}?lang=%FF")))
            .header("cookie", "pantau_lang=%FF;;=x; pantau_lang")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{bad}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains("link pelacakan tidak berlaku"),
            "{bad}: {html}"
        );
        assert!(!html.contains("<script"), "{bad}: {html}");
    }
}

on_both_backends!(the_tracking_page_is_plain_html_in_the_chosen_language_and_refuses_garbage);
