//! Notifications: telling the people the SOP waits for, on the channels they use, before a
//! standard is breached and when it is, with a link that opens the card.
//!
//! - [`plan`]: from a moment of a card to outbox rows (recipients, channels, language).
//! - The writer ([`crate::sync::store`]) writes a card's arrival at a step in its own transaction;
//!   [`scheduler`] writes the warnings, breaches and escalations as the SLA clock reaches them.
//! - [`sender`] delivers the outbox at least once, with retries; the channels: [`telegram`],
//!   [`whatsapp`] (an HTTP gateway), [`email`] (SMTP), [`push`] (Web Push) and [`webhook`].
//! - [`api`]: a person's settings, linking Telegram, test messages, the admin's deliveries.

pub mod api;
pub mod camera;
pub mod channel;
pub mod config;
pub mod email;
pub mod plan;
pub mod push;
pub mod scheduler;
pub mod sender;
pub mod store;
pub mod telegram;
pub mod webhook;
pub mod whatsapp;

use std::sync::Arc;

use tokio::sync::{Notify, watch};

pub use config::NotifySettings;
use plan::Planner;
use sender::Channels;

use crate::clock::Clock;
use crate::db::Db;

/// The notifications' part of the server's state.
#[derive(Clone)]
pub struct Notifier {
    pub planner: Arc<Planner>,
    pub settings: Arc<NotifySettings>,
    pub channels: Channels,
    /// Rung when the outbox has something new: the sender looks at once.
    pub wake: Arc<Notify>,
    pub clock: Clock,
}

impl Notifier {
    /// The planner and the channels of `settings`; links start with `base_url`.
    pub fn new(
        settings: NotifySettings,
        sla: Arc<pantau_core::domain::SlaConfig>,
        base_url: String,
        clock: Clock,
    ) -> Result<Notifier, String> {
        let timeout = settings.send_timeout;
        let channels = Channels {
            telegram: settings
                .telegram
                .clone()
                .map(|t| telegram::Telegram::new(t, timeout)),
            email: settings
                .email
                .as_ref()
                .map(|e| email::Email::new(e, timeout))
                .transpose()
                .map_err(|e| format!("notify.email: {e}"))?,
            whatsapp: settings
                .whatsapp
                .clone()
                .map(|w| whatsapp::Whatsapp::new(w, timeout)),
            push: settings.push.clone().map(|p| push::Push::new(p, timeout)),
            webhooks: (!settings.webhooks.is_empty())
                .then(|| webhook::Webhooks::new(settings.webhooks.clone(), timeout)),
        };
        let planner = Planner {
            rules: settings.rules.clone(),
            sla,
            base_url: settings.base_url.clone().unwrap_or(base_url),
            channels: channels.enabled(),
            webhooks: settings
                .webhooks
                .iter()
                .map(|w| (w.url.clone(), w.events.clone()))
                .collect(),
            digest: settings.digest,
        };
        Ok(Notifier {
            planner: Arc::new(planner),
            settings: Arc::new(settings),
            channels,
            wake: Arc::new(Notify::new()),
            clock,
        })
    }

    /// What the writer needs to write arrivals; `None` when no channel is on.
    pub fn outbox(&self) -> Option<crate::sync::store::Outbox> {
        (!self.planner.channels.is_empty()).then(|| crate::sync::store::Outbox {
            planner: self.planner.clone(),
            written: self.wake.clone(),
        })
    }

    /// What the camera monitor needs to alert the operators; `None` when no channel is on.
    pub fn camera_alerts(&self, store: crate::sync::Store) -> Option<camera::CameraAlerts> {
        (!self.planner.channels.is_empty()).then(|| camera::CameraAlerts {
            planner: self.planner.clone(),
            wake: self.wake.clone(),
            threshold: self.settings.camera_after,
            store,
        })
    }

    /// Starts the scheduler, the sender and Telegram's `/start` reader.
    pub fn start(
        &self,
        db: Db,
        store: crate::sync::Store,
        shutdown: watch::Receiver<bool>,
        tasks: &crate::health::Tasks,
    ) {
        if self.channels.enabled().is_empty() {
            return;
        }
        let scheduler = scheduler::Scheduler {
            store,
            planner: self.planner.clone(),
            clock: self.clock.clone(),
            wake: self.wake.clone(),
        };
        tasks.spawn("notification scheduler", scheduler.run(shutdown.clone()));
        let sender = sender::Sender {
            in_flight: Default::default(),
            db: db.clone(),
            channels: self.channels.clone(),
            settings: self.settings.clone(),
            clock: self.clock.clone(),
            wake: self.wake.clone(),
            instance: uuid::Uuid::new_v4().to_string(),
        };
        tasks.spawn("notification sender", sender.run(shutdown.clone()));
        if let Some(t) = &self.channels.telegram
            && self.settings.telegram.as_ref().is_some_and(|s| s.poll)
        {
            tasks.spawn(
                "telegram updates",
                t.clone().poll(db, self.clock.clone(), shutdown),
            );
        }
    }
}
