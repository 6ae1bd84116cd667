//! The sales playbook: company context, script sections, objection taxonomy,
//! buying signals and early-termination reasons. Drives the metrics' phrase
//! matching, the heuristic analyzer and the LLM prompt.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerminationReason {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

impl Playbook {
    pub fn core_section_ids(&self) -> Vec<String> {
        match &self.core_sections {
            Some(ids) => ids.clone(),
            None => self.sections.iter().take(5).map(|s| s.id.clone()).collect(),
        }
    }
}
