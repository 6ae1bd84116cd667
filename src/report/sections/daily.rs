//! Section 6: trends — calls and the outcome rate per calendar day, the
//! strongest and weakest day, and, when the data spans more than two weeks,
//! the weekly rate on a date axis (empty weeks shown as gaps), per agent and
//! the objections raised per kind.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::report::document::{ChartKind, RateBar, Section};
use crate::report::format::{examples, rate};
use crate::report::sections::agents::{GroupColumns, conversion_bar};
use crate::report::sections::findings::capitalise;
use crate::stats::Rate;
use crate::stats::weekly::MIN_SPAN_DAYS;
use crate::stats::{Dimension, GroupStats, Summary};

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("daily", "Trends");
    let days = s.groups(&Dimension::Day);
    if days.is_empty() {
        sec.paragraph("No call has a start time, so there is no daily view.");
        return sec;
    }
    let ranked: Vec<&GroupStats> = days.iter().filter(|d| d.rank.is_some()).collect();
    let best = ranked.iter().min_by_key(|d| d.rank);
    let worst = ranked.iter().max_by_key(|d| d.rank);
    match (best, worst) {
        (Some(b), Some(w)) if ranked.len() >= 2 => {
            let verdict = if b.conversion.clearly_differs(&w.conversion) {
                "the intervals do not overlap"
            } else {
                "the intervals overlap, so the gap may be chance"
            };
            sec.paragraph(format!(
                "{} days. Best day {}: {} ({}); weakest day {}: {} ({}); {verdict}.",
                days.len(),
                b.key,
                rate(&b.conversion),
                examples(&b.converted_examples),
                w.key,
                rate(&w.conversion),
                examples(&w.lost_examples)
            ));
        }
        _ => {
            sec.paragraph(format!(
                "{} days; fewer than two have at least {} calls with a known outcome, so days are not compared.",
                days.len(),
                s.min_group_size
            ));
        }
    }
    let cols = GroupColumns::of(s);
    sec.table(
        &cols.headers("Day"),
        days.iter().map(|g| cols.row(g)).collect(),
    );
    let points: Vec<_> = days
        .iter()
        .filter(|d| d.conversion.n > 0)
        .map(conversion_bar)
        .collect();
    if !points.is_empty() {
        sec.chart(
            &format!("{} per day (95% CI)", capitalise(&s.words.rate)),
            ChartKind::Trend(points),
        );
    }
    weekly(&mut sec, s);
    sec
}

/// Weekly figures, when the data spans more than two weeks.
fn weekly(sec: &mut Section, s: &Summary) {
    let span = match (s.totals.first_day, s.totals.last_day) {
        (Some(a), Some(b)) => (b - a).num_days(),
        _ => 0,
    };
    let w = &s.weekly;
    let weeks = w.weeks();
    if span <= MIN_SPAN_DAYS || weeks.len() < 3 {
        return;
    }
    let rate_word = capitalise(&s.words.rate);
    sec.subheading(format!(
        "Weekly ({} weeks, starting on Mondays)",
        weeks.len()
    ));
    let points = w
        .overall
        .iter()
        .filter(|(_, r)| r.n > 0)
        .map(|(week, r)| RateBar {
            label: week.to_string(),
            value: r.value().unwrap_or(0.0),
            interval: r.wilson().map(|ci| (ci.low, ci.high)),
            note: format!("{}/{}", r.hits, r.n),
        })
        .collect();
    sec.chart(
        &format!("{rate_word} per week (95% CI; weeks without calls are gaps)"),
        ChartKind::Trend(points),
    );
    let cell = |r: Option<&Rate>| {
        r.filter(|r| r.n > 0)
            .map_or("–".into(), |r| format!("{}/{}", r.hits, r.n))
    };
    sec.paragraph(format!(
        "{rate_word} per agent and week ({} calls / calls with a known outcome):",
        s.words.positive
    ));
    week_table(sec, "Agent", &weeks, &w.agents, cell);
    if !w.objections.is_empty() {
        sec.paragraph("Objections raised per kind and week:");
        let count = |n: Option<&u64>| n.map_or("0".into(), u64::to_string);
        week_table(sec, "Objection", &weeks, &w.objections, count);
    }
}

/// One row per key, one column per week, cells written by `cell`.
fn week_table<V>(
    sec: &mut Section,
    first: &str,
    weeks: &[NaiveDate],
    rows: &BTreeMap<String, BTreeMap<NaiveDate, V>>,
    cell: impl Fn(Option<&V>) -> String,
) {
    let headers: Vec<String> = std::iter::once(first.to_string())
        .chain(weeks.iter().map(|d| d.format("%d %b").to_string()))
        .collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    sec.table(
        &header_refs,
        rows.iter()
            .map(|(key, per)| {
                std::iter::once(key.clone())
                    .chain(weeks.iter().map(|d| cell(per.get(d))))
                    .collect()
            })
            .collect(),
    );
}
