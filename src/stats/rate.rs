//! Proportions with their Wilson 95 % score interval. A rate over zero
//! observations is unknown (`None`), never 0.

use serde::{Deserialize, Serialize};

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// `hits` out of `n`, with the Wilson 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Rate {
    pub hits: u64,
    pub n: u64,
}

/// A Wilson score interval, both bounds in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Rate {
    pub fn new(hits: u64, n: u64) -> Self {
        Rate { hits, n }
    }

    /// Count one observation.
    pub fn record(&mut self, hit: bool) {
        self.n += 1;
        self.hits += u64::from(hit);
    }

    pub fn add(&mut self, other: Rate) {
        self.hits += other.hits;
        self.n += other.n;
    }

    /// The complement: everything in `total` that is not in `self`.
    pub fn rest_of(self, total: Rate) -> Rate {
        Rate::new(
            total.hits.saturating_sub(self.hits),
            total.n.saturating_sub(self.n),
        )
    }

    /// Point estimate; `None` when nothing was observed.
    pub fn value(&self) -> Option<f64> {
        (self.n > 0).then(|| self.hits as f64 / self.n as f64)
    }

    /// Wilson score 95 % interval; `None` when nothing was observed.
    pub fn wilson(&self) -> Option<Interval> {
        let p = self.value()?;
        let n = self.n as f64;
        let z2 = Z95 * Z95;
        let denom = 1.0 + z2 / n;
        let centre = (p + z2 / (2.0 * n)) / denom;
        let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
        Some(Interval {
            low: (centre - half).max(0.0),
            high: (centre + half).min(1.0),
        })
    }

    /// `self - other` with Newcombe's 95 % interval (from the two Wilson
    /// intervals); `None` when either rate is empty.
    pub fn difference(&self, other: &Rate) -> Option<(f64, Interval)> {
        let (p1, p2) = (self.value()?, other.value()?);
        let (a, b) = (self.wilson()?, other.wilson()?);
        let d = p1 - p2;
        Some((
            d,
            Interval {
                low: d - ((p1 - a.low).powi(2) + (b.high - p2).powi(2)).sqrt(),
                high: d + ((a.high - p1).powi(2) + (p2 - b.low).powi(2)).sqrt(),
            },
        ))
    }

    /// True when the two 95 % intervals do not overlap.
    pub fn clearly_differs(&self, other: &Rate) -> bool {
        match (self.wilson(), other.wilson()) {
            (Some(a), Some(b)) => a.low > b.high || b.low > a.high,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newcombe_difference_matches_the_reference_example() {
        // Newcombe (1998), example (a): 56/70 against 48/80 -> 0.0524..0.3339.
        let (d, ci) = Rate::new(56, 70).difference(&Rate::new(48, 80)).unwrap();
        assert!((d - 0.2).abs() < 1e-9);
        assert!((ci.low - 0.0524).abs() < 1e-3, "{ci:?}");
        assert!((ci.high - 0.3339).abs() < 1e-3, "{ci:?}");
        assert_eq!(Rate::default().difference(&Rate::new(1, 2)), None);
    }

    #[test]
    fn wilson_matches_reference_values() {
        // Newcombe (1998), Stat Med 17:857, example 81/263: 0.2553 to 0.3662.
        let ci = Rate::new(81, 263).wilson().expect("n > 0");
        assert!((ci.low - 0.2553).abs() < 1e-4, "{ci:?}");
        assert!((ci.high - 0.3662).abs() < 1e-4, "{ci:?}");
        // 0/10: lower bound is 0, upper about 0.2775.
        let ci = Rate::new(0, 10).wilson().expect("n > 0");
        assert_eq!(ci.low, 0.0);
        assert!((ci.high - 0.2775).abs() < 1e-3, "{ci:?}");
        // 10/10 mirrors it.
        let ci = Rate::new(10, 10).wilson().expect("n > 0");
        assert!((ci.low - 0.7225).abs() < 1e-3, "{ci:?}");
        assert!((ci.high - 1.0).abs() < 1e-12, "{ci:?}");
    }

    #[test]
    fn empty_rate_is_unknown_not_zero() {
        let r = Rate::default();
        assert_eq!(r.value(), None);
        assert_eq!(r.wilson(), None);
    }

    #[test]
    fn rest_of_subtracts_and_non_overlap_is_detected() {
        let total = Rate::new(40, 200);
        let group = Rate::new(30, 50);
        let rest = group.rest_of(total);
        assert_eq!(rest, Rate::new(10, 150));
        assert!(group.clearly_differs(&rest));
        assert!(!Rate::new(5, 10).clearly_differs(&Rate::new(6, 10)));
    }
}
