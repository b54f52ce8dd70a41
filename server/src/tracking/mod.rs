//! The applicant's tracking link: staff make one for a request (`POST /api/cards/{id}/tracking`) and
//! send it; anyone holding it sees `GET /api/track/{token}` ([`TrackView`]: where the request is, for
//! how long against the standard, the schedule once confirmed), without an account. Staff can revoke
//! it (`DELETE /api/cards/{id}/tracking`); a revoked or unknown link answers the same 404.

pub mod api;
pub mod store;
