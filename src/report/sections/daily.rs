//! Section 6: trends — calls and the outcome rate per calendar day, the
//! strongest and weakest day, and, when the data spans more than two weeks,
//! the weekly rate on a date axis (empty weeks shown as gaps), per agent and
//! the objections raised per kind.

use chrono::NaiveDate;

use crate::report::document::{ChartKind, Lane, LaneUnit, RateBar, Section};
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
        .map(|(week, r)| rate_point(*week, r))
        .collect();
    sec.chart(
        &format!("{rate_word} per week (95% CI; weeks without calls are gaps)"),
        ChartKind::Trend(points),
    );
    let periods: Vec<String> = weeks.iter().map(NaiveDate::to_string).collect();
    let agents = w
        .agents
        .iter()
        .map(|(agent, per)| {
            let hits: u64 = per.values().map(|r| r.hits).sum();
            let n: u64 = per.values().map(|r| r.n).sum();
            Lane {
                label: agent.clone(),
                note: format!("{hits}/{n}"),
                points: per
                    .iter()
                    .filter(|(_, r)| r.n > 0)
                    .map(|(week, r)| rate_point(*week, r))
                    .collect(),
            }
        })
        .collect();
    sec.chart(
        &format!(
            "{rate_word} per agent and week ({} calls / calls with a known outcome; weeks without any are gaps)",
            s.words.positive
        ),
        ChartKind::Lanes {
            unit: LaneUnit::Rate,
            periods: periods.clone(),
            lanes: agents,
        },
    );
    if !w.objections.is_empty() {
        let kinds = w
            .objections
            .iter()
            .map(|(kind, per)| Lane {
                label: kind.clone(),
                note: format!("{} raised", per.values().sum::<u64>()),
                // Weeks with calls count zero objections; weeks without calls are gaps.
                points: w
                    .overall
                    .keys()
                    .map(|week| {
                        let n = per.get(week).copied().unwrap_or(0);
                        RateBar {
                            label: week.to_string(),
                            value: n as f64,
                            interval: None,
                            note: n.to_string(),
                        }
                    })
                    .collect(),
            })
            .collect();
        sec.chart(
            "Objections raised per kind and week (weeks without calls are gaps)",
            ChartKind::Lanes {
                unit: LaneUnit::Count,
                periods,
                lanes: kinds,
            },
        );
    }
}

/// A week's rate as a chart point labelled with the week's Monday.
fn rate_point(week: NaiveDate, r: &Rate) -> RateBar {
    RateBar {
        label: week.to_string(),
        value: r.value().unwrap_or(0.0),
        interval: r.wilson().map(|ci| (ci.low, ci.high)),
        note: format!("{}/{}", r.hits, r.n),
    }
}
