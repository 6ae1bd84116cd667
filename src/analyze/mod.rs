//! Analysis of one call into an `Insight`: the heuristic analyzer (offline
//! default) and the LLM analyzers share the schema and the provenance record.

pub mod crosscheck;
pub mod detect;
pub mod grounding;
pub mod heuristic;
pub mod insight;
pub mod key;
pub mod llm;

use serde::{Deserialize, Serialize};

pub use insight::Insight;

/// The result of analysing one call, whatever produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// `None` when the analysis failed.
    pub insight: Option<Insight>,
    pub provenance: Provenance,
}

/// Who produced an analysis, at what cost, and whether it worked.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Provenance {
    /// Cache key part naming the analyzer, e.g. `heuristic-v1` or
    /// `gemini:gemini-2.5-flash:p3:s1`.
    pub analyzer: String,
    pub model: Option<String>,
    pub prompt_version: Option<String>,
    pub tokens_in: Option<u64>,
    pub tokens_out: Option<u64>,
    pub cost_usd: Option<f64>,
    pub latency_ms: Option<u64>,
    pub attempts: u32,
    /// `None` on success; the reason otherwise.
    pub error: Option<String>,
    /// Where an LLM's judgement contradicts the call's measurements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inconsistencies: Vec<crosscheck::Inconsistency>,
}
