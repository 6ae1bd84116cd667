//! Playbook phrase matching over one leg: script-section coverage in agent
//! turns, the first statement of purpose, objections and buying signals in
//! customer turns.

use crate::config::Playbook;
use crate::model::{Speaker, Turn};

use super::phrase_book::{Found, PhraseBook};
use super::types::{PhraseHit, SectionCoverage};

/// Kind recorded on buying-signal hits.
pub const BUYING_SIGNAL_KIND: &str = "buying_signal";

/// Turns with the playbook phrases found in each (one pass per turn).
pub(crate) struct Normalized<'a> {
    pub turns: &'a [Turn],
    pub book: &'a PhraseBook,
    pub found: Vec<Found>,
}

impl<'a> Normalized<'a> {
    pub fn new(turns: &'a [Turn], book: &'a PhraseBook) -> Self {
        let found = turns
            .iter()
            .map(|t| book.scan(&super::phrases::normalize(&t.text)))
            .collect();
        Normalized { turns, book, found }
    }

    fn by(&self, speaker: Speaker) -> impl Iterator<Item = (u32, &Turn, &Found)> {
        self.turns
            .iter()
            .zip(&self.found)
            .enumerate()
            .filter(move |(_, (t, _))| t.speaker == speaker)
            .map(|(i, (t, f))| (index(i), t, f))
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
        .zip(&norm.book.sections)
        .map(|(section, set)| {
            let mut matched = vec![false; set.len()];
            let mut first_turn = None;
            for (i, turn, found) in norm.by(Speaker::Agent) {
                let Some(phrase) = norm.book.first(set, found) else {
                    continue;
                };
                first_turn.get_or_insert(i);
                hits.push(hit(&section.id, i, turn, phrase));
                for at in found.positions(set) {
                    matched[at] = true;
                }
            }
            SectionCoverage {
                section: section.id.clone(),
                phrases_matched: index(matched.iter().filter(|m| **m).count()),
                phrases_total: index(set.len()),
                first_turn,
            }
        })
        .collect();
    hits.sort_by_key(|h| h.turn);
    (coverage, hits)
}

/// One hit per (customer turn, objection type).
pub(crate) fn objections(norm: &Normalized, playbook: &Playbook) -> Vec<PhraseHit> {
    norm.by(Speaker::Customer)
        .flat_map(|(i, turn, found)| {
            playbook
                .objections
                .iter()
                .zip(&norm.book.objections)
                .filter_map(move |(o, set)| {
                    norm.book.first(set, found).map(|p| hit(&o.id, i, turn, p))
                })
        })
        .collect()
}

/// One hit per customer turn with a buying-signal phrase.
pub(crate) fn buying_signals(norm: &Normalized) -> Vec<PhraseHit> {
    norm.by(Speaker::Customer)
        .filter_map(|(i, turn, found)| {
            norm.book
                .first(&norm.book.buying_signals, found)
                .map(|p| hit(BUYING_SIGNAL_KIND, i, turn, p))
        })
        .collect()
}
