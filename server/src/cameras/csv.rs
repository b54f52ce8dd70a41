//! The registry's CSV import: a header line names the columns, each later line is a camera.

use pantau_core::api::cameras::coordinate;

use super::registry::{CameraInput, FieldText};

/// The columns the import knows.
pub const COLUMNS: [&str; 9] = [
    "name",
    "location",
    "latitude",
    "longitude",
    "kind",
    "url",
    "username",
    "password",
    "enabled",
];

/// At most this many cameras in one file.
pub const MAX_ROWS: usize = 5000;

/// A data line's number and its camera, or what is wrong with it.
pub type Row = (u64, Result<CameraInput, FieldText>);

/// Each data line with its line number (the header is line 1) and its camera, or what is wrong with
/// it. A file whose header is unusable is refused as a whole.
pub fn parse(text: &str) -> Result<Vec<Row>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("baris judul tidak terbaca / cannot read the header line: {e}"))?
        .iter()
        .map(|h| h.to_lowercase())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(format!(
            "file kosong: baris pertama menamai kolom / empty file: the first line names the columns ({})",
            COLUMNS.join(",")
        ));
    }
    if let Some(unknown) = header.iter().find(|h| !COLUMNS.contains(&h.as_str())) {
        return Err(format!(
            "kolom {unknown:?} tidak dikenal / unknown column {unknown:?}; columns: {}",
            COLUMNS.join(",")
        ));
    }
    for required in ["name", "kind", "url"] {
        if !header.iter().any(|h| h == required) {
            return Err(format!(
                "kolom {required:?} wajib ada / the column {required:?} is required"
            ));
        }
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        if rows.len() >= MAX_ROWS {
            return Err(format!(
                "paling banyak {MAX_ROWS} kamera per file / at most {MAX_ROWS} cameras per file"
            ));
        }
        // From the byte offset (the reader's own line count skips blank lines; its offset points
        // before them).
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .and_then(|p| {
                let rest = text.get(p.byte() as usize..)?;
                let start = text.len() - rest.trim_start_matches(['\r', '\n']).len();
                text.get(..start)
            })
            .map_or(i as u64 + 2, |before| {
                before.matches('\n').count() as u64 + 1
            });
        let row = match record {
            Ok(record) if record.iter().all(str::is_empty) => continue,
            Ok(record) => camera(&header, &record),
            Err(e) => Err(FieldText::new(
                "line",
                format!("baris tidak terbaca / unreadable line: {e}"),
            )),
        };
        rows.push((line, row));
    }
    Ok(rows)
}

fn camera(header: &[String], record: &csv::StringRecord) -> Result<CameraInput, FieldText> {
    let get = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .and_then(|i| record.get(i))
            .filter(|v| !v.is_empty())
    };
    let number = |field: &str| coordinate(field, get(field).unwrap_or(""));
    let enabled = match get("enabled").map(str::to_lowercase).as_deref() {
        None | Some("1" | "ya" | "yes" | "true" | "aktif") => true,
        Some("0" | "tidak" | "no" | "false" | "nonaktif") => false,
        Some(other) => {
            return Err(FieldText::new(
                "enabled",
                format!("{other:?}: ya atau tidak / {other:?}: yes or no"),
            ));
        }
    };
    Ok(CameraInput {
        name: get("name").unwrap_or("").to_owned(),
        location: get("location").map(str::to_owned),
        latitude: number("latitude")?,
        longitude: number("longitude")?,
        kind: get("kind").unwrap_or("").to_owned(),
        url: get("url").unwrap_or("").to_owned(),
        username: get("username").map(str::to_owned),
        password: get("password").map(str::to_owned),
        enabled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_with_their_line_and_problem() {
        let text = "name,kind,url,latitude,longitude\n\
                    Simpang Tugu Naga,rtsp,rtsp://10.0.0.21/s1,0.9,108.98\n\
                    \n\
                    Jl. Niaga,rtsp,rtsp://10.0.0.22/s1,utara,108.9\n\
                    \"Pasar, Hongkong\",tcp,tcp://10.0.0.23:554,,\n";
        let rows = parse(text).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.as_ref().unwrap().latitude, Some(0.9));
        assert_eq!(rows[1].0, 4);
        assert_eq!(rows[1].1.as_ref().unwrap_err().field, "latitude");
        assert_eq!(rows[2].1.as_ref().unwrap().name, "Pasar, Hongkong");
    }

    #[test]
    fn an_unusable_header_refuses_the_file() {
        assert!(parse("").unwrap_err().contains("empty file"));
        assert!(parse("name,colour\n").unwrap_err().contains("colour"));
        assert!(parse("name,kind\n").unwrap_err().contains("url"));
    }
}
