//! The server's clock: the system's, shifted by an offset only the tests and the benchmark turn
//! (they drive the SLA clock's input instead of sleeping). Every event the writer stamps and
//! every threshold the scheduler checks reads it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Debug, Default)]
pub struct Clock(Arc<AtomicI64>);

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.0.load(Ordering::Relaxed))
    }

    /// Moves the clock by `by` (forward or back), for every reader at once.
    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// Sets the clock to read `at` now.
    pub fn set(&self, at: DateTime<Utc>) {
        self.0
            .store((at - Utc::now()).num_milliseconds(), Ordering::Relaxed);
    }
}
