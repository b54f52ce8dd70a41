//! The SOP "CCTV Monitoring" (Diskominfo Kota Singkawang, SOP no. 000.8.3.3/17/Al-A/2023) as plain Rust.
//! No I/O and no Leptos types: this module compiles for the server and for wasm32 alike.

pub mod sop;

pub use sop::{EndState, FLOW, Role, StepDef, StepId, Target};
