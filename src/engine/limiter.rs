//! Adaptive concurrency (AIMD): how many requests may be in flight. Starts
//! small, grows by one per success while saturated (doubling per round
//! trip until the first 429, then about one per window of `limit`
//! successes), halves on a 429 at most once per round trip.

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

#[derive(Debug)]
pub struct AdaptiveLimit {
    state: Mutex<State>,
    notify: Notify,
    max: usize,
}

#[derive(Debug)]
struct State {
    limit: f64,
    in_flight: usize,
    slow_start: bool,
    /// Increments on every decrease; a 429 from a request started before
    /// the last decrease does not decrease again.
    epoch: u64,
}

/// One request's slot; freed on drop.
#[derive(Debug)]
pub struct Permit {
    owner: Arc<AdaptiveLimit>,
    epoch: u64,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut s = self.owner.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
        drop(s);
        self.owner.notify.notify_waiters();
    }
}

impl AdaptiveLimit {
    pub fn new(initial: usize, max: usize) -> Arc<Self> {
        let max = max.max(1);
        Arc::new(AdaptiveLimit {
            state: Mutex::new(State {
                limit: initial.clamp(1, max) as f64,
                in_flight: 0,
                slow_start: true,
                epoch: 0,
            }),
            notify: Notify::new(),
            max,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wait for a free slot.
    pub async fn acquire(self: &Arc<Self>) -> Permit {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut s = self.lock();
                if (s.in_flight as f64) < s.limit.floor() {
                    s.in_flight += 1;
                    return Permit {
                        owner: Arc::clone(self),
                        epoch: s.epoch,
                    };
                }
            }
            notified.await;
        }
    }

    /// A request succeeded: grow if the limit was what held us back.
    pub fn on_success(&self) {
        let mut s = self.lock();
        let saturated = s.in_flight as f64 + 1.0 >= s.limit.floor();
        if saturated {
            let step = if s.slow_start { 1.0 } else { 1.0 / s.limit };
            s.limit = (s.limit + step).min(self.max as f64);
        }
        drop(s);
        self.notify.notify_waiters();
    }

    /// A request was rate limited: halve, once per round trip.
    pub fn on_rate_limited(&self, permit: &Permit) {
        let mut s = self.lock();
        if permit.epoch == s.epoch {
            s.limit = (s.limit / 2.0).max(1.0);
            s.slow_start = false;
            s.epoch += 1;
        }
    }

    pub fn current(&self) -> usize {
        self.lock().limit.floor() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn grows_while_saturated_and_halves_once_per_round() {
        let l = AdaptiveLimit::new(4, 100);
        let permits: Vec<Permit> = futures::future::join_all((0..4).map(|_| l.acquire())).await;
        l.on_success();
        assert_eq!(l.current(), 5);
        l.on_rate_limited(&permits[0]);
        l.on_rate_limited(&permits[1]);
        assert_eq!(l.current(), 2, "two 429s of the same round halve once");
        drop(permits);
        let p = l.acquire().await;
        l.on_rate_limited(&p);
        assert_eq!(l.current(), 1);
    }

    #[tokio::test]
    async fn waits_for_a_free_slot() {
        let l = AdaptiveLimit::new(1, 1);
        let first = l.acquire().await;
        let l2 = Arc::clone(&l);
        let waiter = tokio::spawn(async move { l2.acquire().await.epoch });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(first);
        assert_eq!(waiter.await.expect("joined"), 0);
    }
}
