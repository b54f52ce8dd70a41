//! What an Admin may write into the camera registry, parsed at the boundary: a name, a place, how
//! to probe it and where. A URL's `user:password@` is taken out into the credentials, so an address
//! can be shown and logged without them.

pub use pantau_core::api::FieldText;
pub use pantau_core::api::cameras::CameraInput;
use pantau_core::domain::camera::ProbeKind;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// A secret that never prints (`secrecy`: `Debug` shows `[REDACTED]`, and its memory is zeroed
/// when it is dropped).
#[derive(Clone, Debug)]
pub struct Secret(SecretString);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(SecretString::from(value.into()))
    }
    pub fn reveal(&self) -> &str {
        self.0.expose_secret()
    }
}

/// Two registry entries are compared whole (an import that changes nothing is no change).
impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.reveal() == other.reveal()
    }
}

impl Eq for Secret {}

/// What to log in, when a camera needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Login {
    pub username: Secret,
    pub password: Secret,
}

/// A registry entry as parsed. `login` is `None` when the input did not speak of it (an edit keeps
/// the stored one) and `Some(None)` when it cleared it.
#[derive(Clone, Debug, PartialEq)]
pub struct CameraEntry {
    pub name: String,
    pub location: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub kind: ProbeKind,
    pub url: Url,
    pub login: Option<Option<Login>>,
    pub enabled: bool,
}

pub const MAX_NAME: usize = 120;
pub const MAX_LOCATION: usize = 200;
pub const MAX_URL: usize = 500;
pub const MAX_SECRET: usize = 200;

/// Every problem of the input, or the entry.
pub fn parse(input: &CameraInput) -> Result<CameraEntry, Vec<FieldText>> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    if name.is_empty() {
        errors.push(FieldText::new(
            "name",
            "nama kamera wajib diisi / the name is required",
        ));
    } else if name.chars().count() > MAX_NAME {
        errors.push(FieldText::new(
            "name",
            format!("nama paling banyak {MAX_NAME} karakter / at most {MAX_NAME} characters"),
        ));
    }
    let location = input
        .location
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    if location.is_some_and(|l| l.chars().count() > MAX_LOCATION) {
        errors.push(FieldText::new(
            "location",
            format!(
                "lokasi paling banyak {MAX_LOCATION} karakter / at most {MAX_LOCATION} characters"
            ),
        ));
    }
    match (input.latitude, input.longitude) {
        (Some(lat), Some(lon)) => {
            if !(-90.0..=90.0).contains(&lat) {
                errors.push(FieldText::new("latitude", "lintang antara -90 dan 90 / between -90 and 90"));
            }
            if !(-180.0..=180.0).contains(&lon) {
                errors.push(FieldText::new(
                    "longitude",
                    "bujur antara -180 dan 180 / between -180 and 180",
                ));
            }
        }
        (None, None) => {}
        _ => errors.push(FieldText::new(
            "latitude",
            "isi lintang dan bujur bersama, atau kosongkan keduanya / give both latitude and longitude, or neither",
        )),
    }
    let kind = match input.kind.trim().to_ascii_lowercase().as_str() {
        "rtsp" => Some(ProbeKind::Rtsp),
        "http" | "http_snapshot" | "snapshot" => Some(ProbeKind::Http),
        "tcp" => Some(ProbeKind::Tcp),
        "simulated" | "simulasi" => Some(ProbeKind::Simulated),
        other => {
            errors.push(FieldText::new(
                "kind",
                format!("{other:?}: pilih rtsp, http, tcp atau simulated / {other:?}: choose rtsp, http, tcp or simulated"),
            ));
            None
        }
    };
    let mut login = match (&input.username, &input.password) {
        (None, None) => None,
        (user, password) => {
            let user = user.as_deref().unwrap_or("").trim();
            let password = password.as_deref().unwrap_or("");
            if user.chars().count() > MAX_SECRET || password.chars().count() > MAX_SECRET {
                errors.push(FieldText::new(
                    "username",
                    format!(
                        "paling banyak {MAX_SECRET} karakter / at most {MAX_SECRET} characters"
                    ),
                ));
            }
            Some((!user.is_empty() || !password.is_empty()).then(|| Login {
                username: Secret::new(user),
                password: Secret::new(password),
            }))
        }
    };
    let url = match kind {
        Some(kind) => match parse_url(kind, &input.url) {
            Ok((url, from_url)) => {
                if let Some(from_url) = from_url {
                    login = Some(Some(from_url));
                }
                Some(url)
            }
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    match (kind, url) {
        (Some(kind), Some(url)) if errors.is_empty() => Ok(CameraEntry {
            name: name.to_owned(),
            location: location.map(str::to_owned),
            latitude: input.latitude,
            longitude: input.longitude,
            kind,
            url,
            login,
            enabled: input.enabled,
        }),
        _ => Err(errors),
    }
}

/// The probe address: its scheme fits the kind, it names a host (and a port where the scheme has
/// no default); `user:password@` comes back separately.
fn parse_url(kind: ProbeKind, raw: &str) -> Result<(Url, Option<Login>), FieldText> {
    let raw = raw.trim();
    let schemes = kind.schemes().join(", ");
    let example = match kind {
        ProbeKind::Rtsp => "rtsp://10.0.0.21:554/stream1",
        ProbeKind::Http => "http://10.0.0.21/snapshot.jpg",
        ProbeKind::Tcp => "tcp://10.0.0.21:554",
        ProbeKind::Simulated => "sim://simpang-tugu-naga",
    };
    let bad = |why: &str| FieldText::new("url", format!("{why}; contoh / for example {example}"));
    if raw.is_empty() {
        return Err(bad("alamat wajib diisi / the address is required"));
    }
    if raw.chars().count() > MAX_URL {
        return Err(bad(&format!(
            "paling banyak {MAX_URL} karakter / at most {MAX_URL} characters"
        )));
    }
    let mut url =
        Url::parse(raw).map_err(|_| bad("bukan alamat yang sah / not a valid address"))?;
    if !kind.schemes().contains(&url.scheme()) {
        return Err(bad(&format!(
            "jenis {} memakai alamat {schemes}:// / a {} camera takes a {schemes}:// address",
            kind.label().id,
            kind.label().en
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("alamat tanpa host / the address names no host"));
    }
    if kind == ProbeKind::Tcp && url.port().is_none() {
        return Err(bad("TCP perlu port / a TCP address needs a port"));
    }
    let login = if !url.username().is_empty() || url.password().is_some() {
        let decode = |s: &str| percent_decode(s);
        let login = Login {
            username: Secret::new(decode(url.username())),
            password: Secret::new(decode(url.password().unwrap_or(""))),
        };
        let _ = url.set_username("");
        let _ = url.set_password(None);
        Some(login)
    } else {
        None
    };
    Ok((url, login))
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, url: &str) -> CameraInput {
        CameraInput {
            name: "Simpang Tugu Naga".into(),
            kind: kind.into(),
            url: url.into(),
            enabled: true,
            ..CameraInput::default()
        }
    }

    #[test]
    fn credentials_in_the_address_move_out_of_it() {
        let entry = parse(&input(
            "rtsp",
            "rtsp://admin:s%40cret@10.0.0.21:554/stream1",
        ))
        .unwrap();
        assert_eq!(entry.url.as_str(), "rtsp://10.0.0.21:554/stream1");
        let login = entry.login.unwrap().unwrap();
        assert_eq!(login.username.reveal(), "admin");
        assert_eq!(login.password.reveal(), "s@cret");
        let printed = format!("{login:?}");
        assert_eq!(printed.matches("REDACTED").count(), 2, "{printed}");
        assert!(
            !printed.contains("s@cret") && !printed.contains("admin"),
            "{printed}"
        );
    }

    #[test]
    fn each_kind_takes_its_own_scheme() {
        assert!(parse(&input("http", "http://10.0.0.21/snap.jpg")).is_ok());
        assert!(parse(&input("tcp", "tcp://10.0.0.21:554")).is_ok());
        let errors = parse(&input("http", "rtsp://10.0.0.21/stream")).unwrap_err();
        assert_eq!(errors[0].field, "url");
        assert!(
            errors[0].message.contains("http://"),
            "{}",
            errors[0].message
        );
        let errors = parse(&input("tcp", "tcp://10.0.0.21")).unwrap_err();
        assert!(errors[0].message.contains("port"));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = CameraInput {
            name: " ".into(),
            latitude: Some(95.0),
            longitude: Some(10.0),
            kind: "onvif".into(),
            url: "x".into(),
            ..CameraInput::default()
        };
        let fields: Vec<String> = parse(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "latitude", "kind"]);
    }
}
