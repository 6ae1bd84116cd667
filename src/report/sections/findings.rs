//! Sentences describing statistical comparisons, generated from the figures.

use crate::report::format::{number, pct, q_value, rate, sides};
use crate::stats::compare::{CategoricalComparison, NumericComparison};
use crate::stats::{Comparison, ComparisonDetail, Summary, Target};

/// One sentence for one comparison.
pub fn sentence(c: &Comparison) -> String {
    match &c.detail {
        ComparisonDetail::Numeric(n) => numeric(c.target, n, c.q),
        ComparisonDetail::Categorical(k) => categorical(c.target, k, c.q),
    }
}

fn numeric(target: Target, n: &NumericComparison, q: f64) -> String {
    let direction = if n.cliffs_delta >= 0.0 {
        "higher"
    } else {
        "lower"
    };
    let show = |v: Option<f64>| {
        v.map_or_else(
            || "–".into(),
            |v| {
                if n.feature.is_share() {
                    pct(v)
                } else {
                    number(v)
                }
            },
        )
    };
    let text = format!(
        "{} calls have a {direction} {}: median {} against {} for {} calls (Cliff's delta {:+.2}, n = {}/{}, {})",
        capitalise(target.positive()),
        n.feature.label(),
        show(n.median_positive),
        show(n.median_negative),
        target.negative(),
        n.cliffs_delta,
        n.n_positive,
        n.n_negative,
        q_value(q)
    );
    text + &both_sides(target, &n.positive_examples, &n.negative_examples) + "."
}

fn categorical(target: Target, k: &CategoricalComparison, q: f64) -> String {
    let what = match target {
        Target::Conversion => "conversion",
        Target::Shortness => "the short-call rate",
    };
    let text = format!(
        "{} differs by {}: {} {} against {} {} (Cramér's V {:.2}, {})",
        capitalise(what),
        k.dimension.label(),
        k.highest.key,
        rate(&k.highest.rate),
        k.lowest.key,
        rate(&k.lowest.rate),
        k.cramers_v,
        q_value(q)
    );
    text + &both_sides(
        target,
        &k.highest.positive_examples,
        &k.lowest.negative_examples,
    ) + "."
}

fn both_sides(target: Target, positive: &[String], negative: &[String]) -> String {
    sides(target.positive(), positive, target.negative(), negative)
}

/// The findings for one target, as bullets.
pub fn bullets(s: &Summary, target: Target, limit: usize) -> Vec<String> {
    s.comparisons
        .iter()
        .filter(|c| c.finding && c.target == target)
        .take(limit)
        .map(sentence)
        .collect()
}

/// One line saying how many tests ran and how many survived.
pub fn tally(s: &Summary, target: Target) -> String {
    let tests = s.comparisons.iter().filter(|c| c.target == target).count();
    let found = s
        .comparisons
        .iter()
        .filter(|c| c.target == target && c.finding)
        .count();
    match (tests, found) {
        (0, _) => format!(
            "Too few {} and {} calls to test what separates them.",
            target.positive(),
            target.negative()
        ),
        (t, 0) => format!(
            "None of {t} tests of {} against {} calls survives the false-discovery-rate correction (q < 0.05 with at least {} calls a side).",
            target.positive(),
            target.negative(),
            s.min_group_size
        ),
        (t, f) => format!(
            "{f} of {t} tests of {} against {} calls survive the false-discovery-rate correction (Benjamini-Hochberg, q < 0.05, at least {} calls a side):",
            target.positive(),
            target.negative(),
            s.min_group_size
        ),
    }
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
