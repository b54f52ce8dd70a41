//! The SLA clock: how long a card has worked in its step against the step's standard time.
//!
//! Each step counts on a calendar: around the clock, or office hours in WIB with holidays off.
//! Time spent waiting for the applicant does not count. Step 7's clock starts at the confirmed
//! start of the monitoring and runs against the confirmed window's length (the SOP's 120 minutes
//! when none was given): its report is due when the window ends, so a session that lasts as long
//! as was agreed is on time. Before the start the card is "scheduled". Integer seconds throughout.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::flow::{Card, Visit};
use super::sop::StepId;
use crate::i18n::Text;

/// Which clock a step runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Calendar {
    /// 24 hours a day, 7 days a week.
    AlwaysOn,
    /// The office's working hours, holidays off.
    OfficeHours,
}

/// Opening hours per weekday, holidays, and the local offset from UTC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeHours {
    /// Monday first; `None` for a closed day.
    pub week: [Option<(NaiveTime, NaiveTime)>; 7],
    pub holidays: BTreeSet<NaiveDate>,
    /// Seconds east of UTC: WIB is 25,200.
    pub utc_offset_seconds: i32,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

impl Default for OfficeHours {
    /// Mon–Thu 07:30–16:00, Fri 07:30–16:30 WIB; weekends closed; Indonesia's national holidays
    /// and cuti bersama as shipped ([`super::holidays`]).
    fn default() -> OfficeHours {
        let day = Some((hm(7, 30), hm(16, 0)));
        OfficeHours {
            week: [
                day,
                day,
                day,
                day,
                Some((hm(7, 30), hm(16, 30))),
                None,
                None,
            ],
            holidays: super::holidays::dates().collect(),
            utc_offset_seconds: 7 * 3600,
        }
    }
}

impl OfficeHours {
    fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.naive_utc() + Duration::seconds(i64::from(self.utc_offset_seconds))
    }

    /// Opening hours of a local date, `None` when closed.
    fn hours_on(&self, date: NaiveDate) -> Option<(NaiveTime, NaiveTime)> {
        if self.holidays.contains(&date) {
            return None;
        }
        self.week[date.weekday().num_days_from_monday() as usize]
    }

    /// Working seconds in `[from, to)`.
    pub fn working_seconds(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let (from, to) = (self.local(from), self.local(to));
        let mut total = 0;
        let mut date = from.date();
        while date <= to.date() {
            if let Some((open, close)) = self.hours_on(date) {
                let start = from.max(date.and_time(open));
                let end = to.min(date.and_time(close));
                if end > start {
                    total += (end - start).num_seconds();
                }
            }
            date = date.succ_opt().expect("date in range");
        }
        total
    }

    fn utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        (local - Duration::seconds(i64::from(self.utc_offset_seconds))).and_utc()
    }

    /// The instant `seconds` of working time after `from` (counted from the next opening when the
    /// office is closed at `from`). Ten years without an opening end the search.
    pub fn after_working(&self, from: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        let mut left = seconds.max(0);
        let local = self.local(from);
        let mut date = local.date();
        for _ in 0..3660 {
            if let Some((open, close)) = self.hours_on(date) {
                let start = local.max(date.and_time(open));
                let end = date.and_time(close);
                if end > start {
                    let here = (end - start).num_seconds();
                    if left <= here {
                        return self.utc(start + Duration::seconds(left));
                    }
                    left -= here;
                }
            }
            date = date.succ_opt().expect("date in range");
        }
        from
    }

    /// The instant `seconds` of working time before `to`.
    pub fn before_working(&self, to: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        let mut left = seconds.max(0);
        let local = self.local(to);
        let mut date = local.date();
        for _ in 0..3660 {
            if let Some((open, close)) = self.hours_on(date) {
                let start = date.and_time(open);
                let end = local.min(date.and_time(close));
                if end > start {
                    let here = (end - start).num_seconds();
                    if left <= here {
                        return self.utc(end - Duration::seconds(left));
                    }
                    left -= here;
                }
            }
            date = date.pred_opt().expect("date in range");
        }
        to
    }

    /// When the office opens on `t`'s local day; `None` on a day it stays closed.
    pub fn opening_on(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let date = self.local(t).date();
        self.hours_on(date)
            .map(|(open, _)| self.utc(date.and_time(open)))
    }

    pub fn is_working(&self, t: DateTime<Utc>) -> bool {
        let local = self.local(t);
        self.hours_on(local.date())
            .is_some_and(|(open, close)| local.time() >= open && local.time() < close)
    }
}

/// Every setting of the clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaConfig {
    pub office: OfficeHours,
    /// A card turns "warning" at this share of its standard time.
    pub warning_percent: u32,
    /// The calendar of each step, in SOP order.
    pub calendars: [Calendar; 8],
}

impl Default for SlaConfig {
    /// Steps 1–6 on office hours; 5a (the technical check) and 7 (the monitoring) around the clock.
    fn default() -> SlaConfig {
        use Calendar::{AlwaysOn, OfficeHours as Office};
        SlaConfig {
            office: OfficeHours::default(),
            warning_percent: 80,
            calendars: [
                Office, Office, Office, Office, Office, AlwaysOn, Office, AlwaysOn,
            ],
        }
    }
}

/// A card's standing against its step's standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum SlaState {
    OnTime,
    Warning,
    Breached,
    Paused,
    Scheduled,
}

impl SlaState {
    pub fn label(self) -> Text {
        match self {
            SlaState::OnTime => Text::new("Tepat waktu", "On time"),
            SlaState::Warning => Text::new("Peringatan", "Warning"),
            SlaState::Breached => Text::new("Terlambat", "Breached"),
            SlaState::Paused => Text::new("Dijeda", "Paused"),
            SlaState::Scheduled => Text::new("Terjadwal", "Scheduled"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    WaitingForApplicant,
    OutsideOfficeHours,
}

impl PauseReason {
    pub fn label(self) -> Text {
        match self {
            PauseReason::WaitingForApplicant => {
                Text::new("Menunggu pemohon", "Waiting for the applicant")
            }
            PauseReason::OutsideOfficeHours => {
                Text::new("Di luar jam kerja", "Outside office hours")
            }
        }
    }
}

/// The clock of a card at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sla {
    pub step: StepId,
    pub state: SlaState,
    /// Working seconds counted so far.
    pub elapsed: i64,
    pub standard: i64,
    /// Negative once breached.
    pub remaining: i64,
    pub pause: Option<PauseReason>,
    /// Step 7 before its confirmed start: seconds until it starts.
    pub starts_in: Option<i64>,
}

impl Sla {
    /// Share of the standard used, in percent (may pass 100).
    pub fn percent(&self) -> i64 {
        if self.standard == 0 {
            0
        } else {
            self.elapsed * 100 / self.standard
        }
    }
}

impl Sla {
    /// Sorts most urgent first: the most overdue breached cards, then warning and on-time cards
    /// by the time they have left, then paused ones, then scheduled ones by their start.
    pub fn urgency(&self) -> (u8, i64) {
        let rank = match self.state {
            SlaState::Breached => 0,
            SlaState::Warning => 1,
            SlaState::OnTime => 2,
            SlaState::Paused => 3,
            SlaState::Scheduled => 4,
        };
        (rank, self.starts_in.unwrap_or(self.remaining))
    }
}

/// How many open cards are in each state of their clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaCounts {
    pub on_time: usize,
    pub warning: usize,
    pub breached: usize,
    pub paused: usize,
    pub scheduled: usize,
}

impl SlaCounts {
    pub fn add(&mut self, state: SlaState) {
        match state {
            SlaState::OnTime => self.on_time += 1,
            SlaState::Warning => self.warning += 1,
            SlaState::Breached => self.breached += 1,
            SlaState::Paused => self.paused += 1,
            SlaState::Scheduled => self.scheduled += 1,
        }
    }

    /// The counts of `cards` at `now` (ended cards have no clock and are not counted).
    pub fn of<'a>(
        sla: &SlaConfig,
        cards: impl IntoIterator<Item = &'a Card>,
        now: DateTime<Utc>,
    ) -> SlaCounts {
        let mut counts = SlaCounts::default();
        for status in cards.into_iter().filter_map(|c| sla.status(c, now)) {
            counts.add(status.state);
        }
        counts
    }

    pub fn total(&self) -> usize {
        self.on_time + self.warning + self.breached + self.paused + self.scheduled
    }
}

/// Time a card spent in one step (all its visits), against the standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepTime {
    pub step: StepId,
    pub elapsed: i64,
    pub standard: i64,
    pub visits: u32,
}

impl SlaConfig {
    /// The open cards whose turn it is for one of `roles`, each with its clock, most urgent first
    /// ([`Sla::urgency`], then the card's id so the order is stable): a person's "Tugas saya".
    pub fn waiting_for<'a>(
        &self,
        cards: impl IntoIterator<Item = &'a Card>,
        roles: &[super::sop::Role],
        now: DateTime<Utc>,
    ) -> Vec<(&'a Card, Sla)> {
        let mut mine: Vec<(&Card, Sla)> = cards
            .into_iter()
            .filter(|c| c.who_must_act().is_some_and(|r| roles.contains(&r)))
            .filter_map(|c| self.status(c, now).map(|s| (c, s)))
            .collect();
        mine.sort_by_key(|(c, s)| (s.urgency(), c.id));
        mine
    }

    pub fn calendar(&self, step: StepId) -> Calendar {
        self.calendars[step as usize]
    }

    /// The instant `seconds` of counted time after `from` on a calendar.
    pub fn after(&self, calendar: Calendar, from: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        match calendar {
            Calendar::AlwaysOn => from + Duration::seconds(seconds.max(0)),
            Calendar::OfficeHours => self.office.after_working(from, seconds),
        }
    }

    /// The instant `seconds` of counted time before `to` on a calendar.
    pub fn before(&self, calendar: Calendar, to: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        match calendar {
            Calendar::AlwaysOn => to - Duration::seconds(seconds.max(0)),
            Calendar::OfficeHours => self.office.before_working(to, seconds),
        }
    }

    /// Counted seconds in `[from, to)` on a calendar.
    pub fn counted(&self, calendar: Calendar, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        match calendar {
            Calendar::AlwaysOn => (to - from).num_seconds().max(0),
            Calendar::OfficeHours => self.office.working_seconds(from, to),
        }
    }

    /// The standard a card's visit to `step` runs against: the SOP's time, except step 7 with a
    /// confirmed window, which runs against the window's length (the report is due at its end).
    pub fn standard(&self, card: &Card, step: StepId) -> i64 {
        match (step, card.schedule) {
            (StepId::S7, Some(schedule)) => schedule.seconds().max(1),
            _ => step.def().standard_seconds(),
        }
    }

    /// When a visit's clock starts: step 7 counts from the confirmed start.
    fn clock_start(&self, card: &Card, visit: &Visit) -> DateTime<Utc> {
        match (visit.step, card.schedule) {
            (StepId::S7, Some(schedule)) => visit.entered.max(schedule.start),
            _ => visit.entered,
        }
    }

    /// Counted seconds of a visit up to `now`, without the time spent waiting for the applicant.
    pub fn visit_elapsed(&self, card: &Card, visit: &Visit, now: DateTime<Utc>) -> i64 {
        let calendar = self.calendar(visit.step);
        let start = self.clock_start(card, visit);
        let end = visit.left.unwrap_or(now).min(now);
        if end <= start {
            return 0;
        }
        let waited: i64 = visit
            .waits
            .iter()
            .map(|w| self.counted(calendar, w.start.max(start), w.end.unwrap_or(end).min(end)))
            .sum();
        self.counted(calendar, start, end) - waited
    }

    /// The clock of an open card at `now`; `None` for an ended one.
    pub fn status(&self, card: &Card, now: DateTime<Utc>) -> Option<Sla> {
        let visit = card.current_visit()?;
        let step = visit.step;
        let standard = self.standard(card, step);
        if step == StepId::S7
            && let Some(schedule) = card.schedule
            && now < schedule.start
        {
            return Some(Sla {
                step,
                state: SlaState::Scheduled,
                elapsed: 0,
                standard,
                remaining: standard,
                pause: None,
                starts_in: Some((schedule.start - now).num_seconds()),
            });
        }
        let elapsed = self.visit_elapsed(card, visit, now);
        let pause = if card.waiting {
            Some(PauseReason::WaitingForApplicant)
        } else if self.calendar(step) == Calendar::OfficeHours && !self.office.is_working(now) {
            Some(PauseReason::OutsideOfficeHours)
        } else {
            None
        };
        let state = if elapsed >= standard {
            SlaState::Breached
        } else if pause.is_some() {
            SlaState::Paused
        } else if elapsed * 100 >= standard * i64::from(self.warning_percent) {
            SlaState::Warning
        } else {
            SlaState::OnTime
        };
        Some(Sla {
            step,
            state,
            elapsed,
            standard,
            remaining: standard - elapsed,
            pause,
            starts_in: None,
        })
    }

    /// Time spent in each step the card has visited, in SOP order, up to `now`.
    pub fn time_in_steps(&self, card: &Card, now: DateTime<Utc>) -> Vec<StepTime> {
        let mut times: Vec<StepTime> = Vec::new();
        for visit in &card.visits {
            let elapsed = self.visit_elapsed(card, visit, now);
            match times.iter_mut().find(|t| t.step == visit.step) {
                Some(t) => {
                    t.elapsed += elapsed;
                    t.visits += 1;
                }
                None => times.push(StepTime {
                    step: visit.step,
                    elapsed,
                    standard: self.standard(card, visit.step),
                    visits: 1,
                }),
            }
        }
        times.sort_by_key(|t| t.step);
        times
    }
}

#[cfg(test)]
#[path = "sla_tests.rs"]
mod tests;
