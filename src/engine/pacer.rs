//! Pacing to a per-minute rate of units (requests or tokens) that can change
//! while requests wait (GCRA). Waiters are served one at a time in arrival
//! order and each takes its slot only when it comes, so a rate change
//! applies to everyone still waiting, and a hold (a server asked us to wait)
//! releases the waiters one slot apart, never all at once.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

/// Longest a waiter sleeps before looking at the rate again.
const RECHECK: Duration = Duration::from_millis(20);

#[derive(Debug)]
pub struct Pacer {
    /// The waiter whose turn it is (tokio's mutex is fair: first come,
    /// first served).
    turn: tokio::sync::Mutex<()>,
    schedule: Mutex<Schedule>,
}

#[derive(Debug)]
struct Schedule {
    /// Time one unit costs; `None` = not paced.
    per_unit: Option<Duration>,
    /// Units that may go ahead of the schedule (burst tolerance).
    burst: f64,
    /// Theoretical arrival time of the next unit.
    tat: Option<Instant>,
    /// Nothing may start before this.
    hold: Option<Instant>,
}

impl Schedule {
    /// When `units` may go, or `None` if they may go now (then they are
    /// booked).
    fn book(&mut self, units: u64, now: Instant) -> Option<Instant> {
        if let Some(hold) = self.hold.filter(|h| *h > now) {
            return Some(hold);
        }
        let per_unit = self.per_unit?;
        let start = self.tat.map_or(now, |t| t.max(now));
        let end = start + per_unit.mul_f64(units as f64);
        // A request larger than the burst goes once the schedule has caught
        // up (it then books the time it costs); without this it would wait
        // for a slot that never comes.
        let tolerance = per_unit.mul_f64(self.burst.max(units as f64).max(1.0));
        match end.checked_sub(tolerance) {
            Some(at) if at > now => Some(at),
            _ => {
                self.tat = Some(end);
                None
            }
        }
    }
}

impl Pacer {
    /// `per_minute` units per minute (`None`: unpaced), allowing a burst of
    /// `burst` units.
    pub fn per_minute(per_minute: Option<f64>, burst: f64) -> Self {
        Pacer {
            turn: tokio::sync::Mutex::new(()),
            schedule: Mutex::new(Schedule {
                per_unit: per_minute.map(per_unit),
                burst,
                tat: None,
                hold: None,
            }),
        }
    }

    fn schedule(&self) -> MutexGuard<'_, Schedule> {
        self.schedule.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Change the rate; waiters use it from their next look.
    pub fn set_per_minute(&self, per_minute: Option<f64>) {
        self.schedule().per_unit = per_minute.map(per_unit);
    }

    /// Change the burst tolerance (in units).
    pub fn set_burst(&self, burst: f64) {
        self.schedule().burst = burst;
    }

    /// Wait until `units` may be used, in arrival order.
    pub async fn take(&self, units: u64) {
        let _turn = self.turn.lock().await;
        loop {
            let now = Instant::now();
            let Some(at) = self.schedule().book(units, now) else {
                return;
            };
            tokio::time::sleep_until(at.min(now + RECHECK)).await;
        }
    }

    /// Nothing may start before `until`; then the schedule resumes at the
    /// rate, one slot after another.
    pub fn hold_until(&self, until: Instant) {
        let mut s = self.schedule();
        s.hold = Some(s.hold.map_or(until, |h| h.max(until)));
        s.tat = Some(s.tat.map_or(until, |t| t.max(until)));
    }
}

fn per_unit(per_minute: f64) -> Duration {
    Duration::from_secs_f64(60.0 / per_minute.max(1e-6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn booked(p: &Pacer, n: usize) -> Vec<Instant> {
        let mut at = Instant::now();
        let mut out = Vec::new();
        while out.len() < n {
            match p.schedule().book(1, at) {
                None => out.push(at),
                Some(next) => at = next,
            }
        }
        out
    }

    #[test]
    fn a_request_larger_than_the_burst_goes_when_the_schedule_is_free() {
        let p = Pacer::per_minute(Some(6_000.0), 100.0);
        let now = Instant::now();
        assert_eq!(
            p.schedule().book(5_000, now),
            None,
            "free schedule: it goes"
        );
        // It booked 50 s of the rate: the next unit (10 ms) ends after them
        // and may start one burst (1 s) early.
        let next = p.schedule().book(1, now).expect("waits");
        assert_eq!(next - now, Duration::from_millis(50_000 + 10 - 1_000));
    }

    #[test]
    fn slots_follow_the_rate_after_the_burst() {
        let p = Pacer::per_minute(Some(600.0), 1.0);
        let slots = booked(&p, 11);
        // 10 per second: the 11th slot is one second after the first.
        let spread = slots[10] - slots[0];
        assert!(spread >= Duration::from_millis(999) && spread <= Duration::from_millis(1001));
        assert!(slots.windows(2).all(|w| w[1] > w[0]));
    }

    #[test]
    fn a_new_rate_applies_to_the_next_slot() {
        let p = Pacer::per_minute(Some(60.0), 1.0);
        let first = booked(&p, 2);
        assert!(first[1] - first[0] >= Duration::from_millis(999));
        p.set_per_minute(Some(6_000.0));
        let now = Instant::now() + Duration::from_secs(2);
        let mut s = p.schedule();
        assert_eq!(s.book(1, now), None);
        assert!(
            s.book(1, now)
                .is_some_and(|at| at - now <= Duration::from_millis(10))
        );
    }

    #[test]
    fn a_hold_moves_the_schedule_and_releases_one_slot_apart() {
        let p = Pacer::per_minute(Some(60_000.0), 1.0);
        let until = Instant::now() + Duration::from_millis(500);
        p.hold_until(until);
        let slots = booked(&p, 3);
        assert!(slots[0] >= until);
        assert!(slots[2] - slots[0] >= Duration::from_millis(1));
    }

    #[tokio::test]
    async fn unpaced_waits_only_for_a_hold() {
        let p = Pacer::per_minute(None, 1.0);
        let start = Instant::now();
        for _ in 0..100 {
            p.take(1).await;
        }
        assert!(start.elapsed() < Duration::from_millis(50));
        p.hold_until(Instant::now() + Duration::from_millis(30));
        p.take(1).await;
        assert!(start.elapsed() >= Duration::from_millis(30));
    }
}
