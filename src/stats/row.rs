//! `CallRow`: everything the statistics need about one call, without its
//! transcript, and the analysis state derived from it.

use serde::{Deserialize, Serialize};

use crate::analyze::{Analysis, Insight};
use crate::metrics::Metrics;
use crate::model::{Call, LengthClass};

/// Everything the statistics need about one call, without its transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRow {
    /// The call; its legs' transcripts may be emptied.
    pub call: Call,
    pub metrics: Metrics,
    /// `None` = not analysed.
    pub analysis: Option<Analysis>,
}

/// Where a call stands in the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisState {
    Analysed,
    Failed,
    NotAnalysed,
}

/// The length bucket used everywhere: failed and unanalysed calls are kept
/// apart and never counted as long or short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LengthBucket {
    Short,
    Long,
    UnknownDuration,
    AnalysisFailed,
    NotAnalysed,
}

impl LengthBucket {
    pub fn label(self) -> &'static str {
        match self {
            LengthBucket::Short => "short",
            LengthBucket::Long => "long",
            LengthBucket::UnknownDuration => "duration unknown",
            LengthBucket::AnalysisFailed => "analysis failed",
            LengthBucket::NotAnalysed => "not analysed",
        }
    }
}

impl std::fmt::Display for LengthBucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl CallRow {
    /// The insight of a successful analysis.
    pub fn insight(&self) -> Option<&Insight> {
        self.analysis.as_ref().and_then(|a| a.insight.as_ref())
    }

    pub fn state(&self) -> AnalysisState {
        match &self.analysis {
            None => AnalysisState::NotAnalysed,
            Some(a) if a.insight.is_some() && a.provenance.error.is_none() => {
                AnalysisState::Analysed
            }
            Some(_) => AnalysisState::Failed,
        }
    }

    pub fn length_bucket(&self, threshold_s: f64) -> LengthBucket {
        match self.state() {
            AnalysisState::Failed => LengthBucket::AnalysisFailed,
            AnalysisState::NotAnalysed => LengthBucket::NotAnalysed,
            AnalysisState::Analysed => match self.call.length_class(threshold_s) {
                LengthClass::Short => LengthBucket::Short,
                LengthClass::Long => LengthBucket::Long,
                LengthClass::Unknown => LengthBucket::UnknownDuration,
            },
        }
    }

    /// Short (`Some(true)`) or long, only for analysed calls of known duration.
    pub fn is_short(&self, threshold_s: f64) -> Option<bool> {
        match self.length_bucket(threshold_s) {
            LengthBucket::Short => Some(true),
            LengthBucket::Long => Some(false),
            _ => None,
        }
    }

    /// The agent of the deciding leg: the call's agent, else the closer leg's.
    pub fn agent(&self) -> Option<&str> {
        self.call
            .agent
            .as_deref()
            .or_else(|| self.call.main_leg().and_then(|l| l.agent.as_deref()))
    }

    /// The opener leg's agent of a two-leg call.
    pub fn opener_agent(&self) -> Option<&str> {
        self.call.opener_leg().and_then(|l| l.agent.as_deref())
    }
}
