//! The deterministic per-call measurements. Every field that cannot be computed
//! from the call (no transcript, no timestamps, no duration) is `None`.

use serde::{Deserialize, Serialize};

use crate::model::{LengthClass, Speaker, TranscriptShape};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Metrics {
    /// Turns in the main (closer) leg; `None` when it has no transcript.
    pub turns: Option<u32>,
    /// How the main leg's transcript is written.
    #[serde(default)]
    pub shape: TranscriptShape,
    /// True when both sides' roles are known with confidence
    /// (`transcript::roles_known`); every metric by side needs it and is
    /// absent without it, never 0.
    #[serde(default)]
    pub roles_known: bool,
    /// Turns by each side (need speaker roles).
    #[serde(default)]
    pub agent_turns: Option<u32>,
    #[serde(default)]
    pub customer_turns: Option<u32>,
    pub agent_words: Option<u32>,
    pub customer_words: Option<u32>,
    /// Agent share of attributed words, 0..=1.
    pub agent_talk_share_words: Option<f64>,
    /// Agent share of attributed speaking time, 0..=1 (needs turn times).
    pub agent_talk_share_time: Option<f64>,
    pub agent_questions: Option<u32>,
    pub customer_questions: Option<u32>,
    /// Longest run of consecutive agent words without a customer turn.
    pub longest_monologue_words: Option<u32>,
    /// Longest agent monologue in seconds (needs turn times).
    pub longest_monologue_s: Option<f64>,
    /// Turns that start before the previous speaker's turn ended (needs times).
    pub interruptions: Option<u32>,
    /// Seconds until the agent first states the purpose (first hit of the
    /// playbook's purpose section); needs times.
    pub time_to_purpose_s: Option<f64>,
    /// Index of the turn where the purpose is first stated.
    pub purpose_turn: Option<u32>,
    /// Objection phrases in customer turns (empty when roles are unknown).
    pub objections: Vec<PhraseHit>,
    /// Buying-signal phrases in customer turns (empty when roles are unknown).
    pub buying_signals: Vec<PhraseHit>,
    /// Lexicon sentiment of the customer's first and last three turns, -1..=1.
    pub customer_sentiment_start: Option<f64>,
    pub customer_sentiment_end: Option<f64>,
    /// Coverage of every playbook section by agent turns; empty when roles
    /// are unknown (coverage cannot be measured then, which is not 0 %).
    pub sections: Vec<SectionCoverage>,
    /// Every agent turn that matched a script section (kind = section id).
    #[serde(default)]
    pub script_hits: Vec<PhraseHit>,
    pub length_class: LengthClass,
    /// Total duration of the call's turns where times exist.
    pub transcript_span_s: Option<f64>,
}

/// A playbook phrase found in a turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhraseHit {
    /// Playbook id of the objection type or signal group.
    pub kind: String,
    pub turn: u32,
    pub speaker: Speaker,
    pub start_s: Option<f64>,
    /// The matched phrase as configured.
    pub phrase: String,
}

/// How much of one script section the agent's turns cover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionCoverage {
    pub section: String,
    pub phrases_matched: u32,
    pub phrases_total: u32,
    /// First agent turn that matched one of its phrases.
    pub first_turn: Option<u32>,
}

impl SectionCoverage {
    pub fn attempted(&self) -> bool {
        self.phrases_matched > 0
    }
}
