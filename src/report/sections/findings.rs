//! Sentences describing statistical comparisons, generated from the figures
//! in the report's own outcome words: headline findings (significant, large
//! enough to matter, not a mechanical consequence of call length) for the
//! summary, every significant one for the appendix.

use crate::config::outcomes::OutcomeWords;
use crate::report::format::{number, pct, q_value, rate, sides};
use crate::stats::compare::{CategoricalComparison, NumericComparison};
use crate::stats::{Comparison, ComparisonDetail, Summary, Target};

/// The words for the two sides of a target.
pub fn side_words(target: Target, w: &OutcomeWords) -> (&str, &str) {
    match target {
        Target::Conversion => (&w.positive, &w.negative),
        Target::Shortness => ("short", "long"),
    }
}

/// What a categorical finding's rate is called.
fn rate_word(target: Target, w: &OutcomeWords) -> String {
    match target {
        Target::Conversion => capitalise(&w.rate),
        Target::Shortness => "The short-call rate".to_string(),
    }
}

/// One sentence for one comparison.
pub fn sentence(c: &Comparison, w: &OutcomeWords) -> String {
    match &c.detail {
        ComparisonDetail::Numeric(n) => numeric(c.target, n, c.q, w),
        ComparisonDetail::Categorical(k) => categorical(c.target, k, c.q, w),
    }
}

/// Medians, or means (and for counts the share of calls with any) when the
/// medians tie, as "a against b".
fn centres(n: &NumericComparison) -> String {
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
    if !n.medians_tie() {
        return format!(
            "median {} against {}",
            show(n.median_positive),
            show(n.median_negative)
        );
    }
    let mut text = format!(
        "mean {} against {}",
        show(n.mean_positive),
        show(n.mean_negative)
    );
    if n.feature.is_count() {
        text += &format!(
            "; at least one in {} against {}",
            rate(&n.nonzero_positive),
            rate(&n.nonzero_negative)
        );
    }
    text
}

fn numeric(target: Target, n: &NumericComparison, q: f64, w: &OutcomeWords) -> String {
    let (yes, no) = side_words(target, w);
    let direction = if n.cliffs_delta >= 0.0 {
        "higher"
    } else {
        "lower"
    };
    let text = format!(
        "{} calls have a {direction} {}: {} for {no} calls (Cliff's delta {:+.2}, n = {}/{}, {})",
        capitalise(yes),
        n.feature.label(),
        centres(n),
        n.cliffs_delta,
        n.n_positive,
        n.n_negative,
        q_value(q)
    );
    text + &sides(yes, &n.positive_examples, no, &n.negative_examples) + "."
}

fn categorical(target: Target, k: &CategoricalComparison, q: f64, w: &OutcomeWords) -> String {
    let (yes, no) = side_words(target, w);
    let gap = k.highest.rate.value().unwrap_or(0.0) - k.lowest.rate.value().unwrap_or(0.0);
    let text = format!(
        "{} differs by {}: {} {} against {} {}, {:.0} points apart (Cramér's V {:.2}, {})",
        rate_word(target, w),
        k.dimension.label(),
        k.highest.key,
        rate(&k.highest.rate),
        k.lowest.key,
        rate(&k.lowest.rate),
        gap * 100.0,
        k.cramers_v,
        q_value(q)
    );
    text + &sides(
        yes,
        &k.highest.positive_examples,
        no,
        &k.lowest.negative_examples,
    ) + "."
}

/// The headline findings for one target, as bullets.
pub fn bullets(s: &Summary, target: Target, limit: usize) -> Vec<String> {
    s.comparisons
        .iter()
        .filter(|c| c.headline() && c.target == target)
        .take(limit)
        .map(|c| sentence(c, &s.words))
        .collect()
}

/// The minimum effect in words.
pub fn effect_bar(s: &Summary) -> String {
    format!(
        "a difference of at least {:.0} percentage points or a Cliff's delta of at least {:.2}",
        s.effect_bar.rate_difference * 100.0,
        s.effect_bar.cliffs_delta
    )
}

/// One line saying how many tests ran, how many survived, how many matter.
pub fn tally(s: &Summary, target: Target) -> String {
    let (yes, no) = side_words(target, &s.words);
    let of_target = || s.comparisons.iter().filter(|c| c.target == target);
    let tests = of_target().count();
    let found = of_target().filter(|c| c.finding).count();
    let headline = of_target().filter(|c| c.headline()).count();
    match (tests, found) {
        (0, _) => format!("Too few {yes} and {no} calls to test what separates them."),
        (t, 0) => format!(
            "None of {t} tests of {yes} against {no} calls survives the false-discovery-rate correction (q < 0.05 with at least {} calls a side).",
            s.min_group_size
        ),
        (t, f) => format!(
            "{f} of {t} tests of {yes} against {no} calls survive the false-discovery-rate correction (Benjamini-Hochberg, q < 0.05, at least {} calls a side); {headline} of them show {} and are not a mere consequence of call length{}",
            s.min_group_size,
            effect_bar(s),
            if headline > 0 {
                ", biggest first (all in the appendix):"
            } else {
                " (all in the appendix)."
            }
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
