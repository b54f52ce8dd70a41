//! What a client may send and hold: the numbers the accept loop ([`crate::serve`]), the router
//! and the error answers share.

use std::time::Duration;

/// Requests that take longer are cut with 408 (the event stream excepted).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest request body accepted.
pub const BODY_LIMIT: usize = 512 * 1024;

/// What one connection may hold. See the module's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub header_timeout: Duration,
    pub write_stall: Duration,
    pub max_connections: usize,
    /// At most this many connections from one address (a trusted proxy excepted): one client
    /// cannot take every slot. An office behind one NAT address with 30 people in 6 tabs fits.
    pub max_per_address: usize,
    /// Mutations one user may push per minute (a burst of as many, refilled evenly).
    pub mutations_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            write_stall: Duration::from_secs(30),
            max_connections: 4096,
            max_per_address: 256,
            mutations_per_minute: 600,
        }
    }
}
