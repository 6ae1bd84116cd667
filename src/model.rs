//! The domain model: the normalised call (what every input format is turned
//! into and every later stage reads) and the domain vocabulary that both the
//! configuration and the analysis speak (non-compliance reasons). Unknown
//! values are `None`, never a made-up zero.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One call as the rest of the pipeline sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<CallTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Duration of the deciding (last) leg in seconds; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<String>,
    #[serde(default)]
    pub outcome: Outcome,
    #[serde(default)]
    pub legs: Vec<Leg>,
    /// Pass-through columns of the input row (lead quality, extracted variables...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

impl Call {
    /// A call known only by its id, with one leg holding `transcript`.
    pub fn single_leg(id: impl Into<String>, leg: &str, transcript: Transcript) -> Call {
        Call {
            id: id.into(),
            started_at: None,
            agent: None,
            team: None,
            duration_s: None,
            disposition: None,
            outcome: Outcome::Unknown,
            legs: vec![Leg {
                name: leg.to_string(),
                agent: None,
                duration_s: None,
                transcript,
            }],
            attributes: BTreeMap::new(),
        }
    }

    /// The leg whose outcome decides the call: the closer in a two-leg call.
    pub fn main_leg(&self) -> Option<&Leg> {
        self.legs.last()
    }

    /// The opener leg of a two-leg call (absent for single-leg calls).
    pub fn opener_leg(&self) -> Option<&Leg> {
        (self.legs.len() > 1).then(|| &self.legs[0])
    }

    /// Short/long class by the closer leg's duration.
    pub fn length_class(&self, threshold_s: f64) -> LengthClass {
        LengthClass::of(self.duration_s, threshold_s)
    }
}

/// When the call started. Timezone-aware where the input said so.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CallTime {
    Zoned(DateTime<FixedOffset>),
    Local(NaiveDateTime),
}

impl CallTime {
    /// The calendar day as the dialer saw it (local wall clock).
    pub fn date(&self) -> NaiveDate {
        match self {
            CallTime::Zoned(t) => t.date_naive(),
            CallTime::Local(t) => t.date(),
        }
    }

    pub fn to_rfc3339(&self) -> String {
        match self {
            CallTime::Zoned(t) => t.to_rfc3339(),
            CallTime::Local(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
        }
    }
}

/// Whether the call converted, from the configurable disposition map.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Converted,
    NotConverted,
    #[default]
    Unknown,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Converted => "converted",
            Outcome::NotConverted => "not_converted",
            Outcome::Unknown => "unknown",
        }
    }
}

/// Longest plausible call: a week. Anything longer is a unit mix-up or a
/// corrupt cell, and would otherwise distort every length statistic.
pub const MAX_DURATION_S: f64 = 7.0 * 86_400.0;

/// Short or long by the configured threshold; unknown when the duration is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum LengthClass {
    Short,
    Long,
    #[default]
    Unknown,
}

impl LengthClass {
    pub fn of(duration_s: Option<f64>, threshold_s: f64) -> Self {
        match duration_s {
            Some(d) if d < threshold_s => LengthClass::Short,
            Some(_) => LengthClass::Long,
            None => LengthClass::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LengthClass::Short => "short",
            LengthClass::Long => "long",
            LengthClass::Unknown => "unknown",
        }
    }
}

/// One conversation leg (opener, closer, or the only one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leg {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    pub transcript: Transcript,
}

/// Raw transcript text plus the turns parsed from it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Transcript {
    pub raw: String,
    #[serde(default)]
    pub turns: Vec<Turn>,
    /// For utterance tables: every input row, in input order, located in its
    /// turn (empty for text transcripts, whose sentences are found by
    /// splitting turns).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<UtteranceRow>,
}

/// One row of an utterance table inside the turn it was merged into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UtteranceRow {
    /// Index of the turn in `Transcript::turns`.
    pub turn_index: u32,
    /// Byte offset of the row's text in the turn's text.
    pub start: usize,
    /// The row's turn value as written in the input, when the table has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn: Option<String>,
}

impl Transcript {
    pub fn is_empty(&self) -> bool {
        self.turns.is_empty()
    }
}

/// How a transcript is written, which decides how its roles are found.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptShape {
    /// No text.
    #[default]
    Empty,
    /// Labelled turns of two speakers.
    TwoSpeakers,
    /// Labelled turns of three or more speakers (a handoff, a voicemail).
    MultiSpeaker,
    /// One utterance per line, no speaker labels.
    Lines,
    /// One paragraph, no turns at all.
    Paragraph,
}

impl TranscriptShape {
    pub const ALL: [TranscriptShape; 5] = [
        TranscriptShape::TwoSpeakers,
        TranscriptShape::MultiSpeaker,
        TranscriptShape::Lines,
        TranscriptShape::Paragraph,
        TranscriptShape::Empty,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TranscriptShape::Empty => "empty",
            TranscriptShape::TwoSpeakers => "two_speakers",
            TranscriptShape::MultiSpeaker => "multi_speaker",
            TranscriptShape::Lines => "lines",
            TranscriptShape::Paragraph => "paragraph",
        }
    }
}

/// One speaker turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub speaker: Speaker,
    /// The label as written in the input ("Speaker A", "Agent", "0").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_s: Option<f64>,
    pub text: String,
    /// How `speaker` was decided and how sure that is (absent when nothing
    /// decided it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
}

impl Turn {
    /// A turn whose speaker is not decided yet.
    pub fn new(label: Option<String>, text: impl Into<String>) -> Turn {
        Turn {
            speaker: Speaker::Unknown,
            label,
            start_s: None,
            end_s: None,
            text: text.into(),
            attribution: None,
        }
    }

    /// The confidence of the speaker's role; 0 when undecided.
    pub fn role_confidence(&self) -> f64 {
        self.attribution.map_or(0.0, |a| f64::from(a.confidence))
    }
}

/// Who speaks a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Agent,
    Customer,
    /// Neither side of the sale: voicemail, phone menu, conference system.
    Other,
    Unknown,
}

impl Speaker {
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Agent => "agent",
            Speaker::Customer => "customer",
            Speaker::Other => "other",
            Speaker::Unknown => "unknown",
        }
    }
}

/// Where a turn's role came from, its confidence (0..=1) and, on the agent
/// side of a handed-over call, which agent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    pub source: RoleSource,
    pub confidence: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<AgentPart>,
}

/// What decided a turn's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleSource {
    /// The speaker label names the role ("Agent", a configured name).
    Label,
    /// What the speaker says (introductions, handoff, questions, answers).
    Content,
    /// The turn's place in the exchange (speakers alternate).
    Alternation,
    /// The label says one role, alternation and content the other: the
    /// turn is flagged and its speaker left unknown.
    Contested,
}

impl RoleSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleSource::Label => "label",
            RoleSource::Content => "content",
            RoleSource::Alternation => "alternation",
            RoleSource::Contested => "contested",
        }
    }

    pub fn parse(s: &str) -> Option<RoleSource> {
        [
            RoleSource::Label,
            RoleSource::Content,
            RoleSource::Alternation,
            RoleSource::Contested,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// Which agent speaks, when a call is handed from an opener to a closer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentPart {
    Opener,
    Closer,
}

/// Why a call did not follow the script (the original's Q3 reasons).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum NonComplianceReason {
    CustomerHungUpImmediately,
    CustomerObjectionInterrupted,
    TechnicalConnectionIssues,
    NotDecisionMaker,
    WrongTimingBusy,
    LanguageBarrier,
    CustomerAlreadyClient,
    CustomerNotInterestedUpfront,
    AgentSkippedSections,
    AgentDeviatedFromScript,
}

/// Who is to blame for not following the script. Derived from the reason, so
/// the three disagreeing sources of the original cannot disagree here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonComplianceCategory {
    ExternalFactor,
    ClientInterruption,
    AgentError,
}

impl NonComplianceReason {
    pub fn category(self) -> NonComplianceCategory {
        use NonComplianceReason::*;
        match self {
            TechnicalConnectionIssues | CustomerAlreadyClient | LanguageBarrier => {
                NonComplianceCategory::ExternalFactor
            }
            CustomerHungUpImmediately
            | CustomerObjectionInterrupted
            | CustomerNotInterestedUpfront
            | NotDecisionMaker
            | WrongTimingBusy => NonComplianceCategory::ClientInterruption,
            AgentSkippedSections | AgentDeviatedFromScript => NonComplianceCategory::AgentError,
        }
    }
}
