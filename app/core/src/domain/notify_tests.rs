use chrono::Duration;
use proptest::prelude::*;

use super::*;
use crate::domain::flow::tests::{Client, board_at, board_with_card, complete};
use crate::domain::flow::{Board, CardId, Mutation};
use crate::domain::request::tests::at;

/// A card that entered step 3 (Kepala Dinas, 30 minutes, office hours) at `entered` (WIB).
fn at_step_3(entered: &str) -> (Board, CardId) {
    let mut client = Client::new();
    client.now = at("2026-11-28T10:00");
    let (mut board, id) = board_with_card(&mut client);
    client.now = at(entered);
    complete(&mut board, &mut client, id).unwrap();
    assert_eq!(board.card(id).unwrap().current_step(), Some(StepId::S3));
    (board, id)
}

fn moments(dues: &[Due]) -> Vec<(Moment, Audience)> {
    dues.iter().map(|d| (d.moment, d.audience)).collect()
}

#[test]
fn a_card_arriving_at_a_step_is_news_for_its_performer_once() {
    let mut client = Client::new();
    let (mut board, id) = board_with_card(&mut client);
    let before = board.card(id).unwrap().clone();
    complete(&mut board, &mut client, id).unwrap();
    let after = board.card(id).unwrap();
    let rules = NotifyRules::default();
    let due = arrival(&rules, Some(&before), after).expect("step 3 is news");
    assert_eq!((due.moment, due.step), (Moment::Arrived, StepId::S3));
    assert_eq!(rules.roles(due.step, due.audience), vec![Role::KepalaDinas]);
    // The same visit again (a note, a redraw) is no arrival.
    assert_eq!(arrival(&rules, Some(after), after), None);
    // Switched off in the settings: nothing.
    let off = NotifyRules {
        arrival: false,
        ..NotifyRules::default()
    };
    assert_eq!(arrival(&off, Some(&before), after), None);
}

#[test]
fn the_performer_is_warned_at_80_percent_and_told_at_the_breach_without_the_warning_again() {
    // Step 4 (Kabid Aptika, 30 min), entered Monday 09:00: its supervisor is the Kepala Dinas.
    let mut client = Client::new();
    client.now = at("2026-11-30T08:00");
    let (mut board, id) = board_with_card(&mut client);
    client.now = at("2026-11-30T08:30");
    complete(&mut board, &mut client, id).unwrap();
    client.now = at("2026-11-30T09:00");
    complete(&mut board, &mut client, id).unwrap();
    let card = board.card(id).unwrap();
    assert_eq!(card.current_step(), Some(StepId::S4));
    let (rules, sla) = (NotifyRules::default(), SlaConfig::default());
    let at_time = |t: &str| moments(&rules.crossed(&sla, card, at(t)));
    let just_before = at("2026-11-30T09:24") - Duration::seconds(1);
    assert_eq!(rules.crossed(&sla, card, just_before), vec![]);
    assert_eq!(
        at_time("2026-11-30T09:24"),
        vec![(Moment::Warning, Audience::Performer)]
    );
    assert_eq!(
        at_time("2026-11-30T09:30"),
        vec![
            (Moment::Breached, Audience::Performer),
            (Moment::Breached, Audience::Supervisors)
        ]
    );
    assert_eq!(rules.supervisors(StepId::S4), vec![Role::KepalaDinas]);
    // At twice the standard the supervisors hear again.
    assert_eq!(
        at_time("2026-11-30T10:00"),
        vec![
            (Moment::Breached, Audience::Performer),
            (Moment::Breached, Audience::Supervisors),
            (Moment::Escalated(200), Audience::Supervisors)
        ]
    );
}

#[test]
fn nobody_is_escalated_to_himself_and_applicants_are_never_told_by_role() {
    let rules = NotifyRules::default();
    // Step 3 is the Kepala Dinas's own: no one above him in the SOP's chain.
    assert_eq!(rules.roles(StepId::S3, Audience::Supervisors), vec![]);
    assert_eq!(
        rules.roles(StepId::S5, Audience::Supervisors),
        vec![Role::KabidAptika]
    );
    assert_eq!(
        rules.roles(StepId::S7, Audience::Supervisors),
        vec![Role::KabidAptika, Role::SubkorIle]
    );
    assert_eq!(rules.roles(StepId::S1, Audience::Performer), vec![]);
}

#[test]
fn a_person_hears_of_a_moment_through_any_of_their_roles_but_never_of_their_own_lateness() {
    let rules = NotifyRules::default();
    let due = |moment, audience, step| Due {
        moment,
        audience,
        step,
        entered: at("2026-11-30T09:00"),
    };
    let breach_at_5 = due(Moment::Breached, Audience::Supervisors, StepId::S5);
    assert!(rules.tells(&breach_at_5, &[Role::KabidAptika]));
    assert!(!rules.tells(&breach_at_5, &[Role::Tu, Role::OperatorTcmr]));
    // Step 5 is the Subkor ILE's: holding the Kabid's role too, he is not escalated to.
    assert!(!rules.tells(&breach_at_5, &[Role::SubkorIle, Role::KabidAptika]));
    let arrived_at_3 = due(Moment::Arrived, Audience::Performer, StepId::S3);
    assert!(rules.tells(&arrived_at_3, &[Role::Tu, Role::KepalaDinas]));
    assert!(!rules.tells(&arrived_at_3, &[Role::Pemohon, Role::Admin]));
}

#[test]
fn a_page_owes_its_person_only_the_moments_of_the_steps_they_perform_or_supervise() {
    // Step 3 entered Monday 09:00: the warning at 09:24, the breach at 09:30.
    let (board, id) = at_step_3("2026-11-30T09:00");
    let (rules, sla) = (NotifyRules::default(), SlaConfig::default());
    let owed = |roles: &[Role], t: &str| {
        rules
            .owed_to(&sla, board.cards.values(), roles, at(t))
            .into_iter()
            .map(|(card, d)| (card, d.moment, d.audience))
            .collect::<Vec<_>>()
    };
    assert_eq!(owed(&[Role::KepalaDinas], "2026-11-30T09:23"), vec![]);
    assert_eq!(
        owed(&[Role::KepalaDinas], "2026-11-30T09:24"),
        vec![(id, Moment::Warning, Audience::Performer)]
    );
    assert_eq!(
        owed(&[Role::KepalaDinas], "2026-11-30T09:31"),
        vec![(id, Moment::Breached, Audience::Performer)]
    );
    // Nobody above the Kepala Dinas at step 3; TU and operators have nothing there.
    assert_eq!(
        owed(
            &[Role::Tu, Role::OperatorTcmr, Role::Pemohon],
            "2026-11-30T10:31"
        ),
        vec![]
    );
}

#[test]
fn a_message_states_the_time_left_to_the_nearest_minute_and_an_arrival_the_whole_standard() {
    let (board, id) = at_step_3("2026-11-30T09:00");
    let card = board.card(id).unwrap();
    let sla = SlaConfig::default();
    let arrived = Due {
        moment: Moment::Arrived,
        audience: Audience::Performer,
        step: StepId::S3,
        entered: card.current_visit().unwrap().entered,
    };
    let late = Due {
        moment: Moment::Breached,
        ..arrived.clone()
    };
    let now = at("2026-11-30T09:24") + Duration::seconds(1);
    assert_eq!(told_remaining(&sla, card, &arrived, now), 30 * 60);
    // 5 min 59 s left: six minutes.
    assert_eq!(told_remaining(&sla, card, &late, now), 6 * 60);
    assert_eq!(
        told_remaining(&sla, card, &late, at("2026-11-30T09:42")),
        -12 * 60
    );
}

#[test]
fn an_office_hours_step_outside_office_hours_fires_nothing_until_the_clock_runs_again() {
    // Entered Monday 15:50: 10 minutes count on Monday, the warning (24 min) falls Tuesday 07:44.
    let (board, id) = at_step_3("2026-11-30T15:50");
    let card = board.card(id).unwrap();
    let (rules, sla) = (NotifyRules::default(), SlaConfig::default());
    assert_eq!(rules.crossed(&sla, card, at("2026-11-30T23:00")), vec![]);
    let just_before = at("2026-12-01T07:44") - Duration::seconds(1);
    assert_eq!(rules.crossed(&sla, card, just_before), vec![]);
    assert_eq!(
        rules.next_due(&sla, card, at("2026-11-30T15:55")),
        Some(at("2026-12-01T07:44"))
    );
    assert_eq!(
        moments(&rules.crossed(&sla, card, at("2026-12-01T07:44"))),
        vec![(Moment::Warning, Audience::Performer)]
    );
    // Then the breach, 6 working minutes later.
    assert_eq!(
        rules.next_due(&sla, card, at("2026-12-01T07:44")),
        Some(at("2026-12-01T07:50"))
    );
}

#[test]
fn a_card_waiting_for_the_applicant_has_nothing_due() {
    let (mut board, id) = at_step_3("2026-11-30T09:00");
    let mut client = Client::new();
    client.now = at("2026-11-30T09:10");
    let env = client.envelope(
        Role::KepalaDinas,
        Mutation::SetWaiting {
            card: id,
            step: StepId::S3,
            waiting: true,
            note: None,
        },
    );
    board.execute(&env, client.now).unwrap();
    let card = board.card(id).unwrap();
    let (rules, sla) = (NotifyRules::default(), SlaConfig::default());
    assert_eq!(rules.next_due(&sla, card, at("2026-11-30T09:10")), None);
    assert_eq!(rules.crossed(&sla, card, at("2026-11-30T12:00")), vec![]);
}

#[test]
fn step_7_counts_from_the_confirmed_start_and_nothing_is_due_before_it() {
    let mut client = Client::new();
    let (board, id) = board_at(&mut client, StepId::S7);
    let card = board.card(id).unwrap();
    let schedule = card.schedule.expect("step 6 confirmed a window");
    let (rules, sla) = (NotifyRules::default(), SlaConfig::default());
    let before = schedule.start - Duration::minutes(10);
    assert_eq!(rules.crossed(&sla, card, before), vec![]);
    let warning = schedule.start + Duration::seconds(schedule.seconds().max(1) * 80 / 100);
    assert_eq!(rules.next_due(&sla, card, before), Some(warning));
}

#[test]
fn moments_have_distinct_keys() {
    let keys: std::collections::BTreeSet<String> = [
        Moment::Arrived,
        Moment::Warning,
        Moment::Breached,
        Moment::Escalated(200),
        Moment::Escalated(300),
    ]
    .iter()
    .map(|m| m.key())
    .collect();
    assert_eq!(keys.len(), 5);
}

proptest! {
    /// Whenever a card enters step 3, and at whatever instant one looks: nothing new is crossed
    /// until the next due moment, and something is at it. (So a scheduler that wakes at
    /// `next_due` fires every threshold on time and none early.)
    #[test]
    fn nothing_is_crossed_before_the_next_due_moment_and_something_at_it(
        entered_min in 0i64..(7 * 24 * 60),
        look_min in 0i64..(5 * 24 * 60),
    ) {
        let entered = at("2026-11-28T10:00") + Duration::minutes(entered_min);
        let (board, id) = at_step_3(&entered.to_rfc3339());
        let card = board.card(id).unwrap();
        let (rules, sla) = (NotifyRules::default(), SlaConfig::default());
        let now = entered + Duration::minutes(look_min);
        let then = rules.crossed(&sla, card, now);
        match rules.next_due(&sla, card, now) {
            Some(due) => {
                prop_assert!(due > now);
                prop_assert_eq!(&rules.crossed(&sla, card, due - Duration::seconds(1)), &then);
                prop_assert_ne!(&rules.crossed(&sla, card, due), &then);
            }
            None => {
                // All thresholds passed: nothing more, ever.
                let later = now + Duration::days(30);
                prop_assert_eq!(rules.crossed(&sla, card, later), then);
            }
        }
    }
}
