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
