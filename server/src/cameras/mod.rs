//! The CCTV status feed: the camera registry, the probes, the live feed and its API.

pub mod api;
pub mod csv;
pub mod demo;
pub mod monitor;
pub mod probe;
pub mod registry;
pub mod store;

pub use monitor::Monitor;
pub use probe::ProbeSettings;
