//! Per-agent coaching: for each ranked agent, the two or three funnel steps
//! where they fall furthest behind the team's best converters (with the
//! 95 % interval of the gap), their own calls that missed the step, and what
//! the best converters said at that moment. Each agent's section is linked
//! from the agents table.

use std::collections::BTreeMap;

use crate::report::document::Section;
use crate::report::format::{examples, pct, rate};
use crate::stats::funnel::{AgentStep, Step};
use crate::stats::rate::Interval;
use crate::stats::{Dimension, GroupStats, Rate, Summary};

/// Gaps shown per agent.
const GAPS: usize = 3;

/// The anchor of each ranked agent's coaching section, unique per agent.
pub fn anchors(s: &Summary) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut used = std::collections::BTreeSet::new();
    for g in ranked(s) {
        let base: String = g
            .key
            .chars()
            .map(|c| {
                if c.is_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let mut id = format!("coach-{base}");
        let mut n = 2;
        while !used.insert(id.clone()) {
            id = format!("coach-{base}-{n}");
            n += 1;
        }
        out.insert(g.key.clone(), id);
    }
    out
}

/// Ranked agents, best first.
fn ranked(s: &Summary) -> Vec<&GroupStats> {
    let mut r: Vec<&GroupStats> = s
        .groups(&Dimension::Agent)
        .iter()
        .filter(|g| g.rank.is_some())
        .collect();
    r.sort_by_key(|g| g.rank);
    r
}

/// The team's best converters: the top quarter of the ranked agents (at
/// least one).
fn best(s: &Summary) -> Vec<&GroupStats> {
    let r = ranked(s);
    let n = (r.len() / 4).max(1);
    r.into_iter().take(n).collect()
}

/// One gap of an agent against the best converters on one step.
pub struct Gap<'a> {
    pub step: &'a Step,
    pub agent: &'a AgentStep,
    pub best: Rate,
    pub difference: (f64, Interval),
    pub quote: Option<&'a (String, String)>,
}

/// The agent's biggest gaps on controllable steps that matter.
pub fn gaps<'a>(s: &'a Summary, agent: &str) -> Vec<Gap<'a>> {
    let best: Vec<&str> = best(s)
        .into_iter()
        .map(|g| g.key.as_str())
        .filter(|b| *b != agent)
        .collect();
    let Some(own) = s.funnel.agents.get(agent) else {
        return Vec::new();
    };
    let mut out: Vec<Gap> = s
        .funnel
        .steps
        .iter()
        .enumerate()
        .filter(|(_, step)| step.kind.controllable() && step.matters())
        .filter_map(|(k, step)| {
            let mine = own.get(k)?;
            let mut pooled = Rate::default();
            let mut quote = None;
            for b in &best {
                let theirs = s.funnel.agents.get(*b).and_then(|a| a.get(k));
                if let Some(t) = theirs {
                    pooled.add(t.reached);
                    quote = quote.or(t.quotes.first());
                }
            }
            let difference = pooled.difference(&mine.reached)?;
            (difference.0 > 0.0).then_some(Gap {
                step,
                agent: mine,
                best: pooled,
                difference,
                quote,
            })
        })
        .collect();
    out.sort_by(|a, b| b.difference.0.total_cmp(&a.difference.0));
    out.truncate(GAPS);
    out
}

/// "reaches X in 40% (…) against 70% (…) for the best converters: 30 points
/// (95% CI 10–50)".
pub fn gap_sentence(agent: &str, g: &Gap) -> String {
    let (d, ci) = g.difference;
    let chance = if ci.low > 0.0 {
        ""
    } else {
        "; the interval includes no gap, so it may be chance"
    };
    format!(
        "{}: {agent} {} against {} for the team's best converters, {:.0} points behind (95% CI {:.0} to {:.0}){chance}",
        g.step.name,
        rate(&g.agent.reached),
        rate(&g.best),
        d * 100.0,
        ci.low * 100.0,
        ci.high * 100.0
    )
}

/// One coaching section per ranked agent.
pub fn build_all(s: &Summary) -> Vec<Section> {
    let anchors = anchors(s);
    let best_names: Vec<String> = best(s).iter().map(|g| g.key.clone()).collect();
    ranked(s)
        .into_iter()
        .filter_map(|g| {
            let id = anchors.get(&g.key)?;
            Some(section(s, g, id, &best_names))
        })
        .collect()
}

fn section(s: &Summary, g: &GroupStats, id: &str, best: &[String]) -> Section {
    let mut sec = Section::new(id, &format!("Coaching: {}", g.key));
    let total = s.totals.all.conversion;
    sec.paragraph(format!(
        "{}: {} {} against {} for the rest of the team. The best converters compared with: {}.",
        g.key,
        s.words.rate,
        rate(&g.conversion),
        rate(&g.conversion.rest_of(total)),
        best.join(", ")
    ));
    let gaps = gaps(s, &g.key);
    if gaps.is_empty() {
        sec.paragraph(format!(
            "{} is not behind the best converters on any step that goes with a higher {}.",
            g.key, s.words.rate
        ));
        return sec;
    }
    for gap in &gaps {
        sec.subheading(gap.step.name.clone());
        sec.paragraph(gap_sentence(&g.key, gap) + ".");
        let mut items = Vec::new();
        if !gap.agent.missed_examples.is_empty() {
            items.push(format!(
                "Own calls that missed it: {}",
                examples(&gap.agent.missed_examples)
            ));
        }
        if let Some((call, quote)) = gap.quote {
            items.push(format!(
                "What a best converter said at this step (call {call}): “{quote}”"
            ));
        }
        items.push(format!(
            "Across the team, calls that reach this step end {} {} of the time, against {} when they do not.",
            s.words.positive,
            pct(gap.step.positive_if_reached.value().unwrap_or(0.0)),
            pct(gap.step.positive_if_missed.value().unwrap_or(0.0))
        ));
        sec.bullets(items);
    }
    sec
}
