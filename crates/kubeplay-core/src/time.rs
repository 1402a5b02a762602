//! The simulated clock. All timestamps in the model are [`SimTime`] values; the host
//! clock is never read here (the page decides how fast simulated time runs).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;

/// Milliseconds since the Unix epoch on the simulated clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct SimTime(pub i64);

impl SimTime {
    pub const SECOND: i64 = 1_000;
    pub const MINUTE: i64 = 60 * Self::SECOND;
    pub const HOUR: i64 = 60 * Self::MINUTE;
    pub const DAY: i64 = 24 * Self::HOUR;

    pub fn plus_ms(self, ms: i64) -> SimTime {
        SimTime(self.0.saturating_add(ms))
    }

    pub fn millis_since(self, earlier: SimTime) -> i64 {
        self.0 - earlier.0
    }

    /// The Kubernetes API form of this instant (second precision, as the API server stores it).
    pub fn to_k8s(self) -> Time {
        let secs = self.0.div_euclid(1000);
        Time(Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH))
    }

    pub fn from_k8s(t: &Time) -> SimTime {
        SimTime(t.0.as_millisecond())
    }
}
