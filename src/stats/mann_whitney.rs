//! Mann-Whitney U test (normal approximation with tie and continuity
//! correction) and its effect size, Cliff's delta.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

/// The result of comparing sample `a` with sample `b`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MannWhitney {
    /// U statistic of sample `a` (pairs where a > b, ties counting one half).
    pub u: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// Cliff's delta, P(a > b) - P(a < b), in -1..=1.
    pub cliffs_delta: f64,
}

/// Compares two samples; `None` when either is empty or all values are equal
/// (no variance, so no test).
pub fn mann_whitney(a: &[f64], b: &[f64]) -> Option<MannWhitney> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let (rank_sum_a, tie_term) = rank_sum_of_first(a, b);
    let u = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    let n = n1 + n2;
    let variance = n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if variance <= 0.0 {
        return None;
    }
    let mean = n1 * n2 / 2.0;
    let z = ((u - mean).abs() - 0.5).max(0.0) / variance.sqrt();
    let normal = Normal::standard();
    let p = (2.0 * (1.0 - normal.cdf(z))).clamp(0.0, 1.0);
    Some(MannWhitney {
        u,
        p,
        cliffs_delta: 2.0 * u / (n1 * n2) - 1.0,
    })
}

/// Sum of the mid-ranks of `a` in the pooled sample, and the tie correction
/// term sum(t^3 - t) over groups of tied values.
fn rank_sum_of_first(a: &[f64], b: &[f64]) -> (f64, f64) {
    let mut pooled: Vec<(f64, bool)> = a
        .iter()
        .map(|&v| (v, true))
        .chain(b.iter().map(|&v| (v, false)))
        .collect();
    pooled.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut rank_sum = 0.0;
    let mut tie_term = 0.0;
    let mut start = 0;
    while start < pooled.len() {
        let end = pooled[start..]
            .iter()
            .position(|p| p.0 != pooled[start].0)
            .map_or(pooled.len(), |off| start + off);
        let mid_rank = (start + 1 + end) as f64 / 2.0;
        let in_a = pooled[start..end].iter().filter(|p| p.1).count() as f64;
        rank_sum += mid_rank * in_a;
        let t = (end - start) as f64;
        tie_term += t * t * t - t;
        start = end;
    }
    (rank_sum, tie_term)
}

/// Median of a sample; `None` when empty.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separated_samples_match_scipy_asymptotic() {
        // scipy.stats.mannwhitneyu([1..5], [6..10], method="asymptotic") -> U=0, p=0.012186
        let r = mann_whitney(&[1., 2., 3., 4., 5.], &[6., 7., 8., 9., 10.]).expect("test");
        assert_eq!(r.u, 0.0);
        assert!((r.p - 0.012186).abs() < 1e-5, "{r:?}");
        assert_eq!(r.cliffs_delta, -1.0);
    }

    #[test]
    fn ties_use_mid_ranks_and_tie_correction() {
        // Reference (tie-corrected normal approximation): U=6, p=0.198829, delta=-0.52
        let r = mann_whitney(&[1., 2., 2., 3., 4.], &[2., 3., 3., 5., 6.]).expect("test");
        assert_eq!(r.u, 6.0);
        assert!((r.p - 0.198829).abs() < 1e-5, "{r:?}");
        assert!((r.cliffs_delta + 0.52).abs() < 1e-12);
    }

    #[test]
    fn degenerate_samples_give_no_test() {
        assert!(mann_whitney(&[], &[1.0]).is_none());
        assert!(mann_whitney(&[2.0, 2.0], &[2.0]).is_none());
    }

    #[test]
    fn median_of_even_and_odd_samples() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}
