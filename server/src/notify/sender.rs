//! Delivers the outbox: each channel on its own (one that is down delays no other), a few sends
//! at a time, each under a timeout; a failure is tried again with exponential backoff and given
//! up on after the configured time, its last error kept. A claim is a lease: what a crashed
//! instance held is sent by another after it ends.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use pantau_core::api::notify::Channel;
use tokio::sync::{Notify, Semaphore, watch};

use super::channel::SendError;
use super::config::NotifySettings;
use super::email::Email;
use super::push::Push;
use super::store::{self, Claimed};
use super::telegram::Telegram;
use super::webhook::Webhooks;
use super::whatsapp::Whatsapp;
use crate::clock::Clock;
use crate::db::Db;

/// Sends at once per channel.
const PER_CHANNEL: usize = 8;
/// The longest the sender sleeps without looking (for other instances' items and retries).
const IDLE_LOOK: Duration = Duration::from_millis(500);

/// The channels this server sends on.
#[derive(Clone, Debug, Default)]
pub struct Channels {
    pub telegram: Option<Telegram>,
    pub email: Option<Email>,
    pub whatsapp: Option<Whatsapp>,
    pub push: Option<Push>,
    pub webhooks: Option<Webhooks>,
}

impl Channels {
    pub fn enabled(&self) -> Vec<Channel> {
        let on = [
            (Channel::Telegram, self.telegram.is_some()),
            (Channel::Whatsapp, self.whatsapp.is_some()),
            (Channel::Email, self.email.is_some()),
            (Channel::Push, self.push.is_some()),
            (Channel::Webhook, self.webhooks.is_some()),
        ];
        on.into_iter()
            .filter(|(_, on)| *on)
            .map(|(c, _)| c)
            .collect()
    }

    async fn send(&self, db: &Db, item: &Claimed, now: DateTime<Utc>) -> Result<(), SendError> {
        let off = || {
            Err(SendError::Permanent(format!(
                "the {} channel is not enabled",
                item.channel.as_str()
            )))
        };
        let (a, m) = (item.address.as_str(), &item.message);
        match item.channel {
            Channel::Telegram => match &self.telegram {
                Some(t) => t.send(a, m).await,
                None => off(),
            },
            Channel::Email => match &self.email {
                Some(e) => e.send(a, m).await,
                None => off(),
            },
            Channel::Whatsapp => match &self.whatsapp {
                Some(w) => w.send(a, m).await,
                None => off(),
            },
            Channel::Push => match &self.push {
                Some(p) => p.send(db, a, m).await,
                None => off(),
            },
            Channel::Webhook => match &self.webhooks {
                Some(w) => w.send(item, now).await,
                None => off(),
            },
        }
    }
}

/// The wait before attempt `n + 1` after `n` failures: `first`, doubled each time, at most
/// `max`, with up to a fifth added at random (so instances and items do not retry in step).
pub fn backoff(first: Duration, max: Duration, failures: i64, jitter: f64) -> Duration {
    let exp = failures.clamp(1, 30) as u32 - 1;
    let base = first.saturating_mul(2u32.saturating_pow(exp)).min(max);
    base.mul_f64(1.0 + jitter.clamp(0.0, 1.0) / 5.0)
}

fn jitter() -> f64 {
    let mut b = [0u8; 2];
    getrandom::fill(&mut b).expect("the OS random source");
    f64::from(u16::from_le_bytes(b)) / f64::from(u16::MAX)
}

pub struct Sender {
    /// What this instance is sending now: a claim that comes back for one of them (its lease
    /// ran out on a clock that jumped) is not sent a second time.
    pub in_flight: std::sync::Mutex<std::collections::HashSet<i64>>,
    pub db: Db,
    pub channels: Channels,
    pub settings: Arc<NotifySettings>,
    pub clock: Clock,
    pub wake: Arc<Notify>,
    /// This instance's name in claims.
    pub instance: String,
}

impl Sender {
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        match store::release_claims(&self.db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "notifications held by the last run are sent again"),
            Err(e) => tracing::warn!(error = %e, "cannot release the last run's claims"),
        }
        let this = Arc::new(self);
        let lanes: Vec<(Channel, Arc<Semaphore>)> = this
            .channels
            .enabled()
            .into_iter()
            .map(|c| (c, Arc::new(Semaphore::new(PER_CHANNEL))))
            .collect();
        if lanes.is_empty() {
            return;
        }
        loop {
            for (channel, lane) in &lanes {
                let free = lane.available_permits();
                if free == 0 {
                    continue;
                }
                let now = this.clock.now();
                let until =
                    now + chrono::Duration::from_std(this.settings.lease).unwrap_or_default();
                let items = match store::claim(&this.db, *channel, &this.instance, now, until, free)
                    .await
                {
                    Ok(items) => items,
                    Err(e) => {
                        tracing::warn!(error = %e, channel = channel.as_str(), "cannot read the outbox");
                        continue;
                    }
                };
                for item in items {
                    if !this.in_flight.lock().expect("in flight").insert(item.id) {
                        continue;
                    }
                    let permit = lane.clone().acquire_owned().await.expect("never closed");
                    let this = this.clone();
                    tokio::spawn(async move {
                        let id = item.id;
                        this.deliver(item).await;
                        this.in_flight.lock().expect("in flight").remove(&id);
                        drop(permit);
                        this.wake.notify_one();
                    });
                }
            }
            let sleep = match store::next_due(&this.db).await {
                Ok(Some(at)) => (at - this.clock.now())
                    .to_std()
                    .unwrap_or_default()
                    .min(IDLE_LOOK),
                _ => IDLE_LOOK,
            };
            tokio::select! {
                () = this.wake.notified() => {},
                () = tokio::time::sleep(sleep.max(Duration::from_millis(20))) => {},
                _ = shutdown.wait_for(|s| *s) => return,
            }
        }
    }

    async fn deliver(&self, item: Claimed) {
        let started = self.clock.now();
        let sent = tokio::time::timeout(
            self.settings.send_timeout,
            self.channels.send(&self.db, &item, started),
        )
        .await
        .unwrap_or_else(|_| Err(SendError::retry("timed out")));
        let now = self.clock.now();
        let result = match sent {
            Ok(()) => {
                tracing::info!(
                    id = item.id,
                    channel = item.channel.as_str(),
                    "notification sent"
                );
                store::mark_sent(&self.db, item.id, &self.instance, now).await
            }
            Err(error) => {
                let retry_at = self.retry_at(&item, &error, now);
                tracing::warn!(
                    id = item.id,
                    channel = item.channel.as_str(),
                    error = %error,
                    retry = retry_at.is_some(),
                    "notification not sent"
                );
                store::mark_failed(
                    &self.db,
                    item.id,
                    &self.instance,
                    &error.to_string(),
                    retry_at,
                )
                .await
            }
        };
        if let Err(e) = result {
            // The lease runs out and the item is sent again: at least once.
            tracing::warn!(error = %e, id = item.id, "cannot record a delivery");
        }
    }

    fn retry_at(
        &self,
        item: &Claimed,
        error: &SendError,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let SendError::Retry { after, .. } = error else {
            return None;
        };
        let s = &self.settings;
        let wait = after
            .unwrap_or_else(|| backoff(s.retry_first, s.retry_max, item.attempts + 1, jitter()));
        let at = now + chrono::Duration::from_std(wait).unwrap_or_default();
        let give_up = item.created_at + chrono::Duration::from_std(s.give_up).unwrap_or_default();
        (at <= give_up).then_some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_the_maximum() {
        let (first, max) = (Duration::from_secs(10), Duration::from_secs(600));
        let waits: Vec<u64> = (1..=8)
            .map(|n| backoff(first, max, n, 0.0).as_secs())
            .collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320, 600, 600]);
        // The random part adds at most a fifth.
        assert_eq!(backoff(first, max, 1, 1.0), Duration::from_secs(12));
        assert_eq!(backoff(first, max, 1000, 0.0), max);
    }
}
