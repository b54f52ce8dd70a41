//! Sync: the event log as the source of truth, idempotent push, pull and the live event stream.

pub mod api;
pub mod store;
pub mod stream;

pub use store::{Outcome, Store, StoreError};
pub use stream::Hub;
