//! The closed sets of per-call features the statistics test: numeric ones
//! (from the metrics and the insight) and the categorical dimensions calls are
//! grouped by.

use serde::{Deserialize, Serialize};

use super::compare::Target;
use super::row::CallRow;
use crate::metrics::SENTIMENT_WINDOW_TURNS;

/// A numeric per-call value compared between converted and lost calls, and
/// between short and long calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumericFeature {
    DurationS,
    AgentTalkShareWords,
    AgentTalkShareTime,
    Turns,
    AgentQuestions,
    CustomerQuestions,
    LongestMonologueWords,
    Interruptions,
    TimeToPurposeS,
    ObjectionsDetected,
    BuyingSignals,
    CustomerSentimentStart,
    CustomerSentimentEnd,
    ScriptSectionsCovered,
    CompliancePct,
    AgentRating,
}

impl NumericFeature {
    pub const ALL: [NumericFeature; 16] = [
        NumericFeature::DurationS,
        NumericFeature::AgentTalkShareWords,
        NumericFeature::AgentTalkShareTime,
        NumericFeature::Turns,
        NumericFeature::AgentQuestions,
        NumericFeature::CustomerQuestions,
        NumericFeature::LongestMonologueWords,
        NumericFeature::Interruptions,
        NumericFeature::TimeToPurposeS,
        NumericFeature::ObjectionsDetected,
        NumericFeature::BuyingSignals,
        NumericFeature::CustomerSentimentStart,
        NumericFeature::CustomerSentimentEnd,
        NumericFeature::ScriptSectionsCovered,
        NumericFeature::CompliancePct,
        NumericFeature::AgentRating,
    ];

    pub fn label(self) -> &'static str {
        match self {
            NumericFeature::DurationS => "call duration (s)",
            NumericFeature::AgentTalkShareWords => "agent talk share (words)",
            NumericFeature::AgentTalkShareTime => "agent talk share (time)",
            NumericFeature::Turns => "number of turns",
            NumericFeature::AgentQuestions => "number of questions the agent asks",
            NumericFeature::CustomerQuestions => "number of questions the customer asks",
            NumericFeature::LongestMonologueWords => "longest agent monologue (words)",
            NumericFeature::Interruptions => "number of interruptions",
            NumericFeature::TimeToPurposeS => "time to state the purpose (s)",
            NumericFeature::ObjectionsDetected => "number of objections detected",
            NumericFeature::BuyingSignals => "number of buying signals",
            NumericFeature::CustomerSentimentStart => "customer sentiment at start",
            NumericFeature::CustomerSentimentEnd => "customer sentiment at end",
            NumericFeature::ScriptSectionsCovered => "number of script sections covered",
            NumericFeature::CompliancePct => "script compliance (%)",
            NumericFeature::AgentRating => "agent rating (1-10)",
        }
    }

    /// True for shares in 0..=1 that read best as percentages.
    pub fn is_share(self) -> bool {
        matches!(
            self,
            NumericFeature::AgentTalkShareWords | NumericFeature::AgentTalkShareTime
        )
    }

    /// A count per call, where "at least one" is meaningful.
    pub fn is_count(self) -> bool {
        matches!(
            self,
            NumericFeature::Turns
                | NumericFeature::AgentQuestions
                | NumericFeature::CustomerQuestions
                | NumericFeature::Interruptions
                | NumericFeature::ObjectionsDetected
                | NumericFeature::BuyingSignals
                | NumericFeature::ScriptSectionsCovered
        )
    }

    /// Measured from the playbook's script sections: meaningless when the
    /// script does not apply to the calls.
    pub fn needs_script(self) -> bool {
        matches!(
            self,
            NumericFeature::ScriptSectionsCovered
                | NumericFeature::CompliancePct
                | NumericFeature::TimeToPurposeS
        )
    }

    /// A difference on this feature follows from the call's length itself
    /// for this target (short calls have fewer turns and fewer of every
    /// count; converted calls last longer), so it is not a finding to lead
    /// with.
    pub fn follows_length(self, target: Target) -> bool {
        let length = matches!(self, NumericFeature::DurationS | NumericFeature::Turns);
        let count = matches!(
            self,
            NumericFeature::AgentQuestions
                | NumericFeature::CustomerQuestions
                | NumericFeature::LongestMonologueWords
                | NumericFeature::Interruptions
                | NumericFeature::ObjectionsDetected
                | NumericFeature::BuyingSignals
                | NumericFeature::ScriptSectionsCovered
                | NumericFeature::CompliancePct
        );
        length || (count && target == Target::Shortness)
    }

    /// Something the agent does, so it can be coached.
    pub fn is_agent_behaviour(self) -> bool {
        matches!(
            self,
            NumericFeature::AgentTalkShareWords
                | NumericFeature::AgentTalkShareTime
                | NumericFeature::AgentQuestions
                | NumericFeature::LongestMonologueWords
                | NumericFeature::Interruptions
                | NumericFeature::TimeToPurposeS
                | NumericFeature::ScriptSectionsCovered
                | NumericFeature::CompliancePct
        )
    }

    /// The value for one call; `None` when it cannot be computed.
    pub fn value(self, row: &CallRow) -> Option<f64> {
        let m = &row.metrics;
        let has_transcript = m.turns.is_some();
        let count = |n: usize| has_transcript.then_some(n as f64);
        let v = match self {
            NumericFeature::DurationS => row.call.duration_s,
            NumericFeature::AgentTalkShareWords => m.agent_talk_share_words,
            NumericFeature::AgentTalkShareTime => m.agent_talk_share_time,
            NumericFeature::Turns => m.turns.map(f64::from),
            NumericFeature::AgentQuestions => m.agent_questions.map(f64::from),
            NumericFeature::CustomerQuestions => m.customer_questions.map(f64::from),
            NumericFeature::LongestMonologueWords => m.longest_monologue_words.map(f64::from),
            NumericFeature::Interruptions => m.interruptions.map(f64::from),
            NumericFeature::TimeToPurposeS => m.time_to_purpose_s,
            NumericFeature::ObjectionsDetected => count(m.objections.len()),
            NumericFeature::BuyingSignals => count(m.buying_signals.len()),
            NumericFeature::CustomerSentimentStart => m
                .customer_sentiment_start
                .filter(|_| sentiment_windows_distinct(row)),
            NumericFeature::CustomerSentimentEnd => m
                .customer_sentiment_end
                .filter(|_| sentiment_windows_distinct(row)),
            NumericFeature::ScriptSectionsCovered => {
                count(m.sections.iter().filter(|s| s.attempted()).count())
            }
            NumericFeature::CompliancePct => row
                .insight()
                .and_then(|i| i.script.as_ref())
                .map(|s| s.overall_pct),
            NumericFeature::AgentRating => {
                row.insight().and_then(|i| i.agent_rating).map(f64::from)
            }
        };
        v.filter(|x| x.is_finite())
    }
}

/// The customer's first and last sentiment windows share no turn; when they
/// do, start and end are the same text and are not contrasted.
pub fn sentiment_windows_distinct(row: &CallRow) -> bool {
    row.metrics
        .customer_turns
        .is_some_and(|n| n as usize >= 2 * SENTIMENT_WINDOW_TURNS)
}

/// A way of grouping calls. Each (but disposition, which defines the outcome)
/// is tested (chi-square) against conversion and against short calls.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Agent,
    Day,
    Disposition,
    Team,
    Length,
    Opener,
    /// One leg or two (opener + closer).
    Legs,
    Engagement,
    /// Whether the agent stated the purpose of the call (playbook's purpose section).
    PurposeStated,
    UnhandledObjection,
    ScriptFollowed,
    EarlyTermination,
    /// A lead-quality column of the input.
    Attribute(String),
}

impl Dimension {
    pub fn label(&self) -> String {
        match self {
            Dimension::Agent => "agent".into(),
            Dimension::Day => "day".into(),
            Dimension::Disposition => "disposition".into(),
            Dimension::Team => "team / campaign".into(),
            Dimension::Length => "call length".into(),
            Dimension::Opener => "opener agent".into(),
            Dimension::Legs => "number of legs".into(),
            Dimension::Engagement => "customer engagement".into(),
            Dimension::PurposeStated => "purpose of the call stated".into(),
            Dimension::UnhandledObjection => "an objection left unrebutted".into(),
            Dimension::ScriptFollowed => "script followed".into(),
            Dimension::EarlyTermination => "early-termination reason".into(),
            Dimension::Attribute(name) => format!("lead attribute {name}"),
        }
    }

    /// Length itself, and (against short calls) the script and customer
    /// engagement, which short calls have less room for: restating length.
    pub fn follows_length(&self, target: Target) -> bool {
        *self == Dimension::Length
            || (target == Target::Shortness
                && matches!(self, Dimension::ScriptFollowed | Dimension::Engagement))
    }

    /// Read from the playbook's script sections.
    pub fn needs_script(&self) -> bool {
        matches!(self, Dimension::ScriptFollowed | Dimension::PurposeStated)
    }
}
