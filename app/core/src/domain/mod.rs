//! The SOP "CCTV Monitoring" (Diskominfo Kota Singkawang, SOP no. 000.8.3.3/17/Al-A/2023) as plain Rust.
//! No I/O and no Leptos types: this module compiles for the server and for wasm32 alike.

pub mod agency;
pub mod camera;
pub mod demo;
pub mod flow;
#[cfg(test)]
mod flow_props;
pub mod holidays;
pub mod kiosk;
pub mod moves;
pub mod notify;
pub mod own_agency;
pub mod record;
pub mod report;
pub mod request;
pub mod sla;
pub mod sop;
pub mod tracking;
pub mod utc;

pub use flow::{
    Applicant, Board, Card, CardId, Change, Envelope, Event, Mutation, MutationId, Refusal, Stage,
    StepOutput,
};
pub use request::{Field, FieldError, Problem, Request, RequestInput, Window};
pub use sla::{Calendar, OfficeHours, Sla, SlaConfig, SlaState};
pub use sop::{EndState, FLOW, Role, StepDef, StepId, Target};

/// `as_str()`: the name a value has in JSON (`"kabid_aptika"`, `"dikembalikan"`), for storage,
/// the API and CSS classes alike. (Read back with `str::parse`; the tests hold these names to
/// serde's, the one definition of the wire.)
macro_rules! wire_names {
    ($($name:ty),* $(,)?) => {$(
        impl $name {
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
    )*};
}

pub(crate) use wire_names;

wire_names!(
    Role,
    EndState,
    Field,
    camera::Health,
    camera::ProbeKind,
    camera::CameraStatus,
    SlaState,
);

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    /// Every variant's `as_str` is its serde name, and parses back to it.
    fn same_as_serde<T>()
    where
        T: IntoEnumIterator
            + serde::Serialize
            + std::str::FromStr
            + PartialEq
            + std::fmt::Debug
            + Copy,
        &'static str: From<T>,
    {
        for value in T::iter() {
            let name: &'static str = value.into();
            assert_eq!(serde_json::to_value(value).unwrap(), name, "{value:?}");
            assert_eq!(name.parse::<T>().ok(), Some(value), "{name}");
        }
    }

    #[test]
    fn wire_names_are_the_serde_names() {
        same_as_serde::<Role>();
        same_as_serde::<crate::api::notify::Channel>();
        same_as_serde::<crate::api::notify::DeliveryStatus>();
        same_as_serde::<EndState>();
        same_as_serde::<Field>();
        same_as_serde::<camera::Health>();
        same_as_serde::<camera::ProbeKind>();
        same_as_serde::<camera::CameraStatus>();
        same_as_serde::<SlaState>();
        assert_eq!(Role::KabidAptika.as_str(), "kabid_aptika");
        assert_eq!(EndState::Dikembalikan.as_str(), "dikembalikan");
        assert!("walikota".parse::<Role>().is_err());
    }
}
