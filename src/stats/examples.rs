//! A handful of real example calls per category (short failures, successes,
//! high and low compliance, good objection handling), kept while streaming.

use serde::{Deserialize, Serialize};

use crate::analyze::insight::{ComplianceTier, Insight, Quote};
use crate::config::Playbook;
use crate::model::Outcome;

use super::label::label;
use super::row::CallRow;

/// Examples kept per category.
const PER_CATEGORY: usize = 3;

/// One example call and the evidence that makes it an example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallExample {
    pub call_id: String,
    pub agent: Option<String>,
    pub duration_s: Option<f64>,
    pub outcome: Outcome,
    pub compliance_pct: Option<f64>,
    /// Reasons or factors the analyzer gave.
    pub reasons: Vec<String>,
    pub quote: Option<Quote>,
    /// The agent's answer, for objection-handling examples.
    pub reply: Option<Quote>,
    /// Critical moment or transferable technique, when given.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Examples {
    pub short_failures: Vec<CallExample>,
    pub successes: Vec<CallExample>,
    pub high_compliance: Vec<CallExample>,
    pub low_compliance: Vec<CallExample>,
    pub objection_handling: Vec<CallExample>,
}

impl Examples {
    pub fn add(&mut self, row: &CallRow, short: Option<bool>) {
        let Some(insight) = row.insight() else {
            return;
        };
        let base =
            |quote: Option<&Quote>, reasons: Vec<String>, note: Option<String>| CallExample {
                call_id: row.call.id.clone(),
                agent: row.agent().map(str::to_string),
                duration_s: row.call.duration_s,
                outcome: row.call.outcome,
                compliance_pct: insight.script.as_ref().map(|s| s.overall_pct),
                reasons,
                quote: quote.cloned(),
                reply: None,
                note,
            };
        if short == Some(true)
            && row.call.outcome != Outcome::Converted
            && let Some(q) = issue_quote(insight)
        {
            let mut reasons = insight.termination_reasons.clone();
            if reasons.is_empty() {
                reasons.extend(insight.early_termination.clone());
            }
            let note = insight.critical_moment.as_ref().map(|m| m.text.clone());
            push(&mut self.short_failures, base(Some(q), reasons, note));
        }
        if row.call.outcome == Outcome::Converted
            && let Some(q) = success_quote(insight)
        {
            let note = insight.transferable_technique.clone();
            push(
                &mut self.successes,
                base(Some(q), insight.success_factors.clone(), note),
            );
        }
        if let Some(script) = &insight.script {
            match script.tier() {
                ComplianceTier::High => {
                    let q = script.best_practice_quote.as_ref();
                    push(
                        &mut self.high_compliance,
                        base(q, script.strongest_sections.clone(), None),
                    );
                }
                ComplianceTier::Low => {
                    let nc = script.non_compliance.as_ref();
                    let q = nc
                        .and_then(|n| n.proof.as_ref())
                        .or(script.improvement_quote.as_ref());
                    let reasons = nc.map(|n| vec![label(&n.reason)]).unwrap_or_default();
                    let note = nc.and_then(|n| n.details.clone());
                    push(&mut self.low_compliance, base(q, reasons, note));
                }
                ComplianceTier::Medium => {}
            }
        }
        let handled = insight
            .objections
            .iter()
            .find(|o| o.rebuttal_attempted && o.returned_to_script && o.agent_rebuttal.is_some());
        if let Some(o) = handled {
            let mut ex = base(Some(&o.customer_quote), vec![o.kind.clone()], None);
            ex.reply = o.agent_rebuttal.clone();
            push(&mut self.objection_handling, ex);
        }
    }
}

impl Examples {
    /// Replaces objection type ids by their playbook names.
    pub fn name_objections(&mut self, playbook: &Playbook) {
        for ex in &mut self.objection_handling {
            for reason in &mut ex.reasons {
                if let Some(o) = playbook.objections.iter().find(|o| &o.id == reason) {
                    *reason = o.name.clone();
                }
            }
        }
    }
}

fn push(list: &mut Vec<CallExample>, ex: CallExample) {
    if list.len() < PER_CATEGORY {
        list.push(ex);
    }
}

fn issue_quote(i: &Insight) -> Option<&Quote> {
    i.proof_of_issue
        .as_ref()
        .or(i.critical_moment.as_ref())
        .or(i.notable_quotes.first())
}

/// Only the analyzer's proof of success: a positive example must quote the
/// commitment, never whatever notable line (often an objection) came first.
fn success_quote(i: &Insight) -> Option<&Quote> {
    i.proof_of_success.as_ref()
}
