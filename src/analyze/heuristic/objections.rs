//! Objections the customer raised and what the agent did next: whether the
//! agent's next turn rebuts it (acknowledge / value / question -> quality and
//! AVQ), and whether the agent returned to a script section afterwards.
//! A reply counts as a rebuttal only if it acknowledges or asks: pushing the
//! pitch on without either is "poor" and leaves the objection unhandled.

use crate::analyze::insight::{CallPhase, ObjectionAnalysis, RebuttalQuality};
use crate::config::Playbook;
use crate::metrics::phrases::{PhraseList, normalize};
use crate::metrics::{Metrics, PhraseHit};
use crate::model::{Speaker, Turn};

use super::quotes::{sentence_quote, turn_quote};

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

    /// 3 parts excellent, 2 good, 1 partial; a reply that does not address
    /// the objection is poor.
    fn quality(self) -> RebuttalQuality {
        match (self.addresses(), self.count()) {
            (false, _) => RebuttalQuality::Poor,
            (true, 3) => RebuttalQuality::Excellent,
            (true, 2) => RebuttalQuality::Good,
            _ => RebuttalQuality::Partial,
        }
    }
}

struct Cues {
    acknowledge: PhraseList,
    value: PhraseList,
}

/// Analyses every objection hit of `metrics` in the main leg's `turns`.
pub(crate) fn analyze(
    turns: &[Turn],
    metrics: &Metrics,
    playbook: &Playbook,
) -> Vec<ObjectionAnalysis> {
    let cues = Cues {
        acknowledge: PhraseList::new(&playbook.rebuttal_cues.acknowledge),
        value: PhraseList::new(&playbook.rebuttal_cues.value),
    };
    metrics
        .objections
        .iter()
        .filter_map(|hit| analyze_one(turns, metrics, playbook, &cues, hit))
        .collect()
}

fn analyze_one(
    turns: &[Turn],
    metrics: &Metrics,
    playbook: &Playbook,
    cues: &Cues,
    hit: &PhraseHit,
) -> Option<ObjectionAnalysis> {
    let customer_quote = sentence_quote(turns, hit.turn, &hit.phrase)?;
    let reply = next_agent_turn(turns, hit.turn);
    let parts = reply.map(|(i, t)| rebuttal_parts(t, i, metrics, playbook, cues));
    let quality = parts.map_or(RebuttalQuality::None, RebuttalParts::quality);
    let attempted = parts.is_some_and(RebuttalParts::addresses);
    let returned_to = returned_section(metrics, playbook, reply.map_or(hit.turn + 1, |(i, _)| i));
    Some(ObjectionAnalysis {
        kind: hit.kind.clone(),
        customer_quote,
        rebuttal_attempted: attempted,
        rebuttal_quality: quality,
        agent_rebuttal: reply
            .filter(|_| attempted)
            .and_then(|(i, _)| turn_quote(turns, i)),
        followed_avq: parts.is_some_and(|p| p.count() == 3),
        returned_to_script: returned_to.is_some(),
        section_returned_to: returned_to,
        phase: Some(phase(hit.turn, turns.len())),
    })
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
    cues: &Cues,
) -> RebuttalParts {
    let text = normalize(&turn.text);
    let pitches = metrics
        .script_hits
        .iter()
        .any(|h| h.turn == index && is_scripted(playbook, &h.kind));
    RebuttalParts {
        acknowledge: cues.acknowledge.first_in(&text).is_some(),
        value: pitches || cues.value.first_in(&text).is_some(),
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
