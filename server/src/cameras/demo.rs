//! The demo's cameras: the places the demo requests name and a few more, from the built-in
//! simulated source (shown as "simulasi"), so the run command shows a live feed without a network.

use chrono::Utc;

use super::registry::{self, CameraInput};
use super::store::{self, CameraStoreError};
use crate::db::Db;

/// Name, location, latitude, longitude.
const CAMERAS: [(&str, &str, f64, f64); 12] = [
    (
        "Simpang Tugu Naga",
        "Jl. Niaga / Jl. Diponegoro",
        0.9071,
        108.9846,
    ),
    ("Jl. Diponegoro", "Depan Kantor Pos", 0.9085, 108.9860),
    ("Jl. Niaga", "Pertokoan Jl. Niaga", 0.9060, 108.9838),
    ("Pasar Hongkong", "Pasar Hongkong", 0.9043, 108.9821),
    (
        "Bundaran Tugu Bambu",
        "Bundaran Jl. Alianyang",
        0.9140,
        108.9905,
    ),
    ("Jl. GM Situt", "Simpang Jl. GM Situt", 0.9012, 108.9790),
    ("Alun-alun Kota", "Jl. Merdeka", 0.9098, 108.9873),
    ("Pantai Pasir Panjang", "Gerbang pantai", 0.8267, 108.8900),
    ("Terminal Induk", "Jl. Kalimantan", 0.9250, 108.9950),
    ("Simpang Jl. Sejahtera", "Jl. Sejahtera", 0.9180, 108.9770),
    ("Vihara Tri Dharma", "Jl. Sekolah", 0.9075, 108.9852),
    ("Jl. Yos Sudarso", "Depan RSUD", 0.8990, 108.9800),
];

/// Adds the demo cameras to an empty registry; returns how many.
pub async fn seed(db: &Db) -> Result<usize, CameraStoreError> {
    if !store::versions(db).await?.is_empty() {
        return Ok(0);
    }
    for (name, location, latitude, longitude) in CAMERAS {
        let slug: String = name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let input = CameraInput {
            name: name.into(),
            location: Some(location.into()),
            latitude: Some(latitude),
            longitude: Some(longitude),
            kind: "simulated".into(),
            url: format!("sim://{slug}"),
            enabled: true,
            ..CameraInput::default()
        };
        let entry = registry::parse(&input).expect("the demo cameras are valid registry entries");
        store::insert(db, &entry, Utc::now()).await?;
    }
    Ok(CAMERAS.len())
}
