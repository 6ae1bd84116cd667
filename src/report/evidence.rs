//! The evidence behind the report's call ids: each cited call's transcript
//! with what was found in it (objections, rebuttals, buying signals,
//! questions, script sections), every label saying where it came from and,
//! when known, its confidence. Built from what the store holds (the metrics'
//! phrase hits and the analyzer's insight) and the learned sentence-level
//! detectors' hits ([`LabelSource::Detector`], each with its sentence and
//! probability).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::analyze::detect::{Detector, SentenceTag};
use crate::model::{Outcome, Speaker};
use crate::stats::CallRow;

use super::document::{Block, Document};

/// The transcripts the HTML report carries and the cited calls left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub transcripts: Vec<CallTranscript>,
    /// Cited calls beyond the transcript limit: listed by id only.
    pub not_shown: Vec<String>,
}

impl Evidence {
    /// Every call id that has an anchor in the report.
    pub fn anchored(&self) -> BTreeSet<&str> {
        self.transcripts
            .iter()
            .map(|t| t.id.as_str())
            .chain(self.not_shown.iter().map(String::as_str))
            .collect()
    }

    /// Labels the sentences the learned detectors flagged in `call_id`'s
    /// transcript, when the report carries it.
    pub fn add_detections(&mut self, call_id: &str, tags: &[SentenceTag]) {
        if let Some(t) = self.transcripts.iter_mut().find(|t| t.id == call_id) {
            t.add_detections(tags);
        }
    }

    /// Adds a cited call: its transcript while under `limit`, else its id.
    pub fn add(&mut self, row: &CallRow, limit: usize) {
        if self.transcripts.len() < limit {
            self.transcripts.push(CallTranscript::of(row));
        } else {
            self.not_shown.push(row.call.id.clone());
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallTranscript {
    pub id: String,
    pub agent: Option<String>,
    pub outcome: Outcome,
    pub duration_s: Option<f64>,
    pub turns: Vec<EvidenceTurn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceTurn {
    pub speaker: Speaker,
    pub start_s: Option<f64>,
    pub text: String,
    pub labels: Vec<Label>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Label {
    pub kind: LabelKind,
    /// E.g. the objection type or the script section.
    pub name: String,
    pub source: LabelSource,
    /// 0..=1, when the source gives one.
    pub confidence: Option<f64>,
    /// The sentence of the turn the label is about (detectors), else the
    /// whole turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentence: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelKind {
    Objection,
    Rebuttal,
    BuyingSignal,
    Question,
    AsksCommitment,
    ScriptSection,
}

impl LabelKind {
    pub fn css(self) -> &'static str {
        match self {
            LabelKind::Objection => "objection",
            LabelKind::Rebuttal => "rebuttal",
            LabelKind::BuyingSignal => "signal",
            LabelKind::Question => "question",
            LabelKind::AsksCommitment => "commit",
            LabelKind::ScriptSection => "section",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            LabelKind::Objection => "objection",
            LabelKind::Rebuttal => "rebuttal",
            LabelKind::BuyingSignal => "buying signal",
            LabelKind::Question => "question",
            LabelKind::AsksCommitment => "asks for commitment",
            LabelKind::ScriptSection => "script section",
        }
    }
}

/// Where a label came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelSource {
    /// A playbook phrase matched (keyword tracker; no confidence).
    Phrase,
    /// The call's analyzer (heuristic or LLM) named it.
    Analyzer,
    /// A learned sentence-level detector, with its confidence.
    Detector,
    /// The turn ends a sentence with a question mark.
    Punctuation,
}

impl LabelSource {
    pub fn name(self) -> &'static str {
        match self {
            LabelSource::Phrase => "phrase match",
            LabelSource::Analyzer => "analyzer",
            LabelSource::Detector => "learned detector",
            LabelSource::Punctuation => "question mark",
        }
    }
}

impl CallTranscript {
    /// The main leg's turns with every label the stored analysis gives.
    pub fn of(row: &CallRow) -> Self {
        let turns = row
            .call
            .main_leg()
            .map(|l| l.transcript.turns.as_slice())
            .unwrap_or_default();
        let mut out: Vec<EvidenceTurn> = turns
            .iter()
            .map(|t| EvidenceTurn {
                speaker: t.speaker,
                start_s: t.start_s,
                text: t.text.clone(),
                labels: question(&t.text).into_iter().collect(),
            })
            .collect();
        let mut label = |turn: Option<u32>, kind, name: &str, source| {
            if let Some(t) = turn.and_then(|i| out.get_mut(i as usize)) {
                let l = Label {
                    kind,
                    name: name.to_string(),
                    source,
                    confidence: None,
                    sentence: None,
                };
                if !t.labels.contains(&l) {
                    t.labels.push(l);
                }
            }
        };
        let m = &row.metrics;
        for h in &m.objections {
            label(
                Some(h.turn),
                LabelKind::Objection,
                &h.kind,
                LabelSource::Phrase,
            );
        }
        for h in &m.buying_signals {
            label(
                Some(h.turn),
                LabelKind::BuyingSignal,
                &h.kind,
                LabelSource::Phrase,
            );
        }
        for h in &m.script_hits {
            label(
                Some(h.turn),
                LabelKind::ScriptSection,
                &h.kind,
                LabelSource::Phrase,
            );
        }
        for o in row
            .insight()
            .map(|i| i.objections.as_slice())
            .unwrap_or_default()
        {
            let source = LabelSource::Analyzer;
            label(o.customer_quote.turn, LabelKind::Objection, &o.kind, source);
            if let Some(r) = &o.agent_rebuttal {
                label(r.turn, LabelKind::Rebuttal, &o.kind, source);
            }
        }
        CallTranscript {
            id: row.call.id.clone(),
            agent: row.agent().map(str::to_string),
            outcome: row.call.outcome,
            duration_s: row.call.duration_s,
            turns: out,
        }
    }
}

impl CallTranscript {
    /// Adds a label per detector hit to the turn of its sentence.
    fn add_detections(&mut self, tags: &[SentenceTag]) {
        for tag in tags {
            let Some(turn) = self.turns.get_mut(tag.turn_index as usize) else {
                continue;
            };
            for d in Detector::ALL.into_iter().filter(|d| tag.hit(*d)) {
                let (kind, name) = detector_label(d, tag);
                turn.labels.push(Label {
                    kind,
                    name,
                    source: LabelSource::Detector,
                    confidence: Some(f64::from(tag.p(d))),
                    sentence: Some(tag.text.clone()),
                });
            }
        }
    }
}

/// The label kind and name of a detector's hit.
fn detector_label(d: Detector, tag: &SentenceTag) -> (LabelKind, String) {
    match d {
        Detector::Objection => (
            LabelKind::Objection,
            tag.objection
                .map(|k| k.as_str().to_string())
                .unwrap_or_default(),
        ),
        Detector::BuyingSignal => (LabelKind::BuyingSignal, String::new()),
        Detector::CustomerQuestion => (LabelKind::Question, "customer".to_string()),
        Detector::AgentQuestion => (LabelKind::Question, "agent".to_string()),
        Detector::AsksCommitment => (LabelKind::AsksCommitment, String::new()),
        Detector::Rebuttal => (LabelKind::Rebuttal, String::new()),
    }
}

fn question(text: &str) -> Option<Label> {
    text.contains('?').then(|| Label {
        kind: LabelKind::Question,
        name: String::new(),
        source: LabelSource::Punctuation,
        confidence: None,
        sentence: None,
    })
}

/// Characters that end a call id where it is cited in running text.
pub fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '[' | ']' | '“' | '”' | '"')
}

/// A cited token without the sentence punctuation that may follow it.
pub fn trim_token(token: &str) -> &str {
    token.trim_end_matches(['.', ':'])
}

/// Every word of the document's text: the candidates for cited call ids
/// (the caller keeps those that are ids of the run).
pub fn cited_tokens(doc: &Document) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |text: &str| {
        for t in text.split(is_separator) {
            let t = trim_token(t);
            if !t.is_empty() {
                out.insert(t.to_string());
            }
        }
    };
    for block in doc.sections.iter().flat_map(|s| &s.blocks) {
        match block {
            Block::Paragraph(t) | Block::Subheading(t) | Block::Code(t) => add(t),
            Block::Bullets(items) => items.iter().for_each(|i| add(i)),
            Block::Table(t) => t.rows.iter().flatten().for_each(|c| add(c)),
            Block::Chart(_) => {}
        }
    }
    out
}
