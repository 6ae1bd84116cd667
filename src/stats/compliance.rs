//! Script compliance, the original's five questions (Q1 followed, Q2 followed
//! and long, Q3 non-compliance reasons, Q4 objections rebutted, Q5 returns to
//! script per objection), tiers, section averages, agent ranking and the
//! objection-type breakdown with rebuttal examples.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analyze::insight::{
    ComplianceTier, NonComplianceCategory, NonComplianceReason, ObjectionAnalysis, Quote,
    RebuttalQuality,
};
use crate::config::Playbook;

use super::evidence::Evidenced;
use super::rate::Rate;
use super::row::CallRow;

/// Rebuttal examples kept per objection type.
const EXAMPLES_PER_OBJECTION: usize = 3;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ComplianceSummary {
    /// Analysed calls with a script assessment.
    pub assessed_calls: u64,
    /// Q1: script followed, over assessed calls.
    pub followed: Rate,
    /// Q2: long calls among followed calls of known duration.
    pub followed_and_long: Evidenced,
    /// Q3: reasons given on calls where the script was not followed.
    pub reasons: Vec<Count<NonComplianceReason>>,
    pub categories: Vec<Count<NonComplianceCategory>>,
    /// Q4: objections rebutted, over objections raised.
    pub rebutted: Evidenced,
    /// Q5: objections after which the agent returned to the script, over
    /// objections raised (per objection, not per call).
    pub returned_to_script: Evidenced,
    pub tiers: Vec<Count<ComplianceTier>>,
    /// Average score per playbook section, highest first.
    pub sections: Vec<SectionAverage>,
    /// Agents by followed rate, highest first; small ones flagged, not ranked.
    pub agents: Vec<AgentCompliance>,
    /// Objection types, most raised first.
    pub objections: Vec<ObjectionTypeStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count<K> {
    pub key: K,
    pub n: u64,
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionAverage {
    pub id: String,
    /// Name from the playbook; the id when the playbook does not list it.
    pub name: String,
    pub mean_pct: f64,
    pub calls: u64,
    pub attempted: Evidenced,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentCompliance {
    pub agent: String,
    pub followed: Rate,
    pub mean_pct: f64,
    pub small: bool,
    pub rank: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectionTypeStats {
    pub id: String,
    pub name: String,
    pub raised: u64,
    pub rebutted: Rate,
    pub returned_to_script: Rate,
    pub examples: Vec<RebuttalExample>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RebuttalExample {
    pub call_id: String,
    pub agent: Option<String>,
    pub customer_quote: Quote,
    pub agent_rebuttal: Quote,
    pub quality: RebuttalQuality,
    pub followed_avq: bool,
    pub returned_to_script: bool,
}

#[derive(Debug)]
struct Counter<K> {
    counts: BTreeMap<K, (u64, Vec<String>)>,
}

impl<K> Default for Counter<K> {
    fn default() -> Self {
        Counter {
            counts: BTreeMap::new(),
        }
    }
}

impl<K: Ord + Copy> Counter<K> {
    fn add(&mut self, key: K, id: &str) {
        let e = self.counts.entry(key).or_default();
        e.0 += 1;
        if e.1.len() < 3 {
            e.1.push(id.to_string());
        }
    }

    fn finish(self) -> Vec<Count<K>> {
        let mut v: Vec<Count<K>> = self
            .counts
            .into_iter()
            .map(|(key, (n, examples))| Count { key, n, examples })
            .collect();
        v.sort_by_key(|c| std::cmp::Reverse(c.n));
        v
    }
}

#[derive(Debug, Default)]
struct SectionAcc {
    sum: f64,
    calls: u64,
    attempted: Evidenced,
}

#[derive(Debug, Default)]
struct AgentAcc {
    followed: Rate,
    sum: f64,
}

#[derive(Debug, Default)]
struct ObjectionAcc {
    rebutted: Rate,
    returned: Rate,
    examples: Vec<RebuttalExample>,
}

/// Streams the compliance figures.
#[derive(Debug, Default)]
pub struct ComplianceAcc {
    assessed: u64,
    followed: Rate,
    followed_and_long: Evidenced,
    reasons: Counter<NonComplianceReason>,
    categories: Counter<NonComplianceCategory>,
    rebutted: Evidenced,
    returned: Evidenced,
    tiers: Counter<ComplianceTier>,
    sections: BTreeMap<String, SectionAcc>,
    agents: BTreeMap<String, AgentAcc>,
    objections: BTreeMap<String, ObjectionAcc>,
}

impl ComplianceAcc {
    pub fn add(&mut self, row: &CallRow, core_sections: &[String], short: Option<bool>) {
        let Some(insight) = row.insight() else {
            return;
        };
        let id = row.call.id.as_str();
        for o in &insight.objections {
            self.add_objection(o, row);
        }
        let Some(script) = &insight.script else {
            return;
        };
        self.assessed += 1;
        let followed = script.is_followed(core_sections);
        self.followed.record(followed);
        if let (true, Some(short)) = (followed, short) {
            self.followed_and_long.record(!short, id);
        }
        if let (false, Some(nc)) = (followed, &script.non_compliance) {
            self.reasons.add(nc.reason, id);
            self.categories.add(nc.reason.category(), id);
        }
        self.tiers.add(script.tier(), id);
        for s in &script.sections {
            let acc = self.sections.entry(s.section.clone()).or_default();
            acc.sum += s.score_pct;
            acc.calls += 1;
            acc.attempted.record(s.attempted, id);
        }
        if let Some(agent) = row.agent() {
            let acc = self.agents.entry(agent.to_string()).or_default();
            acc.followed.record(followed);
            acc.sum += script.overall_pct;
        }
    }

    fn add_objection(&mut self, o: &ObjectionAnalysis, row: &CallRow) {
        let id = row.call.id.as_str();
        self.rebutted.record(o.rebuttal_attempted, id);
        self.returned.record(o.returned_to_script, id);
        let acc = self.objections.entry(o.kind.clone()).or_default();
        acc.rebutted.record(o.rebuttal_attempted);
        acc.returned.record(o.returned_to_script);
        if let (true, Some(rebuttal), true) = (
            o.rebuttal_attempted,
            &o.agent_rebuttal,
            acc.examples.len() < EXAMPLES_PER_OBJECTION,
        ) {
            acc.examples.push(RebuttalExample {
                call_id: row.call.id.clone(),
                agent: row.agent().map(str::to_string),
                customer_quote: o.customer_quote.clone(),
                agent_rebuttal: rebuttal.clone(),
                quality: o.rebuttal_quality,
                followed_avq: o.followed_avq,
                returned_to_script: o.returned_to_script,
            });
        }
    }

    pub fn finish(self, playbook: &Playbook, min_size: u32) -> ComplianceSummary {
        let section_name = |id: &str| {
            playbook
                .section(id)
                .map_or_else(|| id.to_string(), |s| s.name.clone())
        };
        let objection_name = |id: &str| {
            playbook
                .objections
                .iter()
                .find(|o| o.id == id)
                .map_or_else(|| id.replace('_', " "), |o| o.name.clone())
        };
        let mut sections: Vec<SectionAverage> = self
            .sections
            .into_iter()
            .map(|(id, a)| SectionAverage {
                name: section_name(&id),
                id,
                mean_pct: a.sum / a.calls as f64,
                calls: a.calls,
                attempted: a.attempted,
            })
            .collect();
        sections.sort_by(|a, b| b.mean_pct.total_cmp(&a.mean_pct));
        let mut objections: Vec<ObjectionTypeStats> = self
            .objections
            .into_iter()
            .map(|(id, a)| ObjectionTypeStats {
                name: objection_name(&id),
                id,
                raised: a.rebutted.n,
                rebutted: a.rebutted,
                returned_to_script: a.returned,
                examples: a.examples,
            })
            .collect();
        objections.sort_by(|a, b| b.raised.cmp(&a.raised).then_with(|| a.id.cmp(&b.id)));
        ComplianceSummary {
            assessed_calls: self.assessed,
            followed: self.followed,
            followed_and_long: self.followed_and_long,
            reasons: self.reasons.finish(),
            categories: self.categories.finish(),
            rebutted: self.rebutted,
            returned_to_script: self.returned,
            tiers: self.tiers.finish(),
            sections,
            agents: rank_agents(self.agents, min_size),
            objections,
        }
    }
}

fn rank_agents(agents: BTreeMap<String, AgentAcc>, min_size: u32) -> Vec<AgentCompliance> {
    let mut out: Vec<AgentCompliance> = agents
        .into_iter()
        .map(|(agent, a)| AgentCompliance {
            agent,
            mean_pct: a.sum / a.followed.n as f64,
            small: a.followed.n < u64::from(min_size),
            followed: a.followed,
            rank: None,
        })
        .collect();
    out.sort_by(|a, b| {
        a.small.cmp(&b.small).then(
            b.followed
                .value()
                .unwrap_or(0.0)
                .total_cmp(&a.followed.value().unwrap_or(0.0))
                .then(b.mean_pct.total_cmp(&a.mean_pct)),
        )
    });
    for (i, a) in out.iter_mut().filter(|a| !a.small).enumerate() {
        a.rank = Some(i as u32 + 1);
    }
    out
}
