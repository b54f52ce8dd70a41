//! The browser client: everything that speaks to the server or to the browser's storage, and
//! fills what the screen knows ([`super::screen`]). It depends on that state; the state never on it.
//!
//! - [`http`]: the API's addresses, `GET` of JSON, error answers;
//! - [`account`]: signing in and out, who is signed in;
//! - [`saved`]: the board, the queue and the person kept in localStorage, with their layout versions;
//! - [`sync`]: snapshot or catch-up, the event stream, the queue shared between tabs, the service worker;
//! - [`push`]: the queue of changes, sent in order;
//! - [`feed`]: the live CCTV status feed;
//! - [`for_you`]: what the page tells its person ("Untuk Anda").

pub mod http;

#[cfg(feature = "hydrate")]
pub mod account;
#[cfg(feature = "hydrate")]
pub mod feed;
#[cfg(feature = "hydrate")]
mod for_you;
#[cfg(feature = "hydrate")]
mod push;
#[cfg(feature = "hydrate")]
mod saved;
#[cfg(feature = "hydrate")]
mod sync;

#[cfg(feature = "hydrate")]
pub use sync::start;

use leptos::prelude::*;

use crate::domain::{Envelope, MutationId, Refusal};
use crate::ui::screen::Screen;

/// Applies a change on this screen at once (with the rules the server uses: [`Screen::submit`]) and
/// sends it to the server; refused here, nothing changes and the reason is returned.
pub fn submit(screen: Screen, envelope: Envelope) -> Result<(), Refusal> {
    screen.submit(envelope)?;
    #[cfg(feature = "hydrate")]
    push::kick(screen);
    Ok(())
}

/// An envelope from the signed-in person on this device.
pub fn envelope(
    screen: Screen,
    role: crate::domain::Role,
    override_reason: Option<crate::domain::request::LongText>,
    mutation: crate::domain::Mutation,
) -> Option<Envelope> {
    let me = screen.me.get_untracked()?;
    let text = |s: &str| crate::domain::request::Bounded::parse(crate::domain::Field::Note, s).ok();
    Some(Envelope {
        id: MutationId(new_id()),
        actor: text(&me.username)?,
        role,
        device: text(&device_name())?,
        client_time: screen.now.get_untracked(),
        override_reason,
        mutation,
    })
}

/// A random (version 4) id from the browser's cryptographic source.
pub fn new_id() -> uuid::Uuid {
    #[allow(unused_mut)]
    let mut bytes = [0u8; 16];
    #[cfg(feature = "hydrate")]
    if let Ok(crypto) = window().crypto() {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// This browser's name in the history: "browser-" and a random part, kept in localStorage.
fn device_name() -> String {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::{LocalStorage, Storage};
        const KEY: &str = "pantau.device";
        if let Ok(name) = LocalStorage::get::<String>(KEY) {
            return name;
        }
        let name = format!("browser-{}", &new_id().simple().to_string()[..8]);
        let _ = LocalStorage::set(KEY, &name);
        name
    }
    #[cfg(not(feature = "hydrate"))]
    "server".to_owned()
}
