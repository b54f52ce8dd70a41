use chrono::{DateTime, Duration, NaiveDate, Utc};
use proptest::prelude::*;

use super::*;
use crate::domain::flow::tests::{Client, board_at, board_with_card, complete, text};
use crate::domain::flow::{Board, Mutation};
use crate::domain::request::tests::at;
use crate::domain::sop::Role;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn minutes(n: i64) -> i64 {
    n * 60
}

#[test]
fn office_hours_count_only_the_working_part_of_a_day() {
    let office = OfficeHours::default();
    // Monday 07:00 to 08:00 WIB: the office opens at 07:30.
    assert_eq!(
        office.working_seconds(at("2026-11-30T07:00"), at("2026-11-30T08:00")),
        minutes(30)
    );
    // Monday 15:00 to 18:00: it closes at 16:00.
    assert_eq!(
        office.working_seconds(at("2026-11-30T15:00"), at("2026-11-30T18:00")),
        minutes(60)
    );
    assert_eq!(
        office.working_seconds(at("2026-11-30T18:00"), at("2026-11-30T15:00")),
        0
    );
}

#[test]
fn friday_runs_to_half_past_four_and_the_weekend_does_not_count() {
    let office = OfficeHours::default();
    // Fri 16:00 → Mon 08:00: 30 minutes on Friday, 30 on Monday.
    assert_eq!(
        office.working_seconds(at("2026-11-27T16:00"), at("2026-11-30T08:00")),
        minutes(60)
    );
}

#[test]
fn holidays_do_not_count_across_month_and_year_ends() {
    let mut office = OfficeHours::default();
    office.holidays.insert(date("2027-01-01"));
    // Thu 31 Dec 15:00 → Mon 4 Jan 08:00: one hour on Thursday, New Year's Day off, the weekend, half an hour Monday.
    assert_eq!(
        office.working_seconds(at("2026-12-31T15:00"), at("2027-01-04T08:00")),
        minutes(90)
    );
    office.holidays.clear();
    assert_eq!(
        office.working_seconds(at("2026-12-31T15:00"), at("2027-01-04T08:00")),
        minutes(90 + 540)
    );
}

#[test]
fn the_office_is_closed_at_night_on_weekends_and_on_holidays() {
    let mut office = OfficeHours::default();
    office.holidays.insert(date("2026-12-25"));
    assert!(office.is_working(at("2026-11-30T07:30")));
    assert!(!office.is_working(at("2026-11-30T16:00")));
    assert!(
        office.is_working(at("2026-11-27T16:15")),
        "Friday runs to 16:30"
    );
    assert!(!office.is_working(at("2026-11-28T10:00")), "Saturday");
    assert!(!office.is_working(at("2026-12-25T10:00")), "holiday");
    // 23:30 UTC Sunday is 06:30 WIB Monday: still closed; 00:30 UTC Monday is 07:30 WIB: open.
    assert!(!office.is_working(at("2026-11-29T23:30:00Z")));
    assert!(office.is_working(at("2026-11-30T00:30:00Z")));
}

/// A card at step 3 (Kepala Dinas, 30 minutes, office hours), entered Monday 09:00 WIB.
fn card_at_step_3() -> (Board, crate::domain::flow::CardId) {
    let mut client = Client::new();
    client.now = at("2026-11-30T08:00");
    let (mut board, id) = board_with_card(&mut client);
    client.now = at("2026-11-30T09:00");
    complete(&mut board, &mut client, id).unwrap();
    (board, id)
}

#[test]
fn a_card_turns_warning_at_80_percent_and_breached_at_100_percent() {
    let (board, id) = card_at_step_3();
    let card = board.card(id).unwrap();
    let sla = SlaConfig::default();
    let state = |t: &str| sla.status(card, at(t)).unwrap();
    assert_eq!(state("2026-11-30T09:23").state, SlaState::OnTime);
    assert_eq!(state("2026-11-30T09:24").state, SlaState::Warning);
    let breached = state("2026-11-30T09:30");
    assert_eq!(breached.state, SlaState::Breached);
    assert_eq!(breached.remaining, 0);
    assert_eq!(state("2026-11-30T09:45").remaining, -minutes(15));
    assert_eq!(state("2026-11-30T09:12").percent(), 40);
}

#[test]
fn the_most_overdue_card_comes_first_then_warnings_then_the_least_time_left() {
    // Four cards enter step 3 (30 min, office hours) at 09:00, 09:05, 09:20 and 09:25.
    let mut client = Client::new();
    client.now = at("2026-11-30T08:00");
    let mut board = Board::new();
    let ids: Vec<_> = (1..=4).map(crate::domain::flow::tests::card_id).collect();
    for id in &ids {
        let env = client.envelope(
            Role::Tu,
            Mutation::CreateRequest {
                card: *id,
                request: crate::domain::request::tests::complete_input(),
            },
        );
        board.execute(&env, client.now).unwrap();
    }
    for (id, entered) in ids.iter().zip(["09:00", "09:05", "09:20", "09:25"]) {
        client.now = at(&format!("2026-11-30T{entered}"));
        complete(&mut board, &mut client, *id).unwrap();
    }
    let sla = SlaConfig::default();
    let now = at("2026-11-30T09:40");
    let mut statuses: Vec<Sla> = ids
        .iter()
        .map(|id| sla.status(board.card(*id).unwrap(), now).unwrap())
        .collect();
    // 40 and 35 min in: breached by 10 and 5; 20 min in: 10 left; 15 min in: 15 left.
    statuses.sort_by_key(Sla::urgency);
    assert_eq!(
        statuses
            .iter()
            .map(|s| s.remaining / 60)
            .collect::<Vec<_>>(),
        vec![-10, -5, 10, 15]
    );
    // The Kepala Dinas's "Tugas saya" in the same order; TU has nothing at step 3.
    let mine: Vec<_> = sla
        .waiting_for(board.cards.values(), &[Role::KepalaDinas], now)
        .iter()
        .map(|(c, _)| c.id)
        .collect();
    assert_eq!(mine, ids);
    assert!(
        sla.waiting_for(board.cards.values(), &[Role::Tu], now)
            .is_empty()
    );
    let counts = SlaCounts::of(&sla, board.cards.values(), now);
    assert_eq!(
        (
            counts.breached,
            counts.warning,
            counts.on_time,
            counts.total()
        ),
        (2, 0, 2, 4)
    );
    // At 09:46 the third card (26 of 30 min) is in warning.
    let later = SlaCounts::of(&sla, board.cards.values(), at("2026-11-30T09:46"));
    assert_eq!((later.breached, later.warning, later.on_time), (2, 1, 1));
}

#[test]
fn the_warning_threshold_is_configurable() {
    let (board, id) = card_at_step_3();
    let sla = SlaConfig {
        warning_percent: 50,
        ..SlaConfig::default()
    };
    assert_eq!(
        sla.status(board.card(id).unwrap(), at("2026-11-30T09:15"))
            .unwrap()
            .state,
        SlaState::Warning
    );
}

#[test]
fn an_office_hours_step_pauses_outside_office_hours() {
    let mut client = Client::new();
    client.now = at("2026-11-30T15:50");
    let (mut board, id) = board_with_card(&mut client);
    complete(&mut board, &mut client, id).unwrap(); // into step 3 at 15:50
    let card = board.card(id).unwrap();
    let sla = SlaConfig::default();
    let evening = sla.status(card, at("2026-11-30T20:00")).unwrap();
    assert_eq!(evening.state, SlaState::Paused);
    assert_eq!(evening.pause, Some(PauseReason::OutsideOfficeHours));
    assert_eq!(evening.elapsed, minutes(10));
    let next_morning = sla.status(card, at("2026-12-01T07:40")).unwrap();
    assert_eq!(next_morning.elapsed, minutes(20));
    assert_eq!(next_morning.state, SlaState::OnTime);
}

#[test]
fn the_technical_check_runs_around_the_clock() {
    let mut client = Client::new();
    client.now = at("2026-11-30T15:00");
    let (board, id) = board_at(&mut client, StepId::S5a);
    let card = board.card(id).unwrap();
    assert_eq!(card.current_step(), Some(StepId::S5a));
    let night = SlaConfig::default()
        .status(card, at("2026-11-30T17:00"))
        .unwrap();
    assert_eq!(night.elapsed, minutes(120));
    assert_eq!(night.state, SlaState::Breached);
}

#[test]
fn step_7_is_scheduled_until_the_confirmed_start_then_runs_against_the_confirmed_window() {
    let mut client = Client::new();
    let (board, id) = board_at(&mut client, StepId::S7);
    let card = board.card(id).unwrap();
    let schedule = card.schedule.unwrap(); // 2026-12-01 08:00–12:00 WIB: four hours
    let start = schedule.start;
    let sla = SlaConfig::default();
    let before = sla.status(card, start - Duration::hours(3)).unwrap();
    assert_eq!(before.state, SlaState::Scheduled);
    assert_eq!(before.starts_in, Some(3 * 3600));
    assert_eq!(before.elapsed, 0);
    // Past the SOP's 120 minutes but inside the agreed window: the session runs as agreed.
    let during = sla.status(card, start + Duration::minutes(150)).unwrap();
    assert_eq!(during.elapsed, minutes(150));
    assert_eq!(during.standard, schedule.seconds());
    assert_eq!(during.state, SlaState::OnTime);
    let near_end = sla.status(card, start + Duration::minutes(200)).unwrap();
    assert_eq!(near_end.state, SlaState::Warning);
    // The report is due when the window ends.
    let after = sla
        .status(card, schedule.end + Duration::minutes(1))
        .unwrap();
    assert_eq!(after.state, SlaState::Breached);
}

#[test]
fn time_waiting_for_the_applicant_does_not_count() {
    let (mut board, id) = card_at_step_3();
    let mut client = Client::new();
    let wait = |waiting| Mutation::SetWaiting {
        card: id,
        step: StepId::S3,
        waiting,
        note: Some(text("Menunggu lampiran")),
    };
    client.now = at("2026-11-30T09:10");
    board
        .execute(&client.envelope(Role::KepalaDinas, wait(true)), client.now)
        .unwrap();
    let card = board.card(id).unwrap();
    let paused = SlaConfig::default()
        .status(card, at("2026-11-30T11:00"))
        .unwrap();
    assert_eq!(
        (paused.state, paused.elapsed),
        (SlaState::Paused, minutes(10))
    );
    assert_eq!(paused.pause, Some(PauseReason::WaitingForApplicant));
    client.now = at("2026-11-30T13:00");
    board
        .execute(&client.envelope(Role::KepalaDinas, wait(false)), client.now)
        .unwrap();
    let card = board.card(id).unwrap();
    assert_eq!(
        SlaConfig::default()
            .status(card, at("2026-11-30T13:05"))
            .unwrap()
            .elapsed,
        minutes(15)
    );
}

#[test]
fn time_in_each_step_is_kept_for_finished_and_open_steps() {
    let mut client = Client::new();
    client.now = at("2026-11-30T08:00");
    let (mut board, id) = board_with_card(&mut client);
    client.now = at("2026-11-30T08:04");
    complete(&mut board, &mut client, id).unwrap(); // step 2 took 4 minutes
    client.now = at("2026-11-30T08:44");
    complete(&mut board, &mut client, id).unwrap(); // step 3 took 40 minutes
    let times = SlaConfig::default().time_in_steps(board.card(id).unwrap(), at("2026-11-30T08:50"));
    let got: Vec<(StepId, i64)> = times.iter().map(|t| (t.step, t.elapsed)).collect();
    assert_eq!(
        got,
        [
            (StepId::S1, 0),
            (StepId::S2, minutes(4)),
            (StepId::S3, minutes(40)),
            (StepId::S4, minutes(6))
        ]
    );
    assert!(
        times[2].elapsed > times[2].standard,
        "step 3 went over its 30 minutes"
    );
}

#[test]
fn ended_cards_have_no_running_clock() {
    let mut client = Client::new();
    let (mut board, id) = board_with_card(&mut client);
    while board.card(id).unwrap().current_step().is_some() {
        complete(&mut board, &mut client, id).unwrap();
    }
    assert_eq!(
        SlaConfig::default().status(board.card(id).unwrap(), client.now),
        None
    );
}

// Random intervals, minute-aligned, from 2026-01-01 over up to 90 days, with random holidays.
fn instant(minute: i64) -> DateTime<Utc> {
    at("2026-01-01T00:00") + Duration::minutes(minute)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn office_hours_elapsed_equals_a_minute_by_minute_count(
        start in 0i64..(400 * 1440),
        length in 0i64..(90 * 1440),
        holidays in proptest::collection::btree_set(0i64..500, 0..20),
    ) {
        let office = OfficeHours {
            holidays: holidays.iter().map(|d| date("2026-01-01") + Duration::days(*d)).collect(),
            ..OfficeHours::default()
        };
        let brute: i64 = (start..start + length).filter(|m| office.is_working(instant(*m))).count() as i64 * 60;
        prop_assert_eq!(office.working_seconds(instant(start), instant(start + length)), brute);
    }

    #[test]
    fn working_time_added_then_counted_gives_it_back(
        from in 0i64..(90 * 24 * 60),
        minutes in 0i64..(20 * 8 * 60),
    ) {
        let office = OfficeHours::default();
        let from = instant(from);
        let later = office.after_working(from, minutes * 60);
        prop_assert_eq!(office.working_seconds(from, later), minutes * 60);
        let earlier = office.before_working(later, minutes * 60);
        prop_assert_eq!(office.working_seconds(earlier, later), minutes * 60);
    }

    #[test]
    fn elapsed_never_decreases_and_never_exceeds_wall_clock(
        start_s in 0i64..(400 * 86_400),
        a in 0i64..(60 * 86_400),
        b in 0i64..(60 * 86_400),
    ) {
        let office = OfficeHours::default();
        let from = at("2026-01-01T00:00") + Duration::seconds(start_s);
        let (t1, t2) = (from + Duration::seconds(a.min(b)), from + Duration::seconds(a.max(b)));
        let (e1, e2) = (office.working_seconds(from, t1), office.working_seconds(from, t2));
        prop_assert!(e1 <= e2);
        prop_assert!(e2 <= (t2 - from).num_seconds());
        prop_assert!(e1 >= 0);
    }
}
