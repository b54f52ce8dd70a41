//! `/api/auth/…` and `/api/kiosks`: signing in, and the wall screens' tokens. (Who is signed in:
//! [`crate::account::Me`].)

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /api/auth/login`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

/// One wall screen's token, by name (`GET /api/kiosks`, Admin); never the token itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskInfo {
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

/// `POST /api/kiosks` (Admin)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewKiosk {
    pub name: String,
}

/// The answer to `POST /api/kiosks`: the token, shown once (open `/wall?token=<token>` on the wall).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedKiosk {
    pub name: String,
    pub token: String,
}
