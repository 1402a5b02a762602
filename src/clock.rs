//! How host time becomes simulated time: the page's clock runs at a chosen speed
//! from an anchor, and can be paused. Pure arithmetic (no browser calls), so the
//! reducer that owns it is tested natively. Also the formats the clock is shown in.

use kubeplay_core::time::SimTime;

/// The speeds the time controls offer.
pub const SPEEDS: [u32; 4] = [1, 5, 20, 60];

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PageClock {
    /// The simulated instant that corresponded to `real_anchor`.
    sim_anchor: SimTime,
    /// Host monotonic milliseconds (`performance.now()`) at the anchor.
    real_anchor: f64,
    pub speed: u32,
    pub paused: bool,
}

impl PageClock {
    pub fn new(sim: SimTime, real_ms: f64) -> PageClock {
        PageClock { sim_anchor: sim, real_anchor: real_ms, speed: 1, paused: false }
    }

    /// Where the simulation should be at host time `real_ms`; `None` while paused.
    pub fn target(&self, real_ms: f64) -> Option<SimTime> {
        if self.paused {
            return None;
        }
        let elapsed = (real_ms - self.real_anchor).max(0.0) * self.speed as f64;
        Some(self.sim_anchor.plus_ms(elapsed as i64))
    }

    /// Restarts the mapping from `sim` at `real_ms`, so a change of speed or a
    /// pause never makes simulated time jump.
    pub fn anchored(self, sim: SimTime, real_ms: f64) -> PageClock {
        PageClock { sim_anchor: sim, real_anchor: real_ms, ..self }
    }

    /// Stopped at `sim` (which host time `real_ms` is).
    pub fn paused_at(self, sim: SimTime, real_ms: f64) -> PageClock {
        PageClock { paused: true, ..self.anchored(sim, real_ms) }
    }

    /// Running again from `sim`, without a jump.
    pub fn resumed_at(self, sim: SimTime, real_ms: f64) -> PageClock {
        PageClock { paused: false, ..self.anchored(sim, real_ms) }
    }

    pub fn with_speed(self, speed: u32, sim: SimTime, real_ms: f64) -> PageClock {
        PageClock { speed, ..self.anchored(sim, real_ms) }
    }
}

/// `10:04:05`: the time of day of a simulated instant, in UTC.
pub fn utc_clock(t: SimTime) -> String {
    let secs = t.0.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// `+4:05`, `+1:02:03`, `+2d 03:00:00`: simulated time since the session began.
pub fn elapsed(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        format!("+{d}d {h:02}:{m:02}:{sec:02}")
    } else if h > 0 {
        format!("+{h}:{m:02}:{sec:02}")
    } else {
        format!("+{m}:{sec:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_at_its_speed_and_stands_still_when_paused() {
        let c = PageClock::new(SimTime(1_000_000), 500.0);
        assert_eq!(c.target(1500.0), Some(SimTime(1_001_000)));
        let fast = c.with_speed(60, SimTime(1_001_000), 1500.0);
        assert_eq!(fast.target(2500.0), Some(SimTime(1_061_000)));
        let paused = fast.paused_at(SimTime(1_061_000), 2500.0);
        assert_eq!(paused.target(9_999.0), None);
        let resumed = paused.resumed_at(SimTime(1_061_000), 9_999.0);
        assert_eq!(resumed.target(10_999.0), Some(SimTime(1_121_000)), "still at 60x, from where it paused");
        // Host time going backwards (a suspended tab) never moves the simulation back.
        assert_eq!(c.target(0.0), Some(SimTime(1_000_000)));
    }

    #[test]
    fn formats() {
        // 2025-09-22T10:00:00Z
        assert_eq!(utc_clock(SimTime(1_758_535_200_000)), "10:00:00");
        assert_eq!(utc_clock(SimTime(1_758_535_200_000 + 3_723_000)), "11:02:03");
        assert_eq!(elapsed(65_000), "+1:05");
        assert_eq!(elapsed(3_723_000), "+1:02:03");
        assert_eq!(elapsed(2 * 86_400_000 + 3 * 3_600_000), "+2d 03:00:00");
        assert_eq!(elapsed(-5), "+0:00");
    }
}
