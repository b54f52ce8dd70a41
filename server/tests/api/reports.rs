//! `GET /api/reports/sla` over a real database: the figures come from the log the pushes wrote,
//! JSON and CSV say the same, bad periods are refused with a clear message. (Every figure is
//! checked by hand against a known history in `app/core/src/domain/report_tests.rs`.)

use crate::helpers::TestServer;
use chrono::Utc;
use pantau_core::domain::StepId;
use pantau_core::domain::report::SlaReport;

async fn handled_today(server: TestServer) {
    // Two requests registered by TU, one taken on to step 4.
    let first = server.create(1).await;
    server.create(2).await;
    for _ in 0..2 {
        let next = server.next_move(first).await;
        server.push_one(next).await;
    }
    let today = Utc::now()
        .with_timezone(&pantau_core::domain::request::wib())
        .date_naive();
    // From yesterday: a run just after midnight still finds its moves.
    let from = today.pred_opt().unwrap();
    let report: SlaReport = server
        .get_json(&format!("/api/reports/sla?from={from}&to={today}"))
        .await;
    let handled = |step: StepId| report.step(step).handled;
    assert_eq!(handled(StepId::S2), 1);
    assert_eq!(handled(StepId::S3), 1);
    assert_eq!(handled(StepId::S4), 0);
    assert_eq!(report.total.handled, 2);
    assert_eq!(report.total.within, 2, "done at once: within the standard");

    let res = server
        .get(&format!(
            "/api/reports/sla?from={today}&to={today}&format=csv"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("laporan-sla-")
    );
    let csv = res.text().await.unwrap();
    assert_eq!(csv, report.csv(), "the CSV carries the JSON's figures");
    assert!(csv.contains("\ntotal,all,2,2,1.0000,"), "{csv}");
}

async fn bad_periods_are_refused_with_a_reason(server: TestServer) {
    for (query, says) in [
        ("from=2026-13-01", "is not a date"),
        (
            "from=2026-12-10&to=2026-12-01",
            "start date (from) is after the end date (to)",
        ),
        ("from=2024-01-01&to=2026-01-01", "at most 366 days"),
        ("format=pdf", "json or csv"),
        ("colour=red", "unknown field"),
    ] {
        let res = server
            .get(&format!("/api/reports/sla?{query}"))
            .send()
            .await
            .unwrap();
        let message = crate::helpers::error_message(res, 400).await;
        assert!(message.contains(says), "{query}: {message}");
    }
    let res = reqwest::get(server.url("/api/reports/sla")).await.unwrap();
    assert_eq!(res.status(), 401);
}

on_both_backends!(handled_today, bad_periods_are_refused_with_a_reason);
