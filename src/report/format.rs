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

/// `45% (27/60; 33–58%)` for table cells: rate, n and the 95% interval.
pub fn rate_cell(r: &Rate) -> String {
    match (r.value(), r.wilson()) {
        (Some(v), Some(ci)) => format!(
            "{} ({}/{}; {}–{})",
            pct(v),
            r.hits,
            r.n,
            pct_bare(ci.low),
            pct(ci.high)
        ),
        _ => "–".to_string(),
    }
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
    let text = if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "-0" | "" => "0".to_string(),
        t => t.to_string(),
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

/// ` (e.g. converted: a, b; not converted: c, d)`, or nothing when no side
/// has an example.
pub fn sides(yes: &str, yes_ids: &[String], no: &str, no_ids: &[String]) -> String {
    let side = |name: &str, ids: &[String]| {
        (!ids.is_empty()).then(|| format!("{name}: {}", ids[..ids.len().min(2)].join(", ")))
    };
    let parts: Vec<String> = [side(yes, yes_ids), side(no, no_ids)]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" (e.g. {})", parts.join("; "))
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
        assert_eq!(rate_cell(&Rate::new(27, 60)), "45% (27/60; 33–58%)");
        assert_eq!(rate_cell(&Rate::default()), "–");
    }

    #[test]
    fn durations_and_numbers() {
        assert_eq!(duration(42.4), "42 s");
        assert_eq!(duration(245.0), "4 min 05 s");
        assert_eq!(duration(300.0), "5 min");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.456), "0.46");
        assert_eq!(number(4.5), "4.5");
        assert_eq!(number(-0.0001), "0");
        assert_eq!(number(120.0), "120");
        assert_eq!(examples(&["a".into(), "b".into()]), "e.g. calls a, b");
    }
}
