//! Property tests for cell values: `parse_duration` and `parse_datetime`
//! never panic on any string, and every accepted form round-trips.

use callscope::input::values::{parse_datetime, parse_duration};
use callscope::model::CallTime;
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Timelike};
use proptest::prelude::*;

/// Strings made of the characters durations and dates are written with, so
/// that the parsers' branches actually meet each other.
fn value_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[0-9]{1,4}",
            Just(":".to_string()),
            Just(".".to_string()),
            Just("-".to_string()),
            Just("/".to_string()),
            Just(" ".to_string()),
            Just("T".to_string()),
            Just("Z".to_string()),
            Just("+".to_string()),
            Just("PM".to_string()),
            Just("nan".to_string()),
            Just("é".to_string()),
            Just("\u{0660}".to_string()),
        ],
        0..16,
    )
    .prop_map(|parts| parts.concat())
}

/// A valid local date-time between 1970 and 2100, whole seconds.
fn datetime() -> impl Strategy<Value = NaiveDateTime> {
    (
        1970i32..2100,
        1u32..=12,
        1u32..=31,
        0u32..24,
        0u32..60,
        0u32..60,
    )
        .prop_filter_map("valid calendar day", |(y, mo, d, h, mi, s)| {
            NaiveDate::from_ymd_opt(y, mo, d)?.and_hms_opt(h, mi, s)
        })
}

fn local(raw: &str) -> Option<NaiveDateTime> {
    match parse_datetime(raw) {
        Ok(Some(CallTime::Local(t))) => Some(t),
        _ => None,
    }
}

fn without_seconds(t: NaiveDateTime) -> NaiveDateTime {
    t.with_second(0).unwrap_or(t)
}

/// Layouts with seconds, as dialers and spreadsheets write them.
const WITH_SECONDS: [&str; 7] = [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%-m/%-d/%Y %-H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%-m/%-d/%Y %-I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
];

/// Layouts without seconds.
const WITHOUT_SECONDS: [&str; 7] = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %H:%M",
    "%-m/%-d/%Y %-H:%M",
    "%m/%d/%Y %I:%M %p",
    "%-m/%-d/%Y %-I:%M %p",
    "%Y/%m/%d %H:%M",
];

/// Date-only layouts (midnight).
const DATE_ONLY: [&str; 4] = ["%Y-%m-%d", "%m/%d/%Y", "%-m/%-d/%Y", "%Y/%m/%d"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn duration_never_panics_on_any_string(raw in "\\PC*") {
        let _ = parse_duration(&raw);
    }

    #[test]
    fn datetime_never_panics_on_any_string(raw in "\\PC*") {
        let _ = parse_datetime(&raw);
    }

    #[test]
    fn value_like_strings_never_panic_and_durations_are_finite(raw in value_like()) {
        if let Ok(Some(s)) = parse_duration(&raw) {
            prop_assert!(s.is_finite() && s >= 0.0, "{raw:?} -> {s}");
        }
        let _ = parse_datetime(&raw);
    }

    #[test]
    fn negative_durations_are_errors(secs in 0u32..1_000_000) {
        for text in [format!("-{secs}"), format!(" -0:{:02}", secs % 60)] {
            prop_assert!(parse_duration(&text).is_err(), "{}", text);
        }
    }

    #[test]
    fn seconds_round_trip_through_hh_mm_ss(secs in 0u32..360_000) {
        let text = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
        prop_assert_eq!(parse_duration(&text), Ok(Some(f64::from(secs))), "{}", text);
        let unpadded = format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
        prop_assert_eq!(parse_duration(&unpadded), Ok(Some(f64::from(secs))), "{}", unpadded);
    }

    #[test]
    fn seconds_round_trip_through_mm_ss(secs in 0u32..360_000) {
        let text = format!("{}:{:02}", secs / 60, secs % 60);
        prop_assert_eq!(parse_duration(&text), Ok(Some(f64::from(secs))), "{}", text);
    }

    #[test]
    fn plain_and_fractional_seconds_round_trip(centis in 0u64..60_000_000) {
        let secs = centis as f64 / 100.0;
        let text = format!("{secs:.2}");
        let parsed = parse_duration(&text).ok().flatten();
        prop_assert!(parsed.is_some_and(|p| (p - secs).abs() < 1e-6), "{text} -> {parsed:?}");
        let whole = centis / 100;
        prop_assert_eq!(parse_duration(&whole.to_string()), Ok(Some(whole as f64)));
    }

    #[test]
    fn minutes_or_seconds_of_60_or_more_are_errors(a in 0u32..100, b in 60u32..1000) {
        for text in [format!("{a}:{b}"), format!("{a}:{b}:00"), format!("{a}:00:{b}")] {
            prop_assert!(parse_duration(&text).is_err(), "{}", text);
        }
    }

    #[test]
    fn local_datetimes_round_trip_in_every_form(t in datetime()) {
        for fmt in WITH_SECONDS {
            let text = t.format(fmt).to_string();
            prop_assert_eq!(local(&text), Some(t), "{} ({})", text, fmt);
        }
        for fmt in WITHOUT_SECONDS {
            let text = t.format(fmt).to_string();
            prop_assert_eq!(local(&text), Some(without_seconds(t)), "{} ({})", text, fmt);
        }
        let midnight = t.date().and_time(chrono::NaiveTime::MIN);
        for fmt in DATE_ONLY {
            let text = t.format(fmt).to_string();
            prop_assert_eq!(local(&text), Some(midnight), "{} ({})", text, fmt);
        }
        let millis = t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string();
        prop_assert_eq!(local(&millis), Some(t), "{}", millis);
    }

    #[test]
    fn zoned_datetimes_round_trip_with_their_offset(
        t in datetime(),
        offset_min in -14 * 60i32..=14 * 60,
    ) {
        let Some(offset) = FixedOffset::east_opt(offset_min * 60) else {
            return Ok(());
        };
        let Some(zoned) = offset.from_local_datetime(&t).single() else {
            return Ok(());
        };
        for fmt in ["%Y-%m-%dT%H:%M:%S%:z", "%Y-%m-%d %H:%M:%S%:z", "%Y-%m-%dT%H:%M:%S%z"] {
            let text = zoned.format(fmt).to_string();
            match parse_datetime(&text) {
                Ok(Some(CallTime::Zoned(back))) => {
                    prop_assert_eq!(back, zoned, "{}", text);
                    prop_assert_eq!(back.offset(), zoned.offset(), "{}", text);
                }
                other => prop_assert!(false, "{text} ({fmt}) -> {other:?}"),
            }
        }
        let utc = zoned.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%SZ").to_string();
        prop_assert!(
            matches!(parse_datetime(&utc), Ok(Some(CallTime::Zoned(back))) if back == zoned),
            "{utc}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Past a week a duration is refused, whatever its form.
    #[test]
    fn durations_past_a_week_are_errors(secs in 604_801u64..u64::MAX / 2) {
        let hms = format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
        for text in [secs.to_string(), format!("{secs}e3"), hms] {
            let err = parse_duration(&text).expect_err(&text);
            prop_assert!(err.contains("implausible duration"), "{}: {}", text, err);
        }
    }
}
