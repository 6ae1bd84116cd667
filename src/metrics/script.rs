//! Playbook phrase matching over one leg: script-section coverage in agent
//! turns, the first statement of purpose, objections and buying signals in
//! customer turns.

use crate::config::Playbook;
use crate::model::{Speaker, Turn};

use super::phrases::PhraseList;
use super::types::{PhraseHit, SectionCoverage};

/// Kind recorded on buying-signal hits.
pub const BUYING_SIGNAL_KIND: &str = "buying_signal";

/// Turns with their normalised text, ready for phrase matching.
pub(crate) struct Normalized<'a> {
    pub turns: &'a [Turn],
    pub texts: Vec<String>,
}

impl<'a> Normalized<'a> {
    pub fn new(turns: &'a [Turn]) -> Self {
        let texts = turns
            .iter()
            .map(|t| super::phrases::normalize(&t.text))
            .collect();
        Normalized { turns, texts }
    }

    fn by(&self, speaker: Speaker) -> impl Iterator<Item = (u32, &Turn, &str)> {
        self.turns
            .iter()
            .zip(&self.texts)
            .enumerate()
            .filter(move |(_, (t, _))| t.speaker == speaker)
            .map(|(i, (t, n))| (index(i), t, n.as_str()))
    }
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn hit(kind: &str, turn_index: u32, turn: &Turn, phrase: &str) -> PhraseHit {
    PhraseHit {
        kind: kind.to_string(),
        turn: turn_index,
        speaker: turn.speaker,
        start_s: turn.start_s,
        phrase: phrase.to_string(),
    }
}

/// Coverage of every section plus one hit per (agent turn, section).
pub(crate) fn sections(
    norm: &Normalized,
    playbook: &Playbook,
) -> (Vec<SectionCoverage>, Vec<PhraseHit>) {
    let mut hits = Vec::new();
    let coverage = playbook
        .sections
        .iter()
        .map(|section| {
            let list = PhraseList::new(&section.phrases);
            let mut matched = vec![false; list.len()];
            let mut first_turn = None;
            for (i, turn, text) in norm.by(Speaker::Agent) {
                let Some(phrase) = list.first_in(text) else {
                    continue;
                };
                first_turn.get_or_insert(i);
                hits.push(hit(&section.id, i, turn, phrase));
                for (seen, now) in matched.iter_mut().zip(list.matches(text)) {
                    *seen |= now;
                }
            }
            SectionCoverage {
                section: section.id.clone(),
                phrases_matched: index(matched.iter().filter(|m| **m).count()),
                phrases_total: index(list.len()),
                first_turn,
            }
        })
        .collect();
    hits.sort_by_key(|h| h.turn);
    (coverage, hits)
}

/// One hit per (customer turn, objection type).
pub(crate) fn objections(norm: &Normalized, playbook: &Playbook) -> Vec<PhraseHit> {
    let lists: Vec<(&str, PhraseList)> = playbook
        .objections
        .iter()
        .map(|o| (o.id.as_str(), PhraseList::new(&o.phrases)))
        .collect();
    norm.by(Speaker::Customer)
        .flat_map(|(i, turn, text)| {
            lists
                .iter()
                .filter_map(move |(kind, list)| list.first_in(text).map(|p| hit(kind, i, turn, p)))
        })
        .collect()
}

/// One hit per customer turn with a buying-signal phrase.
pub(crate) fn buying_signals(norm: &Normalized, playbook: &Playbook) -> Vec<PhraseHit> {
    let list = PhraseList::new(&playbook.buying_signals);
    norm.by(Speaker::Customer)
        .filter_map(|(i, turn, text)| {
            list.first_in(text)
                .map(|p| hit(BUYING_SIGNAL_KIND, i, turn, p))
        })
        .collect()
}
