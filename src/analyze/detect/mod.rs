//! Sentence-level detectors: customer objection (with its kind), buying
//! signal or commitment, customer question, agent question, the agent asking
//! for the commitment, and the agent's rebuttal of an objection. Each unit
//! (an input row of an utterance table, else a sentence of a turn) gets a
//! probability per detector and a yes/no by the model's calibrated
//! threshold. The learned heads come from a `LinearModel` (built in, or
//! fitted by `callscope train`); a rebuttal is a non-social sentence (not a
//! greeting, thanks or goodbye, by the learned `social` head) of at least
//! three words in the agent's next turn after a detected objection.
//! Side-specific detectors judge only their side; sentences whose speaker is
//! unknown get no detection (unknown is not "no").

mod builtin;
pub mod kind;
pub mod published;
pub mod sentences;
pub mod train;

use serde::{Deserialize, Serialize};

use crate::learn::{LinearModel, ModelError, SparseVec};
use crate::model::{Attribution, Call, Speaker, Transcript, Turn};

pub use builtin::builtin;
pub use kind::ObjectionKind;

/// Version of the detection rules around the model; part of the key.
const RULES_VERSION: &str = "detect-v1";
/// Least words of a sentence that counts as a rebuttal.
const REBUTTAL_MIN_WORDS: usize = 3;

/// What the detectors report per sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detector {
    Objection,
    BuyingSignal,
    CustomerQuestion,
    AgentQuestion,
    AsksCommitment,
    Rebuttal,
}

impl Detector {
    pub const ALL: [Detector; 6] = [
        Detector::Objection,
        Detector::BuyingSignal,
        Detector::CustomerQuestion,
        Detector::AgentQuestion,
        Detector::AsksCommitment,
        Detector::Rebuttal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Detector::Objection => "objection",
            Detector::BuyingSignal => "buying_signal",
            Detector::CustomerQuestion => "customer_question",
            Detector::AgentQuestion => "agent_question",
            Detector::AsksCommitment => "asks_commitment",
            Detector::Rebuttal => "rebuttal",
        }
    }

    pub fn parse(s: &str) -> Option<Detector> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// The side whose sentences this detector judges.
    pub fn side(self) -> Speaker {
        match self {
            Detector::Objection | Detector::BuyingSignal | Detector::CustomerQuestion => {
                Speaker::Customer
            }
            _ => Speaker::Agent,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The learned head behind this detector (none for the rebuttal rule).
    fn head(self) -> Option<Head> {
        Head::ALL.into_iter().find(|h| h.as_str() == self.as_str())
    }
}

/// The heads of a detector model: one per learned detector, plus `social`
/// (greetings, thanks, goodbyes, by either side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Head {
    Objection,
    BuyingSignal,
    CustomerQuestion,
    AgentQuestion,
    AsksCommitment,
    Social,
}

impl Head {
    pub const ALL: [Head; 6] = [
        Head::Objection,
        Head::BuyingSignal,
        Head::CustomerQuestion,
        Head::AgentQuestion,
        Head::AsksCommitment,
        Head::Social,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Head::Social => "social",
            Head::Objection => "objection",
            Head::BuyingSignal => "buying_signal",
            Head::CustomerQuestion => "customer_question",
            Head::AgentQuestion => "agent_question",
            Head::AsksCommitment => "asks_commitment",
        }
    }

    pub fn parse(s: &str) -> Option<Head> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }

    /// The side it is trained on and applied to; `None` = both sides.
    pub fn side(self) -> Option<Speaker> {
        match self {
            Head::Social => None,
            Head::Objection | Head::BuyingSignal | Head::CustomerQuestion => {
                Some(Speaker::Customer)
            }
            Head::AgentQuestion | Head::AsksCommitment => Some(Speaker::Agent),
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn applies_to(self, speaker: Speaker) -> bool {
        matches!(speaker, Speaker::Agent | Speaker::Customer)
            && self.side().is_none_or(|s| s == speaker)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error("cannot read detector model {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("detector model {path}: {source}")]
    Model { path: String, source: ModelError },
    #[error("no model provides the `{0}` head")]
    MissingHead(&'static str),
}

/// One judged unit of a transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceTag {
    /// 0-based order within the call.
    pub seq: u32,
    /// Index of its turn in the transcript.
    pub turn_index: u32,
    /// The input's turn value when given, else the turn index.
    pub turn: String,
    pub speaker: Speaker,
    /// What decided the speaker's role, and how sure (none when unknown).
    pub attribution: Option<Attribution>,
    /// The name of the call leg the sentence is from (empty when judged
    /// outside a call).
    pub leg: String,
    pub text: String,
    /// The kind when the sentence is an objection.
    pub objection: Option<ObjectionKind>,
    /// Probability per detector (`Detector::ALL` order); 0 off its side.
    pub p: [f32; 6],
    /// Decision per detector.
    pub hit: [bool; 6],
}

impl SentenceTag {
    pub fn p(&self, d: Detector) -> f32 {
        self.p[d.index()]
    }

    pub fn hit(&self, d: Detector) -> bool {
        self.hit[d.index()]
    }
}

/// The detector models in force: heads are taken from the first model that
/// has them (a team's trained model first, the built-in one for the rest).
#[derive(Debug)]
pub struct Detectors {
    models: Vec<LinearModel>,
    /// Per head: (model, head index in that model).
    route: [(usize, usize); 6],
    key: String,
}

impl Detectors {
    pub fn new(models: Vec<LinearModel>) -> Result<Detectors, DetectError> {
        let mut route = [(0, 0); 6];
        for head in Head::ALL {
            route[head.index()] = models
                .iter()
                .enumerate()
                .find_map(|(m, model)| model.head(head.as_str()).map(|h| (m, h)))
                .ok_or(DetectError::MissingHead(head.as_str()))?;
        }
        let hashes: Vec<&str> = models.iter().map(LinearModel::hash).collect();
        let key = format!("{RULES_VERSION}:{}", hashes.join("+"));
        Ok(Detectors { models, route, key })
    }

    /// A team's model file in front of the built-in model.
    pub fn load(path: &std::path::Path) -> Result<Detectors, DetectError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| DetectError::Read {
            path: shown.clone(),
            source,
        })?;
        let model = LinearModel::from_bytes(&bytes).map_err(|source| DetectError::Model {
            path: shown,
            source,
        })?;
        Detectors::new(vec![model, builtin::model().clone()])
    }

    /// Names the models and rules: changes whenever a detection could.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The model answering `head`, with its name and hash.
    pub fn model_of(&self, head: Head) -> &LinearModel {
        &self.models[self.route[head.index()].0]
    }

    /// Judges every unit of the call's main leg (none without one).
    pub fn tag_call(&self, call: &Call) -> Vec<SentenceTag> {
        call.main_leg().map_or_else(Vec::new, |leg| {
            let mut tags = self.tag(&leg.transcript);
            tags.iter_mut().for_each(|t| t.leg.clone_from(&leg.name));
            tags
        })
    }

    /// Judges every unit of `transcript`.
    pub fn tag(&self, transcript: &Transcript) -> Vec<SentenceTag> {
        let mut social = Vec::new();
        let units = sentences::units(transcript);
        let texts: Vec<(Speaker, &str)> = units
            .iter()
            .map(|u| {
                let turn = transcript.turns.get(u.turn_index as usize);
                let text = turn.and_then(|t| t.text.get(u.range.clone()));
                (
                    turn.map_or(Speaker::Unknown, |t| t.speaker),
                    text.unwrap_or(""),
                )
            })
            .collect();
        let context: Vec<Option<&str>> = previous_other(texts.iter().map(|(s, _)| (0, *s)))
            .into_iter()
            .map(|c| c.map(|c| texts[c].1))
            .collect();
        let mut tags: Vec<SentenceTag> = units
            .into_iter()
            .enumerate()
            .filter_map(|(seq, unit)| {
                let turn = transcript.turns.get(unit.turn_index as usize)?;
                let text = turn.text.get(unit.range.clone())?;
                let heads = self.heads(text, context[seq], turn.speaker);
                social.push(heads[Head::Social.index()]);
                Some(self.tag_one(seq, &unit, turn, text, &heads))
            })
            .collect();
        self.mark_rebuttals(&mut tags, &social);
        tags
    }

    /// Every head's probability for one sentence (0 where it does not apply).
    fn heads(&self, text: &str, context: Option<&str>, speaker: Speaker) -> [f32; 6] {
        let mut out = [0.0; 6];
        let mut features: Vec<Option<SparseVec>> = vec![None; self.models.len()];
        let mut predicted: Vec<Option<Vec<f32>>> = vec![None; self.models.len()];
        for head in Head::ALL.into_iter().filter(|h| h.applies_to(speaker)) {
            let (m, h) = self.route[head.index()];
            let model = &self.models[m];
            if predicted[m].is_none() {
                let same = |o: &LinearModel| {
                    o.spec() == model.spec() && o.context_weight() == model.context_weight()
                };
                let shared = (0..m).find(|&o| same(&self.models[o]));
                let x = match shared.and_then(|o| features[o].clone()) {
                    Some(x) => x,
                    None => {
                        model
                            .spec()
                            .featurize_in_context(text, context, model.context_weight())
                    }
                };
                predicted[m] = Some(model.predict(&x));
                features[m] = Some(x);
            }
            out[head.index()] = predicted[m].as_ref().map_or(0.0, |p| p[h]);
        }
        out
    }

    fn threshold(&self, head: Head) -> f32 {
        let (m, h) = self.route[head.index()];
        self.models[m].threshold(h)
    }

    fn tag_one(
        &self,
        seq: usize,
        unit: &sentences::Unit<'_>,
        turn: &Turn,
        text: &str,
        heads: &[f32; 6],
    ) -> SentenceTag {
        let speaker = turn.speaker;
        let mut p = [0.0; 6];
        let mut hit = [false; 6];
        for d in Detector::ALL {
            if let Some(head) = d.head().filter(|h| h.applies_to(speaker)) {
                p[d.index()] = heads[head.index()];
                hit[d.index()] = heads[head.index()] >= self.threshold(head);
            }
        }
        SentenceTag {
            seq: u32::try_from(seq).unwrap_or(u32::MAX),
            turn_index: unit.turn_index,
            turn: unit
                .turn_value
                .map_or_else(|| unit.turn_index.to_string(), str::to_string),
            speaker,
            attribution: turn.attribution,
            leg: String::new(),
            text: text.to_string(),
            objection: hit[Detector::Objection.index()].then(|| ObjectionKind::of(text)),
            p,
            hit,
        }
    }

    /// Agent sentences of the next agent turn after an objection that are
    /// not social and have some substance.
    fn mark_rebuttals(&self, tags: &mut [SentenceTag], social: &[f32]) {
        let social_threshold = self.threshold(Head::Social);
        let mut reply_turns = Vec::new();
        let mut pending = false;
        for t in tags.iter() {
            if t.speaker == Speaker::Customer && t.hit(Detector::Objection) {
                pending = true;
            } else if t.speaker == Speaker::Agent && pending {
                reply_turns.push(t.turn_index);
                pending = false;
            }
        }
        let r = Detector::Rebuttal.index();
        for (t, social_p) in tags.iter_mut().zip(social) {
            if t.speaker != Speaker::Agent || !reply_turns.contains(&t.turn_index) {
                continue;
            }
            t.p[r] = 1.0 - social_p;
            t.hit[r] = *social_p < social_threshold
                && t.text.split_whitespace().count() >= REBUTTAL_MIN_WORDS;
        }
    }
}

/// For each unit (its call group and speaker, in order), the context the
/// models read: for a customer unit, the agent's latest unit before it in
/// the same call. Agent units get none, so the agent-side heads (and the
/// `social` head that keeps a goodbye from counting as a rebuttal) judge
/// the agent's words alone; unknown speakers neither get nor give one.
fn previous_other(units: impl IntoIterator<Item = (u64, Speaker)>) -> Vec<Option<usize>> {
    let mut last: [Option<usize>; 2] = [None, None];
    let mut group = None;
    let side = |s: Speaker| match s {
        Speaker::Agent => Some(0),
        Speaker::Customer => Some(1),
        _ => None,
    };
    units
        .into_iter()
        .enumerate()
        .map(|(i, (g, speaker))| {
            if group != Some(g) {
                last = [None, None];
                group = Some(g);
            }
            let mine = side(speaker)?;
            let other = last[1 - mine];
            last[mine] = Some(i);
            other.filter(|_| speaker == Speaker::Customer)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_the_agents_latest_unit_before_a_customer_unit_within_a_call() {
        use Speaker::{Agent, Customer, Unknown};
        let units = [
            (1, Agent),
            (1, Agent),
            (1, Customer),
            (1, Unknown),
            (1, Customer),
            (1, Agent),
            (2, Customer),
        ];
        assert_eq!(
            previous_other(units),
            [None, None, Some(1), None, Some(1), None, None]
        );
    }
}
