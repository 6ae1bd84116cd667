//! Section 8: script compliance — the five questions (followed; followed and
//! long; non-compliance reasons; objections rebutted; returns to script per
//! objection), tiers, section-by-section averages and the agent ranking.

use crate::report::document::{ChartKind, RateBar, Section};
use crate::report::format::{duration, examples, pct, rate, rate_cell, sides};
use crate::report::sections::omitted;
use crate::stats::Summary;
use crate::stats::compliance::{ComplianceSummary, Count};
use crate::stats::label::label;

/// Section rows shown in the agent ranking.
const RANKING_ROWS: usize = 15;

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("compliance", "Script compliance");
    if let Some(reason) = omitted::script_reason(s) {
        sec.paragraph(reason);
        return sec;
    }
    let c = &s.compliance;
    if c.assessed_calls == 0 {
        sec.paragraph(
            "No analysed call has a script assessment, so compliance cannot be reported.",
        );
        return sec;
    }
    q1_followed(&mut sec, c);
    q2_followed_and_long(&mut sec, c, s.threshold_s);
    q3_reasons(&mut sec, c);
    q4_rebuttals(&mut sec, c);
    q5_returns(&mut sec, c);
    sections_table(&mut sec, c);
    match omitted::compliance_ranking_reason(s) {
        Some(reason) => {
            sec.subheading("Agent ranking by script followed");
            sec.paragraph(reason);
        }
        None => agent_ranking(&mut sec, c, s.min_group_size),
    }
    sec
}

fn band(r: f64) -> &'static str {
    if r >= 0.7 {
        "strong"
    } else if r >= 0.4 {
        "moderate"
    } else {
        "low"
    }
}

fn q1_followed(sec: &mut Section, c: &ComplianceSummary) {
    sec.subheading("Q1. Is the script followed?");
    sec.paragraph(format!(
        "The script was followed (overall score of at least 40% and at least four of the core sections attempted) on {} of {} assessed calls.",
        rate(&c.followed),
        c.assessed_calls
    ));
    let tier_rows = c
        .tiers
        .iter()
        .map(|t| {
            vec![
                label(&t.key),
                t.n.to_string(),
                pct(t.n as f64 / c.assessed_calls as f64),
                t.examples.join(", "),
            ]
        })
        .collect();
    sec.table(
        &[
            "Tier (high > 70%, medium 40–70%, low < 40%)",
            "Calls",
            "Share",
            "Examples",
        ],
        tier_rows,
    );
}

fn q2_followed_and_long(sec: &mut Section, c: &ComplianceSummary, threshold_s: f64) {
    sec.subheading("Q2. Do calls that follow the script last longer?");
    let e = &c.followed_and_long;
    match e.rate.value() {
        None if c.followed.hits == 0 => {
            sec.paragraph("No call followed the script, so this cannot be measured.");
        }
        None => {
            sec.paragraph("No call that followed the script has a known duration.");
        }
        Some(v) => {
            sec.paragraph(format!(
                "{} of the calls that followed the script lasted at least {}; that is {} of them{}.",
                rate(&e.rate),
                duration(threshold_s),
                if v > 0.5 { "most" } else { "a minority" },
                sides("long", &e.hits, "short", &e.misses)
            ));
        }
    }
}

fn q3_reasons(sec: &mut Section, c: &ComplianceSummary) {
    sec.subheading("Q3. Why is the script not followed?");
    let total: u64 = c.categories.iter().map(|k| k.n).sum();
    if total == 0 {
        sec.paragraph("No reason was given for any call that did not follow the script.");
        return;
    }
    let top = &c.categories[0];
    sec.paragraph(format!(
        "Of {total} calls with a stated reason, {} are {} ({}).",
        pct(top.n as f64 / total as f64),
        label(&top.key),
        examples(&top.examples)
    ));
    sec.table(
        &["Category", "Calls", "Share", "Examples"],
        count_rows(&c.categories, total),
    );
    sec.table(
        &["Reason", "Calls", "Share", "Examples"],
        count_rows(&c.reasons, total),
    );
}

fn count_rows<K: serde::Serialize>(counts: &[Count<K>], total: u64) -> Vec<Vec<String>> {
    counts
        .iter()
        .map(|k| {
            vec![
                label(&k.key),
                k.n.to_string(),
                pct(k.n as f64 / total as f64),
                k.examples.join(", "),
            ]
        })
        .collect()
}

fn q4_rebuttals(sec: &mut Section, c: &ComplianceSummary) {
    sec.subheading("Q4. Are objections rebutted?");
    let e = &c.rebutted;
    match e.rate.value() {
        None => {
            sec.paragraph("No objection was raised on any analysed call.");
        }
        Some(v) => {
            sec.paragraph(format!(
                "Agents attempted a rebuttal for {} of objections raised: {}{}.",
                rate(&e.rate),
                band(v),
                sides("rebutted", &e.hits, "not rebutted", &e.misses)
            ));
        }
    }
}

fn q5_returns(sec: &mut Section, c: &ComplianceSummary) {
    sec.subheading("Q5. Does the agent return to the script after an objection?");
    let e = &c.returned_to_script;
    if let Some(v) = e.rate.value() {
        sec.paragraph(format!(
            "After {} of objections the agent returned to the script (counted per objection): {}{}.",
            rate(&e.rate),
            band(v),
            sides("returned", &e.hits, "did not return", &e.misses)
        ));
    } else {
        sec.paragraph("No objection was raised, so returns to the script cannot be measured.");
    }
}

fn sections_table(sec: &mut Section, c: &ComplianceSummary) {
    sec.subheading("Section by section");
    if c.sections.is_empty() {
        sec.paragraph("The script assessments score no section.");
        return;
    }
    let (best, worst) = (&c.sections[0], &c.sections[c.sections.len() - 1]);
    sec.paragraph(format!(
        "Strongest section: {} (mean {:.0}% over {} calls; {}); weakest: {} (mean {:.0}% over {} calls; {}).",
        best.name,
        best.mean_pct,
        best.calls,
        examples(&best.attempted.hits),
        worst.name,
        worst.mean_pct,
        worst.calls,
        examples(&worst.attempted.misses)
    ));
    sec.table(
        &["Section", "Mean score", "Attempted", "Calls", "Band"],
        c.sections
            .iter()
            .map(|x| {
                vec![
                    x.name.clone(),
                    format!("{:.0}%", x.mean_pct),
                    rate_cell(&x.attempted.rate),
                    x.calls.to_string(),
                    band(x.mean_pct / 100.0).to_string(),
                ]
            })
            .collect(),
    );
    sec.chart(
        "Mean compliance score by script section",
        ChartKind::RateBars(
            c.sections
                .iter()
                .map(|x| RateBar {
                    label: x.name.clone(),
                    value: x.mean_pct / 100.0,
                    interval: None,
                    note: format!("n = {}", x.calls),
                })
                .collect(),
        ),
    );
}

fn agent_ranking(sec: &mut Section, c: &ComplianceSummary, min: u32) {
    sec.subheading("Agent ranking by script followed");
    if c.agents.is_empty() {
        sec.paragraph("No assessed call names its agent.");
        return;
    }
    let ranked: Vec<_> = c.agents.iter().filter(|a| a.rank.is_some()).collect();
    if let (Some(top), Some(bottom), true) = (ranked.first(), ranked.last(), ranked.len() >= 2) {
        let lead = if top.followed.value() == bottom.followed.value() {
            format!(
                "Every ranked agent follows the script equally often ({}), so they are ordered by mean score: {} highest ({:.0}%), {} lowest ({:.0}%).",
                pct(top.followed.value().unwrap_or(0.0)),
                top.agent,
                top.mean_pct,
                bottom.agent,
                bottom.mean_pct
            )
        } else {
            format!(
                "{} follows the script most often ({}); {} least often ({}).",
                top.agent,
                rate(&top.followed),
                bottom.agent,
                rate(&bottom.followed)
            )
        };
        sec.paragraph(format!(
            "{lead} Agents with fewer than {min} assessed calls are listed but not ranked."
        ));
    } else {
        sec.paragraph(format!(
            "Fewer than two agents have {min} or more assessed calls, so agents are not ranked."
        ));
    }
    sec.table(
        &["Rank", "Agent", "Calls", "Script followed", "Mean score"],
        c.agents
            .iter()
            .take(RANKING_ROWS)
            .map(|a| {
                vec![
                    a.rank
                        .map_or_else(|| "small, not ranked".into(), |r| r.to_string()),
                    a.agent.clone(),
                    a.followed.n.to_string(),
                    rate_cell(&a.followed),
                    format!("{:.0}%", a.mean_pct),
                ]
            })
            .collect(),
    );
}
