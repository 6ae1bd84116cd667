//! Graceful Ctrl-C: the first request stops new work and lets requests in
//! flight finish; the second aborts them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    stop: AtomicBool,
    abort: AtomicBool,
    notify: Notify,
}

impl Shutdown {
    /// No new requests; in-flight ones finish.
    pub fn stop(&self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    /// Drop the requests in flight too.
    pub fn abort(&self) {
        self.inner.abort.store(true, Ordering::SeqCst);
        self.stop();
    }

    /// One more Ctrl-C: stop the first time, abort the second.
    pub fn escalate(&self) {
        if self.is_stopping() {
            self.abort();
        } else {
            self.stop();
        }
    }

    pub fn is_stopping(&self) -> bool {
        self.inner.stop.load(Ordering::SeqCst)
    }

    pub fn is_aborted(&self) -> bool {
        self.inner.abort.load(Ordering::SeqCst)
    }

    async fn until(&self, flag: impl Fn(&Self) -> bool) {
        loop {
            let notified = self.inner.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if flag(self) {
                return;
            }
            notified.await;
        }
    }

    pub async fn stopped(&self) {
        self.until(Self::is_stopping).await;
    }

    pub async fn aborted(&self) {
        self.until(Self::is_aborted).await;
    }

    /// Escalate on every Ctrl-C until aborted (spawn it next to `run`).
    pub async fn listen_ctrl_c(self) {
        while !self.is_aborted() {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            self.escalate();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn first_escalation_stops_second_aborts() {
        let s = Shutdown::default();
        let waiter = tokio::spawn({
            let s = s.clone();
            async move { s.aborted().await }
        });
        s.escalate();
        assert!(s.is_stopping() && !s.is_aborted());
        s.stopped().await;
        s.escalate();
        assert!(s.is_aborted());
        waiter.await.expect("aborted() returns");
    }
}
