//! Objections the customer raised (the sentence detector's objections) and
//! what the agent did next: whether the agent's next turn rebuts it (the
//! rebuttal detector: a non-social reply, not a goodbye), how well
//! (acknowledge / value / question -> quality and AVQ), and whether the
//! agent returned to a script section afterwards. A reply without a
//! rebuttal sentence, or one that neither acknowledges nor asks (pushing
//! the pitch on), is "poor" and leaves the objection unhandled. The
//! kind is the playbook's objection id when one of its phrases is in the
//! sentence (so its rebuttal and termination mapping apply), else the
//! detector's kind (price, timing, trust, ...).

use crate::analyze::detect::{Detector, SentenceTag};
use crate::analyze::insight::{CallPhase, ObjectionAnalysis, RebuttalQuality};
use crate::config::Playbook;
use crate::metrics::phrases::normalize;
use crate::metrics::{Metrics, PhraseBook};
use crate::model::{Speaker, Turn};

use super::quotes::{text_quote, turn_quote};

/// Which parts of an AVQ rebuttal one agent turn contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RebuttalParts {
    acknowledge: bool,
    value: bool,
    question: bool,
}

impl RebuttalParts {
    fn count(self) -> usize {
        [self.acknowledge, self.value, self.question]
            .iter()
            .filter(|p| **p)
            .count()
    }

    /// A reply addresses the objection when it acknowledges it or asks
    /// about it; re-pitching alone is pushing on, not a rebuttal.
    fn addresses(self) -> bool {
        self.acknowledge || self.question
    }

    /// For a reply that rebuts: 3 parts excellent, 2 good, else partial; a
    /// reply that does not rebut is poor.
    fn quality(self, rebuts: bool) -> RebuttalQuality {
        match (rebuts, self.count()) {
            (false, _) => RebuttalQuality::Poor,
            (true, 3) => RebuttalQuality::Excellent,
            (true, 2) => RebuttalQuality::Good,
            _ => RebuttalQuality::Partial,
        }
    }
}

/// Analyses every detected objection of the main leg's `turns`.
pub(crate) fn analyze(
    turns: &[Turn],
    tags: &[SentenceTag],
    metrics: &Metrics,
    playbook: &Playbook,
    phrases: &PhraseBook,
) -> Vec<ObjectionAnalysis> {
    tags.iter()
        .filter(|t| t.hit(Detector::Objection))
        .map(|t| analyze_one(turns, tags, metrics, playbook, phrases, t))
        .collect()
}

fn analyze_one(
    turns: &[Turn],
    tags: &[SentenceTag],
    metrics: &Metrics,
    playbook: &Playbook,
    phrases: &PhraseBook,
    objection: &SentenceTag,
) -> ObjectionAnalysis {
    let at = objection.turn_index;
    let reply = next_agent_turn(turns, at);
    let parts = reply.map(|(i, t)| rebuttal_parts(t, i, metrics, playbook, phrases));
    let detected = reply.is_some_and(|(i, _)| {
        tags.iter()
            .any(|t| t.turn_index == i && t.hit(Detector::Rebuttal))
    });
    let attempted = detected && parts.is_some_and(RebuttalParts::addresses);
    let quality = parts.map_or(RebuttalQuality::None, |p| p.quality(attempted));
    let returned_to = returned_section(metrics, playbook, reply.map_or(at + 1, |(i, _)| i));
    ObjectionAnalysis {
        kind: kind(metrics, objection),
        customer_quote: text_quote(&objection.text, at),
        rebuttal_attempted: attempted,
        rebuttal_quality: quality,
        agent_rebuttal: reply
            .filter(|_| attempted)
            .and_then(|(i, _)| turn_quote(turns, i)),
        followed_avq: attempted && parts.is_some_and(|p| p.count() == 3),
        returned_to_script: returned_to.is_some(),
        section_returned_to: returned_to,
        phase: Some(phase(at, turns.len())),
    }
}

/// The playbook objection whose phrase is in the sentence, else the
/// detector's kind.
fn kind(metrics: &Metrics, objection: &SentenceTag) -> String {
    let sentence = normalize(&objection.text);
    metrics
        .objections
        .iter()
        .filter(|h| h.turn == objection.turn_index)
        .find(|h| sentence.contains(normalize(&h.phrase).as_str()))
        .map(|h| h.kind.clone())
        .or_else(|| objection.objection.map(|k| k.as_str().to_string()))
        .unwrap_or_else(|| "other".to_string())
}

fn next_agent_turn(turns: &[Turn], after: u32) -> Option<(u32, &Turn)> {
    let from = usize::try_from(after).ok()? + 1;
    turns
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, t)| t.speaker == Speaker::Agent)
        .and_then(|(i, t)| u32::try_from(i).ok().map(|i| (i, t)))
}

/// Acknowledge and value by the playbook's cues (value also by any phrase of
/// a non-situational script section), question by a question mark.
fn rebuttal_parts(
    turn: &Turn,
    index: u32,
    metrics: &Metrics,
    playbook: &Playbook,
    phrases: &PhraseBook,
) -> RebuttalParts {
    let found = phrases.scan(&normalize(&turn.text));
    let pitches = metrics
        .script_hits
        .iter()
        .any(|h| h.turn == index && is_scripted(playbook, &h.kind));
    RebuttalParts {
        acknowledge: found.any(&phrases.acknowledge),
        value: pitches || found.any(&phrases.value),
        question: turn.text.contains('?'),
    }
}

fn is_scripted(playbook: &Playbook, section: &str) -> bool {
    playbook.section(section).is_some_and(|s| !s.situational)
}

/// The first non-situational section the agent delivered from turn `from` on.
fn returned_section(metrics: &Metrics, playbook: &Playbook, from: u32) -> Option<String> {
    metrics
        .script_hits
        .iter()
        .find(|h| h.turn >= from && is_scripted(playbook, &h.kind))
        .map(|h| h.kind.clone())
}

/// Early / mid / late by the turn's position in the call (thirds).
fn phase(turn: u32, total: usize) -> CallPhase {
    let position = f64::from(turn) / total.max(1) as f64;
    if position < 1.0 / 3.0 {
        CallPhase::Early
    } else if position < 2.0 / 3.0 {
        CallPhase::Mid
    } else {
        CallPhase::Late
    }
}
