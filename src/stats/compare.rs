//! What separates converted from lost calls, and short from long: a
//! Mann-Whitney test with Cliff's delta per numeric feature, a chi-square test
//! with Cramér's V per grouping, Benjamini-Hochberg over the whole family.
//! Only q < 0.05 with enough calls on each side is a finding; a finding is
//! headlined only when its effect is large enough to matter and it is not a
//! mechanical consequence of call length.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::chi_square::chi_square;
use super::extremes::Extremes;
use super::fdr::benjamini_hochberg;
use super::features::{Dimension, NumericFeature};
use super::groups::GroupStats;
use super::mann_whitney::mann_whitney;
use super::rate::Rate;
use super::row::CallRow;
use super::value_counts::ValueCounts;

/// The false discovery rate a finding must survive.
pub const FDR_LEVEL: f64 = 0.05;

/// The split calls are compared on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Converted (positive) vs not converted; calls with unknown outcome left out.
    Conversion,
    /// Short (positive) vs long; only analysed calls with a known duration.
    Shortness,
}

impl Target {
    pub fn positive(self) -> &'static str {
        match self {
            Target::Conversion => "converted",
            Target::Shortness => "short",
        }
    }

    pub fn negative(self) -> &'static str {
        match self {
            Target::Conversion => "not converted",
            Target::Shortness => "long",
        }
    }

    /// The group rate this target reads.
    pub fn rate_of(self, g: &GroupStats) -> Rate {
        match self {
            Target::Conversion => g.conversion,
            Target::Shortness => g.short,
        }
    }

    /// Example calls of a group on the positive or the negative side.
    pub fn examples_of(self, g: &GroupStats, positive: bool) -> &[String] {
        match (self, positive) {
            (Target::Conversion, true) => &g.converted_examples,
            (Target::Conversion, false) => &g.lost_examples,
            (Target::Shortness, true) => &g.short_examples,
            (Target::Shortness, false) => &g.long_examples,
        }
    }
}

/// One test and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub target: Target,
    pub detail: ComparisonDetail,
    pub p: f64,
    /// Benjamini-Hochberg q-value across every test of the run.
    pub q: f64,
    /// q < 0.05 and enough calls on each side.
    pub finding: bool,
    /// The effect reaches the configured minimum that matters.
    pub practical: bool,
    /// A consequence of call length (short calls have fewer turns), not news.
    pub mechanical: bool,
}

/// The smallest effects worth reporting (`[analysis] min_effect_*`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EffectBar {
    /// Difference between two rates, 0..=1.
    pub rate_difference: f64,
    /// |Cliff's delta|.
    pub cliffs_delta: f64,
}

impl Comparison {
    /// A finding that matters and is not mechanical: one for the summary.
    pub fn headline(&self) -> bool {
        self.finding && self.practical && !self.mechanical
    }

    /// Does the effect reach `bar`?
    fn reaches(&self, bar: EffectBar) -> bool {
        match &self.detail {
            ComparisonDetail::Numeric(n) => n.cliffs_delta.abs() >= bar.cliffs_delta,
            ComparisonDetail::Categorical(k) => {
                let gap =
                    k.highest.rate.value().unwrap_or(0.0) - k.lowest.rate.value().unwrap_or(0.0);
                gap >= bar.rate_difference
            }
        }
    }

    /// Size of the effect on a 0..=1 scale: |Cliff's delta| or Cramér's V.
    pub fn effect(&self) -> f64 {
        match &self.detail {
            ComparisonDetail::Numeric(n) => n.cliffs_delta.abs(),
            ComparisonDetail::Categorical(k) => k.cramers_v,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComparisonDetail {
    Numeric(NumericComparison),
    Categorical(CategoricalComparison),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericComparison {
    pub feature: NumericFeature,
    pub n_positive: u64,
    pub n_negative: u64,
    pub median_positive: Option<f64>,
    pub median_negative: Option<f64>,
    pub mean_positive: Option<f64>,
    pub mean_negative: Option<f64>,
    /// Calls with a value above zero on each side (for counts whose medians
    /// tie, "at least one" reads better than a mean).
    pub nonzero_positive: Rate,
    pub nonzero_negative: Rate,
    /// Cliff's delta, positive when the positive side has larger values.
    pub cliffs_delta: f64,
    /// Positive calls that show the claimed direction most (highest values
    /// when the positive side is higher), then negative calls that show the
    /// other end.
    pub positive_examples: Vec<String>,
    pub negative_examples: Vec<String>,
}

impl NumericComparison {
    /// The medians are equal, so the report states means or shares instead.
    pub fn medians_tie(&self) -> bool {
        self.median_positive == self.median_negative
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoricalComparison {
    pub dimension: Dimension,
    pub cramers_v: f64,
    pub df: u32,
    /// Categories with the highest and lowest positive rate (small ones
    /// pooled as "other" before testing).
    pub highest: CategoryRate,
    pub lowest: CategoryRate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryRate {
    pub key: String,
    pub rate: Rate,
    pub positive_examples: Vec<String>,
    pub negative_examples: Vec<String>,
}

/// Side of the positive calls in [`Samples::values`].
const POSITIVE: usize = 0;
/// Side of the negative calls in [`Samples::values`].
const NEGATIVE: usize = 1;

/// The two samples of one numeric feature for one target, as bounded counts.
#[derive(Debug, Default)]
struct Samples {
    values: ValueCounts<2>,
    extremes: [Extremes; 2],
    nonzero: [Rate; 2],
}

impl Samples {
    fn push(&mut self, positive: bool, value: f64, id: &str) {
        let side = if positive { POSITIVE } else { NEGATIVE };
        self.values.add(side, value);
        self.extremes[side].add(value, id);
        self.nonzero[side].record(value > 0.0);
    }

    /// Examples on each side that show the direction of `delta`.
    fn examples(&self, delta: f64) -> (Vec<String>, Vec<String>) {
        let [pos, neg] = &self.extremes;
        if delta >= 0.0 {
            (pos.highest(), neg.lowest())
        } else {
            (pos.lowest(), neg.highest())
        }
    }
}

/// Numeric samples kept while streaming, counted per distinct value (at most
/// [`super::value_counts::MAX_BINS`] bins per feature and target).
#[derive(Debug, Default)]
pub struct NumericSamples {
    samples: BTreeMap<(Target, NumericFeature), Samples>,
}

impl NumericSamples {
    pub fn add(&mut self, row: &CallRow, converted: Option<bool>, short: Option<bool>) {
        for feature in NumericFeature::ALL {
            let Some(v) = feature.value(row) else {
                continue;
            };
            if let Some(c) = converted {
                self.entry(Target::Conversion, feature)
                    .push(c, v, &row.call.id);
            }
            if let (Some(s), false) = (short, feature == NumericFeature::DurationS) {
                self.entry(Target::Shortness, feature)
                    .push(s, v, &row.call.id);
            }
        }
    }

    fn entry(&mut self, target: Target, feature: NumericFeature) -> &mut Samples {
        self.samples.entry((target, feature)).or_default()
    }

    /// Leaves out the features `keep` rejects (e.g. script features when the
    /// script does not apply), so they are neither tested nor counted.
    pub fn retain(&mut self, keep: impl Fn(NumericFeature) -> bool) {
        self.samples.retain(|(_, feature), _| keep(*feature));
    }

    fn into_tests(self, min_size: u32) -> Vec<(Comparison, bool)> {
        self.samples
            .into_iter()
            .filter_map(|((target, feature), s)| {
                let mw = mann_whitney(s.values.bins())?;
                let (n_pos, n_neg) = (s.values.count(POSITIVE), s.values.count(NEGATIVE));
                let big_enough = n_pos.min(n_neg) >= u64::from(min_size);
                let (positive_examples, negative_examples) = s.examples(mw.cliffs_delta);
                let detail = NumericComparison {
                    feature,
                    n_positive: n_pos,
                    n_negative: n_neg,
                    median_positive: s.values.median(POSITIVE),
                    median_negative: s.values.median(NEGATIVE),
                    mean_positive: s.values.mean(POSITIVE),
                    mean_negative: s.values.mean(NEGATIVE),
                    nonzero_positive: s.nonzero[POSITIVE],
                    nonzero_negative: s.nonzero[NEGATIVE],
                    cliffs_delta: mw.cliffs_delta,
                    positive_examples,
                    negative_examples,
                };
                let mut c = unadjusted(target, ComparisonDetail::Numeric(detail), mw.p);
                c.mechanical = feature.follows_length(target);
                Some((c, big_enough))
            })
            .collect()
    }
}

fn unadjusted(target: Target, detail: ComparisonDetail, p: f64) -> Comparison {
    Comparison {
        target,
        detail,
        p,
        q: 1.0,
        finding: false,
        practical: false,
        mechanical: false,
    }
}

/// Chi-square of a grouping against a target; groups with fewer than
/// `min_size` observations are pooled into "other", which is tested but never
/// named as the highest or lowest group (the minimum size holds in every claim).
fn categorical_test(
    dimension: &Dimension,
    groups: &[GroupStats],
    target: Target,
    min_size: u32,
) -> Option<(Comparison, bool)> {
    let mut categories: Vec<CategoryRate> = Vec::new();
    let mut other = Rate::default();
    for g in groups {
        let rate = target.rate_of(g);
        if rate.n >= u64::from(min_size) {
            categories.push(CategoryRate {
                key: g.key.clone(),
                rate,
                positive_examples: target.examples_of(g, true).to_vec(),
                negative_examples: target.examples_of(g, false).to_vec(),
            });
        } else {
            other.add(rate);
        }
    }
    let big_enough = categories.len() >= 2;
    let table: Vec<Vec<u64>> = categories
        .iter()
        .map(|c| c.rate)
        .chain((other.n > 0).then_some(other))
        .map(|r| vec![r.hits, r.n - r.hits])
        .collect();
    let chi = chi_square(&table)?;
    let by_rate = |c: &&CategoryRate| c.rate.value().unwrap_or(0.0);
    let highest = categories
        .iter()
        .max_by(|a, b| by_rate(a).total_cmp(&by_rate(b)))?;
    let lowest = categories
        .iter()
        .min_by(|a, b| by_rate(a).total_cmp(&by_rate(b)))?;
    let mechanical = dimension.follows_length(target);
    let detail = CategoricalComparison {
        dimension: dimension.clone(),
        cramers_v: chi.cramers_v,
        df: chi.df,
        highest: highest.clone(),
        lowest: lowest.clone(),
    };
    let mut c = unadjusted(target, ComparisonDetail::Categorical(detail), chi.p);
    c.mechanical = mechanical;
    Some((c, big_enough))
}

/// Runs every test, adjusts with Benjamini-Hochberg, marks findings and
/// whether they matter, and sorts headline findings first by effect size,
/// then the other findings, then the rest by q.
pub fn compare(
    numeric: NumericSamples,
    groupings: &[(Dimension, &[GroupStats])],
    min_size: u32,
    bar: EffectBar,
) -> Vec<Comparison> {
    let mut tests = numeric.into_tests(min_size);
    for (dimension, groups) in groupings {
        for target in [Target::Conversion, Target::Shortness] {
            let tautological =
                matches!((dimension, target), (Dimension::Length, Target::Shortness));
            if !tautological {
                tests.extend(categorical_test(dimension, groups, target, min_size));
            }
        }
    }
    let p: Vec<f64> = tests.iter().map(|(c, _)| c.p).collect();
    let q = benjamini_hochberg(&p);
    let mut out: Vec<Comparison> = tests
        .into_iter()
        .zip(q)
        .map(|((mut c, big_enough), q)| {
            c.q = q;
            c.finding = big_enough && q < FDR_LEVEL;
            c.practical = c.reaches(bar);
            c
        })
        .collect();
    out.sort_by(|a, b| {
        let by_effect = b.effect().total_cmp(&a.effect());
        b.headline()
            .cmp(&a.headline())
            .then(b.finding.cmp(&a.finding))
            .then(if a.headline() {
                by_effect
            } else {
                std::cmp::Ordering::Equal
            })
            .then(a.q.total_cmp(&b.q))
            .then(by_effect)
    });
    out
}
