//! The SOP's records of a request: the whole record as JSON and as a file to keep, with the reply
//! letter and the monitoring report once the log holds what they need; staff only.

use crate::helpers::TestServer;
use pantau::sync::api::PushResult;
use pantau_core::domain::record::{RECORD_FORMAT, ReplyOutcome, RequestRecord};
use pantau_core::domain::{EndState, Stage};

async fn the_record_of_a_request_holds_its_log_and_both_documents_once_done(server: TestServer) {
    let card = server.create(1).await;
    let path = format!("/api/cards/{}/record", card.0);

    // At step 2 nothing is answered yet.
    let early: RequestRecord = server.get_json(&path).await;
    assert_eq!(early.format, RECORD_FORMAT);
    assert!(early.reply_letter.is_none());
    assert!(early.monitoring_report.is_none());
    assert_eq!(early.events.len(), 1);

    while server.card(card).await.current_step().is_some() {
        let next = server.next_move(card).await;
        let result = server.push_one(next).await;
        assert!(matches!(result, PushResult::Accepted { .. }), "{result:?}");
    }
    let done = server.card(card).await;
    assert_eq!(done.stage, Stage::Ended(EndState::Selesai));

    let record: RequestRecord = server.get_json(&path).await;
    assert_eq!(record.card, done);
    let events: Vec<u64> = record.events.iter().map(|e| e.seq.unwrap()).collect();
    assert_eq!(
        events.len(),
        9,
        "created at 2, steps 2 to 6, the start moved to now, step 7: {events:?}"
    );
    assert!(events.windows(2).all(|w| w[0] < w[1]), "in log order");
    assert_eq!(
        record.time_in_steps.len(),
        8,
        "every step; 1 done as TU registered it"
    );
    assert_eq!(record.letterhead.government, "PEMERINTAH KOTA SINGKAWANG");
    assert_eq!(record.exported_by, "tester");
    let letter = record.reply_letter.expect("a reply letter");
    assert_eq!(letter.to.number, done.request.letter_number.as_str());
    assert!(
        matches!(letter.outcome, ReplyOutcome::Scheduled { schedule, trial_ok: true, .. } if Some(schedule) == done.schedule)
    );
    let report = record.monitoring_report.expect("a monitoring report");
    assert_eq!(report.summary, "Monitoring berjalan lancar");
    assert_eq!(report.cameras.len(), done.request.cameras.len());

    // As a file to keep: named after the letter, the same record.
    let res = server
        .get(&format!("{path}?download=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    let expected = pantau::records::file_name(done.request.letter_number.as_str());
    assert_eq!(disposition, format!("attachment; filename=\"{expected}\""));
    let file: RequestRecord = serde_json::from_slice(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(file.card, done);
    assert_eq!(file.events.len(), 9);
}

async fn a_record_is_for_staff_and_bad_requests_say_why(server: TestServer) {
    let card = server.create(2).await;
    let path = format!("/api/cards/{}/record", card.0);
    let anyone = reqwest::Client::new();
    let res = anyone.get(server.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let token = server.kiosk("tv-rekaman").await;
    let res = anyone
        .get(server.url(&format!("{path}?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "a wall screen does not export records");

    let res = server
        .get("/api/cards/not-a-card/record")
        .send()
        .await
        .unwrap();
    assert!(
        crate::helpers::error_message(res, 400)
            .await
            .contains("not a UUID")
    );
    let res = server
        .get(&format!("/api/cards/{}/record", uuid::Uuid::nil()))
        .send()
        .await
        .unwrap();
    assert!(
        crate::helpers::error_message(res, 404)
            .await
            .contains("no card")
    );
    let res = server
        .get(&format!("{path}?download=yes"))
        .send()
        .await
        .unwrap();
    assert!(
        crate::helpers::error_message(res, 400)
            .await
            .contains("download=1")
    );
    let res = server
        .get(&format!("{path}?format=pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

on_both_backends!(the_record_of_a_request_holds_its_log_and_both_documents_once_done);
on_both_backends!(a_record_is_for_staff_and_bad_requests_say_why);

/// The print pages, rendered whole by the server: staff only (a stranger is sent to sign in and
/// back), the typed reply number printed or refused by its field, garbage answered by the page.
async fn a_print_page_is_plain_html_for_staff_only_and_refuses_a_number_it_cannot_print(
    server: TestServer,
) {
    let card = server.create(1).await;
    let path = format!("/rekaman/{}/surat-balasan", card.0);

    // Not signed in: to the sign-in page, which brings the browser back here.
    let stranger = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = stranger
        .get(server.url(&format!("{path}?nomor=1")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        format!(
            "/masuk?lanjut=%2Frekaman%2F{}%2Fsurat-balasan%3Fnomor%3D1",
            card.0
        )
    );
    // A wall's kiosk token reads the board only.
    let token = server.kiosk("tv-rekaman").await;
    let res = stranger
        .get(server.url(&format!("{path}?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // Staff: the page, no bundle; no reply yet at step 2, said as such.
    let res = server.get(&path).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"data-testid="record-not-ready""#), "{html}");
    assert!(!html.contains("/pkg/pantau.js") && !html.contains(".wasm"));

    // At step 7, the schedule confirmed: the letter, numbered as typed, the number escaped.
    for _ in 0..6 {
        let next = server.next_move(card).await;
        server.push_one(next).await;
    }
    let res = server
        .get(&format!("{path}?nomor=%3Cb%3E45%2FA%3C%2Fb%3E"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("&lt;b&gt;45/A&lt;/b&gt;"), "{html}");
    assert!(
        html.contains(r#"maxlength="100""#),
        "the field stops where the server would refuse"
    );
    assert!(!html.contains("<b>45/A"), "{html}");

    // A number too long, or with a NUL or a line break: 422 by the field, the letter unnumbered.
    let long = "9".repeat(101);
    for (bad, says) in [
        (long.as_str(), "paling panjang 100 karakter"),
        ("12%003", "tanpa karakter kendali"),
        ("12%0A3", "tanpa karakter kendali"),
    ] {
        let res = server
            .get(&format!("{path}?nomor={bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "{bad}");
        let html = res.text().await.unwrap();
        assert!(html.contains(says), "{bad}: {html}");
        assert!(html.contains(r#"aria-invalid="true""#), "{bad}");
    }

    // No such card, no such record, not a card id at all: 404 in the page.
    for bad in [
        format!("/rekaman/{}/surat-balasan", uuid::Uuid::new_v4()),
        format!("/rekaman/{}/lainnya", card.0),
        "/rekaman/%FF%00/surat-balasan".to_owned(),
    ] {
        let res = server.get(&bad).send().await.unwrap();
        let status = res.status();
        let html = res.text().await.unwrap();
        assert!(status == 404 || status == 400, "{bad}: {status}");
        assert!(html.contains(r#"role="alert""#), "{bad}: {html}");
    }
}

on_both_backends!(a_print_page_is_plain_html_for_staff_only_and_refuses_a_number_it_cannot_print);
