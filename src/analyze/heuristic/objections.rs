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

use std::collections::{HashMap, HashSet};

use crate::analyze::detect::{Detector, SentenceTag};
use crate::analyze::insight::{CallPhase, ObjectionAnalysis, RebuttalQuality};
use crate::config::Playbook;
use crate::metrics::phrases::normalize;
use crate::metrics::{Metrics, PhraseBook, PhraseHit};
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
    let call = CallIndex::new(turns, tags, metrics);
    tags.iter()
        .filter(|t| t.hit(Detector::Objection))
        .map(|t| analyze_one(&call, metrics, playbook, phrases, t))
        .collect()
}

/// What every objection of one call looks up, indexed once so that a call
/// with many objections stays linear: the next agent turn after each turn,
/// the turns holding a rebuttal sentence, the playbook objection phrases
/// found in each turn.
struct CallIndex<'a> {
    turns: &'a [Turn],
    /// `next_agent[i]`: the first agent turn at index `i` or later.
    next_agent: Vec<Option<u32>>,
    rebuttal_turns: HashSet<u32>,
    phrase_hits: HashMap<u32, Vec<&'a PhraseHit>>,
}

impl<'a> CallIndex<'a> {
    fn new(turns: &'a [Turn], tags: &[SentenceTag], metrics: &'a Metrics) -> Self {
        let mut next_agent = vec![None; turns.len() + 1];
        for (i, turn) in turns.iter().enumerate().rev() {
            next_agent[i] = match u32::try_from(i) {
                Ok(index) if turn.speaker == Speaker::Agent => Some(index),
                _ => next_agent[i + 1],
            };
        }
        let rebuttal_turns = tags
            .iter()
            .filter(|t| t.hit(Detector::Rebuttal))
            .map(|t| t.turn_index)
            .collect();
        let mut phrase_hits: HashMap<u32, Vec<&PhraseHit>> = HashMap::new();
        for hit in &metrics.objections {
            phrase_hits.entry(hit.turn).or_default().push(hit);
        }
        CallIndex {
            turns,
            next_agent,
            rebuttal_turns,
            phrase_hits,
        }
    }

    /// The agent's first turn after turn `after`.
    fn next_agent_turn(&self, after: u32) -> Option<(u32, &'a Turn)> {
        let from = usize::try_from(after).ok()?.checked_add(1)?;
        let i = (*self.next_agent.get(from)?)?;
        Some((i, self.turns.get(usize::try_from(i).ok()?)?))
    }
}

fn analyze_one(
    call: &CallIndex<'_>,
    metrics: &Metrics,
    playbook: &Playbook,
    phrases: &PhraseBook,
    objection: &SentenceTag,
) -> ObjectionAnalysis {
    let at = objection.turn_index;
    let reply = call.next_agent_turn(at);
    let parts = reply.map(|(i, t)| rebuttal_parts(t, i, metrics, playbook, phrases));
    let detected = reply.is_some_and(|(i, _)| call.rebuttal_turns.contains(&i));
    let attempted = detected && parts.is_some_and(RebuttalParts::addresses);
    let quality = parts.map_or(RebuttalQuality::None, |p| p.quality(attempted));
    let returned_to = returned_section(metrics, playbook, reply.map_or(at + 1, |(i, _)| i));
    ObjectionAnalysis {
        kind: kind(call, objection),
        customer_quote: text_quote(&objection.text, at),
        rebuttal_attempted: attempted,
        rebuttal_quality: quality,
        agent_rebuttal: reply
            .filter(|_| attempted)
            .and_then(|(i, _)| turn_quote(call.turns, i)),
        followed_avq: attempted && parts.is_some_and(|p| p.count() == 3),
        returned_to_script: returned_to.is_some(),
        section_returned_to: returned_to,
        phase: Some(phase(at, call.turns.len())),
    }
}

/// The playbook objection whose phrase is in the sentence, else the
/// detector's kind.
fn kind(call: &CallIndex<'_>, objection: &SentenceTag) -> String {
    let sentence = normalize(&objection.text);
    call.phrase_hits
        .get(&objection.turn_index)
        .into_iter()
        .flatten()
        .find(|h| sentence.contains(normalize(&h.phrase).as_str()))
        .map(|h| h.kind.clone())
        .or_else(|| objection.objection.map(|k| k.as_str().to_string()))
        .unwrap_or_else(|| "other".to_string())
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
