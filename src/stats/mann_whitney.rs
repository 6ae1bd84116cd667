//! Mann-Whitney U test (normal approximation with tie and continuity
//! correction) and its effect size, Cliff's delta, computed from ordered
//! value counts so no sample is kept.

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

/// Compares two samples given as `[count in a, count in b]` per distinct
/// value, smallest values first; `None` when either sample is empty or all
/// values are equal (no variance, so no test).
pub fn mann_whitney(bins: impl Iterator<Item = [u64; 2]>) -> Option<MannWhitney> {
    test_ranks(&RankSums::of(bins))
}

fn test_ranks(ranks: &RankSums) -> Option<MannWhitney> {
    if ranks.n1 == 0 || ranks.n2 == 0 {
        return None;
    }
    let (n1, n2) = (ranks.n1 as f64, ranks.n2 as f64);
    let u = ranks.rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    let n = n1 + n2;
    let variance = n1 * n2 / 12.0 * ((n + 1.0) - ranks.tie_term / (n * (n - 1.0)));
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

/// Sizes of both samples, the sum of the mid-ranks of `a` in the pooled
/// sample, and the tie correction term sum(t^3 - t) over tied values.
#[derive(Default)]
struct RankSums {
    n1: u64,
    n2: u64,
    rank_sum_a: f64,
    tie_term: f64,
}

impl RankSums {
    fn of(bins: impl Iterator<Item = [u64; 2]>) -> Self {
        let mut r = RankSums::default();
        for [a, b] in bins {
            let start = r.n1 + r.n2;
            let tied = a + b;
            let mid_rank = (start + 1 + start + tied) as f64 / 2.0;
            r.rank_sum_a += mid_rank * a as f64;
            let t = tied as f64;
            r.tie_term += t * t * t - t;
            r.n1 += a;
            r.n2 += b;
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::stats::value_counts::ValueCounts;

    /// The test on two samples, through their counts.
    fn counted(a: &[f64], b: &[f64]) -> Option<MannWhitney> {
        let mut c = ValueCounts::<2>::default();
        a.iter().for_each(|&v| c.add(0, v));
        b.iter().for_each(|&v| c.add(1, v));
        mann_whitney(c.bins())
    }

    /// Reference: the mid-ranks of every value of the pooled, sorted samples.
    fn from_samples(a: &[f64], b: &[f64]) -> Option<MannWhitney> {
        let mut pooled: Vec<(f64, bool)> = a
            .iter()
            .map(|&v| (v, true))
            .chain(b.iter().map(|&v| (v, false)))
            .collect();
        pooled.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut ranks = RankSums {
            n1: a.len() as u64,
            n2: b.len() as u64,
            ..RankSums::default()
        };
        let mut start = 0;
        while start < pooled.len() {
            let end = pooled[start..]
                .iter()
                .position(|p| p.0 != pooled[start].0)
                .map_or(pooled.len(), |off| start + off);
            let mid_rank = (start + 1 + end) as f64 / 2.0;
            let in_a = pooled[start..end].iter().filter(|p| p.1).count() as f64;
            ranks.rank_sum_a += mid_rank * in_a;
            let t = (end - start) as f64;
            ranks.tie_term += t * t * t - t;
            start = end;
        }
        test_ranks(&ranks)
    }

    #[test]
    fn separated_samples_match_scipy_asymptotic() {
        // scipy.stats.mannwhitneyu([1..5], [6..10], method="asymptotic") -> U=0, p=0.012186
        let r = counted(&[1., 2., 3., 4., 5.], &[6., 7., 8., 9., 10.]).expect("test");
        assert_eq!(r.u, 0.0);
        assert!((r.p - 0.012186).abs() < 1e-5, "{r:?}");
        assert_eq!(r.cliffs_delta, -1.0);
    }

    #[test]
    fn ties_use_mid_ranks_and_tie_correction() {
        // Reference (tie-corrected normal approximation): U=6, p=0.198829, delta=-0.52
        let r = counted(&[1., 2., 2., 3., 4.], &[2., 3., 3., 5., 6.]).expect("test");
        assert_eq!(r.u, 6.0);
        assert!((r.p - 0.198829).abs() < 1e-5, "{r:?}");
        assert!((r.cliffs_delta + 0.52).abs() < 1e-12);
    }

    #[test]
    fn degenerate_samples_give_no_test() {
        assert!(counted(&[], &[1.0]).is_none());
        assert!(counted(&[2.0, 2.0], &[2.0]).is_none());
    }

    #[test]
    fn counted_form_equals_sample_form_on_random_data() {
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        for round in 0..200 {
            let (na, nb) = (rng.gen_range(1..300), rng.gen_range(1..300));
            let shift = rng.gen_range(-2.0..2.0);
            // Half the rounds are small integers (many ties), half f32 reals.
            let mut draw = |offset: f64| -> f64 {
                if round % 2 == 0 {
                    f64::from(rng.gen_range(0..12_i32)) + offset.round()
                } else {
                    f64::from(rng.gen_range(-5.0_f32..5.0) + offset as f32)
                }
            };
            let a: Vec<f64> = (0..na).map(|_| draw(shift)).collect();
            let b: Vec<f64> = (0..nb).map(|_| draw(0.0)).collect();
            let (c, s) = (counted(&a, &b), from_samples(&a, &b));
            assert_eq!(c, s, "round {round}");
            let s = s.expect("varied samples");
            // U counts the pairs a > b plus half the ties.
            let pairs: f64 = a
                .iter()
                .flat_map(|x| b.iter().map(move |y| (x, y)))
                .map(|(x, y)| {
                    if x > y {
                        1.0
                    } else if x == y {
                        0.5
                    } else {
                        0.0
                    }
                })
                .sum();
            assert_eq!(s.u, pairs, "round {round}");
        }
    }
}
