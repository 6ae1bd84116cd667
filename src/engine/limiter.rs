//! How many requests may be in flight: a limit the rate controller resizes
//! (rate × observed latency, with headroom) under a fixed ceiling. A lower
//! limit lets requests in flight finish; it never cancels them.

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

#[derive(Debug)]
pub struct ConcurrencyLimit {
    state: Mutex<State>,
    notify: Notify,
    ceiling: usize,
}

#[derive(Debug)]
struct State {
    limit: usize,
    in_flight: usize,
}

/// One request's slot; freed on drop.
#[derive(Debug)]
pub struct Permit {
    owner: Arc<ConcurrencyLimit>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut s = self.owner.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
        drop(s);
        self.owner.notify.notify_waiters();
    }
}

impl ConcurrencyLimit {
    /// Starts at the ceiling: until latency is known, the pacer alone
    /// decides how fast requests go.
    pub fn new(ceiling: usize) -> Arc<Self> {
        let ceiling = ceiling.max(1);
        Arc::new(ConcurrencyLimit {
            state: Mutex::new(State {
                limit: ceiling,
                in_flight: 0,
            }),
            notify: Notify::new(),
            ceiling,
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
                if s.in_flight < s.limit {
                    s.in_flight += 1;
                    return Permit {
                        owner: Arc::clone(self),
                    };
                }
            }
            notified.await;
        }
    }

    /// Set the limit (at least 1, at most the ceiling).
    pub fn resize(&self, limit: usize) {
        let limit = limit.clamp(1, self.ceiling);
        let grew = {
            let mut s = self.lock();
            let grew = limit > s.limit;
            s.limit = limit;
            grew
        };
        if grew {
            self.notify.notify_waiters();
        }
    }

    pub fn current(&self) -> usize {
        self.lock().limit
    }

    pub fn in_flight(&self) -> usize {
        self.lock().in_flight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waits_for_a_free_slot_and_grows_on_resize() {
        let l = ConcurrencyLimit::new(4);
        l.resize(1);
        let first = l.acquire().await;
        let l2 = Arc::clone(&l);
        let waiter = tokio::spawn(async move { drop(l2.acquire().await) });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        l.resize(2);
        waiter.await.expect("joined");
        drop(first);
        assert_eq!(l.in_flight(), 0);
    }

    #[test]
    fn resize_stays_within_one_and_the_ceiling() {
        let l = ConcurrencyLimit::new(512);
        assert_eq!(l.current(), 512);
        l.resize(0);
        assert_eq!(l.current(), 1);
        l.resize(10_000);
        assert_eq!(l.current(), 512);
    }
}
