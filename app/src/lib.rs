#![recursion_limit = "256"]
//! Pantau's shared crate.
//!
//! - [`domain`]: the SOP "CCTV Monitoring" as plain Rust data and rules. No I/O, no Leptos types;
//!   compiled into both the server and the browser (wasm32), so a rule is written once.
//! - [`ui`]: the Leptos components, rendered on the server (`ssr`) and hydrated in the browser (`hydrate`).

pub mod account;
pub mod domain;
pub mod i18n;
pub mod ui;

pub use ui::{App, shell};

/// Entry point of the browser bundle: takes over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // Tells tests (and curious humans in devtools) that the page is now interactive.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
    // The bundle's memory, for the wall's soak test (which prints its size over simulated days).
    let _ = js_sys::Reflect::set(
        &leptos::prelude::window(),
        &"__pantauMemory".into(),
        &wasm_bindgen::memory(),
    );
}
