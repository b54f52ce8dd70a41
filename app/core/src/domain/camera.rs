//! CCTV cameras as the SOP sees them: each camera's live status, the feed the server sends to every
//! screen, what a camera going offline means for a card, and the snapshot a 5a check report keeps.
//! The server probes; this module only says what the results mean, for the server and browser alike.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::flow::Stage;
use super::request::{Bounded, CameraRef};
use super::sop::StepId;
use crate::i18n::Text;

/// A network's or a camera's state as the TCMR team found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Health {
    Ok,
    Degraded,
    Down,
}

impl Health {
    pub fn label(self) -> Text {
        match self {
            Health::Ok => Text::new("Baik", "Good"),
            Health::Degraded => Text::new("Terganggu", "Degraded"),
            Health::Down => Text::new("Mati", "Down"),
        }
    }
}

/// A camera's state as the last probe found it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum CameraStatus {
    /// Answered in time with media (RTSP: a frame; HTTP: an image; TCP: a connection).
    Online,
    /// Answered, but slowly or only in part (RTSP set up but no frame in time; HTTP 200 without an image).
    Degraded,
    /// Did not answer, refused or timed out.
    Offline,
    /// Not probed yet, or disabled.
    #[default]
    Unknown,
}

impl CameraStatus {
    pub const ALL: [CameraStatus; 4] = [
        CameraStatus::Online,
        CameraStatus::Degraded,
        CameraStatus::Offline,
        CameraStatus::Unknown,
    ];

    pub fn label(self) -> Text {
        match self {
            CameraStatus::Online => Text::new("Online", "Online"),
            CameraStatus::Degraded => Text::new("Terganggu", "Degraded"),
            CameraStatus::Offline => Text::new("Offline", "Offline"),
            CameraStatus::Unknown => Text::new("Tidak diketahui", "Unknown"),
        }
    }

    /// What a 5a check starts from for a camera in this state; `None` leaves it to the operator.
    pub fn health(self) -> Option<Health> {
        match self {
            CameraStatus::Online => Some(Health::Ok),
            CameraStatus::Degraded => Some(Health::Degraded),
            CameraStatus::Offline => Some(Health::Down),
            CameraStatus::Unknown => None,
        }
    }

    /// Counts as available for the uptime share.
    pub fn is_up(self) -> bool {
        matches!(self, CameraStatus::Online | CameraStatus::Degraded)
    }
}

/// How the server checks a camera.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum ProbeKind {
    /// RTSP DESCRIBE, SETUP, PLAY, then the first media frame.
    Rtsp,
    /// HTTP GET of a snapshot: 200 with an image.
    Http,
    /// A TCP connection.
    Tcp,
    /// The demo's built-in simulated cameras ("simulasi"): no network at all.
    Simulated,
}

impl ProbeKind {
    pub const ALL: [ProbeKind; 4] = [
        ProbeKind::Rtsp,
        ProbeKind::Http,
        ProbeKind::Tcp,
        ProbeKind::Simulated,
    ];

    pub fn label(self) -> Text {
        match self {
            ProbeKind::Rtsp => Text::new("RTSP", "RTSP"),
            ProbeKind::Http => Text::new("HTTP snapshot", "HTTP snapshot"),
            ProbeKind::Tcp => Text::new("TCP", "TCP"),
            ProbeKind::Simulated => Text::new("simulasi", "simulated"),
        }
    }

    /// The URL schemes this kind takes.
    pub fn schemes(self) -> &'static [&'static str] {
        match self {
            ProbeKind::Rtsp => &["rtsp"],
            ProbeKind::Http => &["http"],
            ProbeKind::Tcp => &["tcp"],
            ProbeKind::Simulated => &["sim"],
        }
    }
}

/// One camera as every signed-in screen and wall may see it. Credentials are never part of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraInfo {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    pub kind: ProbeKind,
    pub enabled: bool,
    pub status: CameraStatus,
    /// Since when the status holds.
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    /// RTSP: when the last media frame arrived.
    #[serde(default)]
    pub last_frame_at: Option<DateTime<Utc>>,
    /// How long the last probe took.
    #[serde(default)]
    pub latency_ms: Option<u32>,
    #[serde(default)]
    pub checked_at: Option<DateTime<Utc>>,
    /// Share of the last 24 hours the camera was up (online or degraded), 0 to 1.
    #[serde(default)]
    pub uptime_24h: Option<f64>,
    /// Why the last probe failed or was degraded, without addresses or credentials.
    #[serde(default)]
    pub detail: Option<String>,
}

impl CameraInfo {
    pub fn is_offline(&self) -> bool {
        self.enabled && self.status == CameraStatus::Offline
    }
}

/// A network check: the gateway, an internet host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkCheck {
    pub name: String,
    /// `host:port` as configured.
    pub target: String,
    /// `None` until first checked.
    #[serde(default)]
    pub up: Option<bool>,
    #[serde(default)]
    pub latency_ms: Option<u32>,
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    #[serde(default)]
    pub checked_at: Option<DateTime<Utc>>,
}

/// How many enabled cameras are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CameraCounts {
    pub online: u32,
    pub degraded: u32,
    pub offline: u32,
    pub unknown: u32,
}

impl CameraCounts {
    pub fn total(self) -> u32 {
        self.online + self.degraded + self.offline + self.unknown
    }
}

/// `GET /api/cameras`, and the first event of `/api/cameras/stream`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CameraFeed {
    pub at: Option<DateTime<Utc>>,
    /// Seconds between two probes of a camera.
    pub interval_secs: u32,
    pub cameras: Vec<CameraInfo>,
    pub network: Vec<NetworkCheck>,
}

/// A later event of `/api/cameras/stream`: cameras and checks that changed, cameras removed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedChange {
    pub at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub cameras: Vec<CameraInfo>,
    #[serde(default)]
    pub removed: Vec<String>,
    #[serde(default)]
    pub network: Vec<NetworkCheck>,
}

impl FeedChange {
    pub fn is_empty(&self) -> bool {
        self.cameras.is_empty() && self.removed.is_empty() && self.network.is_empty()
    }
}

/// Camera names are matched as the request names them: trimmed, case ignored.
pub fn same_camera(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The steps in which a camera going offline endangers the request: checked, scheduled, monitored.
pub const WATCHED_STEPS: [StepId; 3] = [StepId::S5a, StepId::S6, StepId::S7];

impl CameraFeed {
    /// The camera a request names, by name.
    pub fn find(&self, name: &str) -> Option<&CameraInfo> {
        self.cameras.iter().find(|c| same_camera(&c.name, name))
    }

    /// Enabled cameras by state.
    pub fn counts(&self) -> CameraCounts {
        let mut counts = CameraCounts::default();
        for camera in self.cameras.iter().filter(|c| c.enabled) {
            match camera.status {
                CameraStatus::Online => counts.online += 1,
                CameraStatus::Degraded => counts.degraded += 1,
                CameraStatus::Offline => counts.offline += 1,
                CameraStatus::Unknown => counts.unknown += 1,
            }
        }
        counts
    }

    /// Enabled cameras that are offline, the newest outage first: a camera that has just gone down
    /// is what the room must notice, and a strip that shows only a few names must not hide it
    /// behind outages everyone already knows. Down since an unknown time counts as oldest.
    pub fn offline(&self) -> Vec<&CameraInfo> {
        let mut down: Vec<&CameraInfo> = self.cameras.iter().filter(|c| c.is_offline()).collect();
        down.sort_by(|a, b| b.since.cmp(&a.since).then_with(|| a.name.cmp(&b.name)));
        down
    }

    /// The `requested` cameras that are offline, when a card at `stage` needs them.
    pub fn down_for(&self, stage: Stage, requested: &[CameraRef]) -> Vec<&CameraInfo> {
        let watched = matches!(stage, Stage::Step(step) if WATCHED_STEPS.contains(&step));
        if !watched {
            return Vec::new();
        }
        requested
            .iter()
            .filter_map(|name| self.find(name.as_str()))
            .filter(|c| c.is_offline())
            .collect()
    }

    /// Merges a change: changed cameras replace theirs (new ones are added, by name order), removed go.
    pub fn apply(&mut self, change: FeedChange) {
        if change.at.is_some() {
            self.at = change.at;
        }
        self.cameras.retain(|c| !change.removed.contains(&c.id));
        for camera in change.cameras {
            match self.cameras.iter_mut().find(|c| c.id == camera.id) {
                Some(old) => *old = camera,
                None => {
                    let at = self
                        .cameras
                        .partition_point(|c| c.name.to_lowercase() < camera.name.to_lowercase());
                    self.cameras.insert(at, camera);
                }
            }
        }
        for check in change.network {
            match self.network.iter_mut().find(|n| n.name == check.name) {
                Some(old) => *old = check,
                None => self.network.push(check),
            }
        }
    }

    /// What a 5a check report keeps: the live state of `cameras` and of the network, now.
    pub fn snapshot(&self, cameras: &[CameraRef], now: DateTime<Utc>) -> LiveCheck {
        LiveCheck {
            at: self.at.unwrap_or(now),
            cameras: cameras
                .iter()
                .map(|name| {
                    let found = self.find(name.as_str()).filter(|c| c.enabled);
                    LiveCamera {
                        camera: name.clone(),
                        status: found.map(|c| c.status).unwrap_or_default(),
                        since: found.and_then(|c| c.since),
                        last_frame_at: found.and_then(|c| c.last_frame_at),
                        latency_ms: found.and_then(|c| c.latency_ms),
                        simulated: found.is_some_and(|c| c.kind == ProbeKind::Simulated),
                        registered: found.is_some(),
                    }
                })
                .collect(),
            network: self
                .network
                .iter()
                .take(MAX_NETWORK_CHECKS)
                .filter_map(|n| {
                    Some(LiveNetwork {
                        name: Bounded::parse(super::Field::Note, &n.name).ok()?,
                        up: n.up,
                        latency_ms: n.latency_ms,
                    })
                })
                .collect(),
        }
    }

    /// The network as one value for the 5a form: down if any check is down, unknown if none ran.
    pub fn network_health(&self) -> Option<Health> {
        let checked: Vec<bool> = self.network.iter().filter_map(|n| n.up).collect();
        if checked.is_empty() {
            None
        } else if checked.iter().all(|up| *up) {
            Some(Health::Ok)
        } else if checked.iter().any(|up| *up) {
            Some(Health::Degraded)
        } else {
            Some(Health::Down)
        }
    }
}

pub const MAX_NETWORK_CHECKS: usize = 16;

/// The share of the 24 hours before `now` a camera was up, from its status changes in time order
/// (the last one before the window says how it started). Time with an unknown status (not probed,
/// the server stopped) does not count either way; `None` when the whole window is unknown.
pub fn uptime_24h(changes: &[(DateTime<Utc>, CameraStatus)], now: DateTime<Utc>) -> Option<f64> {
    let start = now - chrono::Duration::hours(24);
    let (mut up, mut known) = (0i64, 0i64);
    for (i, (at, status)) in changes.iter().enumerate() {
        let end = changes.get(i + 1).map_or(now, |next| next.0).min(now);
        let from = (*at).max(start);
        if end <= from || *status == CameraStatus::Unknown {
            continue;
        }
        let ms = (end - from).num_milliseconds();
        known += ms;
        if status.is_up() {
            up += ms;
        }
    }
    (known > 0).then(|| up as f64 / known as f64)
}

/// The live state a 5a check report was made with, as Pantau's probes saw it at `at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveCheck {
    pub at: DateTime<Utc>,
    pub cameras: Vec<LiveCamera>,
    #[serde(default)]
    pub network: Vec<LiveNetwork>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveCamera {
    pub camera: CameraRef,
    pub status: CameraStatus,
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_frame_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub latency_ms: Option<u32>,
    #[serde(default)]
    pub simulated: bool,
    /// The camera is in Pantau's registry (else its status is unknown).
    #[serde(default)]
    pub registered: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveNetwork {
    pub name: Bounded<60>,
    #[serde(default)]
    pub up: Option<bool>,
    #[serde(default)]
    pub latency_ms: Option<u32>,
}

impl LiveCheck {
    /// A snapshot may only speak of the requested cameras, each once, and of a few network checks.
    pub fn fits(&self, requested: &[CameraRef]) -> bool {
        let each_requested = self.cameras.iter().all(|c| {
            requested
                .iter()
                .any(|r| same_camera(r.as_str(), c.camera.as_str()))
        });
        let once = self.cameras.iter().enumerate().all(|(i, c)| {
            !self.cameras[..i]
                .iter()
                .any(|o| same_camera(o.camera.as_str(), c.camera.as_str()))
        });
        each_requested && once && self.network.len() <= MAX_NETWORK_CHECKS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Field;
    use crate::domain::flow::tests::{Client, board_at};
    use chrono::TimeZone;

    fn camera(id: &str, name: &str, status: CameraStatus) -> CameraInfo {
        CameraInfo {
            id: id.into(),
            name: name.into(),
            location: None,
            latitude: None,
            longitude: None,
            kind: ProbeKind::Rtsp,
            enabled: true,
            status,
            since: None,
            last_frame_at: None,
            latency_ms: None,
            checked_at: None,
            uptime_24h: None,
            detail: None,
        }
    }

    fn feed() -> CameraFeed {
        CameraFeed {
            at: None,
            interval_secs: 30,
            cameras: vec![
                camera("a", "Jl. Diponegoro", CameraStatus::Offline),
                camera("b", "Simpang Tugu Naga", CameraStatus::Online),
                camera("c", "Pasar Hongkong", CameraStatus::Degraded),
            ],
            network: vec![],
        }
    }

    #[test]
    fn counts_leave_out_disabled_cameras() {
        let mut feed = feed();
        feed.cameras[2].enabled = false;
        let counts = feed.counts();
        assert_eq!((counts.online, counts.offline, counts.degraded), (1, 1, 0));
        assert_eq!(counts.total(), 2);
    }

    #[test]
    fn the_newest_outage_is_listed_first() {
        let at = |h: u32| Some(Utc.with_ymd_and_hms(2026, 12, 3, h, 0, 0).unwrap());
        let mut feed = feed();
        feed.cameras[0].since = at(8);
        let mut fresh = camera("d", "Alun-alun", CameraStatus::Offline);
        fresh.since = at(17);
        let unknown = camera("e", "Gang Bakti", CameraStatus::Offline);
        let mut disabled = camera("f", "Pantai Pasir Panjang", CameraStatus::Offline);
        disabled.enabled = false;
        feed.cameras.extend([fresh, unknown, disabled]);
        let names: Vec<&str> = feed.offline().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Alun-alun", "Jl. Diponegoro", "Gang Bakti"]);
    }

    #[test]
    fn a_card_in_a_watched_step_names_its_offline_cameras() {
        let feed = feed();
        let (board, id) = board_at(&mut Client::new(), StepId::S6);
        let mut card = board.card(id).unwrap().clone();
        card.request.cameras = vec![
            CameraRef::parse(Field::Cameras, "jl. diponegoro").unwrap(),
            CameraRef::parse(Field::Cameras, "Simpang Tugu Naga").unwrap(),
        ];
        let down: Vec<&str> = feed
            .down_for(card.stage, &card.request.cameras)
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(down, ["Jl. Diponegoro"]);
        card.stage = Stage::Step(StepId::S3);
        assert!(
            feed.down_for(card.stage, &card.request.cameras).is_empty(),
            "step 3 does not need cameras yet"
        );
    }

    #[test]
    fn changes_replace_add_and_remove_cameras() {
        let mut feed = feed();
        let mut back = camera("a", "Jl. Diponegoro", CameraStatus::Online);
        back.latency_ms = Some(120);
        feed.apply(FeedChange {
            at: None,
            cameras: vec![back, camera("d", "Alun-alun", CameraStatus::Unknown)],
            removed: vec!["c".into()],
            network: vec![],
        });
        let names: Vec<&str> = feed.cameras.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Alun-alun", "Jl. Diponegoro", "Simpang Tugu Naga"]);
        assert_eq!(
            feed.find("JL. DIPONEGORO").unwrap().status,
            CameraStatus::Online
        );
    }

    #[test]
    fn a_snapshot_marks_unregistered_cameras_unknown_and_fits_the_request() {
        let feed = feed();
        let requested = vec![
            CameraRef::parse(Field::Cameras, "Jl. Diponegoro").unwrap(),
            CameraRef::parse(Field::Cameras, "Gang Buntu").unwrap(),
        ];
        let at = "2026-11-28T09:00:00Z".parse().unwrap();
        let live = feed.snapshot(&requested, at);
        assert_eq!(live.cameras[0].status, CameraStatus::Offline);
        assert!(live.cameras[0].registered);
        assert_eq!(live.cameras[1].status, CameraStatus::Unknown);
        assert!(!live.cameras[1].registered);
        assert!(live.fits(&requested));
        assert!(!live.fits(&requested[..1]), "a camera not requested");
    }

    #[test]
    fn uptime_counts_the_last_24_hours_and_leaves_unknown_time_out() {
        let t = |h: i64| {
            "2026-11-28T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::hours(h)
        };
        let now = t(48);
        // Online since long before the window, offline 6 h, unknown 6 h (server stopped), online again.
        let changes = [
            (t(0), CameraStatus::Online),
            (t(30), CameraStatus::Offline),
            (t(36), CameraStatus::Unknown),
            (t(42), CameraStatus::Online),
        ];
        let share = uptime_24h(&changes, now).unwrap();
        // Known: 24 - 6 = 18 h; up: 6 h (24..30) + 6 h (42..48) = 12 h.
        assert!((share - 12.0 / 18.0).abs() < 1e-9, "{share}");
        assert_eq!(uptime_24h(&[(t(0), CameraStatus::Unknown)], now), None);
        assert_eq!(uptime_24h(&[], now), None);
    }

    #[test]
    fn network_health_is_down_only_when_every_check_is_down() {
        let check = |up| NetworkCheck {
            name: "gw".into(),
            target: "10.0.0.1:80".into(),
            up,
            latency_ms: None,
            since: None,
            checked_at: None,
        };
        let mut feed = feed();
        assert_eq!(feed.network_health(), None);
        feed.network = vec![check(Some(true)), check(Some(false))];
        assert_eq!(feed.network_health(), Some(Health::Degraded));
        feed.network = vec![check(Some(false)), check(None)];
        assert_eq!(feed.network_health(), Some(Health::Down));
    }
}
