//! The `--budget-usd` guard: a call starts only if what is spent plus the
//! estimate of everything in flight (this call included) stays within it.

use std::sync::Mutex;

#[derive(Debug)]
pub struct Budget {
    limit: Option<f64>,
    state: Mutex<Spend>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Spend {
    spent: f64,
    reserved: f64,
}

impl Budget {
    pub fn new(limit: Option<f64>) -> Self {
        Budget {
            limit,
            state: Mutex::new(Spend::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Spend> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reserve the estimated cost of a call; `false` when it would cross
    /// the budget.
    pub fn reserve(&self, estimate: f64) -> bool {
        let mut s = self.lock();
        if let Some(limit) = self.limit
            && s.spent + s.reserved + estimate > limit
        {
            return false;
        }
        s.reserved += estimate;
        true
    }

    /// Replace a reservation by what the call actually cost.
    pub fn settle(&self, estimate: f64, actual: f64) {
        let mut s = self.lock();
        s.reserved = (s.reserved - estimate).max(0.0);
        s.spent += actual;
    }

    pub fn spent(&self) -> f64 {
        self.lock().spent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_call_whose_estimate_would_cross_the_limit() {
        let b = Budget::new(Some(1.0));
        assert!(b.reserve(0.4));
        assert!(b.reserve(0.4));
        assert!(!b.reserve(0.4), "0.8 in flight + 0.4 > 1.0");
        b.settle(0.4, 0.1);
        assert!(b.reserve(0.4), "0.1 spent + 0.4 + 0.4 <= 1.0");
        assert!((b.spent() - 0.1).abs() < 1e-12);
        assert!(Budget::new(None).reserve(1e9));
    }
}
