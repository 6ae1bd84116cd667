//! `Insight`: the analysis of one call, one schema whatever produced it (the
//! heuristic analyzer or an LLM). A superset of the original `CallInsight` and
//! `ScriptComplianceInsight`, with every closed set an enum. Its JSON Schema
//! (schemars) is the contract LLM answers are validated against.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::model::{NonComplianceCategory, NonComplianceReason};

/// What an analyzer concluded about one call. Fields an analyzer cannot judge
/// stay `None` / empty. Fields are declared evidence first, judgement last:
/// the JSON Schema keeps this order and a model writes its answer in it, so
/// quotes and objections are written before the ratings that rest on them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Insight {
    pub notable_quotes: Vec<Quote>,
    pub objections: Vec<ObjectionAnalysis>,
    pub critical_moment: Option<Quote>,
    pub proof_of_issue: Option<Quote>,
    pub proof_of_success: Option<Quote>,
    pub opener_strengths: Vec<String>,
    pub opener_issues: Vec<String>,
    /// Free-text reasons the call ended when it did.
    pub termination_reasons: Vec<String>,
    pub success_factors: Vec<String>,
    pub script: Option<ScriptCompliance>,
    /// For calls that ended early: the main reason, from the playbook's
    /// early-termination taxonomy (its id).
    pub early_termination: Option<String>,
    /// How engaged the customer was.
    pub engagement: Option<EngagementLevel>,
    /// Customer sentiment at the start and end of the call.
    pub sentiment_start: Option<Sentiment>,
    pub sentiment_end: Option<Sentiment>,
    /// Opener (lead generation) handoff quality, 1 to 10; two-leg calls only.
    #[schemars(range(min = 1, max = 10))]
    pub opener_quality: Option<u8>,
    /// Closer agent performance, 1 (poor) to 10 (excellent).
    #[schemars(range(min = 1, max = 10))]
    pub agent_rating: Option<u8>,
    pub transferable_technique: Option<String>,
    pub technique_application: Option<String>,
    pub agent_persona: Option<String>,
    pub recommendations: Vec<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EngagementLevel {
    Low,
    Medium,
    High,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Sentiment {
    Negative,
    Neutral,
    Positive,
}

/// A verbatim quote from the transcript. `grounded` is set by code after the
/// analyzer answers: true when the text is found in the transcript.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    pub text: String,
    /// Index of the turn it comes from, when known.
    pub turn: Option<u32>,
    /// Set by callscope, not by the analyzer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub grounded: Option<bool>,
}

/// One objection the customer raised and what the agent did with it
/// (quotes first, judgement last, as in `Insight`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionAnalysis {
    pub customer_quote: Quote,
    pub agent_rebuttal: Option<Quote>,
    /// Playbook objection type id, or "other".
    pub kind: String,
    pub phase: Option<CallPhase>,
    pub rebuttal_attempted: bool,
    /// The rebuttal acknowledged, added value and asked a question (AVQ).
    pub followed_avq: bool,
    pub rebuttal_quality: RebuttalQuality,
    pub returned_to_script: bool,
    /// Script section id the agent returned to.
    pub section_returned_to: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RebuttalQuality {
    None,
    Poor,
    Partial,
    Good,
    Excellent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallPhase {
    Early,
    Mid,
    Late,
}

/// How closely the agent followed the playbook's script (evidence first,
/// judgement last, as in `Insight`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptCompliance {
    pub sections: Vec<SectionScore>,
    pub best_practice_quote: Option<Quote>,
    pub improvement_quote: Option<Quote>,
    pub sequence_deviations: Vec<String>,
    pub followed_sequence: bool,
    pub non_compliance: Option<NonCompliance>,
    pub strongest_sections: Vec<String>,
    pub weakest_sections: Vec<String>,
    /// Mean score of the attempted sections, 0..=100.
    pub overall_pct: f64,
}

impl ScriptCompliance {
    pub fn tier(&self) -> ComplianceTier {
        ComplianceTier::of(self.overall_pct)
    }

    pub fn sections_attempted(&self) -> usize {
        self.sections.iter().filter(|s| s.attempted).count()
    }

    /// Followed = overall >= 40 % and at least 4 of the first 5 (core)
    /// sections attempted. The one definition used everywhere.
    pub fn is_followed(&self, core_sections: &[String]) -> bool {
        let core_attempted = self
            .sections
            .iter()
            .filter(|s| s.attempted && core_sections.contains(&s.section))
            .count();
        self.overall_pct >= 40.0 && core_attempted >= 4.min(core_sections.len())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionScore {
    /// Playbook section id.
    pub section: String,
    pub evidence: Option<Quote>,
    pub attempted: bool,
    /// 0..=100.
    pub score_pct: f64,
}

/// Tier: high > 70, medium 40..=70, low < 40.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceTier {
    Low,
    Medium,
    High,
}

impl ComplianceTier {
    pub fn of(pct: f64) -> Self {
        if pct > 70.0 {
            ComplianceTier::High
        } else if pct >= 40.0 {
            ComplianceTier::Medium
        } else {
            ComplianceTier::Low
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NonCompliance {
    pub proof: Option<Quote>,
    pub details: Option<String>,
    pub reason: NonComplianceReason,
}
