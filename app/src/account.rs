//! The signed-in person as the server describes them (`GET /api/auth/me`, `POST /api/auth/login`).

use serde::{Deserialize, Serialize};

use crate::domain::Role;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// Still on its demo password: the UI shows a DEMO badge.
    pub demo: bool,
}
