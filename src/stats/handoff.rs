//! Opener-to-closer handoff on two-leg calls: the measured handoff features
//! (transfer found, consent asked and given, framing, agenda and time asked
//! in the closer's first minute) with the conversion of calls with and
//! without each; the opener quality the analyzer rated and the opener issues
//! and strengths it named most often; and, for every call, whether its roles
//! are known, by transcript shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::metrics::handoff::{Framing, HandoffFeatures};
use crate::model::{Outcome, TranscriptShape};

use super::Rate;
use super::row::CallRow;

/// Distinct free-text items counted per list (the rest are not tracked).
const MAX_DISTINCT: usize = 500;
/// Items reported per list.
const TOP: usize = 5;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HandoffSummary {
    /// Analysed two-leg calls.
    pub two_leg_calls: u64,
    pub mean_opener_quality: Option<f64>,
    pub rated_calls: u64,
    pub top_issues: Vec<Mention>,
    pub top_strengths: Vec<Mention>,
    /// Two-leg calls whose handoff features were measured.
    #[serde(default)]
    pub measured_calls: u64,
    /// Conversion of measured calls with and without each feature.
    #[serde(default)]
    pub features: Vec<FeatureRate>,
    /// Conversion by the opener's framing of the call.
    #[serde(default)]
    pub framing: Vec<(Framing, Rate)>,
    /// Every analysed call by its closer transcript's shape: how many have
    /// their roles known with confidence.
    #[serde(default)]
    pub roles: Vec<RoleCoverage>,
}

/// A handoff feature: how many measured calls show it, and the conversion
/// of calls with it and without it (outcome known only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureRate {
    pub feature: String,
    pub calls: u64,
    pub with: Rate,
    pub without: Rate,
}

/// Calls of one transcript shape and how many have known roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleCoverage {
    pub shape: TranscriptShape,
    pub calls: u64,
    pub roles_known: u64,
}

/// A measured yes/no handoff feature of a two-leg call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffFeature {
    TransferFound,
    ConsentAsked,
    ConsentGiven,
    AgendaSet,
    TimeAsked,
}

impl HandoffFeature {
    /// In the order the handoff section reports them.
    pub const ALL: [HandoffFeature; 5] = [
        HandoffFeature::TransferFound,
        HandoffFeature::ConsentAsked,
        HandoffFeature::ConsentGiven,
        HandoffFeature::AgendaSet,
        HandoffFeature::TimeAsked,
    ];

    pub fn label(self) -> &'static str {
        match self {
            HandoffFeature::TransferFound => "transfer found in the closer recording",
            HandoffFeature::ConsentAsked => "opener asked for consent to the transfer",
            HandoffFeature::ConsentGiven => "prospect agreed to the transfer",
            HandoffFeature::AgendaSet => "closer set an agenda in the first minute",
            HandoffFeature::TimeAsked => "closer asked for time in the first minute",
        }
    }

    /// Whether the call's measured handoff shows the feature.
    pub fn of(self, f: &HandoffFeatures) -> bool {
        match self {
            HandoffFeature::TransferFound => f.transfer_turn.is_some(),
            HandoffFeature::ConsentAsked => f.consent_asked,
            HandoffFeature::ConsentGiven => f.consent_given == Some(true),
            HandoffFeature::AgendaSet => f.agenda_set,
            HandoffFeature::TimeAsked => f.time_asked,
        }
    }
}

/// A free-text item and how many calls named it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub text: String,
    pub calls: u64,
    pub examples: Vec<String>,
}

#[derive(Debug, Default)]
struct Mentions(BTreeMap<String, (u64, Vec<String>)>);

impl Mentions {
    fn add(&mut self, text: &str, id: &str) {
        let key = text.trim().to_lowercase();
        if key.is_empty() || (self.0.len() >= MAX_DISTINCT && !self.0.contains_key(&key)) {
            return;
        }
        let e = self.0.entry(key).or_default();
        e.0 += 1;
        if e.1.len() < 3 {
            e.1.push(id.to_string());
        }
    }

    fn top(self) -> Vec<Mention> {
        let mut v: Vec<Mention> = self
            .0
            .into_iter()
            .map(|(text, (calls, examples))| Mention {
                text,
                calls,
                examples,
            })
            .collect();
        v.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.text.cmp(&b.text)));
        v.truncate(TOP);
        v
    }
}

#[derive(Debug, Default)]
pub struct HandoffAcc {
    measured: u64,
    features: [(u64, Rate, Rate); 5],
    framing: BTreeMap<Framing, Rate>,
    roles: BTreeMap<TranscriptShape, (u64, u64)>,
    two_leg: u64,
    quality_sum: f64,
    rated: u64,
    issues: Mentions,
    strengths: Mentions,
}

impl HandoffAcc {
    pub fn add(&mut self, row: &CallRow) {
        let roles = self.roles.entry(row.metrics.shape).or_default();
        roles.0 += 1;
        roles.1 += u64::from(row.metrics.roles_known);
        if let Some(f) = &row.metrics.handoff {
            self.add_features(f, row.call.outcome);
        }
        let (Some(_), Some(insight)) = (row.call.opener_leg(), row.insight()) else {
            return;
        };
        let id = row.call.id.as_str();
        self.two_leg += 1;
        if let Some(q) = insight.opener_quality {
            self.quality_sum += f64::from(q);
            self.rated += 1;
        }
        insight
            .opener_issues
            .iter()
            .for_each(|t| self.issues.add(t, id));
        insight
            .opener_strengths
            .iter()
            .for_each(|t| self.strengths.add(t, id));
    }

    fn add_features(&mut self, f: &HandoffFeatures, outcome: Outcome) {
        self.measured += 1;
        let converted = match outcome {
            Outcome::Converted => Some(true),
            Outcome::NotConverted => Some(false),
            Outcome::Unknown => None,
        };
        for (slot, has) in self
            .features
            .iter_mut()
            .zip(HandoffFeature::ALL.map(|h| h.of(f)))
        {
            slot.0 += u64::from(has);
            if let Some(c) = converted {
                if has { &mut slot.1 } else { &mut slot.2 }.record(c);
            }
        }
        let framing = self.framing.entry(f.framing).or_default();
        if let Some(c) = converted {
            framing.record(c);
        }
    }

    pub fn finish(self) -> HandoffSummary {
        HandoffSummary {
            measured_calls: self.measured,
            features: HandoffFeature::ALL
                .iter()
                .zip(self.features)
                .map(|(h, (calls, with, without))| FeatureRate {
                    feature: h.label().to_string(),
                    calls,
                    with,
                    without,
                })
                .collect(),
            framing: self.framing.into_iter().collect(),
            roles: self
                .roles
                .into_iter()
                .map(|(shape, (calls, roles_known))| RoleCoverage {
                    shape,
                    calls,
                    roles_known,
                })
                .collect(),
            two_leg_calls: self.two_leg,
            mean_opener_quality: (self.rated > 0).then(|| self.quality_sum / self.rated as f64),
            rated_calls: self.rated,
            top_issues: self.issues.top(),
            top_strengths: self.strengths.top(),
        }
    }
}
