//! Section 10: recommendations, each derived by a rule from a figure that
//! crosses a threshold, with its evidence and example calls.

use crate::report::document::Section;
use crate::report::format::{examples, rate, sides};
use crate::report::sections::findings;
use crate::stats::{ComparisonDetail, Dimension, Summary, Target};

/// Below this share a practice is called out for training.
const TRAINING_BAR: f64 = 0.5;
/// Smallest |Cliff's delta| worth coaching on (a "medium" effect).
const COACHING_EFFECT: f64 = 0.33;

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("recommendations", "Recommendations");
    let mut items = Vec::new();
    items.extend(from_findings(s));
    items.extend(from_rebuttals(s));
    if s.applicability.script.applies() {
        items.extend(from_script(s));
    }
    items.extend(from_agents(s));
    if items.is_empty() {
        sec.paragraph(format!("No recommendation is supported by the data: no coachable agent behaviour separates {} calls by a difference that matters, no practice rate falls below 50% and no ranked agent is clearly below the rest.", s.words.positive));
    } else {
        sec.paragraph(format!(
            "{} recommendations, each from a figure in this report.",
            items.len()
        ));
        sec.bullets(items);
    }
    sec
}

fn from_findings(s: &Summary) -> Vec<String> {
    s.comparisons
        .iter()
        .filter(|c| c.headline() && c.target == Target::Conversion)
        .filter(|c| {
            s.applicability.compliance_relates
                || !matches!(&c.detail, ComparisonDetail::Numeric(n) if n.feature.needs_script())
        })
        .filter_map(|c| match &c.detail {
            ComparisonDetail::Numeric(n)
                if n.feature.is_agent_behaviour() && n.cliffs_delta.abs() >= COACHING_EFFECT =>
            {
                let direction = if n.cliffs_delta >= 0.0 {
                    "higher"
                } else {
                    "lower"
                };
                Some(format!(
                    "Coach towards a {direction} {}. {}",
                    n.feature.label(),
                    findings::sentence(c, &s.words)
                ))
            }
            _ => None,
        })
        .take(3)
        .collect()
}

fn below(r: &crate::stats::Rate) -> bool {
    r.value().is_some_and(|v| v < TRAINING_BAR)
}

/// Objections and rebuttals are detected with or without a script.
fn from_rebuttals(s: &Summary) -> Option<String> {
    let c = &s.compliance;
    below(&c.rebutted.rate).then(|| {
        let worst = c.objections.iter().min_by(|a, b| {
            a.rebutted
                .value()
                .unwrap_or(0.0)
                .total_cmp(&b.rebutted.value().unwrap_or(0.0))
        });
        format!(
            "Rebuttal (acknowledge, add value, ask) training: only {} of objections get a rebuttal{} ({}).",
            rate(&c.rebutted.rate),
            worst.map(|w| format!("; weakest on {} ({})", w.name, rate(&w.rebutted))).unwrap_or_default(),
            examples(&c.rebutted.misses)
        )
    })
}

/// Only when the playbook's script applies to these calls.
fn from_script(s: &Summary) -> Vec<String> {
    let c = &s.compliance;
    let mut out = Vec::new();
    if below(&c.followed) {
        let ids = c
            .tiers
            .iter()
            .find(|t| t.key == crate::analyze::insight::ComplianceTier::Low);
        out.push(format!(
            "Script training: the script is followed on only {} ({}).",
            rate(&c.followed),
            examples(ids.map_or(&[][..], |t| &t.examples))
        ));
    }
    if below(&c.returned_to_script.rate) {
        out.push(format!(
            "Practise steering back to the script after an objection: it happens after only {} of objections ({}).",
            rate(&c.returned_to_script.rate),
            examples(&c.returned_to_script.misses)
        ));
    }
    if let Some(weak) = c.sections.last().filter(|x| x.mean_pct < 40.0) {
        out.push(format!(
            "Focus on the {} section: mean score {:.0}% over {} calls{}.",
            weak.name,
            weak.mean_pct,
            weak.calls,
            sides(
                "delivered",
                &weak.attempted.hits,
                "skipped",
                &weak.attempted.misses
            )
        ));
    }
    out
}

fn from_agents(s: &Summary) -> Vec<String> {
    let all = s.totals.all.conversion;
    let mut ranked: Vec<_> = s
        .groups(&Dimension::Agent)
        .iter()
        .filter(|a| a.rank.is_some())
        .collect();
    ranked.sort_by_key(|a| a.rank);
    let best = ranked.first().copied();
    ranked
        .iter()
        .filter(|a| {
            let rest = a.conversion.rest_of(all);
            a.conversion.clearly_differs(&rest) && a.conversion.value() < rest.value()
        })
        .map(|a| {
            let model = best
                .filter(|b| b.key != a.key)
                .map(|b| {
                    format!(
                        "; compare with {}'s {} calls ({})",
                        b.key,
                        s.words.positive,
                        examples(&b.converted_examples)
                    )
                })
                .unwrap_or_default();
            format!(
                "Coach {}: {} {} against {} for the rest ({}){model}.",
                a.key,
                s.words.rate,
                rate(&a.conversion),
                rate(&a.conversion.rest_of(all)),
                examples(&a.lost_examples)
            )
        })
        .collect()
}
