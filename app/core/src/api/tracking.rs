//! `/api/cards/{id}/tracking` (staff): the applicant's tracking link. (What the link shows:
//! [`crate::domain::tracking::TrackView`].)

use serde::{Deserialize, Serialize};

/// A card's live tracking link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub token: String,
    /// `/lacak/<token>`
    pub path: String,
}
