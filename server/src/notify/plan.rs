//! From a moment of a card to the outbox: who is told (the roles' holders, each on every channel
//! where they are reached and have not switched it off), in their language. Runs inside the
//! transaction of what caused it: the writer's for an arrival, the scheduler's for a threshold.

use std::sync::Arc;

use chrono::Timelike;
use chrono::{DateTime, Utc};
use pantau_core::api::notify::Channel;
use pantau_core::domain::agency::short_form;
use pantau_core::domain::notify::{Due, Moment, NotifyRules, told_remaining};
use pantau_core::domain::{Calendar, Card, SlaConfig, StepId};
use pantau_core::i18n::Lang;
use pantau_core::i18n::notify::{
    Facts, ScheduleNote, message, schedule_message, waiting_for as waiting_text, window_text,
};
use sqlx::{Any, Transaction};

use super::store::{self, NewItem, Recipient};

/// What the writer and the scheduler need to turn a moment into notifications.
#[derive(Clone, Debug)]
pub struct Planner {
    pub rules: NotifyRules,
    pub sla: Arc<SlaConfig>,
    /// Links are `<base_url>/kartu/<id>`.
    pub base_url: String,
    /// The channels this server sends on, in the order people are tried.
    pub channels: Vec<Channel>,
    /// Each webhook's URL and the kinds of moment it is sent.
    pub webhooks: Vec<(String, Vec<String>)>,
    /// A digest of what waits for each person at the office's opening.
    pub digest: bool,
}

/// The recipients of one transaction, read once when the first moment needs them.
#[derive(Default)]
pub struct Recipients(Option<Vec<Recipient>>);

impl Recipients {
    async fn get(
        &mut self,
        tx: &mut Transaction<'static, Any>,
    ) -> Result<&[Recipient], sqlx::Error> {
        if self.0.is_none() {
            self.0 = Some(store::recipients(tx).await?);
        }
        Ok(self.0.as_deref().unwrap_or_default())
    }
}

impl Planner {
    /// The card's own page.
    pub fn card_link(&self, card: &Card) -> String {
        format!("{}/kartu/{}", self.base_url, card.id.0)
    }

    /// Writes the notifications of `due` for `card` at `now`; how many were new. `actor`: the
    /// user whose move caused it, who is not told of what he just did himself.
    pub async fn enqueue(
        &self,
        tx: &mut Transaction<'static, Any>,
        recipients: &mut Recipients,
        card: &Card,
        due: &Due,
        actor: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<usize, sqlx::Error> {
        if self.channels.is_empty() {
            return Ok(0);
        }
        let roles = self.rules.roles(due.step, due.audience);
        let everyone = if roles.is_empty() {
            &[][..]
        } else {
            recipients.get(tx).await?
        };
        let performer = due.step.def().performer;
        let waiting_for: Vec<&str> = everyone
            .iter()
            .filter(|r| r.roles.contains(&performer))
            .map(|r| r.display_name.as_str())
            .collect();
        let standard = self.sla.standard(card, due.step);
        let remaining = told_remaining(&self.sla, card, due, now);
        let link = self.card_link(card);
        let agency = short_form(card.request.agency.as_str());
        let text_in = |lang| {
            let waiting = waiting_text(performer, &waiting_for, lang);
            let facts = Facts {
                letter_number: card.request.letter_number.as_str(),
                agency: &agency,
                step: due.step,
                remaining,
                standard,
                waiting_for: &waiting,
                link: &link,
            };
            message(due.moment, due.audience, &facts, lang)
        };
        let moment_key = due.moment.key();
        let entry = format!(
            "{}/{}/{}",
            card.id.0,
            due.step.code(),
            due.entered.timestamp_millis()
        );
        let kind = moment_kind(due.moment);
        let mut written = 0;
        for person in everyone.iter().filter(|r| self.rules.tells(due, &r.roles)) {
            if actor == Some(person.username.as_str()) {
                continue;
            }
            let text = text_in(person.lang);
            let key = format!("{entry}/{moment_key}");
            let to = Delivery {
                key: &key,
                card: Some(card.id.0.to_string()),
                moment: &moment_key,
                kind,
                not_before: self.not_before(person, due.step, now),
            };
            written += to.person(tx, person, &self.channels, &text, now).await?;
        }
        // Each webhook once per moment (its supervisors' and performer's dues share the key).
        let hooks = Delivery {
            key: &format!("{entry}/{moment_key}"),
            card: Some(card.id.0.to_string()),
            moment: &moment_key,
            kind,
            not_before: now,
        };
        let text = text_in(pantau_core::i18n::Lang::default());
        written += hooks.webhooks(tx, &self.webhooks, &text, now).await?;
        Ok(written)
    }
}

impl Planner {
    /// What a confirmed schedule brings at `note`: the reply and the day-before reminder to the
    /// applicant's contact (the letter's number on WhatsApp, its e-mail address, each when that
    /// channel is on), the "starts soon" to the step 7
    /// operators; how many were new. Keyed by the schedule's start: a new schedule is told anew.
    pub async fn schedule_note(
        &self,
        tx: &mut Transaction<'static, Any>,
        recipients: &mut Recipients,
        card: &Card,
        note: ScheduleNote,
        now: DateTime<Utc>,
    ) -> Result<usize, sqlx::Error> {
        let Some(window) = card.schedule else {
            return Ok(0);
        };
        let offset = self.sla.office.utc_offset_seconds;
        let local =
            |t: DateTime<Utc>| (t + chrono::Duration::seconds(i64::from(offset))).naive_utc();
        let zone = match offset {
            25_200 => "WIB".to_owned(),
            28_800 => "WITA".to_owned(),
            32_400 => "WIT".to_owned(),
            other => format!("UTC{:+}", other / 3600),
        };
        let when = window_text(local(window.start), local(window.end), &zone);
        let agency = short_form(card.request.agency.as_str());
        let letter = card.request.letter_number.as_str();
        let key = format!(
            "{}/schedule/{}/{}",
            card.id.0,
            window.start.timestamp_millis(),
            note.key()
        );
        let mut written = 0;
        match note {
            ScheduleNote::Confirmed | ScheduleNote::DayBefore => {
                let text = schedule_message(note, letter, &agency, &when, "", Lang::default());
                let r = &card.request;
                let addresses = [
                    (
                        Channel::Whatsapp,
                        r.contact_phone.as_ref().map(|p| p.as_str()),
                    ),
                    (Channel::Email, r.contact_email.as_ref().map(|e| e.as_str())),
                ];
                for (channel, address) in addresses {
                    let Some(address) = address.filter(|_| self.channels.contains(&channel)) else {
                        continue;
                    };
                    let item = NewItem {
                        dedupe_key: format!("{key}/applicant/{}", <&str>::from(channel)),
                        card: Some(card.id.0.to_string()),
                        moment: note.key().to_owned(),
                        user_id: None,
                        channel,
                        address,
                        message: &text,
                        not_before: now,
                    };
                    if store::insert(tx, &item, now).await? {
                        written += 1;
                    }
                }
            }
            ScheduleNote::StartsSoon => {
                let operator = StepId::S7.def().performer;
                let link = self.card_link(card);
                let to = Delivery {
                    key: &key,
                    card: Some(card.id.0.to_string()),
                    moment: note.key(),
                    kind: "reminder",
                    not_before: now,
                };
                for person in recipients
                    .get(tx)
                    .await?
                    .to_vec()
                    .iter()
                    .filter(|r| r.roles.contains(&operator))
                {
                    let text = schedule_message(note, letter, &agency, &when, &link, person.lang);
                    written += to.person(tx, person, &self.channels, &text, now).await?;
                }
            }
        }
        Ok(written)
    }

    /// The reminders of a card at step 7 due by `now` (the applicant's the day before, when the
    /// schedule was confirmed earlier than that; the operators' half an hour before the start),
    /// and when the next one is due.
    pub fn reminders(
        card: &Card,
        now: DateTime<Utc>,
    ) -> (Vec<ScheduleNote>, Option<DateTime<Utc>>) {
        let (Some(window), Some(visit)) = (card.schedule, card.current_visit()) else {
            return (Vec::new(), None);
        };
        if visit.step != StepId::S7 || now >= window.start {
            return (Vec::new(), None);
        }
        let day_before = window.start - chrono::Duration::hours(24);
        let soon = window.start - chrono::Duration::minutes(30);
        let mut due = Vec::new();
        let mut next = None;
        for (note, at, wanted) in [
            (
                ScheduleNote::DayBefore,
                day_before,
                visit.entered < day_before,
            ),
            (ScheduleNote::StartsSoon, soon, true),
        ] {
            if !wanted {
                continue;
            }
            if now >= at {
                due.push(note);
            } else {
                next = Some(next.map_or(at, |n: DateTime<Utc>| n.min(at)));
            }
        }
        (due, next)
    }
}

/// One notification to people: its key (each person's and channel's part is added), what it
/// is about, the kind a person switches off, when it may go.
pub struct Delivery<'a> {
    pub key: &'a str,
    pub card: Option<String>,
    pub moment: &'a str,
    pub kind: &'a str,
    pub not_before: DateTime<Utc>,
}

impl Delivery<'_> {
    /// Writes `text` to every address of `person` on `channels` (each browser on Web Push)
    /// unless they switched this kind off there; how many were new.
    pub async fn person(
        &self,
        tx: &mut Transaction<'static, Any>,
        person: &Recipient,
        channels: &[Channel],
        text: &pantau_core::i18n::notify::Message,
        now: DateTime<Utc>,
    ) -> Result<usize, sqlx::Error> {
        let mut written = 0;
        for &channel in channels {
            if !person.wants(channel, self.kind) {
                continue;
            }
            for address in person.addresses(channel) {
                // A person's browsers are told each; the key tells them apart.
                let to = match channel {
                    Channel::Push => format!("{}/push:{address}", person.user_id),
                    _ => format!("{}/{}", person.user_id, channel.as_str()),
                };
                let item = NewItem {
                    dedupe_key: format!("{}/{to}", self.key),
                    card: self.card.clone(),
                    moment: self.moment.to_owned(),
                    user_id: Some(&person.user_id),
                    channel,
                    address,
                    message: text,
                    not_before: self.not_before,
                };
                if store::insert(tx, &item, now).await? {
                    written += 1;
                }
            }
        }
        Ok(written)
    }

    /// Writes `text` once to each of `webhooks` (URL, kinds) that takes this kind.
    pub async fn webhooks(
        &self,
        tx: &mut Transaction<'static, Any>,
        webhooks: &[(String, Vec<String>)],
        text: &pantau_core::i18n::notify::Message,
        now: DateTime<Utc>,
    ) -> Result<usize, sqlx::Error> {
        let mut written = 0;
        let taking = webhooks
            .iter()
            .filter(|(_, events)| events.iter().any(|e| e == self.kind));
        for (n, (url, _)) in taking.enumerate() {
            let item = NewItem {
                dedupe_key: format!("{}/webhook/{n}", self.key),
                card: self.card.clone(),
                moment: self.moment.to_owned(),
                user_id: None,
                channel: Channel::Webhook,
                address: url,
                message: text,
                not_before: self.not_before,
            };
            if store::insert(tx, &item, now).await? {
                written += 1;
            }
        }
        Ok(written)
    }
}

impl Planner {
    /// When a notification of `step` may reach `person`: a step on office hours waits for the
    /// office to open (its clock stands still until then: nothing is urgent at night); a step
    /// around the clock waits for the end of the person's quiet hours.
    fn not_before(&self, person: &Recipient, step: StepId, now: DateTime<Utc>) -> DateTime<Utc> {
        match self.sla.calendar(step) {
            Calendar::OfficeHours => self.sla.office.after_working(now, 0),
            Calendar::AlwaysOn => match person.quiet {
                Some((from, to)) => quiet_end(now, from, to, self.sla.office.utc_offset_seconds),
                None => now,
            },
        }
    }
}

/// The end of the quiet hours `from`..`to` (minutes after local midnight, wrapping past it) that
/// `now` falls in; `now` itself when it falls outside them.
pub fn quiet_end(now: DateTime<Utc>, from: i64, to: i64, utc_offset_seconds: i32) -> DateTime<Utc> {
    let offset = chrono::Duration::seconds(i64::from(utc_offset_seconds));
    let local = now + offset;
    let minute = i64::from(local.hour()) * 60 + i64::from(local.minute());
    let quiet = if from < to {
        (from..to).contains(&minute)
    } else {
        minute >= from || minute < to
    };
    if !quiet {
        return now;
    }
    let midnight = local
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    let mut end = midnight + chrono::Duration::minutes(to);
    if end <= local {
        end += chrono::Duration::days(1);
    }
    end - offset
}

/// The kind a person switches on or off: `arrived`, `warning`, `breached`, `escalated`.
pub fn moment_kind(moment: Moment) -> &'static str {
    match moment {
        Moment::Arrived => "arrived",
        Moment::Warning => "warning",
        Moment::Breached => "breached",
        Moment::Escalated(_) => "escalated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn wib(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap() - chrono::Duration::hours(7)
    }

    #[test]
    fn quiet_hours_hold_a_message_until_they_end_even_past_midnight() {
        let offset = 7 * 3600;
        // 21:00–06:00: at 22:10 it waits for 06:00 the next morning; at 05:00 for 06:00 the same day.
        assert_eq!(
            quiet_end(wib(22, 10), 21 * 60, 6 * 60, offset),
            wib(6, 0) + chrono::Duration::days(1)
        );
        assert_eq!(quiet_end(wib(5, 0), 21 * 60, 6 * 60, offset), wib(6, 0));
        assert_eq!(quiet_end(wib(12, 0), 21 * 60, 6 * 60, offset), wib(12, 0));
        // 12:00–13:00, the same day.
        assert_eq!(quiet_end(wib(12, 30), 12 * 60, 13 * 60, offset), wib(13, 0));
        assert_eq!(quiet_end(wib(13, 0), 12 * 60, 13 * 60, offset), wib(13, 0));
    }
}
