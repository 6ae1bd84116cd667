//! Number formatting shared by every section: percentages, rates with n and
//! their Wilson interval, durations, example call lists.

use crate::stats::Rate;

/// `0.4512` -> `45%`.
pub fn pct(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

/// `45% (27/60, 95% CI 33–58%)`, or `no data (n = 0)`.
pub fn rate(r: &Rate) -> String {
    match (r.value(), r.wilson()) {
        (Some(v), Some(ci)) => format!(
            "{} ({}/{}, 95% CI {}–{})",
            pct(v),
            r.hits,
            r.n,
            pct_bare(ci.low),
            pct(ci.high)
        ),
        _ => "no data (n = 0)".to_string(),
    }
}

/// `45% (27/60)` for table cells.
pub fn rate_cell(r: &Rate) -> String {
    r.value().map_or_else(
        || "–".to_string(),
        |v| format!("{} ({}/{})", pct(v), r.hits, r.n),
    )
}

/// `33–58%` for table cells.
pub fn ci_cell(r: &Rate) -> String {
    r.wilson().map_or_else(
        || "–".to_string(),
        |ci| format!("{}–{}", pct_bare(ci.low), pct(ci.high)),
    )
}

fn pct_bare(v: f64) -> String {
    format!("{:.0}", v * 100.0)
}

/// `42 s`, `5 min`, `4 min 05 s`.
pub fn duration(s: f64) -> String {
    let total = s.round().max(0.0) as u64;
    if total < 60 {
        format!("{total} s")
    } else if total.is_multiple_of(60) {
        format!("{} min", total / 60)
    } else {
        format!("{} min {:02} s", total / 60, total % 60)
    }
}

pub fn opt_duration(s: Option<f64>) -> String {
    s.map_or_else(|| "–".to_string(), duration)
}

pub fn opt_pct_points(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{v:.0}%"))
}

/// A number with sensible precision for a metric median.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e9 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// `e.g. calls a, b` or an empty string when there are none.
pub fn examples(ids: &[String]) -> String {
    match ids {
        [] => String::new(),
        [one] => format!("e.g. call {one}"),
        many => format!("e.g. calls {}", many.join(", ")),
    }
}

/// Appends `; e.g. calls ...` inside a parenthesis-free sentence tail.
pub fn with_examples(text: String, ids: &[String]) -> String {
    if ids.is_empty() {
        text
    } else {
        format!("{text} ({})", examples(ids))
    }
}

/// A q-value for text: `q = 0.003`, `q < 0.001`.
pub fn q_value(q: f64) -> String {
    if q < 0.001 {
        "q < 0.001".to_string()
    } else {
        format!("q = {q:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_show_n_and_interval_and_empty_rates_say_so() {
        assert_eq!(rate(&Rate::new(27, 60)), "45% (27/60, 95% CI 33–58%)");
        assert_eq!(rate(&Rate::default()), "no data (n = 0)");
        assert_eq!(rate_cell(&Rate::new(1, 4)), "25% (1/4)");
        assert_eq!(ci_cell(&Rate::default()), "–");
    }

    #[test]
    fn durations_and_numbers() {
        assert_eq!(duration(42.4), "42 s");
        assert_eq!(duration(245.0), "4 min 05 s");
        assert_eq!(duration(300.0), "5 min");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.456), "0.46");
        assert_eq!(examples(&["a".into(), "b".into()]), "e.g. calls a, b");
    }
}
