//! Settings: a TOML file (`--config`, default `pantau.toml` when present), environment variables
//! over it, command-line flags over both. See the README for every key.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime};
use leptos::config::{Env, LeptosOptions};
use pantau_core::domain::StepId;
use pantau_core::domain::record::Letterhead;
use pantau_core::domain::sla::{Calendar, OfficeHours, SlaConfig};

use crate::cameras::ProbeSettings;
use serde::Deserialize;

pub mod channels;
pub mod notify;

/// Resolved server settings.
#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    /// Holds the SQLite file when no `DATABASE_URL` is given.
    pub data_dir: PathBuf,
    /// `postgres://…` for several instances behind one address; `None` for the embedded SQLite file.
    pub database_url: Option<String>,
    /// The built site (`/pkg`, assets), as `cargo leptos build` leaves it.
    pub site_root: PathBuf,
    /// Development mode: the page reloads itself when `cargo leptos watch` rebuilds.
    pub dev: bool,
    pub sla: SlaConfig,
    /// Served over HTTPS (behind a TLS proxy): the session cookie is `Secure` and `__Host-` prefixed.
    pub secure_cookies: bool,
    pub cameras: ProbeSettings,
    /// The letterhead and signatory of the printed records.
    pub letterhead: Letterhead,
    /// What one client connection may hold (`[server]`).
    pub limits: crate::limits::Limits,
    /// Reverse proxies whose `X-Forwarded-For` names the real client (`[server] trusted_proxies`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The key secrets are sealed with, base64 (`PANTAU_SECRET_KEY`); else `secret.key` in the data
    /// directory ([`crate::secrets`]).
    pub secret_key: Option<String>,
    /// `[notify]`: what triggers a notification, and the channels.
    pub notify: crate::notify::NotifySettings,
}

impl Config {
    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("pantau")
            .site_root(self.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .env(if self.dev { Env::DEV } else { Env::PROD })
            .build()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Toml { path: String, message: String },
    #[error("{key}: {message}")]
    Value { key: String, message: String },
}

/// The TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub addr: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub site_root: Option<PathBuf>,
    pub secure_cookies: Option<bool>,
    #[serde(default)]
    pub sla: SlaFile,
    #[serde(default)]
    pub cameras: CamerasFile,
    #[serde(default)]
    pub agency: AgencyFile,
    #[serde(default)]
    pub server: ServerFile,
    #[serde(default)]
    pub notify: notify::NotifyFile,
}

/// `[server]` in the TOML file: what one client connection may hold, and the trusted proxies.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerFile {
    /// A connection that sends no complete request head in this many seconds is closed; the same
    /// holds for a keep-alive connection idle between two requests (default 10).
    pub header_timeout_secs: Option<u64>,
    /// A response the client stops reading for this many seconds is cut (default 30).
    pub write_stall_secs: Option<u64>,
    /// At most this many client connections at once (default 4096; every wall screen holds two).
    pub max_connections: Option<usize>,
    /// Mutations one user may push per minute (default 600).
    pub mutations_per_minute: Option<u32>,
    /// At most this many connections from one address, a trusted proxy excepted (default 256).
    pub max_per_address: Option<usize>,
    /// Addresses of the reverse proxies in front of Pantau: only from them is `X-Forwarded-For`
    /// believed (default none: the connection's own address is the client's).
    pub trusted_proxies: Option<Vec<std::net::IpAddr>>,
}

impl ServerFile {
    /// Environment variables over the file: `PANTAU_HEADER_TIMEOUT_SECS`, `PANTAU_WRITE_STALL_SECS`,
    /// `PANTAU_MAX_CONNECTIONS`, `PANTAU_MAX_PER_ADDRESS`, `PANTAU_MUTATIONS_PER_MINUTE`, `PANTAU_TRUSTED_PROXIES` (`127.0.0.1,::1`).
    pub fn with_env(
        mut self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ServerFile, ConfigError> {
        let number = |key: &str| env_number(&env, key);
        if let Some(n) = number("PANTAU_HEADER_TIMEOUT_SECS")? {
            self.header_timeout_secs = Some(n);
        }
        if let Some(n) = number("PANTAU_WRITE_STALL_SECS")? {
            self.write_stall_secs = Some(n);
        }
        if let Some(n) = number("PANTAU_MAX_CONNECTIONS")? {
            self.max_connections = Some(n as usize);
        }
        if let Some(n) = number("PANTAU_MAX_PER_ADDRESS")? {
            self.max_per_address = Some(n as usize);
        }
        if let Some(n) = number("PANTAU_MUTATIONS_PER_MINUTE")? {
            self.mutations_per_minute = Some(n.min(u64::from(u32::MAX)) as u32);
        }
        if let Some(v) = env("PANTAU_TRUSTED_PROXIES") {
            let proxies = v
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse().map_err(|_| {
                        value_error(
                            "PANTAU_TRUSTED_PROXIES",
                            format!("{p:?} is not an IP address"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            self.trusted_proxies = Some(proxies);
        }
        Ok(self)
    }

    pub fn limits(&self) -> Result<crate::limits::Limits, ConfigError> {
        let mut limits = crate::limits::Limits::default();
        if let Some(s) = self.header_timeout_secs {
            if !(1..=300).contains(&s) {
                return Err(value_error(
                    "server.header_timeout_secs",
                    "between 1 and 300",
                ));
            }
            limits.header_timeout = Duration::from_secs(s);
        }
        if let Some(s) = self.write_stall_secs {
            if !(1..=600).contains(&s) {
                return Err(value_error("server.write_stall_secs", "between 1 and 600"));
            }
            limits.write_stall = Duration::from_secs(s);
        }
        if let Some(n) = self.max_connections {
            if !(16..=1_000_000).contains(&n) {
                return Err(value_error(
                    "server.max_connections",
                    "between 16 and 1000000",
                ));
            }
            limits.max_connections = n;
        }
        if let Some(n) = self.max_per_address {
            if !(4..=1_000_000).contains(&n) {
                return Err(value_error(
                    "server.max_per_address",
                    "between 4 and 1000000",
                ));
            }
            limits.max_per_address = n;
        }
        if let Some(n) = self.mutations_per_minute {
            if n < 10 {
                return Err(value_error("server.mutations_per_minute", "at least 10"));
            }
            limits.mutations_per_minute = n;
        }
        Ok(limits)
    }
}

/// `[agency]` in the TOML file: the letterhead (kop surat) of the reply letter and the monitoring
/// report, and who signs the reply. Keys not given keep the default (Diskominfo Kota Singkawang).
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct AgencyFile(BTreeMap<String, String>);

/// The `[agency]` keys; `PANTAU_AGENCY_<KEY>` is each one's environment variable.
const AGENCY_KEYS: [&str; 9] = [
    "government",
    "name",
    "address",
    "contact",
    "city",
    "place",
    "signatory_title",
    "signatory_name",
    "signatory_nip",
];

fn letterhead_line<'a>(head: &'a mut Letterhead, key: &str) -> Option<&'a mut String> {
    Some(match key {
        "government" => &mut head.government,
        "name" => &mut head.agency,
        "address" => &mut head.address,
        "contact" => &mut head.contact,
        "city" => &mut head.city,
        "place" => &mut head.place,
        "signatory_title" => &mut head.signatory_title,
        "signatory_name" => &mut head.signatory_name,
        "signatory_nip" => &mut head.signatory_nip,
        _ => return None,
    })
}

impl AgencyFile {
    /// Environment variables over the file: `PANTAU_AGENCY_GOVERNMENT`, `PANTAU_AGENCY_NAME`,
    /// `PANTAU_AGENCY_ADDRESS`, `PANTAU_AGENCY_CONTACT`, `PANTAU_AGENCY_CITY`, `PANTAU_AGENCY_PLACE`,
    /// `PANTAU_AGENCY_SIGNATORY_TITLE`, `PANTAU_AGENCY_SIGNATORY_NAME`, `PANTAU_AGENCY_SIGNATORY_NIP`.
    pub fn with_env(mut self, env: impl Fn(&str) -> Option<String>) -> AgencyFile {
        for key in AGENCY_KEYS {
            if let Some(v) = env(&format!("PANTAU_AGENCY_{}", key.to_uppercase())) {
                self.0.insert(key.to_owned(), v);
            }
        }
        self
    }

    /// Each line at most 200 characters on one line; the agency's name, the city and the
    /// signatory's title not empty.
    pub fn resolve(self) -> Result<Letterhead, ConfigError> {
        let mut head = Letterhead::default();
        for (key, raw) in self.0 {
            let name = format!("agency.{key}");
            let line = letterhead_line(&mut head, &key).ok_or_else(|| {
                value_error(
                    &name,
                    format!("unknown; use one of {}", AGENCY_KEYS.join(", ")),
                )
            })?;
            let value = raw.trim();
            if value.chars().count() > 200 || value.contains(['\n', '\r']) {
                return Err(value_error(&name, "one line of at most 200 characters"));
            }
            if value.is_empty() && matches!(key.as_str(), "name" | "city" | "signatory_title") {
                return Err(value_error(&name, "must not be empty"));
            }
            *line = value.to_owned();
        }
        Ok(head)
    }
}

/// `[cameras]` in the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CamerasFile {
    /// Seconds between two probes of a camera (default 30).
    pub interval_secs: Option<u64>,
    /// A probe is cut after this many seconds (default 10).
    pub timeout_secs: Option<u64>,
    /// A camera answering slower than this many milliseconds is degraded (default 3000).
    pub slow_ms: Option<u64>,
    /// At most this many probes at once (default 64).
    pub concurrency: Option<usize>,
    /// Network checks: `{ gateway = "192.168.1.1:80", internet = "8.8.8.8:53" }`.
    pub network: Option<BTreeMap<String, String>>,
}

impl CamerasFile {
    /// Environment variables over the file: `PANTAU_CAMERA_INTERVAL_SECS`, `PANTAU_CAMERA_TIMEOUT_SECS`,
    /// `PANTAU_CAMERA_SLOW_MS`, `PANTAU_CAMERA_CONCURRENCY`, `PANTAU_NETWORK_CHECKS`
    /// (`gateway=192.168.1.1:80,internet=8.8.8.8:53`).
    pub fn with_env(
        mut self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<CamerasFile, ConfigError> {
        let number = |key: &str| env_number(&env, key);
        if let Some(n) = number("PANTAU_CAMERA_INTERVAL_SECS")? {
            self.interval_secs = Some(n);
        }
        if let Some(n) = number("PANTAU_CAMERA_TIMEOUT_SECS")? {
            self.timeout_secs = Some(n);
        }
        if let Some(n) = number("PANTAU_CAMERA_SLOW_MS")? {
            self.slow_ms = Some(n);
        }
        if let Some(n) = number("PANTAU_CAMERA_CONCURRENCY")? {
            self.concurrency = Some(n as usize);
        }
        if let Some(v) = env("PANTAU_NETWORK_CHECKS") {
            let mut checks = BTreeMap::new();
            for pair in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let (name, target) = pair.split_once('=').ok_or_else(|| {
                    value_error(
                        "PANTAU_NETWORK_CHECKS",
                        format!("{pair:?}: write name=host:port"),
                    )
                })?;
                checks.insert(name.trim().to_owned(), target.trim().to_owned());
            }
            self.network = Some(checks);
        }
        Ok(self)
    }

    pub fn resolve(&self) -> Result<ProbeSettings, ConfigError> {
        let mut settings = ProbeSettings::default();
        if let Some(s) = self.interval_secs {
            if !(1..=3600).contains(&s) {
                return Err(value_error("cameras.interval_secs", "between 1 and 3600"));
            }
            settings.interval = Duration::from_secs(s);
        }
        if let Some(s) = self.timeout_secs {
            if !(1..=120).contains(&s) {
                return Err(value_error("cameras.timeout_secs", "between 1 and 120"));
            }
            settings.timeout = Duration::from_secs(s);
        }
        if let Some(ms) = self.slow_ms {
            settings.slow = Duration::from_millis(ms);
        }
        if let Some(n) = self.concurrency {
            if !(1..=4096).contains(&n) {
                return Err(value_error("cameras.concurrency", "between 1 and 4096"));
            }
            settings.concurrency = n;
        }
        for (name, target) in self.network.iter().flatten() {
            let key = format!("cameras.network.{name}");
            let port_ok = target
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
            if !port_ok {
                return Err(value_error(&key, format!("{target:?}: write host:port")));
            }
            settings.network.push((name.clone(), target.clone()));
        }
        Ok(settings)
    }
}

/// `[sla]` in the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaFile {
    /// A card turns "warning" at this share of its standard time (default 80).
    pub warning_percent: Option<u32>,
    /// Hours east of UTC of the office (default 7, WIB; 8 is WITA, 9 is WIT).
    pub utc_offset_hours: Option<i32>,
    /// `mon = "07:30-16:00"`, `sat = "closed"`; days not named keep the default.
    pub office_hours: Option<BTreeMap<String, String>>,
    /// `["2026-12-25", …]`: replaces the shipped list of Indonesia's holidays and cuti bersama.
    pub holidays: Option<Vec<String>>,
    /// `["2027-03-10", …]`: added to the holidays (the shipped list or `holidays`).
    pub extra_holidays: Option<Vec<String>>,
    /// `"5a" = "always_on"`, `"6" = "office_hours"`; steps not named keep the default.
    pub calendars: Option<BTreeMap<String, String>>,
}

impl FileConfig {
    /// Reads `path`; a missing default file is no error, a missing named one is.
    pub fn load(path: Option<&Path>) -> Result<FileConfig, ConfigError> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("pantau.toml"), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(FileConfig::default());
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        toml::from_str(&text).map_err(|e| ConfigError::Toml {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A whole number from the environment variable `key`, if it is set.
pub(crate) fn env_number(
    env: &impl Fn(&str) -> Option<String>,
    key: &str,
) -> Result<Option<u64>, ConfigError> {
    env(key)
        .map(|v| {
            v.trim()
                .parse()
                .map_err(|_| value_error(key, "a whole number"))
        })
        .transpose()
}

/// An `http://` or `https://` URL with a host and no query or fragment, without its trailing `/`.
pub(crate) fn web_url(key: &str, raw: &str) -> Result<String, ConfigError> {
    let bad = |why: &str| value_error(key, format!("{raw:?}: {why}"));
    let url = url::Url::parse(raw.trim()).map_err(|_| bad("not a URL (https://…)"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(bad("an http:// or https:// address with a host"));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(bad("no query, fragment or user name"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

pub(crate) fn value_error(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::Value {
        key: key.to_owned(),
        message: message.into(),
    }
}

/// `"07:30-16:00"` or `"closed"`.
fn parse_hours(key: &str, raw: &str) -> Result<Option<(NaiveTime, NaiveTime)>, ConfigError> {
    let raw = raw.trim();
    if raw.eq_ignore_ascii_case("closed") || raw.eq_ignore_ascii_case("libur") {
        return Ok(None);
    }
    let bad = || value_error(key, format!("{raw:?}: write HH:MM-HH:MM or closed"));
    let (open, close) = raw.split_once('-').ok_or_else(bad)?;
    let open = NaiveTime::parse_from_str(open.trim(), "%H:%M").map_err(|_| bad())?;
    let close = NaiveTime::parse_from_str(close.trim(), "%H:%M").map_err(|_| bad())?;
    if close <= open {
        return Err(value_error(
            key,
            format!("{raw:?}: closing must be after opening"),
        ));
    }
    Ok(Some((open, close)))
}

/// `key=value` pairs separated by commas, as the environment variables take them.
fn pairs(raw: &str) -> BTreeMap<String, String> {
    raw.split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
        .collect()
}

impl SlaFile {
    /// Environment variables over the file: `PANTAU_WARNING_PERCENT`, `PANTAU_UTC_OFFSET_HOURS`,
    /// `PANTAU_OFFICE_HOURS` (`mon=07:30-16:00,sat=closed`), `PANTAU_HOLIDAYS` (`2026-12-25,2027-01-01`),
    /// `PANTAU_CALENDARS` (`5a=always_on,6=office_hours`).
    pub fn with_env(
        mut self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<SlaFile, ConfigError> {
        if let Some(v) = env("PANTAU_WARNING_PERCENT") {
            let n = v
                .trim()
                .parse()
                .map_err(|_| value_error("PANTAU_WARNING_PERCENT", "a whole number"))?;
            self.warning_percent = Some(n);
        }
        if let Some(v) = env("PANTAU_UTC_OFFSET_HOURS") {
            let n = v
                .trim()
                .parse()
                .map_err(|_| value_error("PANTAU_UTC_OFFSET_HOURS", "a whole number"))?;
            self.utc_offset_hours = Some(n);
        }
        if let Some(v) = env("PANTAU_OFFICE_HOURS") {
            self.office_hours
                .get_or_insert_with(BTreeMap::new)
                .extend(pairs(&v));
        }
        let dates = |v: String| {
            v.split(',')
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty())
                .collect()
        };
        if let Some(v) = env("PANTAU_HOLIDAYS") {
            self.holidays = Some(dates(v));
        }
        if let Some(v) = env("PANTAU_EXTRA_HOLIDAYS") {
            self.extra_holidays = Some(dates(v));
        }
        if let Some(v) = env("PANTAU_CALENDARS") {
            self.calendars
                .get_or_insert_with(BTreeMap::new)
                .extend(pairs(&v));
        }
        Ok(self)
    }

    pub fn resolve(&self) -> Result<SlaConfig, ConfigError> {
        let mut sla = SlaConfig::default();
        if let Some(p) = self.warning_percent {
            if !(1..=100).contains(&p) {
                return Err(value_error("sla.warning_percent", "between 1 and 100"));
            }
            sla.warning_percent = p;
        }
        let mut office = OfficeHours::default();
        if let Some(h) = self.utc_offset_hours {
            if !(-12..=14).contains(&h) {
                return Err(value_error("sla.utc_offset_hours", "between -12 and 14"));
            }
            office.utc_offset_seconds = h * 3600;
        }
        for (day, hours) in self.office_hours.iter().flatten() {
            let key = format!("sla.office_hours.{day}");
            let i = DAYS
                .iter()
                .position(|d| d.eq_ignore_ascii_case(day))
                .ok_or_else(|| value_error(&key, "days are mon, tue, wed, thu, fri, sat, sun"))?;
            office.week[i] = parse_hours(&key, hours)?;
        }
        let dates = |key: &str, list: &Option<Vec<String>>| {
            list.iter()
                .flatten()
                .map(|date| {
                    NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
                        value_error(key, format!("{date:?} is not a date (YYYY-MM-DD)"))
                    })
                })
                .collect::<Result<Vec<NaiveDate>, ConfigError>>()
        };
        if self.holidays.is_some() {
            office.holidays = dates("sla.holidays", &self.holidays)?.into_iter().collect();
        }
        office
            .holidays
            .extend(dates("sla.extra_holidays", &self.extra_holidays)?);
        sla.office = office;
        for (step, calendar) in self.calendars.iter().flatten() {
            let key = format!("sla.calendars.{step}");
            let step: StepId = step
                .parse()
                .map_err(|_| value_error(&key, "steps are 1, 2, 3, 4, 5, 5a, 6, 7"))?;
            sla.calendars[step as usize] = match calendar.as_str() {
                "always_on" | "24/7" => Calendar::AlwaysOn,
                "office_hours" => Calendar::OfficeHours,
                other => {
                    return Err(value_error(
                        &key,
                        format!("{other:?}: always_on or office_hours"),
                    ));
                }
            };
        }
        Ok(sla)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_sops_office_hours_and_80_percent() {
        let sla = SlaFile::default().resolve().unwrap();
        assert_eq!(sla, SlaConfig::default());
    }

    #[test]
    fn a_file_sets_office_hours_holidays_calendars_and_threshold() {
        let file: FileConfig = toml::from_str(
            r#"
            addr = "127.0.0.1:4000"
            [sla]
            warning_percent = 75
            holidays = ["2026-12-25"]
            office_hours = { fri = "07:30-11:00", sat = "08:00-12:00" }
            calendars = { "6" = "always_on" }
            "#,
        )
        .unwrap();
        assert_eq!(file.addr, Some("127.0.0.1:4000".parse().unwrap()));
        let sla = file.sla.resolve().unwrap();
        assert_eq!(sla.warning_percent, 75);
        assert!(
            sla.office
                .holidays
                .contains(&NaiveDate::from_ymd_opt(2026, 12, 25).unwrap())
        );
        assert_eq!(
            sla.office.week[4].unwrap().1,
            NaiveTime::from_hms_opt(11, 0, 0).unwrap()
        );
        assert!(sla.office.week[5].is_some());
        assert_eq!(sla.calendar(StepId::S6), Calendar::AlwaysOn);
    }

    #[test]
    fn indonesias_holidays_are_off_out_of_the_box_and_extra_ones_add_to_them() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let shipped = SlaFile::default().resolve().unwrap();
        assert!(shipped.office.holidays.contains(&day(2026, 12, 25)));
        assert!(
            shipped.office.holidays.contains(&day(2026, 12, 24)),
            "cuti bersama"
        );
        let extra = SlaFile {
            extra_holidays: Some(vec!["2027-03-10".to_owned()]),
            ..SlaFile::default()
        }
        .resolve()
        .unwrap();
        assert!(extra.office.holidays.contains(&day(2027, 3, 10)));
        assert!(extra.office.holidays.contains(&day(2026, 12, 25)));
        let replaced = SlaFile {
            holidays: Some(vec!["2026-12-31".to_owned()]),
            ..SlaFile::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(
            replaced.office.holidays.into_iter().collect::<Vec<_>>(),
            [day(2026, 12, 31)]
        );
    }

    #[test]
    fn environment_overrides_the_file() {
        let file = SlaFile {
            warning_percent: Some(75),
            ..SlaFile::default()
        };
        let env = |k: &str| match k {
            "PANTAU_WARNING_PERCENT" => Some("90".to_owned()),
            "PANTAU_HOLIDAYS" => Some("2027-01-01, 2027-02-17".to_owned()),
            "PANTAU_CALENDARS" => Some("3=always_on".to_owned()),
            _ => None,
        };
        let sla = file.with_env(env).unwrap().resolve().unwrap();
        assert_eq!(sla.warning_percent, 90);
        assert_eq!(sla.office.holidays.len(), 2);
        assert_eq!(sla.calendar(StepId::S3), Calendar::AlwaysOn);
    }

    #[test]
    fn bad_settings_name_the_key_and_the_fix() {
        let bad = |f: SlaFile| f.resolve().unwrap_err().to_string();
        let hours = BTreeMap::from([("mon".to_owned(), "16:00-07:30".to_owned())]);
        assert!(
            bad(SlaFile {
                office_hours: Some(hours),
                ..SlaFile::default()
            })
            .contains("sla.office_hours.mon")
        );
        let holidays = Some(vec!["25-12-2026".to_owned()]);
        assert!(
            bad(SlaFile {
                holidays,
                ..SlaFile::default()
            })
            .contains("YYYY-MM-DD")
        );
        let calendars = Some(BTreeMap::from([("8".to_owned(), "always_on".to_owned())]));
        assert!(
            bad(SlaFile {
                calendars,
                ..SlaFile::default()
            })
            .contains("steps are")
        );
        assert!(
            toml::from_str::<FileConfig>("colour = 1").is_err(),
            "unknown keys are refused"
        );
    }

    #[test]
    fn the_letterhead_comes_from_the_file_with_the_environment_over_it() {
        let file: FileConfig = toml::from_str(
            r#"
            [agency]
            government = "PEMERINTAH KABUPATEN SAMBAS"
            name = "DINAS KOMUNIKASI DAN INFORMATIKA"
            address = "Jl. Pembangunan No. 1, Sambas"
            "#,
        )
        .unwrap();
        let env = |k: &str| (k == "PANTAU_AGENCY_SIGNATORY_NAME").then(|| "Drs. Contoh".to_owned());
        let head = file.agency.with_env(env).resolve().unwrap();
        assert_eq!(head.government, "PEMERINTAH KABUPATEN SAMBAS");
        assert_eq!(head.address, "Jl. Pembangunan No. 1, Sambas");
        assert_eq!(head.signatory_name, "Drs. Contoh");
        assert_eq!(head.city, Letterhead::default().city);
    }

    #[test]
    fn a_bad_letterhead_names_the_key() {
        let bad = |toml_text: &str| {
            let file: FileConfig = toml::from_str(toml_text).unwrap();
            file.agency.resolve().unwrap_err().to_string()
        };
        assert!(bad("[agency]\nlogo = \"x.png\"").starts_with("agency.logo: unknown"));
        assert!(bad("[agency]\nname = \" \"").contains("agency.name: must not be empty"));
        assert!(bad("[agency]\naddress = \"a\\nb\"").contains("one line"));
    }
}
