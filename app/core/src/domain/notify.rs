//! Whom the SOP's clock calls for, and when: a card arriving at a step, its warning, its breach,
//! and the escalations after it. Pure: the server's writer calls [`arrival`] for each event it
//! commits, its scheduler [`NotifyRules::crossed`] and [`NotifyRules::next_due`] for every open
//! card; the texts are in [`crate::i18n::notify`].
//!
//! A moment is identified by the card, the visit (the instant it entered the step) and the
//! threshold, so the same moment is never written twice (the server's outbox keys on it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::flow::{Card, Visit};
use super::sla::{SlaConfig, SlaState};
use super::sop::{Role, StepId};

/// A moment of a card's visit to a step that someone is told of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "percent")]
pub enum Moment {
    /// The card entered the step: its performer has work.
    Arrived,
    /// The configured share of the standard is used (`SlaConfig::warning_percent`).
    Warning,
    /// The standard is used up: the performer, and the step's supervisors.
    Breached,
    /// Still not done at this share of the standard (e.g. 200): the supervisors again.
    Escalated(u32),
}

impl Moment {
    /// Its part of a dedupe key: `arrived`, `warning`, `breached`, `escalated-200`.
    pub fn key(self) -> String {
        match self {
            Moment::Arrived => "arrived".into(),
            Moment::Warning => "warning".into(),
            Moment::Breached => "breached".into(),
            Moment::Escalated(p) => format!("escalated-{p}"),
        }
    }
}

/// Who hears of a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The holders of the step's performer role.
    Performer,
    /// The step's supervisor roles ([`NotifyRules::supervisors`]).
    Supervisors,
}

/// What triggers what, from `pantau.toml`'s `[notify]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyRules {
    pub arrival: bool,
    pub warning: bool,
    pub breach: bool,
    /// Shares of the standard (percent, above 100) at which the supervisors are told again.
    pub escalate_again: Vec<u32>,
    /// Each step's supervisors, in SOP order (`StepId as usize`).
    pub supervisors: [Vec<Role>; 8],
}

impl Default for NotifyRules {
    /// Everything on; the SOP's chain: steps 1–4 answer to the Kepala Dinas, 5 to 7 to the
    /// Kabid Aptika and the Subkor ILE; told again at twice the standard.
    fn default() -> NotifyRules {
        let kadis = || vec![Role::KepalaDinas];
        let aptika = || vec![Role::KabidAptika, Role::SubkorIle];
        NotifyRules {
            arrival: true,
            warning: true,
            breach: true,
            escalate_again: vec![200],
            supervisors: [
                kadis(),
                kadis(),
                kadis(),
                kadis(),
                aptika(),
                aptika(),
                aptika(),
                aptika(),
            ],
        }
    }
}

/// One notification to send: a moment of one visit, for one audience.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub moment: Moment,
    pub audience: Audience,
    pub step: StepId,
    /// When the card entered the step: with the card and the moment, the notification's identity.
    #[serde(with = "crate::domain::utc")]
    pub entered: DateTime<Utc>,
}

impl NotifyRules {
    /// The roles told when a step's standard is breached (never the performer itself: a Kepala
    /// Dinas late at step 3 is not escalated to himself).
    pub fn supervisors(&self, step: StepId) -> Vec<Role> {
        let performer = step.def().performer;
        self.supervisors[step as usize]
            .iter()
            .copied()
            .filter(|r| *r != performer)
            .collect()
    }

    /// The roles an audience of a step stands for. Never the applicants' role: its holders are
    /// every agency's, and a letter is only its own agency's business (the applicant hears
    /// through the request's own contact instead).
    pub fn roles(&self, step: StepId, audience: Audience) -> Vec<Role> {
        let roles = match audience {
            Audience::Performer => vec![step.def().performer],
            Audience::Supervisors => self.supervisors(step),
        };
        roles.into_iter().filter(|r| *r != Role::Pemohon).collect()
    }

    /// Whether a person holding `roles` hears of `due`: one of its audience's roles, and never
    /// the one who is late escalated to (a Kabid Aptika late at step 5 who also holds the Subkor
    /// ILE's role). The server's recipients and a signed-in page's "for you" alike.
    pub fn tells(&self, due: &Due, roles: &[Role]) -> bool {
        if due.audience == Audience::Supervisors && roles.contains(&due.step.def().performer) {
            return false;
        }
        self.roles(due.step, due.audience)
            .iter()
            .any(|r| roles.contains(r))
    }

    /// Every moment of `cards` reached by `now` that tells a person holding `roles` (what a
    /// signed-in page shows them). Only the steps where they perform or supervise are counted.
    pub fn owed_to<'a>(
        &self,
        sla: &SlaConfig,
        cards: impl IntoIterator<Item = &'a Card>,
        roles: &[Role],
        now: DateTime<Utc>,
    ) -> Vec<(super::flow::CardId, Due)> {
        let concerns = |step: StepId| {
            [Audience::Performer, Audience::Supervisors]
                .into_iter()
                .any(|a| self.roles(step, a).iter().any(|r| roles.contains(r)))
        };
        cards
            .into_iter()
            .filter(|c| c.current_step().is_some_and(concerns))
            .flat_map(|c| {
                self.crossed(sla, c, now)
                    .into_iter()
                    .filter(|d| self.tells(d, roles))
                    .map(move |d| (c.id, d))
            })
            .collect()
    }

    /// The time thresholds of a visit, as counted seconds of its clock, in order.
    fn thresholds(&self, sla: &SlaConfig, card: &Card, step: StepId) -> Vec<(Moment, i64)> {
        let standard = sla.standard(card, step);
        let mut out = Vec::new();
        if self.warning {
            out.push((
                Moment::Warning,
                standard * i64::from(sla.warning_percent) / 100,
            ));
        }
        if self.breach {
            out.push((Moment::Breached, standard));
        }
        let mut again: Vec<u32> = self
            .escalate_again
            .iter()
            .copied()
            .filter(|p| *p > 100)
            .collect();
        again.sort_unstable();
        again.dedup();
        out.extend(
            again
                .into_iter()
                .map(|p| (Moment::Escalated(p), standard * i64::from(p) / 100)),
        );
        out
    }

    /// The time thresholds of the card's current visit its clock has reached by `now`, each with
    /// the audiences told. A card waiting for the applicant, or outside its step's office hours,
    /// does not move on: its clock stands still. Step 7 before its start is not counted.
    /// When the breach is reached the warning is left out (it would only arrive with it).
    pub fn crossed(&self, sla: &SlaConfig, card: &Card, now: DateTime<Utc>) -> Vec<Due> {
        let Some(visit) = card.current_visit() else {
            return Vec::new();
        };
        let Some(status) = sla.status(card, now) else {
            return Vec::new();
        };
        if status.state == SlaState::Scheduled {
            return Vec::new();
        }
        let reached: Vec<Moment> = self
            .thresholds(sla, card, visit.step)
            .into_iter()
            .filter(|(_, at)| status.elapsed >= *at)
            .map(|(m, _)| m)
            .collect();
        let breached = reached.contains(&Moment::Breached);
        let mut out = Vec::new();
        for moment in reached {
            let audiences: &[Audience] = match moment {
                Moment::Warning if breached => &[],
                Moment::Warning => &[Audience::Performer],
                Moment::Breached => &[Audience::Performer, Audience::Supervisors],
                Moment::Escalated(_) => &[Audience::Supervisors],
                Moment::Arrived => &[],
            };
            out.extend(
                audiences
                    .iter()
                    .map(|&audience| due(moment, audience, visit)),
            );
        }
        out
    }

    /// When the card's current visit reaches its next threshold after `now`, if its clock keeps
    /// running: `None` when nothing is left or the card waits for the applicant (the clock stands
    /// still until an event changes the card). Office hours are counted: a threshold due after
    /// closing time falls in the next working hours.
    pub fn next_due(
        &self,
        sla: &SlaConfig,
        card: &Card,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let visit = card.current_visit()?;
        if card.waiting {
            return None;
        }
        let status = sla.status(card, now)?;
        let calendar = sla.calendar(visit.step);
        let from = match status.starts_in {
            Some(s) => now + chrono::Duration::seconds(s),
            None => now,
        };
        self.thresholds(sla, card, visit.step)
            .into_iter()
            .map(|(_, at)| at - status.elapsed)
            .filter(|left| *left > 0)
            .min()
            .map(|left| sla.after(calendar, from, left))
    }
}

fn due(moment: Moment, audience: Audience, visit: &Visit) -> Due {
    Due {
        moment,
        audience,
        step: visit.step,
        entered: visit.entered,
    }
}

/// The time left that a message of `due` states, to the nearest minute (5 min 59 s left reads
/// "sisa 6 mnt"): the whole standard for an arrival, negative once late.
pub fn told_remaining(sla: &SlaConfig, card: &Card, due: &Due, now: DateTime<Utc>) -> i64 {
    let remaining = match due.moment {
        Moment::Arrived => sla.standard(card, due.step),
        _ => sla.status(card, now).map_or(0, |s| s.remaining),
    };
    (remaining + 30).div_euclid(60) * 60
}

/// The arrival a committed event makes: the card's new current step, when the event put it
/// there (`before` is the card as it was, `None` for a new card).
pub fn arrival(rules: &NotifyRules, before: Option<&Card>, after: &Card) -> Option<Due> {
    if !rules.arrival {
        return None;
    }
    let visit = after.current_visit()?;
    let was = before
        .and_then(|c| c.current_visit())
        .map(|v| (v.step, v.entered));
    (was != Some((visit.step, visit.entered)))
        .then(|| due(Moment::Arrived, Audience::Performer, visit))
}

#[cfg(test)]
#[path = "notify_tests.rs"]
mod tests;
