//! Call dates as exports write them: ISO 8601 (with or without an offset,
//! or date only) and slash dates (`12/16/2025 8:32`, `16/12/2025`,
//! `12/16/25 3:47 PM`, `2025/12/16`).
//!
//! Rules (documented in the README):
//! - A slash date is read month-first or day-first, one order per file
//!   ([`DateOrder`]); the reader decides it from the first date that can only
//!   be read one way (a first number above 12 means day-first).
//! - A two-digit year `yy` is 20yy for 00–68 and 19yy for 69–99 (the POSIX
//!   rule); the caller warns once per file.
//! - A year outside 1900–2100 is implausible: an error, so the date is unknown.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use super::values::clean;
use crate::model::CallTime;

/// The order of day and month in a slash date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    MonthFirst,
    DayFirst,
}

/// The rule for two-digit years, as warnings name it.
pub const TWO_DIGIT_YEAR_RULE: &str = "00-68 as 2000-2068, 69-99 as 1969-1999";

/// Years accepted as plausible call dates.
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// A parsed date and whether its year was written with two digits.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDate {
    pub time: CallTime,
    pub two_digit_year: bool,
}

/// ISO 8601 and month-first slash dates (the US dialer default).
pub fn parse_datetime(raw: &str) -> Result<Option<CallTime>, String> {
    parse_date(raw, DateOrder::MonthFirst).map(|d| d.map(|d| d.time))
}

/// A date in `order`; `Ok(None)` for an empty or null cell.
pub fn parse_date(raw: &str, order: DateOrder) -> Result<Option<ParsedDate>, String> {
    let Some(v) = clean(raw) else {
        return Ok(None);
    };
    let parsed = match slash_date(v) {
        Some(parts) => from_slash(v, &parts, order)?,
        None => ParsedDate {
            time: iso(v).ok_or_else(|| {
                format!("cannot parse date `{v}` (expected ISO 8601 or mm/dd/yyyy [hh:mm[:ss]])")
            })?,
            two_digit_year: false,
        },
    };
    let year = match &parsed.time {
        CallTime::Zoned(t) => t.year(),
        CallTime::Local(t) => t.year(),
    };
    if !PLAUSIBLE_YEARS.contains(&year) {
        return Err(format!(
            "implausible year {year} in date `{v}` (expected {}-{})",
            PLAUSIBLE_YEARS.start(),
            PLAUSIBLE_YEARS.end()
        ));
    }
    Ok(Some(parsed))
}

/// How a slash date can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readings {
    /// Both numbers are 12 or less: month first and day first both work.
    Either,
    /// Only this order gives a real date.
    Only(DateOrder),
}

/// How a day/month slash date can be read; `None` for any other value.
pub fn readings(raw: &str) -> Option<Readings> {
    let parts = slash_date(clean(raw)?)?;
    if parts.year_first {
        return None;
    }
    Some(match (parts.numbers[0] > 12, parts.numbers[1] > 12) {
        (true, false) => Readings::Only(DateOrder::DayFirst),
        (false, true) => Readings::Only(DateOrder::MonthFirst),
        _ => Readings::Either,
    })
}

/// The numbers of a slash date and the time text after it.
struct SlashDate<'a> {
    numbers: [u32; 3],
    /// Digits of the last number (the year unless year-first).
    last_digits: usize,
    year_first: bool,
    time: &'a str,
}

fn slash_date(v: &str) -> Option<SlashDate<'_>> {
    let (date, time) = v.split_once(char::is_whitespace).unwrap_or((v, ""));
    let parts: Vec<&str> = date.split('/').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |i: usize| parts[i].parse::<u32>().ok();
    Some(SlashDate {
        numbers: [n(0)?, n(1)?, n(2)?],
        last_digits: parts[2].len(),
        year_first: parts[0].len() == 4,
        time: time.trim(),
    })
}

fn from_slash(v: &str, parts: &SlashDate<'_>, order: DateOrder) -> Result<ParsedDate, String> {
    let [a, b, c] = parts.numbers;
    let (year, month, day, two_digit_year) = if parts.year_first {
        (a as i32, b, c, false)
    } else {
        let (month, day) = match order {
            DateOrder::MonthFirst => (a, b),
            DateOrder::DayFirst => (b, a),
        };
        match parts.last_digits {
            2 => (two_digit_year(c), month, day, true),
            4 => (c as i32, month, day, false),
            _ => {
                return Err(format!(
                    "cannot parse date `{v}`: the year must have 2 or 4 digits"
                ));
            }
        }
    };
    let shape = match (parts.year_first, order) {
        (true, _) => "yyyy/mm/dd",
        (false, DateOrder::MonthFirst) => "mm/dd/yyyy, month first in this file",
        (false, DateOrder::DayFirst) => "dd/mm/yyyy, day first in this file",
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| format!("cannot parse date `{v}`: no such day ({shape})"))?;
    let time = match parts.time {
        "" => NaiveTime::MIN,
        t => time_of_day(t).ok_or_else(|| format!("cannot parse the time in date `{v}`"))?,
    };
    Ok(ParsedDate {
        time: CallTime::Local(date.and_time(time)),
        two_digit_year,
    })
}

/// `yy` by [`TWO_DIGIT_YEAR_RULE`].
fn two_digit_year(yy: u32) -> i32 {
    if yy <= 68 {
        2000 + yy as i32
    } else {
        1900 + yy as i32
    }
}

fn time_of_day(t: &str) -> Option<NaiveTime> {
    ["%H:%M:%S%.f", "%H:%M", "%I:%M:%S %p", "%I:%M %p"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
}

/// ISO 8601 with an offset, then without, then date only.
fn iso(v: &str) -> Option<CallTime> {
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(CallTime::Zoned(t));
    }
    let zoned = [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ];
    if let Some(t) = zoned
        .iter()
        .find_map(|f| DateTime::parse_from_str(v, f).ok())
    {
        return Some(CallTime::Zoned(t));
    }
    let local = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ];
    if let Some(t) = local
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
    {
        return Some(CallTime::Local(t));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .map(|d| CallTime::Local(d.and_time(NaiveTime::MIN)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(raw: &str, order: DateOrder) -> String {
        match parse_date(raw, order) {
            Ok(Some(ParsedDate {
                time: CallTime::Local(t),
                ..
            })) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            other => panic!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn slash_dates_in_either_order() {
        use DateOrder::*;
        assert_eq!(local("12/16/2025 8:32", MonthFirst), "2025-12-16 08:32:00");
        assert_eq!(local("20/11/2025 15:47", DayFirst), "2025-11-20 15:47:00");
        assert_eq!(local("05/06/2025", DayFirst), "2025-06-05 00:00:00");
        assert_eq!(
            local("2025/12/16 08:32:10", DayFirst),
            "2025-12-16 08:32:10"
        );
        assert!(parse_date("20/11/2025", MonthFirst).is_err());
        assert_eq!(readings("20/11/25 15:47"), Some(Readings::Only(DayFirst)));
        assert_eq!(readings("12/16/25"), Some(Readings::Only(MonthFirst)));
        assert_eq!(readings("05/06/2025"), Some(Readings::Either));
        assert_eq!(readings("2025-12-16"), None);
        assert_eq!(readings("2025/12/16"), None);
    }

    #[test]
    fn two_digit_years_follow_the_rule_and_say_so() {
        let d = parse_date("12/16/25", DateOrder::MonthFirst)
            .unwrap()
            .unwrap();
        assert!(d.two_digit_year);
        assert_eq!(
            local("12/16/25", DateOrder::MonthFirst),
            "2025-12-16 00:00:00"
        );
        assert_eq!(
            local("20/11/25 15:47", DateOrder::DayFirst),
            "2025-11-20 15:47:00"
        );
        assert_eq!(
            local("01/02/99", DateOrder::MonthFirst),
            "1999-01-02 00:00:00"
        );
    }

    #[test]
    fn implausible_years_are_errors() {
        for bad in ["0000-01-01", "0025-12-16", "12/16/0025", "12/16/9999"] {
            let err = parse_date(bad, DateOrder::MonthFirst).expect_err(bad);
            assert!(err.contains("implausible year"), "{bad}: {err}");
        }
        assert!(parse_date("12/16/125", DateOrder::MonthFirst).is_err());
    }
}
