//! Counts of a numeric value per side (e.g. converted / lost) in a bounded
//! number of ordered bins. Mann-Whitney and medians are read from the counts,
//! so memory depends on the number of distinct values, never on the number of
//! calls.
//!
//! Values are counted exactly (at f32 precision, as the statistics always
//! compared them) until more than [`MAX_BINS`] distinct values arrive. Then
//! they are floored onto a decimal grid of 10^-6, and the grid is widened
//! tenfold (10^-5, 10^-4, ... 1, 10, ...) until the bins fit. Every bin at
//! every width is computed from the same 10^-6 grid, so the final bins do not
//! depend on the order values arrive in. Integer metrics and whole-second
//! durations stay exact while they have at most [`MAX_BINS`] distinct values.
//! A grid bin reads as the mean of the values counted in it.

use std::collections::BTreeMap;

/// Most distinct bins kept per counted value.
pub const MAX_BINS: usize = 4096;
/// Values per unit on the finest grid (10^-6).
const FINE_PER_UNIT: f64 = 1e6;
/// The widest grid, 10^18 fine steps, holds every i64 in a few bins.
const MAX_LEVEL: u32 = 18;

/// How many values of each side fell in one bin, and their sums.
#[derive(Debug, Clone, Copy)]
struct Bin<const N: usize> {
    counts: [u64; N],
    sums: [f64; N],
}

impl<const N: usize> Default for Bin<N> {
    fn default() -> Self {
        Bin {
            counts: [0; N],
            sums: [0.0; N],
        }
    }
}

impl<const N: usize> Bin<N> {
    fn merge(&mut self, other: Bin<N>) {
        for side in 0..N {
            self.counts[side] += other.counts[side];
            self.sums[side] += other.sums[side];
        }
    }
}

/// Ordered value counts for `N` sides.
#[derive(Debug)]
pub struct ValueCounts<const N: usize> {
    /// `None`: keys are exact values (order-preserving bits); `Some(level)`:
    /// keys are `floor(value * 10^6) div 10^level`.
    level: Option<u32>,
    bins: BTreeMap<i64, Bin<N>>,
}

impl<const N: usize> Default for ValueCounts<N> {
    fn default() -> Self {
        ValueCounts {
            level: None,
            bins: BTreeMap::new(),
        }
    }
}

impl<const N: usize> ValueCounts<N> {
    /// Counts `value` on `side` (0-based; sides out of range are ignored).
    pub fn add(&mut self, side: usize, value: f64) {
        if side >= N {
            return;
        }
        let value = f64::from(value as f32);
        let bin = self.bins.entry(self.key(value)).or_default();
        bin.counts[side] += 1;
        bin.sums[side] += value;
        while self.bins.len() > MAX_BINS && self.level != Some(MAX_LEVEL) {
            self.coarsen();
        }
    }

    /// How many values were counted on `side`.
    pub fn count(&self, side: usize) -> u64 {
        self.bins.values().filter_map(|b| b.counts.get(side)).sum()
    }

    /// The counts of every bin, smallest values first.
    pub fn bins(&self) -> impl Iterator<Item = [u64; N]> + '_ {
        self.bins.values().map(|b| b.counts)
    }

    /// Median of one side (mean of the two middle values for an even count);
    /// `None` when that side is empty.
    pub fn median(&self, side: usize) -> Option<f64> {
        let n = self.count(side);
        if n == 0 {
            return None;
        }
        let upper = self.nth(side, n / 2)?;
        Some(if n.is_multiple_of(2) {
            (self.nth(side, n / 2 - 1)? + upper) / 2.0
        } else {
            upper
        })
    }

    /// Mean of one side; `None` when that side is empty.
    pub fn mean(&self, side: usize) -> Option<f64> {
        let n = self.count(side);
        let sum: f64 = self.bins.values().filter_map(|b| b.sums.get(side)).sum();
        (n > 0).then(|| sum / n as f64)
    }

    /// The value of the `index`-th smallest value of one side.
    fn nth(&self, side: usize, index: u64) -> Option<f64> {
        let mut seen = 0;
        for (&key, bin) in &self.bins {
            let count = *bin.counts.get(side)?;
            seen += count;
            if seen > index {
                return Some(match self.level {
                    None => from_ordered_bits(key),
                    Some(_) => bin.sums[side] / count as f64,
                });
            }
        }
        None
    }

    fn key(&self, value: f64) -> i64 {
        match self.level {
            None => ordered_bits(value),
            Some(level) => grid_key(value, level),
        }
    }

    /// Widens the grid one step, merging bins that fall together.
    fn coarsen(&mut self) {
        let level = self.level.map_or(0, |l| l + 1);
        let exact = self.level.is_none();
        for (key, bin) in std::mem::take(&mut self.bins) {
            let key = if exact {
                grid_key(from_ordered_bits(key), level)
            } else {
                key.div_euclid(10)
            };
            self.bins.entry(key).or_default().merge(bin);
        }
        self.level = Some(level);
    }
}

/// The bin of `value` on the grid of 10^(level - 6); saturates far outside
/// the i64 range, which keeps the order.
fn grid_key(value: f64, level: u32) -> i64 {
    ((value * FINE_PER_UNIT).floor() as i64).div_euclid(10_i64.pow(level))
}

/// An i64 ordered like `f64::total_cmp` orders the values.
fn ordered_bits(value: f64) -> i64 {
    flip_negatives(value.to_bits() as i64)
}

fn from_ordered_bits(key: i64) -> f64 {
    f64::from_bits(flip_negatives(key) as u64)
}

/// Reverses the magnitude bits of negative values; its own inverse, as the
/// sign bit is kept.
fn flip_negatives(bits: i64) -> i64 {
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn exact_counts_read_back_medians_and_keep_order_of_negatives() {
        let mut c = ValueCounts::<2>::default();
        for v in [3.0, -1.5, 2.0, 2.0, -0.0, 0.0] {
            c.add(0, v);
        }
        c.add(1, 7.0);
        assert_eq!(c.count(0), 6);
        assert_eq!(c.count(1), 1);
        assert_eq!(c.median(0), Some(1.0));
        assert_eq!(c.median(1), Some(7.0));
        assert_eq!(c.mean(0), Some(5.5 / 6.0));
        let first: Vec<[u64; 2]> = c.bins().take(2).collect();
        assert_eq!(first, vec![[1, 0], [1, 0]], "-1.5 then -0.0");
        assert_eq!(ValueCounts::<1>::default().median(0), None);
    }

    #[test]
    fn many_distinct_values_are_merged_into_bounded_bins_whatever_the_order() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut values: Vec<f64> = (0..50_000).map(|_| rng.gen_range(0.0..1000.0)).collect();
        let mut forward = ValueCounts::<1>::default();
        values.iter().for_each(|&v| forward.add(0, v));
        values.shuffle(&mut rng);
        let mut shuffled = ValueCounts::<1>::default();
        values.iter().for_each(|&v| shuffled.add(0, v));
        let bins = forward.bins().count();
        assert!(bins <= MAX_BINS && bins > MAX_BINS / 10, "{bins} bins");
        assert_eq!(forward.count(0), 50_000);
        assert_eq!(
            forward.bins().collect::<Vec<_>>(),
            shuffled.bins().collect::<Vec<_>>()
        );
        values.sort_by(f64::total_cmp);
        let exact = (values[24_999] + values[25_000]) / 2.0;
        let median = forward.median(0).expect("median");
        assert!((median - exact).abs() < 1.0, "{median} vs {exact}");
    }
}
