//! The sales playbook: company context, script sections, objection taxonomy,
//! buying signals and early-termination reasons. Drives the metrics' phrase
//! matching, the heuristic analyzer and the LLM prompt. The built-in generic
//! playbook is the commented TOML in `generic.toml`, which `callscope init`
//! prints and `Playbook::generic()` parses, so the two cannot drift.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::model::NonComplianceReason;

/// The built-in generic sales playbook as commented TOML (a `[playbook]` table).
pub const GENERIC_PLAYBOOK_TOML: &str = include_str!("generic.toml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// `false` says the calls follow no script: no compliance, script blame
    /// or script recommendation is reported. Default: true.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// Free text about the company and its offer, given to LLM analyzers.
    #[serde(default)]
    pub company_context: String,
    /// Script sections in the order they should be delivered.
    #[serde(default)]
    pub sections: Vec<ScriptSection>,
    /// Ids of the sections that count as "core" for "script followed".
    /// Default: the first five sections.
    #[serde(default)]
    pub core_sections: Option<Vec<String>>,
    /// Id of the section whose first phrase states the call's purpose.
    #[serde(default)]
    pub purpose_section: Option<String>,
    #[serde(default)]
    pub objections: Vec<ObjectionType>,
    #[serde(default)]
    pub buying_signals: Vec<String>,
    #[serde(default)]
    pub termination_reasons: Vec<TerminationReason>,
    /// Phrases that mark the parts of an AVQ rebuttal. Default: the generic
    /// playbook's.
    #[serde(default = "default_rebuttal_cues")]
    pub rebuttal_cues: RebuttalCues,
}

/// Phrases that show an agent turn acknowledges the concern or adds value.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RebuttalCues {
    #[serde(default)]
    pub acknowledge: Vec<String>,
    #[serde(default)]
    pub value: Vec<String>,
}

fn enabled_by_default() -> bool {
    true
}

fn default_rebuttal_cues() -> RebuttalCues {
    Playbook::generic().rebuttal_cues
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptSection {
    pub id: String,
    pub name: String,
    /// Phrases (lower-case match) that show the section was delivered.
    pub phrases: Vec<String>,
    /// Situational sections (objection handling) may occur anywhere and are
    /// left out of the sequence check.
    #[serde(default)]
    pub situational: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectionType {
    pub id: String,
    pub name: String,
    /// Phrases in a customer turn that signal this objection.
    pub phrases: Vec<String>,
    /// The recommended rebuttal (AVQ: acknowledge, value, question).
    #[serde(default)]
    pub rebuttal: String,
    /// Opening or closing objection (informational).
    #[serde(default)]
    pub stage: Option<String>,
    /// Id of the termination reason a short call ending on this objection
    /// gets (when the agent did respond to it).
    #[serde(default)]
    pub ends_call_as: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerminationReason {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The heuristic rule that detects this reason, if any.
    #[serde(default)]
    pub signal: Option<TerminationSignal>,
    /// Phrases in the last turns of the call (any speaker) that detect it.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// The script non-compliance reason this termination implies.
    #[serde(default)]
    pub non_compliance: Option<NonComplianceReason>,
}

/// Heuristic rules that can detect an early-termination reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerminationSignal {
    /// The customer barely spoke (at most one short turn).
    NoConversation,
    /// The call ended on an objection the agent did not rebut.
    UnhandledObjection,
    /// The agent never said a phrase of the purpose section.
    NoPurposeStated,
}

#[derive(Deserialize)]
struct PlaybookDoc {
    playbook: Playbook,
}

impl Playbook {
    /// A playbook with no sections, objections or signals (the generic
    /// rebuttal cues only): for callers that need none.
    pub fn empty() -> Playbook {
        Playbook {
            enabled: true,
            company_context: String::new(),
            sections: Vec::new(),
            core_sections: None,
            purpose_section: None,
            objections: Vec::new(),
            buying_signals: Vec::new(),
            termination_reasons: Vec::new(),
            rebuttal_cues: Playbook::generic().rebuttal_cues,
        }
    }

    /// The built-in neutral sales playbook (parsed from `GENERIC_PLAYBOOK_TOML`).
    pub fn generic() -> Playbook {
        static GENERIC: OnceLock<Playbook> = OnceLock::new();
        GENERIC
            .get_or_init(|| {
                toml::from_str::<PlaybookDoc>(GENERIC_PLAYBOOK_TOML)
                    .map(|doc| doc.playbook)
                    .unwrap_or_else(|e| unreachable!("built-in playbook is valid TOML: {e}"))
            })
            .clone()
    }

    pub fn termination_reason(&self, id: &str) -> Option<&TerminationReason> {
        self.termination_reasons.iter().find(|r| r.id == id)
    }

    pub fn section(&self, id: &str) -> Option<&ScriptSection> {
        self.sections.iter().find(|s| s.id == id)
    }

    pub fn core_section_ids(&self) -> Vec<String> {
        match &self.core_sections {
            Some(ids) => ids.clone(),
            None => self.sections.iter().take(5).map(|s| s.id.clone()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_playbook_parses_with_every_part() {
        let p = Playbook::generic();
        assert!(p.sections.len() >= 7);
        assert_eq!(p.core_section_ids().len(), 5);
        assert!(p.objections.iter().any(|o| o.id == "send_email"));
        assert!(!p.rebuttal_cues.acknowledge.is_empty());
        for o in &p.objections {
            if let Some(id) = &o.ends_call_as {
                assert!(p.termination_reason(id).is_some(), "{id}");
            }
        }
        assert!(
            p.section(p.purpose_section.as_deref().unwrap_or(""))
                .is_some()
        );
    }
}
