//! Which build of the browser bundle the server hands out: every page and file outside `/api`
//! carries `X-Pantau-Build`, a fingerprint of `pkg/` (each file's name, size and time). The service
//! worker serves `pkg/` from its cache while the cached copy is of the build the newest page names,
//! and from the network (caching it anew) otherwise: fast loads, and never an old bundle under a
//! new page after an upgrade.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

pub const BUILD_HEADER: &str = "x-pantau-build";

/// The fingerprint of the files in `pkg` (empty when there is none).
pub fn build_id(pkg: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(pkg) else {
        return String::new();
    };
    let mut files: Vec<(String, u64, u128)> = entries
        .flatten()
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let modified = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_nanos();
            Some((
                e.file_name().to_string_lossy().into_owned(),
                meta.len(),
                modified,
            ))
        })
        .collect();
    if files.is_empty() {
        return String::new();
    }
    files.sort();
    let mut hasher = DefaultHasher::new();
    files.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Adds [`BUILD_HEADER`] to everything outside `/api`.
pub async fn build_header(
    State(site_root): State<Arc<PathBuf>>,
    request: Request,
    next: Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if !api {
        let id = build_id(&site_root.join("pkg"));
        if let Ok(value) = HeaderValue::from_str(&id)
            && !id.is_empty()
        {
            response.headers_mut().insert(BUILD_HEADER, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::build_id;

    #[test]
    fn the_build_changes_with_the_bundle() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(build_id(dir.path()), "");
        std::fs::write(dir.path().join("pantau.wasm"), b"one").unwrap();
        let first = build_id(dir.path());
        assert_eq!(first.len(), 16);
        assert_eq!(build_id(dir.path()), first, "stable while nothing changes");
        std::fs::write(dir.path().join("pantau.wasm"), b"second").unwrap();
        assert_ne!(build_id(dir.path()), first);
    }
}
