//! SLA reports: how each step, each applicant agency and each month met the SOP's standard times
//! over a date range, from the cards the event log built, measured with the board's own SLA clock
//! ([`SlaConfig::visit_elapsed`]: office hours, holidays and waiting for the applicant left out).
//!
//! Definitions (the report page and the CSV say the same):
//! - A step is **handled** in the period when a card **left** it on a day of the period (office
//!   time zone). Each visit counts once; a card sent back and done again counts twice.
//! - **Within the standard**: the visit's counted time is at most the step's standard. Step 7's
//!   standard is the confirmed window's length (120 minutes when none was given), counted from its
//!   start: a report given by the window's end is on time.
//!   A **breach** is a visit over it, by how much.
//! - **Median** and **p90**: nearest rank over the handled visits' counted times (the value at rank
//!   ⌈p·n/100⌉ of the sorted times).
//! - **Lead time**: for requests finished (Selesai) in the period, from the request's creation to the
//!   end of step 7, in calendar time.
//! - Returned and failed requests are those that ended so in the period, with their reason.
//! - Step 1 of a letter TU registered (it came through Srikandi, outside Pantau) has no time of its
//!   own and is not counted.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::flow::{Card, CardId, Stage};
use super::sla::SlaConfig;
use super::sop::{EndState, FLOW, StepId};

/// Days of the office calendar, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The period's bounds as instants: `[from 00:00, to + 1 day 00:00)` in the office's zone.
    pub fn bounds(&self, offset: FixedOffset) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = |d: NaiveDate| {
            offset
                .from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
                .single()
                .expect("a fixed offset has one midnight")
                .with_timezone(&Utc)
        };
        (start(self.from), start(self.to) + Duration::days(1))
    }
}

/// Handled, within the standard, median, p90 and breaches of a set of visits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub handled: u32,
    pub within: u32,
    pub breaches: u32,
    /// Seconds, nearest rank.
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl Figures {
    /// Share of handled visits within the standard, 0 to 1; `None` when nothing was handled.
    pub fn share_within(&self) -> Option<f64> {
        (self.handled > 0).then(|| f64::from(self.within) / f64::from(self.handled))
    }
}

/// The value at rank ⌈p·n/100⌉ of `sorted`.
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (p as usize * n).div_ceil(100).clamp(1, n);
    Some(sorted[rank - 1])
}

/// One handled visit: its counted seconds against its standard.
#[derive(Clone, Copy, Debug)]
struct Handled {
    elapsed: i64,
    standard: i64,
}

fn figures(visits: &[Handled]) -> Figures {
    let mut times: Vec<i64> = visits.iter().map(|v| v.elapsed).collect();
    times.sort_unstable();
    let within = visits.iter().filter(|v| v.elapsed <= v.standard).count() as u32;
    Figures {
        handled: visits.len() as u32,
        within,
        breaches: visits.len() as u32 - within,
        median: nearest_rank(&times, 50),
        p90: nearest_rank(&times, 90),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepFigures {
    pub step: StepId,
    /// The step's standard, seconds.
    pub standard: i64,
    pub figures: Figures,
}

/// A group's figures: an agency's or a month's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupFigures {
    pub key: String,
    /// The steps handled in the group.
    pub figures: Figures,
    /// Requests of the group that ended in the period, by how.
    pub finished: u32,
    pub returned: u32,
    pub failed: u32,
}

/// A visit over its standard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Breach {
    pub card: CardId,
    pub letter_number: String,
    pub agency: String,
    pub step: StepId,
    pub elapsed: i64,
    pub standard: i64,
    pub over_by: i64,
    pub left_at: DateTime<Utc>,
}

/// A request returned or failed in the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndedRequest {
    pub card: CardId,
    pub letter_number: String,
    pub agency: String,
    pub end: EndState,
    /// The step it ended at.
    pub step: StepId,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LeadTime {
    pub finished: u32,
    /// Seconds, calendar time, nearest rank.
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

/// `GET /api/reports/sla`: every figure of a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlaReport {
    pub period: Period,
    /// Every step of the SOP in order, handled or not.
    pub steps: Vec<StepFigures>,
    /// All steps together.
    pub total: Figures,
    /// By applicant agency, by name.
    pub agencies: Vec<GroupFigures>,
    /// By month (`2026-11`), in order.
    pub months: Vec<GroupFigures>,
    pub lead_time: LeadTime,
    /// Most over first.
    pub breaches: Vec<Breach>,
    /// In the order they ended.
    pub ended: Vec<EndedRequest>,
}

/// When and at which step a card ended, if it did.
fn ending(card: &Card) -> Option<(EndState, StepId, DateTime<Utc>)> {
    let Stage::Ended(end) = card.stage else {
        return None;
    };
    let last = card.visits.last()?;
    Some((end, last.step, last.left?))
}

pub fn sla_report<'a>(
    cards: impl IntoIterator<Item = &'a Card>,
    sla: &SlaConfig,
    period: Period,
) -> SlaReport {
    let offset = FixedOffset::east_opt(sla.office.utc_offset_seconds).expect("a valid UTC offset");
    let (start, end) = period.bounds(offset);
    let in_period = |t: DateTime<Utc>| t >= start && t < end;
    let month = |t: DateTime<Utc>| {
        let local = t.with_timezone(&offset);
        format!("{:04}-{:02}", local.year(), local.month())
    };
    let mut by_step: Vec<Vec<Handled>> = vec![Vec::new(); FLOW.len()];
    let mut by_agency: std::collections::BTreeMap<String, (Vec<Handled>, [u32; 3])> =
        Default::default();
    let mut by_month: std::collections::BTreeMap<String, (Vec<Handled>, [u32; 3])> =
        Default::default();
    let mut breaches = Vec::new();
    let mut ended = Vec::new();
    let mut lead_times = Vec::new();
    for card in cards {
        let agency = card.request.agency.to_string();
        for visit in &card.visits {
            let Some(left) = visit.left.filter(|t| in_period(*t)) else {
                continue;
            };
            if visit.step == StepId::S1 && visit.entered == left && left == card.created_at {
                continue;
            }
            let standard = sla.standard(card, visit.step);
            let handled = Handled {
                elapsed: sla.visit_elapsed(card, visit, left),
                standard,
            };
            let index = FLOW.iter().position(|s| s.id == visit.step).unwrap_or(0);
            by_step[index].push(handled);
            by_agency.entry(agency.clone()).or_default().0.push(handled);
            by_month.entry(month(left)).or_default().0.push(handled);
            if handled.elapsed > standard {
                breaches.push(Breach {
                    card: card.id,
                    letter_number: card.request.letter_number.to_string(),
                    agency: agency.clone(),
                    step: visit.step,
                    elapsed: handled.elapsed,
                    standard,
                    over_by: handled.elapsed - standard,
                    left_at: left,
                });
            }
        }
        if let Some((how, step, at)) = ending(card).filter(|(_, _, at)| in_period(*at)) {
            let slot = match how {
                EndState::Selesai => 0,
                EndState::Dikembalikan => 1,
                EndState::Gagal => 2,
            };
            by_agency.entry(agency.clone()).or_default().1[slot] += 1;
            by_month.entry(month(at)).or_default().1[slot] += 1;
            if how == EndState::Selesai {
                lead_times.push((at - card.created_at).num_seconds());
            } else {
                ended.push(EndedRequest {
                    card: card.id,
                    letter_number: card.request.letter_number.to_string(),
                    agency: agency.clone(),
                    end: how,
                    step,
                    reason: card.end_reason.as_ref().map(ToString::to_string),
                    at,
                });
            }
        }
    }
    let group = |(key, (visits, ends)): (String, (Vec<Handled>, [u32; 3]))| GroupFigures {
        key,
        figures: figures(&visits),
        finished: ends[0],
        returned: ends[1],
        failed: ends[2],
    };
    breaches.sort_by(|a, b| b.over_by.cmp(&a.over_by).then(a.left_at.cmp(&b.left_at)));
    ended.sort_by_key(|e| e.at);
    lead_times.sort_unstable();
    let all: Vec<Handled> = by_step.iter().flatten().copied().collect();
    SlaReport {
        period,
        steps: FLOW
            .iter()
            .zip(&by_step)
            .map(|(def, visits)| StepFigures {
                step: def.id,
                standard: def.standard_seconds(),
                figures: figures(visits),
            })
            .collect(),
        total: figures(&all),
        agencies: by_agency.into_iter().map(group).collect(),
        months: by_month.into_iter().map(group).collect(),
        lead_time: LeadTime {
            finished: lead_times.len() as u32,
            median: nearest_rank(&lead_times, 50),
            p90: nearest_rank(&lead_times, 90),
        },
        breaches,
        ended,
    }
}

impl SlaReport {
    /// One step's figures (every step of the SOP is in the report).
    pub fn step(&self, step: StepId) -> Figures {
        self.steps
            .iter()
            .find(|s| s.step == step)
            .map(|s| s.figures)
            .unwrap_or_default()
    }

    /// The same figures as CSV: one table, its first column says which part a row is.
    pub fn csv(&self) -> String {
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let share = |f: &Figures| {
            f.share_within()
                .map(|s| format!("{:.4}", s))
                .unwrap_or_default()
        };
        let quote = csv_cell;
        let mut out = String::from(
            "part,key,handled,within,share_within,median_seconds,p90_seconds,standard_seconds,breaches,finished,returned,failed,detail\n",
        );
        let row = |out: &mut String,
                   part: &str,
                   key: &str,
                   f: &Figures,
                   standard: String,
                   ends: [u32; 3]| {
            out.push_str(&format!(
                "{part},{},{},{},{},{},{},{standard},{},{},{},{},\n",
                quote(key),
                f.handled,
                f.within,
                share(f),
                opt(f.median),
                opt(f.p90),
                f.breaches,
                ends[0],
                ends[1],
                ends[2]
            ));
        };
        for s in &self.steps {
            let key = s.step.code();
            row(
                &mut out,
                "step",
                key,
                &s.figures,
                s.standard.to_string(),
                [0; 3],
            );
        }
        row(&mut out, "total", "all", &self.total, String::new(), [0; 3]);
        for g in &self.agencies {
            row(
                &mut out,
                "agency",
                &g.key,
                &g.figures,
                String::new(),
                [g.finished, g.returned, g.failed],
            );
        }
        for g in &self.months {
            row(
                &mut out,
                "month",
                &g.key,
                &g.figures,
                String::new(),
                [g.finished, g.returned, g.failed],
            );
        }
        out.push_str(&format!(
            "lead_time,selesai,{},,,{},{},,,{},,,\n",
            self.lead_time.finished,
            opt(self.lead_time.median),
            opt(self.lead_time.p90),
            self.lead_time.finished
        ));
        for b in &self.breaches {
            out.push_str(&format!(
                "breach,{},,,,,,{},{},,,,{}\n",
                quote(&b.letter_number),
                b.standard,
                b.over_by,
                quote(&format!(
                    "{} step {} {} s over; {}",
                    b.agency,
                    b.step.code(),
                    b.over_by,
                    b.left_at.to_rfc3339()
                ))
            ));
        }
        for e in &self.ended {
            out.push_str(&format!(
                "{},{},,,,,,,,,,,{}\n",
                e.end.as_str(),
                quote(&e.letter_number),
                quote(&format!(
                    "{} step {}: {}",
                    e.agency,
                    e.step.code(),
                    e.reason.as_deref().unwrap_or("")
                ))
            ));
        }
        out
    }
}

/// One text cell of a CSV file that a spreadsheet opens safely (OWASP's CSV injection guidance): a
/// cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, a tab or carriage return
/// first) gets a leading `'`; a cell with a comma, quote, line break or carriage return is quoted,
/// its quotes doubled.
pub fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
