//! The distribution of call durations in fixed bins relative to the
//! short-call threshold, so it streams and the split is always a bin edge.

use serde::{Deserialize, Serialize};

/// Bins per threshold width.
const BINS_PER_THRESHOLD: usize = 5;
/// The last regular bin ends at this many thresholds; longer calls overflow.
const SPAN_THRESHOLDS: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DurationHistogram {
    pub threshold_s: f64,
    pub bins: Vec<Bin>,
    /// Calls without a known duration (not in any bin).
    pub unknown: u64,
}

/// Calls with `from_s <= duration < to_s`; `to_s` is `None` for the overflow bin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub from_s: f64,
    pub to_s: Option<f64>,
    pub calls: u64,
}

impl DurationHistogram {
    pub fn new(threshold_s: f64) -> Self {
        let width = threshold_s / BINS_PER_THRESHOLD as f64;
        let regular = BINS_PER_THRESHOLD * SPAN_THRESHOLDS;
        let mut bins: Vec<Bin> = (0..regular)
            .map(|i| Bin {
                from_s: width * i as f64,
                to_s: Some(width * (i + 1) as f64),
                calls: 0,
            })
            .collect();
        bins.push(Bin {
            from_s: width * regular as f64,
            to_s: None,
            calls: 0,
        });
        DurationHistogram {
            threshold_s,
            bins,
            unknown: 0,
        }
    }

    pub fn add(&mut self, duration_s: Option<f64>) {
        let Some(d) = duration_s.filter(|d| d.is_finite() && *d >= 0.0) else {
            self.unknown += 1;
            return;
        };
        let idx = self
            .bins
            .iter()
            .position(|b| b.to_s.is_none_or(|to| d < to))
            .unwrap_or(self.bins.len() - 1);
        self.bins[idx].calls += 1;
    }

    pub fn total(&self) -> u64 {
        self.bins.iter().map(|b| b.calls).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_is_a_bin_edge_and_overflow_catches_long_calls() {
        let mut h = DurationHistogram::new(300.0);
        for d in [0.0, 59.9, 299.0, 300.0, 899.0, 5000.0] {
            h.add(Some(d));
        }
        h.add(None);
        h.add(Some(f64::NAN));
        assert_eq!(h.bins.len(), 16);
        assert_eq!(h.bins[0].calls, 2);
        assert_eq!(h.bins[4].calls, 1);
        assert_eq!(h.bins[5].from_s, 300.0);
        assert_eq!(h.bins[5].calls, 1);
        assert_eq!(h.bins[14].calls, 1);
        assert_eq!(h.bins[15].calls, 1);
        assert_eq!(h.unknown, 2);
        assert_eq!(h.total(), 6);
    }
}
