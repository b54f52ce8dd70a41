//! The ids of cards and mutations, who and from where, and where a card is.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::request::Bounded;
use crate::domain::sop::{EndState, StepId, Target};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CardId(pub Uuid);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MutationId(pub Uuid);

/// A person's user name or display name.
pub type Actor = Bounded<100>;
/// The browser or screen a change came from.
pub type DeviceId = Bounded<100>;

/// Where a card is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Step(StepId),
    Ended(EndState),
}

impl From<Target> for Stage {
    fn from(target: Target) -> Stage {
        match target {
            Target::Step(step) => Stage::Step(step),
            Target::End(end) => Stage::Ended(end),
        }
    }
}
