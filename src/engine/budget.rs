//! The `--budget-usd` guard. A call reserves its expected cost (prompt
//! estimate corrected by what answers so far really used, plus the expected
//! answer) and settles on its real usage. A call that does not fit waits for
//! the calls in flight to settle rather than stopping the run at once; the
//! run stops only when nothing is in flight and it still does not fit, so a
//! budget stop spends all but about one call's cost of the budget. Two
//! limits may apply: the run's (`--budget-usd`) and the output folder's
//! across runs (`[llm] budget_total_usd`, less what earlier runs spent);
//! the lower one binds.

use std::sync::{Mutex, MutexGuard};

use tokio::sync::Notify;

use super::StopReason;

/// `[llm] budget_total_usd`: the limit for every run into one output
/// folder, and what the runs before this one spent (stored in the folder).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FolderBudget {
    pub limit_usd: f64,
    pub spent_before_usd: f64,
}

impl FolderBudget {
    /// What this run may still spend.
    fn left(&self) -> f64 {
        (self.limit_usd - self.spent_before_usd).max(0.0)
    }
}

#[derive(Debug)]
pub struct Budget {
    /// What this run may spend, the lower of both limits.
    limit: Option<f64>,
    /// Why the run stops when the limit is reached.
    binding: Option<StopReason>,
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
    pub fn new(run: Option<f64>, folder: Option<FolderBudget>) -> Self {
        let run = run.map(|limit| (limit, StopReason::Budget(limit)));
        let folder = folder.map(|f| {
            let reason = StopReason::FolderBudget {
                limit_usd: f.limit_usd,
                spent_before_usd: f.spent_before_usd,
            };
            (f.left(), reason)
        });
        let (limit, binding) = match (run, folder) {
            (Some(r), Some(f)) => Some(if f.0 < r.0 { f } else { r }),
            (r, f) => r.or(f),
        }
        .unzip();
        Budget {
            limit,
            binding,
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

    /// Whether any limit applies.
    pub fn limited(&self) -> bool {
        self.limit.is_some()
    }

    /// Why the run stops once the budget is spent.
    pub fn stop_reason(&self) -> StopReason {
        self.binding.clone().unwrap_or(StopReason::Budget(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_call_that_does_not_fit_waits_for_those_in_flight() {
        let b = std::sync::Arc::new(Budget::new(Some(1.0), None));
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
        assert_eq!(Budget::new(None, None).reserve(1e9).await, Grant::Granted);
    }

    #[tokio::test]
    async fn exhausted_only_when_nothing_is_in_flight() {
        let b = Budget::new(Some(1.0), None);
        assert_eq!(b.reserve(0.6).await, Grant::Granted);
        b.settle(0.6, 0.7);
        assert_eq!(b.reserve(0.25).await, Grant::Granted);
        b.settle(0.25, 0.25);
        assert_eq!(b.reserve(0.25).await, Grant::Exhausted, "0.95 spent");
    }

    #[tokio::test]
    async fn the_lower_of_run_and_folder_budget_binds() {
        let folder = FolderBudget {
            limit_usd: 1.0,
            spent_before_usd: 0.7,
        };
        let b = Budget::new(Some(0.5), Some(folder));
        assert_eq!(
            b.reserve(0.35).await,
            Grant::Exhausted,
            "0.3 left in the folder"
        );
        assert!(matches!(b.stop_reason(), StopReason::FolderBudget { .. }));
        let b = Budget::new(Some(0.2), Some(folder));
        assert_eq!(b.stop_reason(), StopReason::Budget(0.2));
        let spent = FolderBudget {
            limit_usd: 1.0,
            spent_before_usd: 1.2,
        };
        let b = Budget::new(None, Some(spent));
        assert_eq!(b.reserve(0.01).await, Grant::Exhausted, "nothing left");
        assert!(!Budget::new(None, None).limited());
    }
}
