//! Section 2: agents — the per-agent table, conversion chart with intervals,
//! and how the best and weakest ranked agents compare with everyone else.

use crate::report::document::{ChartKind, RateBar, Section};
use crate::report::format::{ci_cell, examples, opt_duration, opt_pct_points, rate, rate_cell};
use crate::stats::{Dimension, GroupStats, Summary};

/// Agents shown in the chart.
const CHART_AGENTS: usize = 20;

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("agents", "Agents");
    let agents = s.groups(&Dimension::Agent);
    if agents.is_empty() {
        sec.paragraph("No call names its agent, so there is no per-agent view.");
        return sec;
    }
    let ranked = agents.iter().filter(|a| a.rank.is_some()).count();
    let small = agents.iter().filter(|a| a.small).count();
    sec.paragraph(format!(
        "{} agents; {ranked} have enough calls with a known outcome (at least {}) to be ranked by conversion{}.",
        agents.len(),
        s.min_group_size,
        if small > 0 {
            format!(", {small} with fewer calls are shown but not ranked")
        } else {
            String::new()
        }
    ));
    for line in standout_sentences(s) {
        sec.paragraph(line);
    }
    sec.table(
        &group_headers("Agent"),
        agents.iter().map(group_row).collect(),
    );
    let mut bars: Vec<&GroupStats> = agents.iter().filter(|a| a.rank.is_some()).collect();
    bars.sort_by_key(|a| a.rank);
    bars.truncate(CHART_AGENTS);
    if !bars.is_empty() {
        sec.chart(
            "Conversion by agent (ranked agents, 95% CI)",
            ChartKind::RateBars(bars.iter().map(|g| conversion_bar(g)).collect()),
        );
    }
    sec
}

/// The best and the weakest ranked agent against all other calls.
pub fn standout_sentences(s: &Summary) -> Vec<String> {
    let mut ranked: Vec<&GroupStats> = s
        .groups(&Dimension::Agent)
        .iter()
        .filter(|a| a.rank.is_some())
        .collect();
    ranked.sort_by_key(|a| a.rank);
    let (Some(best), Some(worst)) = (ranked.first(), ranked.last()) else {
        return Vec::new();
    };
    if ranked.len() < 2 {
        return Vec::new();
    }
    let all = s.totals.all.conversion;
    [best, worst]
        .into_iter()
        .map(|a| {
            let rest = a.conversion.rest_of(all);
            let verdict = if a.conversion.clearly_differs(&rest) {
                "the intervals do not overlap"
            } else {
                "the intervals overlap, so the gap may be chance"
            };
            let ids: Vec<String> = a
                .converted_examples
                .iter()
                .chain(&a.lost_examples)
                .take(3)
                .cloned()
                .collect();
            format!(
                "{} converts {} against {} for the rest; {verdict} ({}).",
                a.key,
                rate(&a.conversion),
                rate(&rest),
                examples(&ids)
            )
        })
        .collect()
}

pub fn group_headers(first: &str) -> Vec<&str> {
    vec![
        first,
        "Calls",
        "Conversion",
        "95% CI",
        "Short calls",
        "Median duration",
        "Mean compliance",
        "Calls with objections",
        "Objections rebutted",
        "Rank",
    ]
}

pub fn group_row(g: &GroupStats) -> Vec<String> {
    vec![
        g.key.clone(),
        g.calls.to_string(),
        rate_cell(&g.conversion),
        ci_cell(&g.conversion),
        rate_cell(&g.short),
        opt_duration(g.median_duration_s),
        opt_pct_points(g.mean_compliance_pct),
        rate_cell(&g.objection_calls),
        rate_cell(&g.rebuttals),
        match (g.rank, g.small) {
            (Some(r), _) => r.to_string(),
            (None, true) => "small, not ranked".to_string(),
            (None, false) => "–".to_string(),
        },
    ]
}

pub fn conversion_bar(g: &GroupStats) -> RateBar {
    RateBar {
        label: g.key.clone(),
        value: g.conversion.value().unwrap_or(0.0),
        interval: g.conversion.wilson().map(|ci| (ci.low, ci.high)),
        note: format!("{}/{}", g.conversion.hits, g.conversion.n),
    }
}
