//! Section 2: agents — the per-agent table, conversion chart with intervals,
//! and how the best and weakest ranked agents compare with everyone else.

use crate::config::outcomes::OutcomeWords;
use crate::report::document::{ChartKind, RateBar, Section};
use crate::report::format::{examples, opt_duration, opt_pct_points, rate, rate_cell};
use crate::report::sections::coaching;
use crate::report::sections::findings::capitalise;
use crate::stats::{Dimension, GroupStats, Rate, Summary};

/// Agents shown in the chart.
const CHART_AGENTS: usize = 20;
/// Agents shown in the table: ranked ones first, then by calls.
const TABLE_AGENTS: usize = 50;

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
        "{} agents; {ranked} have enough calls with a known outcome (at least {}) to be ranked by {}{}.",
        agents.len(),
        s.min_group_size,
        s.words.rate,
        if small > 0 {
            format!(", {small} with fewer calls are shown but not ranked")
        } else {
            String::new()
        }
    ));
    for line in standout_sentences(s) {
        sec.paragraph(line);
    }
    let mut rows: Vec<&GroupStats> = agents.iter().collect();
    rows.sort_by_key(|a| (a.rank.is_none(), a.rank, std::cmp::Reverse(a.calls)));
    let cols = GroupColumns::of(s);
    let coach = coaching::anchors(s);
    let total = s.totals.all.conversion;
    let shown: Vec<&&GroupStats> = rows.iter().take(TABLE_AGENTS).collect();
    let mut headers = cols.headers("Agent");
    headers.push("Against the rest");
    sec.linked_table(
        &headers,
        shown
            .iter()
            .map(|g| {
                let mut row = cols.row(g);
                row.push(against_rest(g, total));
                row
            })
            .collect(),
        shown.iter().map(|g| coach.get(&g.key).cloned()).collect(),
    );
    if !coach.is_empty() {
        sec.paragraph("Each ranked agent's name links to their coaching section: their biggest gaps against the team's best converters, with their own example calls.");
    }
    if rows.len() > TABLE_AGENTS {
        sec.paragraph(format!(
            "{} more unranked agents with fewer calls are not listed.",
            rows.len() - TABLE_AGENTS
        ));
    }
    let mut bars: Vec<&GroupStats> = agents.iter().filter(|a| a.rank.is_some()).collect();
    bars.sort_by_key(|a| a.rank);
    bars.truncate(CHART_AGENTS);
    if !bars.is_empty() {
        sec.chart(
            &format!(
                "{} by agent (ranked agents, 95% CI)",
                capitalise(&s.words.rate)
            ),
            ChartKind::RateBars(bars.iter().map(|g| conversion_bar(g)).collect()),
        );
    }
    team_table(&mut sec, s.groups(&Dimension::Team), &cols);
    sec
}

fn team_table(sec: &mut Section, teams: &[GroupStats], cols: &GroupColumns) {
    if teams.is_empty() {
        return;
    }
    sec.subheading("By team / campaign");
    sec.table(
        &cols.headers("Team"),
        teams.iter().map(|g| cols.row(g)).collect(),
    );
}

/// Whether a ranked agent's interval separates from the rest of the team:
/// ranks order point estimates, this says which differences are real.
fn against_rest(g: &GroupStats, total: Rate) -> String {
    let rest = g.conversion.rest_of(total);
    match (g.rank, g.conversion.clearly_differs(&rest)) {
        (None, _) => "–".into(),
        (Some(_), false) => "in line (intervals overlap)".into(),
        (Some(_), true) if g.conversion.value() > rest.value() => "above".into(),
        (Some(_), true) => "below".into(),
    }
}

/// The best and the weakest ranked agent against all other calls.
pub fn standout_sentences(s: &Summary) -> Vec<String> {
    standouts(
        s.groups(&Dimension::Agent),
        s.totals.all.conversion,
        &s.words,
    )
}

/// The best and the weakest ranked group against the rest of `total`.
pub fn standouts(groups: &[GroupStats], total: Rate, w: &OutcomeWords) -> Vec<String> {
    let mut ranked: Vec<&GroupStats> = groups.iter().filter(|a| a.rank.is_some()).collect();
    ranked.sort_by_key(|a| a.rank);
    let (Some(best), Some(worst), true) = (ranked.first(), ranked.last(), ranked.len() >= 2) else {
        return Vec::new();
    };
    [
        (best, &best.converted_examples),
        (worst, &worst.lost_examples),
    ]
    .into_iter()
    .map(|(g, ids)| {
        let rest = g.conversion.rest_of(total);
        let verdict = if g.conversion.clearly_differs(&rest) {
            "the intervals do not overlap"
        } else {
            "the intervals overlap, so the gap may be chance"
        };
        format!(
            "{}: {} {} against {} for the rest; {verdict} ({}).",
            g.key,
            w.rate,
            rate(&g.conversion),
            rate(&rest),
            examples(ids)
        )
    })
    .collect()
}

/// The standard columns of a group table: the outcome rate in the report's
/// words, and compliance only when the script applies.
pub struct GroupColumns {
    rate: String,
    script: bool,
}

impl GroupColumns {
    pub fn of(s: &Summary) -> Self {
        GroupColumns {
            rate: capitalise(&s.words.rate),
            script: s.applicability.script.applies(),
        }
    }

    pub fn headers<'a>(&'a self, first: &'a str) -> Vec<&'a str> {
        let mut h = vec![
            first,
            "Calls",
            self.rate.as_str(),
            "Short calls",
            "Median duration",
        ];
        if self.script {
            h.push("Mean compliance");
        }
        h.extend(["Calls with objections", "Objections rebutted", "Rank"]);
        h
    }

    pub fn row(&self, g: &GroupStats) -> Vec<String> {
        let mut r = vec![
            g.key.clone(),
            g.calls.to_string(),
            rate_cell(&g.conversion),
            rate_cell(&g.short),
            opt_duration(g.median_duration_s),
        ];
        if self.script {
            r.push(opt_pct_points(g.mean_compliance_pct));
        }
        r.extend([
            rate_cell(&g.objection_calls),
            rate_cell(&g.rebuttals),
            match (g.rank, g.small) {
                (Some(r), _) => r.to_string(),
                (None, true) => "small, not ranked".to_string(),
                (None, false) => "–".to_string(),
            },
        ]);
        r
    }
}

pub fn conversion_bar(g: &GroupStats) -> RateBar {
    RateBar {
        label: g.key.clone(),
        value: g.conversion.value().unwrap_or(0.0),
        interval: g.conversion.wilson().map(|ci| (ci.low, ci.high)),
        note: format!("{}/{}", g.conversion.hits, g.conversion.n),
    }
}
