//! Cell values: null tokens, durations, dates and transcript parts as dialer
//! exports write them. A value that cannot be parsed is an error string for
//! the caller to turn into a row warning; it never becomes a zero.

pub use super::dates::parse_datetime;
use crate::model::MAX_DURATION_S;

/// Tokens that spreadsheet and pandas exports write for "no value".
const NULL_TOKENS: [&str; 7] = ["", "-", "nan", "none", "null", "n/a", "na"];

/// The trimmed value, or `None` when the cell is empty or a null token.
pub fn clean(raw: &str) -> Option<&str> {
    let v = raw.trim();
    (!NULL_TOKENS.iter().any(|t| v.eq_ignore_ascii_case(t))).then_some(v)
}

/// Seconds from `95`, `95.5`, `mm:ss` or `hh:mm:ss`; `Ok(None)` for an empty
/// or null cell; an error for anything else, including negative values.
pub fn parse_duration(raw: &str) -> Result<Option<f64>, String> {
    let Some(v) = clean(raw) else {
        return Ok(None);
    };
    let bad = || format!("cannot parse duration `{v}` (expected seconds, mm:ss or hh:mm:ss)");
    if v.starts_with('-') {
        return Err(format!("negative duration `{v}`"));
    }
    let parts: Vec<&str> = v.split(':').collect();
    if parts.len() > 3 {
        return Err(bad());
    }
    let total = match parts.as_slice() {
        [seconds] => plain_seconds(seconds).ok_or_else(bad)?,
        _ => clock(&parts).ok_or_else(bad)?,
    };
    if total > MAX_DURATION_S {
        return Err(format!(
            "implausible duration `{v}` (longer than {} days)",
            MAX_DURATION_S / 86_400.0
        ));
    }
    Ok(Some(total))
}

/// Seconds written as a number: `95`, `95.5`, `1e3` (not `inf`, not signed).
fn plain_seconds(v: &str) -> Option<f64> {
    let digits_first = v.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    let number_chars = v
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    (digits_first && number_chars)
        .then(|| v.parse::<f64>().ok())
        .flatten()
        .filter(|s| s.is_finite())
}

/// `mm:ss` or `hh:mm:ss`: minutes and seconds below 60, a fraction only in
/// the seconds.
fn clock(parts: &[&str]) -> Option<f64> {
    let mut total = 0.0;
    for (i, part) in parts.iter().enumerate() {
        let is_last = i + 1 == parts.len();
        let value = parse_component(part, is_last)?;
        if i > 0 && value >= 60.0 {
            return None;
        }
        total = total * 60.0 + value;
    }
    total.is_finite().then_some(total)
}

/// One `:`-separated component: digits, and a fraction only in the last one.
fn parse_component(part: &str, allow_fraction: bool) -> Option<f64> {
    let ok_chars = part
        .chars()
        .all(|c| c.is_ascii_digit() || (allow_fraction && c == '.'));
    if part.is_empty() || !ok_chars {
        return None;
    }
    part.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Joins a transcript split over several cells, dropping empty parts and
/// null tokens (`nan`, `-`, `None`...). Parts are glued directly when one
/// side already has whitespace at the seam, else with one space.
pub fn join_parts<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for part in parts.into_iter().filter(|p| clean(p).is_some()) {
        let seam_has_space =
            out.ends_with(char::is_whitespace) || part.starts_with(char::is_whitespace);
        if !out.is_empty() && !seam_has_space {
            out.push(' ');
        }
        out.push_str(part);
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CallTime;

    #[test]
    fn durations_in_every_form() {
        assert_eq!(parse_duration("95"), Ok(Some(95.0)));
        assert_eq!(parse_duration(" 95.5 "), Ok(Some(95.5)));
        assert_eq!(parse_duration("1:35"), Ok(Some(95.0)));
        assert_eq!(parse_duration("01:01:35"), Ok(Some(3695.0)));
        assert_eq!(parse_duration("0"), Ok(Some(0.0)));
        for null in ["", "-", "nan", "NaN", "null", "None"] {
            assert_eq!(parse_duration(null), Ok(None), "{null}");
        }
        assert_eq!(parse_duration("1e3"), Ok(Some(1000.0)));
        for bad in ["-5", "abc", "1:75", "1:2:3:4", "inf", "5 min", "e5", "1e-"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        let huge = format!("{}:00:00", "9".repeat(300));
        for implausible in ["1e9", "1e308", "700000", huge.as_str()] {
            let err = parse_duration(implausible).expect_err(implausible);
            assert!(err.contains("implausible duration"), "{err}");
        }
    }

    #[test]
    fn dates_in_every_form() {
        let local = |s: &str| match parse_datetime(s) {
            Ok(Some(CallTime::Local(t))) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(local("12/16/2025 8:32"), "2025-12-16 08:32:00");
        assert_eq!(local("12/16/2025 08:32:10"), "2025-12-16 08:32:10");
        assert_eq!(local("12/16/2025"), "2025-12-16 00:00:00");
        assert_eq!(local("2025-12-16 08:32:10"), "2025-12-16 08:32:10");
        assert_eq!(local("2025-12-16T08:32:10"), "2025-12-16 08:32:10");
        assert_eq!(local("2025-12-16"), "2025-12-16 00:00:00");
        assert_eq!(local("12/16/2025 8:32 PM"), "2025-12-16 20:32:00");
        match parse_datetime("2025-12-16T08:32:10-05:00") {
            Ok(Some(CallTime::Zoned(t))) => assert_eq!(t.offset().utc_minus_local(), 5 * 3600),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_datetime("2025-12-16T08:32:10Z"),
            Ok(Some(CallTime::Zoned(_)))
        ));
        assert_eq!(parse_datetime("nan"), Ok(None));
        for bad in ["16/12/2025 8:32", "yesterday", "2025-13-01", "12/32/2025"] {
            assert!(parse_datetime(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn transcript_parts_join_without_null_tokens() {
        assert_eq!(
            join_parts(["Agent: hi", "nan", "Customer: yo"]),
            "Agent: hi Customer: yo"
        );
        assert_eq!(
            join_parts(["Agent: hi\n", "Customer: yo", "-"]),
            "Agent: hi\nCustomer: yo"
        );
        assert_eq!(join_parts(["nan", "None", " ", "-"]), "");
        assert_eq!(join_parts(["hel", "lo"]), "hel lo");
    }
}
