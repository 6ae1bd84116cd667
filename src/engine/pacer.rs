//! Rate pacing for `--rpm` / `--tpm` (GCRA: each request reserves its slot
//! on a virtual schedule, so waiting requests are served in order and the
//! rate is never exceeded), and the global pause set by `Retry-After`.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Paces units (requests or tokens) to a per-minute rate.
#[derive(Debug)]
pub struct Pacer {
    /// Time one unit costs.
    per_unit: Duration,
    /// How far ahead of schedule a request may go (burst tolerance).
    tolerance: Duration,
    /// Theoretical arrival time of the next unit.
    tat: Mutex<Option<Instant>>,
}

impl Pacer {
    /// `per_minute` units per minute, allowing a burst of `burst` units.
    pub fn per_minute(per_minute: f64, burst: f64) -> Self {
        let per_unit = Duration::from_secs_f64(60.0 / per_minute.max(1e-9));
        Pacer {
            per_unit,
            tolerance: per_unit.mul_f64(burst.max(1.0)),
            tat: Mutex::new(None),
        }
    }

    /// Reserve `units` and return when they may be used.
    fn reserve(&self, units: u64) -> Instant {
        let now = Instant::now();
        let mut tat = self.tat.lock().unwrap_or_else(|p| p.into_inner());
        let start = tat.map_or(now, |t| t.max(now));
        let cost = self.per_unit.mul_f64(units as f64);
        *tat = Some(start + cost);
        (start + cost)
            .checked_sub(self.tolerance)
            .map_or(now, |t| t.max(now))
    }

    /// Wait until `units` may be used.
    pub async fn take(&self, units: u64) {
        let at = self.reserve(units);
        tokio::time::sleep_until(at).await;
    }

    /// Nothing may start before `until` (a server asked us to wait).
    pub fn hold_until(&self, until: Instant) {
        let mut tat = self.tat.lock().unwrap_or_else(|p| p.into_inner());
        let held = until + self.tolerance;
        *tat = Some(tat.map_or(held, |t| t.max(held)));
    }
}

/// A pause every new request waits out (`Retry-After` without `--rpm`).
#[derive(Debug, Default)]
pub struct Pause {
    until: Mutex<Option<Instant>>,
}

impl Pause {
    pub fn extend(&self, until: Instant) {
        let mut u = self.until.lock().unwrap_or_else(|p| p.into_inner());
        *u = Some(u.map_or(until, |t| t.max(until)));
    }

    pub async fn wait(&self) {
        loop {
            let until = *self.until.lock().unwrap_or_else(|p| p.into_inner());
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t).await,
                _ => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_follow_the_rate_after_the_burst() {
        let p = Pacer::per_minute(600.0, 1.0);
        let slots: Vec<Instant> = (0..11).map(|_| p.reserve(1)).collect();
        // 10 per second: the 11th slot is one second after the first.
        let spread = slots[10] - slots[0];
        assert!(spread >= Duration::from_millis(999) && spread <= Duration::from_millis(1001));
        assert!(slots.windows(2).all(|w| w[1] > w[0]));
    }

    #[test]
    fn hold_moves_the_schedule() {
        let p = Pacer::per_minute(60_000.0, 1.0);
        let until = Instant::now() + Duration::from_millis(500);
        p.hold_until(until);
        assert!(p.reserve(1) >= until);
    }

    #[tokio::test]
    async fn pause_in_the_past_does_not_wait() {
        let pause = Pause::default();
        pause.extend(Instant::now());
        pause.wait().await;
        pause.extend(Instant::now() + Duration::from_millis(5));
        pause.wait().await;
        let until = pause.until.lock().expect("lock").expect("set");
        assert!(Instant::now() >= until);
    }
}
