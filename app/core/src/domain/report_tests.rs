//! A known history, every figure computed by hand. Times are WIB. Default office hours (Mon–Thu
//! 07:30–16:00), Wednesday 2 December 2026 a holiday; steps 1–6 run on office hours, 5a and 7 around
//! the clock. Standards: 1 and 2: 5 min, 3–5: 30 min, 5a: 120 min, 6: 300 min, 7: 120 min.

use super::*;
use crate::domain::flow::tests::{Client, card_id, complete};
use crate::domain::flow::{Board, Mutation, Review, StepOutput};
use crate::domain::request::tests::{at, complete_input};
use crate::domain::sop::Role;
use crate::domain::{RequestInput, demo::text};

fn sla() -> SlaConfig {
    let mut sla = SlaConfig::default();
    sla.office
        .holidays
        .insert(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
    sla
}

fn input(agency: &str, letter: &str) -> RequestInput {
    RequestInput {
        agency: agency.into(),
        letter_number: letter.into(),
        letter_date: "2026-10-29".into(),
        window_start: "2026-12-10T08:00".into(),
        window_end: "2026-12-10T12:00".into(),
        ..complete_input()
    }
}

struct History {
    board: Board,
    client: Client,
}

impl History {
    fn at(&mut self, t: &str) -> &mut Self {
        self.client.now = at(t);
        self
    }

    fn create(&mut self, n: u128, agency: &str, letter: &str) -> CardId {
        let id = card_id(n);
        let env = self.client.envelope(
            Role::Pemohon,
            Mutation::CreateRequest {
                card: id,
                request: input(agency, letter),
            },
        );
        self.board.execute(&env, self.client.now).unwrap();
        id
    }

    fn done(&mut self, id: CardId) {
        complete(&mut self.board, &mut self.client, id).unwrap();
    }

    fn send(&mut self, role: Role, mutation: Mutation) {
        let env = self.client.envelope(role, mutation);
        self.board.execute(&env, self.client.now).unwrap();
    }
}

fn history() -> Board {
    let mut h = History {
        board: Board::new(),
        client: Client::new(),
    };
    // D: October, outside the period.
    h.at("2026-10-30T09:00");
    let d = h.create(4, "BPBD Kota Singkawang", "D/10/2026");
    h.at("2026-10-30T09:02").done(d);

    // C, Dinas Perhubungan: every step on Monday 30 November, failed at 5a.
    h.at("2026-11-30T09:00");
    let c = h.create(3, "Dinas Perhubungan", "C/11/2026");
    h.at("2026-11-30T09:03").done(c); // 1: 180 s
    h.at("2026-11-30T09:06").done(c); // 2: 180 s
    h.at("2026-11-30T09:36").done(c); // 3: 1800 s
    h.at("2026-11-30T10:00").done(c); // 4: 1440 s
    h.at("2026-11-30T10:20").done(c); // 5: 1200 s
    h.at("2026-11-30T13:00").send(
        Role::SubkorIle,
        Mutation::Fail {
            card: c,
            step: StepId::S5a,
            reason: text("Jaringan ke lokasi terputus"),
        },
    ); // 5a: 9600 s, 2400 over

    // A, Dinas Perhubungan: overnight, a pause, a holiday, step 7 from its confirmed start.
    h.at("2026-11-30T15:40");
    let a = h.create(1, "Dinas Perhubungan", "A/11/2026");
    h.at("2026-11-30T15:44").done(a); // 1: 240 s
    h.at("2026-11-30T15:50").done(a); // 2: 360 s, 60 over
    h.at("2026-12-01T07:40").done(a); // 3: Mon 15:50–16:00 + Tue 07:30–07:40 = 1200 s
    for (t, waiting) in [("2026-12-01T07:50", true), ("2026-12-01T09:50", false)] {
        h.at(t).send(
            Role::KabidAptika,
            Mutation::SetWaiting {
                card: a,
                step: StepId::S4,
                waiting,
                note: None,
            },
        );
    }
    h.at("2026-12-01T10:00").done(a); // 4: 140 min - 120 min waiting = 1200 s
    h.at("2026-12-01T11:00").done(a); // 5: 3600 s, 1800 over
    h.at("2026-12-01T14:00").done(a); // 5a: 10800 s, 3600 over
    h.at("2026-12-03T09:30").done(a); // 6: Tue 14:00–16:00 + Wed holiday + Thu 07:30–09:30 = 14400 s
    h.at("2026-12-10T09:30").done(a); // 7: from the confirmed start 08:00: 5400 s

    // B, Satpol PP: returned at step 5 on Tuesday.
    h.at("2026-12-01T08:00");
    let b = h.create(2, "Satpol PP", "B/12/2026");
    h.at("2026-12-01T08:02").done(b); // 1: 120 s
    h.at("2026-12-01T08:05").done(b); // 2: 180 s
    h.at("2026-12-01T08:20").done(b); // 3: 900 s
    h.at("2026-12-01T08:50").done(b); // 4: 1800 s, exactly the standard: within
    h.at("2026-12-01T09:10").send(
        Role::SubkorIle,
        Mutation::CompleteStep {
            card: b,
            step: StepId::S5,
            output: StepOutput::Review(Review::No {
                reason: text("Lokasi kamera tidak jelas"),
            }),
        },
    ); // 5: 1200 s
    h.board
}

fn period(from: &str, to: &str) -> Period {
    Period {
        from: from.parse().unwrap(),
        to: to.parse().unwrap(),
    }
}

fn report(from: &str, to: &str) -> SlaReport {
    let board = history();
    sla_report(board.cards.values(), &sla(), period(from, to))
}

fn step(report: &SlaReport, step: StepId) -> Figures {
    report.step(step)
}

fn f(handled: u32, within: u32, median: i64, p90: i64) -> Figures {
    Figures {
        handled,
        within,
        breaches: handled - within,
        median: Some(median),
        p90: Some(p90),
    }
}

#[test]
fn each_step_is_measured_with_office_hours_pauses_holidays_and_the_confirmed_start() {
    let r = report("2026-11-30", "2026-12-10");
    assert_eq!(
        step(&r, StepId::S1),
        f(3, 3, 180, 240),
        "D's step 1 was in October"
    );
    assert_eq!(step(&r, StepId::S2), f(3, 2, 180, 360));
    assert_eq!(
        step(&r, StepId::S3),
        f(3, 3, 1200, 1800),
        "overnight counts office time only"
    );
    assert_eq!(
        step(&r, StepId::S4),
        f(3, 3, 1440, 1800),
        "the wait does not count"
    );
    assert_eq!(step(&r, StepId::S5), f(3, 2, 1200, 3600));
    assert_eq!(step(&r, StepId::S5a), f(2, 0, 9600, 10800));
    assert_eq!(
        step(&r, StepId::S6),
        f(1, 1, 14400, 14400),
        "the holiday does not count"
    );
    assert_eq!(
        step(&r, StepId::S7),
        f(1, 1, 5400, 5400),
        "step 7 from its confirmed start"
    );
    assert_eq!(r.total.handled, 19);
    assert_eq!(r.total.within, 15);
    assert_eq!(r.total.breaches, 4);
    assert_eq!(step(&r, StepId::S2).share_within(), Some(2.0 / 3.0));
}

#[test]
fn breaches_name_the_card_step_and_how_far_over_most_first() {
    let r = report("2026-11-30", "2026-12-10");
    let breaches: Vec<(&str, StepId, i64)> = r
        .breaches
        .iter()
        .map(|b| (b.letter_number.as_str(), b.step, b.over_by))
        .collect();
    assert_eq!(
        breaches,
        [
            ("A/11/2026", StepId::S5a, 3600),
            ("C/11/2026", StepId::S5a, 2400),
            ("A/11/2026", StepId::S5, 1800),
            ("A/11/2026", StepId::S2, 60),
        ]
    );
}

#[test]
fn agencies_months_lead_time_and_the_ended_requests_with_their_reasons() {
    let r = report("2026-11-30", "2026-12-10");
    let dishub = &r.agencies[0];
    assert_eq!(dishub.key, "Dinas Perhubungan");
    assert_eq!(
        (
            dishub.figures.handled,
            dishub.figures.within,
            dishub.figures.breaches
        ),
        (14, 10, 4)
    );
    assert_eq!((dishub.finished, dishub.returned, dishub.failed), (1, 0, 1));
    let satpol = &r.agencies[1];
    assert_eq!(satpol.key, "Satpol PP");
    assert_eq!((satpol.figures.handled, satpol.figures.within), (5, 5));
    assert_eq!((satpol.finished, satpol.returned, satpol.failed), (0, 1, 0));

    let months: Vec<(&str, u32, u32, [u32; 3])> = r
        .months
        .iter()
        .map(|m| {
            (
                m.key.as_str(),
                m.figures.handled,
                m.figures.within,
                [m.finished, m.returned, m.failed],
            )
        })
        .collect();
    assert_eq!(
        months,
        [("2026-11", 8, 6, [0, 0, 1]), ("2026-12", 11, 9, [1, 1, 0])]
    );

    // Created Mon 30 Nov 15:40, step 7 done Thu 10 Dec 09:30: 9 days 17 h 50 min.
    assert_eq!(r.lead_time.finished, 1);
    assert_eq!(r.lead_time.median, Some(9 * 86400 + 17 * 3600 + 50 * 60));

    let ended: Vec<(&str, EndState, StepId, Option<&str>)> = r
        .ended
        .iter()
        .map(|e| (e.letter_number.as_str(), e.end, e.step, e.reason.as_deref()))
        .collect();
    assert_eq!(
        ended,
        [
            (
                "C/11/2026",
                EndState::Gagal,
                StepId::S5a,
                Some("Jaringan ke lokasi terputus")
            ),
            (
                "B/12/2026",
                EndState::Dikembalikan,
                StepId::S5,
                Some("Lokasi kamera tidak jelas")
            ),
        ]
    );
}

#[test]
fn the_period_is_whole_days_in_the_office_zone() {
    // Only Monday 30 November: C's steps and A's first two.
    let r = report("2026-11-30", "2026-11-30");
    assert_eq!(r.total.handled, 8);
    assert_eq!(r.lead_time.finished, 0);
    // From October: D's step 1 too, in its own month.
    let r = report("2026-10-01", "2026-12-31");
    assert_eq!(r.months[0].key, "2026-10");
    assert_eq!(r.months[0].figures.handled, 1);
    assert_eq!(step(&r, StepId::S1).handled, 4);
}

#[test]
fn nearest_rank_percentiles() {
    assert_eq!(nearest_rank(&[], 50), None);
    assert_eq!(nearest_rank(&[7], 90), Some(7));
    let ten: Vec<i64> = (1..=10).collect();
    assert_eq!(nearest_rank(&ten, 50), Some(5));
    assert_eq!(nearest_rank(&ten, 90), Some(9));
    assert_eq!(nearest_rank(&ten[..9], 90), Some(9));
}

#[test]
fn the_csv_carries_the_same_figures() {
    let r = report("2026-11-30", "2026-12-10");
    let csv = r.csv();
    assert!(csv.starts_with("part,key,handled,within,share_within,median_seconds,p90_seconds"));
    assert!(csv.contains("\nstep,2,3,2,0.6667,180,360,300,1,"), "{csv}");
    assert!(
        csv.contains("\nstep,5a,2,0,0.0000,9600,10800,7200,2,"),
        "{csv}"
    );
    assert!(csv.contains("\nagency,Satpol PP,5,5,1.0000,"), "{csv}");
    assert!(csv.contains("\ngagal,C/11/2026,"), "{csv}");
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised() {
    assert_eq!(
        super::csv_cell("=HYPERLINK(\"x\")"),
        "\"'=HYPERLINK(\"\"x\"\")\""
    );
    assert_eq!(super::csv_cell("+62812"), "'+62812");
    assert_eq!(super::csv_cell("-1+1"), "'-1+1");
    assert_eq!(super::csv_cell("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(super::csv_cell("\tx"), "'\tx");
    assert_eq!(super::csv_cell("000.8.3.3/101/2026"), "000.8.3.3/101/2026");
    // A bare carriage return no longer splits a row: the cell is quoted.
    assert_eq!(super::csv_cell("a\rb"), "\"a\rb\"");
    assert_eq!(super::csv_cell("a,b"), "\"a,b\"");
}
