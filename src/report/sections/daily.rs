//! Section 6: daily trends — calls and conversion per calendar day, the
//! strongest and weakest day, and the trend chart.

use crate::report::document::{ChartKind, Section};
use crate::report::format::{examples, rate};
use crate::report::sections::agents::{GroupColumns, conversion_bar};
use crate::report::sections::findings::capitalise;
use crate::stats::{Dimension, GroupStats, Summary};

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("daily", "Daily trends");
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
    sec
}
