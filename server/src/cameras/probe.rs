//! The probes: what "online" means for each kind of camera, each under a hard timeout.
//!
//! - RTSP: DESCRIBE, SETUP (interleaved over TCP), PLAY, then wait for the first video frame
//!   (the `retina` crate). Set up but no frame in time: degraded.
//! - HTTP snapshot: GET answers 200 with an `image/*` body. 200 with something else: degraded.
//! - TCP: the connection opens.
//!
//! Any kind answering slower than the "slow" setting is degraded. Details never hold an address
//! or a credential: they are written for the cameras page, which every signed-in user sees.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use pantau_core::domain::camera::{CameraStatus, ProbeKind};
use tokio::time::Instant;
use url::Url;

use super::registry::Login;

#[derive(Clone, Debug)]
pub struct ProbeSettings {
    /// Between two probes of one camera.
    pub interval: Duration,
    /// A probe that takes longer is cut: the camera is offline (or degraded, if RTSP got as far as PLAY).
    pub timeout: Duration,
    /// A probe that answers but takes longer than this is degraded.
    pub slow: Duration,
    /// At most this many probes at once.
    pub concurrency: usize,
    /// Network checks: a name and a `host:port` to connect to.
    pub network: Vec<(String, String)>,
}

impl Default for ProbeSettings {
    fn default() -> ProbeSettings {
        ProbeSettings {
            interval: Duration::from_secs(30),
            timeout: Duration::from_secs(10),
            slow: Duration::from_secs(3),
            concurrency: 64,
            network: Vec::new(),
        }
    }
}

/// What one probe found.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub status: CameraStatus,
    pub latency: Duration,
    /// RTSP: when the first frame arrived.
    pub frame_at: Option<DateTime<Utc>>,
    pub detail: Option<String>,
}

impl Found {
    fn offline(latency: Duration, detail: impl Into<String>) -> Found {
        Found {
            status: CameraStatus::Offline,
            latency,
            frame_at: None,
            detail: Some(detail.into()),
        }
    }

    /// Online, or degraded when slow.
    fn answered(latency: Duration, slow: Duration, frame_at: Option<DateTime<Utc>>) -> Found {
        let slow = latency > slow;
        Found {
            status: if slow {
                CameraStatus::Degraded
            } else {
                CameraStatus::Online
            },
            latency,
            frame_at,
            detail: slow.then(|| format!("lambat / slow: {:.1} s", latency.as_secs_f64())),
        }
    }
}

/// What a camera is probed with: its address and login, never shown.
#[derive(Clone, Debug)]
pub struct Target {
    pub kind: ProbeKind,
    pub url: Url,
    pub login: Option<Login>,
}

/// Probes `target` once, within `settings.timeout` whatever the camera does.
pub async fn probe(target: &Target, settings: &ProbeSettings) -> Found {
    let started = Instant::now();
    let found = match target.kind {
        ProbeKind::Rtsp => rtsp(target, settings, started).await,
        ProbeKind::Http => http(target, settings, started).await,
        ProbeKind::Tcp => match host_port(&target.url) {
            Some(addr) => tcp(&addr, settings, started).await,
            None => Found::offline(Duration::ZERO, "alamat tanpa port / no port"),
        },
        ProbeKind::Simulated => simulated(target, Utc::now()),
    };
    found.scrubbed(target)
}

impl Found {
    /// Takes anything that looks like the camera's login out of the detail.
    fn scrubbed(mut self, target: &Target) -> Found {
        if let (Some(detail), Some(login)) = (&mut self.detail, &target.login) {
            for secret in [login.password.reveal(), login.username.reveal()] {
                if secret.len() >= 3 && detail.contains(secret) {
                    *detail = detail.replace(secret, "***");
                }
            }
        }
        self
    }
}

fn host_port(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    let port = url.port_or_known_default().or(match url.scheme() {
        "rtsp" => Some(554),
        _ => None,
    })?;
    Some(if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    })
}

fn timed_out(settings: &ProbeSettings) -> String {
    format!(
        "tidak menjawab dalam {} s / no answer within {} s",
        settings.timeout.as_secs_f64(),
        settings.timeout.as_secs_f64()
    )
}

/// A TCP connection to `addr` (`host:port`), also the network checks.
pub async fn tcp(addr: &str, settings: &ProbeSettings, started: Instant) -> Found {
    match tokio::time::timeout(settings.timeout, tokio::net::TcpStream::connect(addr)).await {
        Ok(Ok(_)) => Found::answered(started.elapsed(), settings.slow, None),
        Ok(Err(e)) => Found::offline(started.elapsed(), io_reason(&e)),
        Err(_) => Found::offline(started.elapsed(), timed_out(settings)),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => "koneksi ditolak / connection refused".into(),
        std::io::ErrorKind::TimedOut => "waktu habis / timed out".into(),
        _ if e.raw_os_error() == Some(113) || e.raw_os_error() == Some(101) => {
            "host tidak terjangkau / host unreachable".into()
        }
        _ => format!("koneksi gagal / connection failed ({})", e.kind()),
    }
}

async fn http(target: &Target, settings: &ProbeSettings, started: Instant) -> Found {
    let client = match reqwest::Client::builder()
        .no_proxy()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
    {
        Ok(client) => client,
        Err(_) => return Found::offline(Duration::ZERO, "HTTP client unavailable"),
    };
    let mut request = client.get(target.url.clone());
    if let Some(login) = &target.login {
        request = request.basic_auth(login.username.reveal(), Some(login.password.reveal()));
    }
    let answer = tokio::time::timeout(settings.timeout, async {
        let response = request.send().await?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = response.bytes().await?;
        Ok::<_, reqwest::Error>((status, content_type, body.len()))
    })
    .await;
    let latency = started.elapsed();
    match answer {
        Err(_) => Found::offline(latency, timed_out(settings)),
        Ok(Err(e)) if e.is_timeout() => Found::offline(latency, timed_out(settings)),
        Ok(Err(e)) if e.is_connect() => Found::offline(
            latency,
            match std::error::Error::source(&e)
                .and_then(|s| s.downcast_ref::<std::io::Error>())
                .or_else(|| find_io(&e))
            {
                Some(io) => io_reason(io),
                None => "koneksi gagal / connection failed".into(),
            },
        ),
        Ok(Err(_)) => Found::offline(latency, "jawaban HTTP rusak / broken HTTP answer"),
        Ok(Ok((status, _, _))) if status == reqwest::StatusCode::UNAUTHORIZED => Found::offline(
            latency,
            "login ditolak (HTTP 401) / login refused (HTTP 401)",
        ),
        Ok(Ok((status, _, _))) if !status.is_success() => {
            Found::offline(latency, format!("HTTP {}", status.as_u16()))
        }
        Ok(Ok((_, content_type, size))) if !content_type.starts_with("image/") || size == 0 => {
            Found {
                status: CameraStatus::Degraded,
                latency,
                frame_at: None,
                detail: Some(format!(
                    "menjawab tanpa gambar / answered without an image ({})",
                    if content_type.is_empty() {
                        "no type"
                    } else {
                        &content_type
                    }
                )),
            }
        }
        Ok(Ok(_)) => Found::answered(latency, settings.slow, Some(Utc::now())),
    }
}

/// The I/O error deepest in an error's sources.
fn find_io<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a std::io::Error> {
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        source = s.source();
    }
    None
}

/// How far an RTSP probe got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reached {
    Connecting,
    Described,
    Playing,
}

async fn rtsp(target: &Target, settings: &ProbeSettings, started: Instant) -> Found {
    use retina::client::{PlayOptions, Session, SessionOptions, SetupOptions, Transport};
    use retina::codec::CodecItem;

    let mut reached = Reached::Connecting;
    let creds = target.login.as_ref().map(|l| retina::client::Credentials {
        username: l.username.reveal().to_owned(),
        password: l.password.reveal().to_owned(),
    });
    let run = async {
        let options = SessionOptions::default()
            .creds(creds)
            .user_agent("Pantau camera probe".to_owned());
        let mut session = Session::describe(target.url.clone(), options).await?;
        reached = Reached::Described;
        let video = session
            .streams()
            .iter()
            .position(|s| s.media() == "video")
            .ok_or("no video stream")?;
        session
            .setup(
                video,
                SetupOptions::default().transport(Transport::Tcp(Default::default())),
            )
            .await?;
        let mut playing = session.play(PlayOptions::default()).await?.demuxed()?;
        reached = Reached::Playing;
        loop {
            match playing.next().await {
                Some(Ok(CodecItem::VideoFrame(_))) => return Ok(Utc::now()),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(Box::new(e) as Box<dyn std::error::Error + Send + Sync>),
                None => return Err("the stream ended before a frame".into()),
            }
        }
    };
    let result = tokio::time::timeout(settings.timeout, run).await;
    let latency = started.elapsed();
    match result {
        Ok(Ok(frame_at)) => Found::answered(latency, settings.slow, Some(frame_at)),
        Err(_) if reached == Reached::Playing => Found {
            status: CameraStatus::Degraded,
            latency,
            frame_at: None,
            detail: Some(format!(
                "stream tersambung tanpa gambar dalam {} s / stream set up but no frame within {} s",
                settings.timeout.as_secs_f64(),
                settings.timeout.as_secs_f64()
            )),
        },
        Err(_) => Found::offline(latency, timed_out(settings)),
        Ok(Err(e)) => Found::offline(latency, rtsp_reason(&*e, reached)),
    }
}

/// A short reason for a failed RTSP probe, without the address.
fn rtsp_reason(e: &(dyn std::error::Error + 'static), reached: Reached) -> String {
    if let Some(io) = e.downcast_ref::<std::io::Error>().or_else(|| find_io(e)) {
        return io_reason(io);
    }
    let text = e.to_string();
    let lower = text.to_lowercase();
    if lower.contains("401") || lower.contains("unauthorized") {
        return "login ditolak (RTSP 401) / login refused (RTSP 401)".into();
    }
    if lower.contains("refused") {
        return "koneksi ditolak / connection refused".into();
    }
    if lower.contains("404") || lower.contains("not found") {
        return "stream tidak ada (RTSP 404) / no such stream (RTSP 404)".into();
    }
    match reached {
        Reached::Connecting => "DESCRIBE gagal / DESCRIBE failed".into(),
        Reached::Described => "SETUP/PLAY gagal / SETUP or PLAY failed".into(),
        Reached::Playing => "stream terputus / the stream broke".into(),
    }
}

/// The demo's simulated cameras: no network; mostly online, a few down for a while, one slow.
/// Changes every ten minutes, the same on every instance.
pub fn simulated(target: &Target, now: DateTime<Utc>) -> Found {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    target.url.as_str().hash(&mut hasher);
    (now.timestamp() / 600).hash(&mut hasher);
    let roll = hasher.finish() % 100;
    let latency = Duration::from_millis(40 + roll * 7);
    match roll {
        0..=11 => Found::offline(latency, "simulasi: kamera mati / simulated: camera down"),
        12..=17 => Found {
            status: CameraStatus::Degraded,
            latency: Duration::from_millis(3500 + roll * 10),
            frame_at: Some(now),
            detail: Some("simulasi: lambat / simulated: slow".into()),
        },
        _ => Found {
            status: CameraStatus::Online,
            latency,
            frame_at: Some(now),
            detail: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cameras::registry::Secret;

    #[test]
    fn addresses_get_their_default_ports() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            host_port(&url("rtsp://10.0.0.2/s")).unwrap(),
            "10.0.0.2:554"
        );
        assert_eq!(
            host_port(&url("tcp://cam.local:8000")).unwrap(),
            "cam.local:8000"
        );
        assert_eq!(
            host_port(&url("http://10.0.0.2/snap")).unwrap(),
            "10.0.0.2:80"
        );
        assert_eq!(host_port(&url("tcp://10.0.0.2")), None);
    }

    #[test]
    fn details_never_carry_the_login() {
        let target = Target {
            kind: ProbeKind::Http,
            url: Url::parse("http://10.0.0.2/snap").unwrap(),
            login: Some(Login {
                username: Secret::new("operator"),
                password: Secret::new("hunter22"),
            }),
        };
        let found =
            Found::offline(Duration::ZERO, "refused for operator with hunter22").scrubbed(&target);
        assert_eq!(found.detail.as_deref(), Some("refused for *** with ***"));
    }

    #[test]
    fn slow_answers_are_degraded() {
        let slow = Duration::from_secs(3);
        assert_eq!(
            Found::answered(Duration::from_millis(3100), slow, None).status,
            CameraStatus::Degraded
        );
        assert_eq!(
            Found::answered(Duration::from_millis(80), slow, None).status,
            CameraStatus::Online
        );
    }
}
