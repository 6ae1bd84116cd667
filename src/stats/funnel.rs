//! The funnel: the steps a call passes on the way to a positive outcome —
//! a real conversation, then the script's core sections in order (when the
//! script applies), objections answered, a buying signal — each with how
//! many calls reached it and the outcome rate with and without it, overall
//! and per agent, so the report can say where calls are lost and what each
//! agent misses against the best converters. Memory grows with agents and
//! steps only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::Playbook;

use super::rate::Rate;
use super::row::CallRow;

/// Example calls kept per agent and step.
const EXAMPLES: usize = 3;
/// Quotes kept per agent and step.
const QUOTES: usize = 2;
/// Shares above which a step mirrors the outcome.
const MIRROR: f64 = 0.95;

/// What a step checks in a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The customer speaks at least twice.
    Conversation,
    /// The agent delivered this script section.
    Section(String),
    /// Every objection raised got a rebuttal (calls with objections only).
    ObjectionsAnswered,
    /// The customer showed a buying signal.
    BuyingSignal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub kind: StepKind,
    pub name: String,
    /// Calls that reached the step, over calls where it was measured.
    pub reached: Rate,
    /// Outcome rate of measured calls that reached / did not reach it.
    pub positive_if_reached: Rate,
    pub positive_if_missed: Rate,
    /// Positive calls that reached the step; negative calls that missed it.
    pub reached_examples: Vec<String>,
    pub missed_examples: Vec<String>,
}

impl StepKind {
    /// Something the agent does at this step, so it can be coached.
    pub fn controllable(&self) -> bool {
        matches!(self, StepKind::Section(_) | StepKind::ObjectionsAnswered)
    }
}

impl Step {
    /// How much higher the outcome rate is when the step is reached.
    pub fn lift(&self) -> f64 {
        self.positive_if_reached.value().unwrap_or(0.0)
            - self.positive_if_missed.value().unwrap_or(0.0)
    }

    /// Reaching the step goes with a clearly higher outcome rate, and the
    /// step is not the outcome itself in other words.
    pub fn matters(&self) -> bool {
        self.positive_if_reached.value() > self.positive_if_missed.value()
            && self
                .positive_if_reached
                .clearly_differs(&self.positive_if_missed)
            && !self.mirrors_outcome()
    }

    /// Nearly every positive call reaches the step and nearly every call
    /// that reaches it is positive: the step marks the outcome (a close
    /// phrase said once the customer agreed) rather than leading to it.
    pub fn mirrors_outcome(&self) -> bool {
        let (hit, miss) = (self.positive_if_reached, self.positive_if_missed);
        let positives = Rate::new(hit.hits, hit.hits + miss.hits);
        positives.value().is_some_and(|v| v >= MIRROR) && hit.value().is_some_and(|v| v >= MIRROR)
    }

    /// Positive outcomes that calls missing the step would add if they
    /// converted like the calls that reach it.
    pub fn lost_outcomes(&self) -> f64 {
        self.positive_if_missed.n as f64 * self.lift()
    }
}

/// One agent's figures on one step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentStep {
    pub reached: Rate,
    /// Calls of this agent that missed the step.
    pub missed_examples: Vec<String>,
    /// What this agent said when reaching the step on a positive call.
    pub quotes: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Funnel {
    pub steps: Vec<Step>,
    /// Agent -> one entry per step.
    pub agents: BTreeMap<String, Vec<AgentStep>>,
}

/// Streams calls into a [`Funnel`].
#[derive(Debug)]
pub struct FunnelAcc {
    funnel: Funnel,
}

impl FunnelAcc {
    pub fn new(playbook: &Playbook) -> Self {
        let mut kinds = vec![(
            StepKind::Conversation,
            "Customer engaged (speaks at least twice)".to_string(),
        )];
        let core = playbook.core_section_ids();
        kinds.extend(
            playbook
                .sections
                .iter()
                .filter(|s| core.contains(&s.id))
                .map(|s| {
                    (
                        StepKind::Section(s.id.clone()),
                        format!("{} delivered", s.name),
                    )
                }),
        );
        kinds.push((
            StepKind::ObjectionsAnswered,
            "Every objection answered".into(),
        ));
        kinds.push((
            StepKind::BuyingSignal,
            "Buying signal from the customer".into(),
        ));
        let steps = kinds
            .into_iter()
            .map(|(kind, name)| Step {
                kind,
                name,
                reached: Rate::default(),
                positive_if_reached: Rate::default(),
                positive_if_missed: Rate::default(),
                reached_examples: Vec::new(),
                missed_examples: Vec::new(),
            })
            .collect();
        FunnelAcc {
            funnel: Funnel {
                steps,
                agents: BTreeMap::new(),
            },
        }
    }

    pub fn add(&mut self, row: &CallRow, positive: Option<bool>) {
        let agent = row.agent().map(str::trim).filter(|a| !a.is_empty());
        let n = self.funnel.steps.len();
        for (k, step) in self.funnel.steps.iter_mut().enumerate() {
            let Some(reached) = reached(&step.kind, row) else {
                continue;
            };
            step.reached.record(reached);
            if let Some(p) = positive {
                let side = if reached {
                    &mut step.positive_if_reached
                } else {
                    &mut step.positive_if_missed
                };
                side.record(p);
                let examples = match (reached, p) {
                    (true, true) => Some(&mut step.reached_examples),
                    (false, false) => Some(&mut step.missed_examples),
                    _ => None,
                };
                if let Some(ids) = examples.filter(|e| e.len() < EXAMPLES) {
                    ids.push(row.call.id.clone());
                }
            }
            let Some(agent) = agent else {
                continue;
            };
            let entry = self
                .funnel
                .agents
                .entry(agent.to_string())
                .or_insert_with(|| vec![AgentStep::default(); n]);
            let a = &mut entry[k];
            a.reached.record(reached);
            if !reached && a.missed_examples.len() < EXAMPLES {
                a.missed_examples.push(row.call.id.clone());
            }
            if reached && positive == Some(true) && a.quotes.len() < QUOTES {
                a.quotes
                    .extend(quote(&step.kind, row).map(|q| (row.call.id.clone(), q)));
            }
        }
    }

    /// The funnel; script sections only when the script applies.
    pub fn finish(self, script: bool) -> Funnel {
        let mut f = self.funnel;
        let keep: Vec<bool> = f
            .steps
            .iter()
            .map(|s| script || !matches!(s.kind, StepKind::Section(_)))
            .collect();
        let mut k = keep.iter();
        f.steps.retain(|_| *k.next().unwrap_or(&false));
        f.agents.values_mut().for_each(|a| {
            let mut k = keep.iter();
            a.retain(|_| *k.next().unwrap_or(&false));
        });
        f
    }
}

/// Whether the call reached the step; `None` when it cannot be told.
fn reached(kind: &StepKind, row: &CallRow) -> Option<bool> {
    let m = &row.metrics;
    match kind {
        StepKind::Conversation => m.customer_turns.map(|n| n >= 2),
        StepKind::Section(id) => {
            let s = m.sections.iter().find(|s| &s.section == id)?;
            Some(s.attempted())
        }
        StepKind::ObjectionsAnswered => {
            let objections = &row.insight()?.objections;
            (!objections.is_empty()).then(|| objections.iter().all(|o| o.rebuttal_attempted))
        }
        StepKind::BuyingSignal => m.customer_turns.map(|_| !m.buying_signals.is_empty()),
    }
}

/// What the agent said at this step, when the analysis kept it.
fn quote(kind: &StepKind, row: &CallRow) -> Option<String> {
    let insight = row.insight()?;
    match kind {
        StepKind::ObjectionsAnswered => insight
            .objections
            .iter()
            .find_map(|o| o.agent_rebuttal.as_ref())
            .map(|q| q.text.clone()),
        StepKind::Section(id) => insight
            .script
            .as_ref()?
            .sections
            .iter()
            .find(|s| &s.section == id)?
            .evidence
            .as_ref()
            .map(|q| q.text.clone()),
        StepKind::Conversation | StepKind::BuyingSignal => None,
    }
}
