//! Agreement figures: confusion counts with precision, recall and F1 (absent
//! when undefined, never 0), their 95 % intervals by a bootstrap over calls
//! (sentences of one call are not independent), and accuracy with Cohen's
//! kappa for call-level labels.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Bootstrap resamples; the seed makes `eval` reproducible.
const RESAMPLES: usize = 1000;
const SEED: u64 = 20_241_202;

/// Counts of one detector against the labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Confusion {
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    pub tn: u64,
}

impl Confusion {
    pub fn add(&mut self, truth: bool, predicted: bool) {
        match (truth, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    fn plus(self, o: Confusion) -> Confusion {
        Confusion {
            tp: self.tp + o.tp,
            fp: self.fp + o.fp,
            fn_: self.fn_ + o.fn_,
            tn: self.tn + o.tn,
        }
    }

    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// F1; absent when there is neither a labelled nor a detected positive.
    pub fn f1(&self) -> Option<f64> {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// 95 % percentile intervals of precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Intervals {
    pub precision: Option<[f64; 2]>,
    pub recall: Option<[f64; 2]>,
    pub f1: Option<[f64; 2]>,
}

/// Bootstrap over calls: `per_call` holds each call's counts.
pub fn bootstrap(per_call: &[Confusion]) -> Intervals {
    if per_call.is_empty() {
        return Intervals::default();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut samples: [Vec<f64>; 3] = Default::default();
    for _ in 0..RESAMPLES {
        let total = (0..per_call.len())
            .map(|_| per_call[rng.gen_range(0..per_call.len())])
            .fold(Confusion::default(), Confusion::plus);
        let figures = [total.precision(), total.recall(), total.f1()];
        for (s, f) in samples.iter_mut().zip(figures) {
            s.extend(f);
        }
    }
    let [p, r, f] = samples.map(percentile_interval);
    Intervals {
        precision: p,
        recall: r,
        f1: f,
    }
}

fn percentile_interval(mut v: Vec<f64>) -> Option<[f64; 2]> {
    if v.len() < RESAMPLES / 2 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    Some([at(0.025), at(0.975)])
}

/// Call-level agreement of one field.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Agreement {
    pub n: u64,
    pub accuracy: Option<f64>,
    pub kappa: Option<f64>,
    /// labelled value -> stored value -> count.
    pub confusion: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Agreement {
    pub fn add(&mut self, truth: &str, stored: &str) {
        self.n += 1;
        *self
            .confusion
            .entry(truth.to_string())
            .or_default()
            .entry(stored.to_string())
            .or_default() += 1;
    }

    /// Fills accuracy and Cohen's kappa from the counts (kappa absent when
    /// chance agreement is total, e.g. one value on both sides).
    pub fn finish(&mut self) {
        if self.n == 0 {
            return;
        }
        let n = self.n as f64;
        let mut stored_totals: BTreeMap<&str, u64> = BTreeMap::new();
        let mut agree = 0u64;
        for (truth, row) in &self.confusion {
            for (stored, c) in row {
                *stored_totals.entry(stored).or_default() += c;
                if truth == stored {
                    agree += c;
                }
            }
        }
        let observed = agree as f64 / n;
        let chance: f64 = self
            .confusion
            .iter()
            .map(|(truth, row)| {
                let truth_total: u64 = row.values().sum();
                let stored_total = stored_totals.get(truth.as_str()).copied().unwrap_or(0);
                truth_total as f64 * stored_total as f64 / (n * n)
            })
            .sum();
        self.accuracy = Some(observed);
        self.kappa = (chance < 1.0).then(|| (observed - chance) / (1.0 - chance));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_recall_f1_and_undefined_cases() {
        let c = Confusion {
            tp: 3,
            fp: 1,
            fn_: 2,
            tn: 10,
        };
        assert_eq!(c.precision(), Some(0.75));
        assert_eq!(c.recall(), Some(0.6));
        assert!((c.f1().unwrap() - 6.0 / 9.0).abs() < 1e-12);
        let none = Confusion {
            tn: 5,
            ..Confusion::default()
        };
        assert_eq!(
            (none.precision(), none.recall(), none.f1()),
            (None, None, None)
        );
    }

    #[test]
    fn bootstrap_interval_contains_the_estimate() {
        let calls: Vec<Confusion> = (0..40)
            .map(|i| Confusion {
                tp: (i % 3) as u64,
                fp: (i % 2) as u64,
                fn_: (i % 4 == 0) as u64,
                tn: 5,
            })
            .collect();
        let total = calls
            .iter()
            .copied()
            .fold(Confusion::default(), Confusion::plus);
        let [lo, hi] = bootstrap(&calls).f1.unwrap();
        let f1 = total.f1().unwrap();
        assert!(lo < f1 && f1 < hi, "{lo} {f1} {hi}");
        assert_eq!(bootstrap(&calls), bootstrap(&calls));
    }

    #[test]
    fn kappa_of_known_table() {
        // 2x2: agree 20+15, disagree 5+10, n = 50 -> po 0.7, pe 0.5, kappa 0.4.
        let mut a = Agreement::default();
        for (t, s, n) in [
            ("yes", "yes", 20),
            ("yes", "no", 5),
            ("no", "yes", 10),
            ("no", "no", 15),
        ] {
            (0..n).for_each(|_| a.add(t, s));
        }
        a.finish();
        assert_eq!(a.accuracy, Some(0.7));
        assert!((a.kappa.unwrap() - 0.4).abs() < 1e-12);
    }
}
