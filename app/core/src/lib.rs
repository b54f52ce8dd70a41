//! Pantau's core: what the browser and the server share, and nothing of either.
//!
//! - [`domain`]: the SOP "CCTV Monitoring" as plain Rust data and rules (definition, state machine,
//!   SLA clock, event reducer), compiled into the server and the browser (wasm32), so a rule is
//!   written once.
//! - [`i18n`]: the texts in Bahasa Indonesia and English, and how dates and events are said.
//! - [`api`]: the HTTP API's bodies, written and read by the server, the browser and the tests.
//! - [`account`]: who is signed in, as the server tells the browser.
//!
//! No Leptos, no I/O: it depends on serde, chrono, uuid and thiserror only.

pub mod account;
pub mod api;
pub mod domain;
pub mod i18n;
