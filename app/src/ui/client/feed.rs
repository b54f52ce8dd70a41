//! The live CCTV status feed in the browser: the last one is kept for a reload without network;
//! the stream keeps it current (the browser reconnects by itself and the server starts again with
//! the whole feed).

use futures::StreamExt;
use gloo_net::eventsource::futures::EventSource;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::camera::{CameraFeed, FeedChange};
use crate::ui::screen::Screen;

const KEY: &str = "pantau.cameras.v1";
/// The kept feed is written at most this often.
const SAVE_EVERY_MS: f64 = 10_000.0;

pub fn load_saved() -> Option<CameraFeed> {
    LocalStorage::get(KEY).ok()
}

pub fn forget() {
    LocalStorage::delete(KEY);
}

pub fn follow(screen: Screen) {
    let Ok(mut source) = EventSource::new(&super::http::api_url("/api/cameras/stream")) else {
        return;
    };
    let (Ok(feeds), Ok(changes)) = (source.subscribe("feed"), source.subscribe("change")) else {
        return;
    };
    let mut events = futures::stream::select(feeds, changes);
    spawn_local(async move {
        let _keep_open = source;
        let mut saved_at = 0.0;
        while let Some(Ok((kind, message))) = events.next().await {
            let Some(data) = message.data().as_string() else {
                continue;
            };
            match kind.as_str() {
                "feed" => {
                    if let Ok(feed) = serde_json::from_str::<CameraFeed>(&data) {
                        screen.cameras.set(feed);
                    }
                }
                _ => {
                    if let Ok(change) = serde_json::from_str::<FeedChange>(&data) {
                        screen.cameras.update(|f| f.apply(change));
                    }
                }
            }
            let now = js_sys::Date::now();
            if now - saved_at > SAVE_EVERY_MS {
                saved_at = now;
                screen.cameras.with_untracked(|f| {
                    let _ = LocalStorage::set(KEY, f);
                });
            }
        }
    });
}
