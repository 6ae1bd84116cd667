//! The `--budget-usd` guard. A call reserves its expected cost (prompt
//! estimate corrected by what answers so far really used, plus the expected
//! answer) and settles on its real usage. A call that does not fit waits for
//! the calls in flight to settle rather than stopping the run at once; the
//! run stops only when nothing is in flight and it still does not fit, so a
//! budget stop spends all but about one call's cost of the budget.

use std::sync::{Mutex, MutexGuard};

use tokio::sync::Notify;

#[derive(Debug)]
pub struct Budget {
    limit: Option<f64>,
    state: Mutex<Spend>,
    settled: Notify,
}

#[derive(Debug, Default, Clone, Copy)]
struct Spend {
    spent: f64,
    reserved: f64,
    in_flight: u64,
}

/// Whether a call may start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    Granted,
    /// Nothing in flight and the call still does not fit.
    Exhausted,
}

impl Budget {
    pub fn new(limit: Option<f64>) -> Self {
        Budget {
            limit,
            state: Mutex::new(Spend::default()),
            settled: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Spend> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reserve the expected cost of a call, waiting while calls in flight
    /// may still free room.
    pub async fn reserve(&self, expected: f64) -> Grant {
        loop {
            let notified = self.settled.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.try_reserve(expected) {
                Some(grant) => return grant,
                None => notified.await,
            }
        }
    }

    /// `None`: does not fit now, but calls in flight may free room.
    fn try_reserve(&self, expected: f64) -> Option<Grant> {
        let mut s = self.lock();
        let fits = self
            .limit
            .is_none_or(|limit| s.spent + s.reserved + expected <= limit);
        if fits {
            s.reserved += expected;
            s.in_flight += 1;
            return Some(Grant::Granted);
        }
        (s.in_flight == 0).then_some(Grant::Exhausted)
    }

    /// Replace a reservation by what the call actually cost.
    pub fn settle(&self, expected: f64, actual: f64) {
        {
            let mut s = self.lock();
            s.reserved = (s.reserved - expected).max(0.0);
            s.spent += actual;
            s.in_flight = s.in_flight.saturating_sub(1);
        }
        self.settled.notify_waiters();
    }

    pub fn spent(&self) -> f64 {
        self.lock().spent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_call_that_does_not_fit_waits_for_those_in_flight() {
        let b = std::sync::Arc::new(Budget::new(Some(1.0)));
        assert_eq!(b.reserve(0.4).await, Grant::Granted);
        assert_eq!(b.reserve(0.4).await, Grant::Granted);
        let waiting = {
            let b = std::sync::Arc::clone(&b);
            tokio::spawn(async move { b.reserve(0.4).await })
        };
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "0.8 in flight + 0.4 > 1.0: waits");
        b.settle(0.4, 0.1);
        assert_eq!(waiting.await.expect("joined"), Grant::Granted);
        assert!((b.spent() - 0.1).abs() < 1e-12);
        assert_eq!(Budget::new(None).reserve(1e9).await, Grant::Granted);
    }

    #[tokio::test]
    async fn exhausted_only_when_nothing_is_in_flight() {
        let b = Budget::new(Some(1.0));
        assert_eq!(b.reserve(0.6).await, Grant::Granted);
        b.settle(0.6, 0.7);
        assert_eq!(b.reserve(0.25).await, Grant::Granted);
        b.settle(0.25, 0.25);
        assert_eq!(b.reserve(0.25).await, Grant::Exhausted, "0.95 spent");
    }
}
