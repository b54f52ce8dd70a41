//! The camera feed's alerts to the operators: a camera down for `N` probes in a row (default 2,
//! so one lost answer is no alarm), up again, or going down again and again (summarised once,
//! then quiet for an hour). Written to the outbox like every notification: keyed by the camera
//! and the moment its status changed, which every instance reads from the database, so several
//! instances probing the same camera tell each operator once.

use std::collections::VecDeque;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use pantau_core::domain::Role;
use pantau_core::i18n::notify::{CameraAlert, camera_message};
use tokio::sync::Notify;

use super::plan::{Delivery, Planner, quiet_end};
use super::store;
use crate::db::Db;

/// Downs within this window that make a camera "flapping".
const FLAP_WINDOW: chrono::Duration = chrono::Duration::hours(1);
/// This many downs within the window: one summary, then quiet.
const FLAP_TIMES: usize = 3;

/// What the monitor keeps per camera to decide its alerts.
#[derive(Debug, Default)]
pub struct Alarm {
    /// Failed probes in a row.
    fails: u32,
    /// An offline alert went out and no recovery yet.
    alerted: bool,
    /// When the last offline alerts went out (within [`FLAP_WINDOW`]).
    downs: VecDeque<DateTime<Utc>>,
    /// Alerts for this camera wait until then (it was summarised as flapping).
    quiet_until: Option<DateTime<Utc>>,
}

impl Alarm {
    /// Takes in one probe (`up` or not) at `now`; the alert it calls for, if any. `since`: when
    /// the camera's current status began (for the recovery's "down for").
    pub fn probe(
        &mut self,
        up: bool,
        now: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
        threshold: u32,
    ) -> Option<CameraAlert> {
        let quiet = self.quiet_until.is_some_and(|t| now < t);
        if !quiet {
            self.quiet_until = None;
        }
        if up {
            self.fails = 0;
            if !std::mem::take(&mut self.alerted) || quiet {
                return None;
            }
            let down_for = since.map_or(0, |s| (now - s).num_seconds());
            return Some(CameraAlert::Recovered { down_for });
        }
        self.fails = self.fails.saturating_add(1);
        if self.fails != threshold.max(1) || self.alerted {
            return None;
        }
        self.alerted = true;
        while self.downs.front().is_some_and(|t| now - *t > FLAP_WINDOW) {
            self.downs.pop_front();
        }
        self.downs.push_back(now);
        if quiet {
            return None;
        }
        if self.downs.len() >= FLAP_TIMES {
            self.quiet_until = Some(now + FLAP_WINDOW);
            let times = self.downs.len() as u32;
            self.downs.clear();
            return Some(CameraAlert::Flapping { times });
        }
        Some(CameraAlert::Offline { probes: self.fails })
    }
}

/// Writes camera alerts to the outbox.
#[derive(Clone)]
pub struct CameraAlerts {
    pub planner: Arc<Planner>,
    pub wake: Arc<Notify>,
    /// Failed probes in a row before an alert.
    pub threshold: u32,
    /// The board, for the letters at 5a, 6 or 7 that asked for a camera.
    pub store: crate::sync::Store,
}

/// The open cards at 5a, 6 or 7 that asked for the camera `name`: their letter numbers and the
/// roles that act on them now.
async fn asking(store: &crate::sync::Store, name: &str) -> (Vec<String>, Vec<Role>) {
    use pantau_core::domain::camera::{WATCHED_STEPS, same_camera};
    let cards = match store.snapshot().await {
        Ok((_, cards)) => cards,
        Err(e) => {
            tracing::warn!(error = %e, "camera alert: cannot read the board");
            return Default::default();
        }
    };
    let mut letters = Vec::new();
    let mut roles = Vec::new();
    for json in cards {
        let Ok(card) = serde_json::from_str::<pantau_core::domain::Card>(&json) else {
            continue;
        };
        let Some(step) = card.current_step().filter(|s| WATCHED_STEPS.contains(s)) else {
            continue;
        };
        if card
            .request
            .cameras
            .iter()
            .any(|c| same_camera(c.as_str(), name))
        {
            letters.push(card.request.letter_number.as_str().to_owned());
            let role = step.def().performer;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
    }
    (letters, roles)
}

impl CameraAlerts {
    /// Tells the operators (and the webhooks taking `camera`) of `alert` on camera `id`, whose
    /// status changed at `since` (the moment's identity, shared by the instances).
    pub async fn send(
        &self,
        db: &Db,
        id: &str,
        name: &str,
        alert: CameraAlert,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<usize, sqlx::Error> {
        let p = &self.planner;
        let link = format!("{}/kamera", p.base_url);
        let key = format!("camera/{id}/{}/{}", alert.key(), since.timestamp_millis());
        let (letters, mut roles) = asking(&self.store, name).await;
        let letters = &letters[..];
        if !roles.contains(&Role::OperatorTcmr) {
            roles.push(Role::OperatorTcmr);
        }
        let mut tx = db.begin_write().await?;
        let mut written = 0;
        for person in store::recipients(&mut tx)
            .await?
            .iter()
            .filter(|r| roles.iter().any(|role| r.roles.contains(role)))
        {
            let text = camera_message(alert, name, letters, &link, person.lang);
            let to = Delivery {
                key: &key,
                card: None,
                moment: alert.key(),
                kind: "camera",
                // Round the clock: a person's quiet hours hold it.
                not_before: match person.quiet {
                    Some((from, to)) => quiet_end(now, from, to, p.sla.office.utc_offset_seconds),
                    None => now,
                },
            };
            written += to.person(&mut tx, person, &p.channels, &text, now).await?;
        }
        let text = camera_message(alert, name, letters, &link, Default::default());
        let hooks = Delivery {
            key: &key,
            card: None,
            moment: alert.key(),
            kind: "camera",
            not_before: now,
        };
        written += hooks.webhooks(&mut tx, &p.webhooks, &text, now).await?;
        tx.commit().await?;
        if written > 0 {
            self.wake.notify_one();
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(min: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::minutes(min)
    }

    #[test]
    fn one_lost_answer_is_no_alarm_two_are_and_the_recovery_is_told_once() {
        let mut a = Alarm::default();
        assert_eq!(a.probe(false, at(0), None, 2), None);
        assert_eq!(
            a.probe(true, at(1), None, 2),
            None,
            "one miss, then up: nothing"
        );
        assert_eq!(a.probe(false, at(2), None, 2), None);
        assert_eq!(
            a.probe(false, at(3), None, 2),
            Some(CameraAlert::Offline { probes: 2 })
        );
        assert_eq!(a.probe(false, at(4), None, 2), None, "told once");
        assert_eq!(
            a.probe(true, at(12), Some(at(2)), 2),
            Some(CameraAlert::Recovered { down_for: 600 })
        );
        assert_eq!(a.probe(true, at(13), None, 2), None);
    }

    #[test]
    fn a_flapping_camera_is_summarised_once_then_quiet_for_an_hour() {
        let mut a = Alarm::default();
        let mut said = Vec::new();
        for n in 0..8 {
            let t = n * 6;
            said.extend(a.probe(false, at(t), None, 2));
            said.extend(a.probe(false, at(t + 1), None, 2));
            said.extend(a.probe(true, at(t + 2), Some(at(t)), 2));
        }
        let offline = said
            .iter()
            .filter(|s| matches!(s, CameraAlert::Offline { .. }))
            .count();
        let flapping: Vec<_> = said
            .iter()
            .filter(|s| matches!(s, CameraAlert::Flapping { .. }))
            .collect();
        assert_eq!(offline, 2, "{said:?}");
        assert_eq!(flapping, [&CameraAlert::Flapping { times: 3 }], "{said:?}");
        // An hour later it speaks again.
        said.clear();
        said.extend(a.probe(false, at(200), None, 2));
        said.extend(a.probe(false, at(201), None, 2));
        assert_eq!(said, [CameraAlert::Offline { probes: 2 }]);
    }
}
