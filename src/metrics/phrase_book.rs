//! The playbook's phrase lists compiled once per run: every phrase of every
//! list (script sections, objections, buying signals, rebuttal cues,
//! termination reasons) normalised once and put into one Aho-Corasick
//! automaton, so that one pass over a normalised turn finds every phrase of
//! every list. A list is a range of the automaton's pattern ids.

use std::ops::Range;

use aho_corasick::{AhoCorasick, BuildError};

use crate::config::Playbook;

use super::phrases::normalize;

/// One phrase list of the playbook: a range of [`PhraseBook`] pattern ids, in
/// configured order (phrases that normalise to nothing left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseSet {
    ids: Range<usize>,
}

impl PhraseSet {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// The phrases found in one normalised text: pattern ids, ascending, once each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    ids: Vec<usize>,
}

impl Found {
    /// Ids of `set` found, ascending.
    fn of<'a>(&'a self, set: &PhraseSet) -> &'a [usize] {
        let from = self.ids.partition_point(|id| *id < set.ids.start);
        let to = self.ids.partition_point(|id| *id < set.ids.end);
        &self.ids[from..to]
    }

    /// Whether any phrase of `set` was found.
    pub fn any(&self, set: &PhraseSet) -> bool {
        !self.of(set).is_empty()
    }

    /// Positions within `set` (0-based, configured order) of the phrases found.
    pub fn positions<'a>(&'a self, set: &'a PhraseSet) -> impl Iterator<Item = usize> + 'a {
        self.of(set).iter().map(|id| id - set.ids.start)
    }
}

/// Every phrase list of one playbook, compiled into one automaton.
#[derive(Debug, Clone)]
pub struct PhraseBook {
    automaton: AhoCorasick,
    /// The configured phrase of each pattern id.
    phrases: Vec<String>,
    /// One set per `playbook.sections`, in order.
    pub sections: Vec<PhraseSet>,
    /// One set per `playbook.objections`, in order.
    pub objections: Vec<PhraseSet>,
    pub buying_signals: PhraseSet,
    pub acknowledge: PhraseSet,
    pub value: PhraseSet,
    /// One set per `playbook.termination_reasons`, in order.
    pub termination: Vec<PhraseSet>,
}

/// Collects the normalised phrases of every list while the sets are made.
#[derive(Default)]
struct Builder {
    phrases: Vec<String>,
    patterns: Vec<String>,
}

impl Builder {
    fn set(&mut self, phrases: &[String]) -> PhraseSet {
        let start = self.phrases.len();
        for phrase in phrases {
            let normalized = normalize(phrase);
            if !normalized.trim().is_empty() {
                self.phrases.push(phrase.clone());
                self.patterns.push(normalized);
            }
        }
        PhraseSet {
            ids: start..self.phrases.len(),
        }
    }
}

impl PhraseBook {
    /// Fails only when the automaton would exceed its id space (billions of
    /// phrases).
    pub fn new(playbook: &Playbook) -> Result<PhraseBook, BuildError> {
        let mut b = Builder::default();
        let sections = playbook
            .sections
            .iter()
            .map(|s| b.set(&s.phrases))
            .collect();
        let objections = playbook
            .objections
            .iter()
            .map(|o| b.set(&o.phrases))
            .collect();
        let buying_signals = b.set(&playbook.buying_signals);
        let acknowledge = b.set(&playbook.rebuttal_cues.acknowledge);
        let value = b.set(&playbook.rebuttal_cues.value);
        let termination = playbook
            .termination_reasons
            .iter()
            .map(|r| b.set(&r.phrases))
            .collect();
        Ok(PhraseBook {
            automaton: AhoCorasick::new(&b.patterns)?,
            phrases: b.phrases,
            sections,
            objections,
            buying_signals,
            acknowledge,
            value,
            termination,
        })
    }

    /// Every phrase in `normalized` (text from [`normalize`]), in one pass.
    pub fn scan(&self, normalized: &str) -> Found {
        let mut ids: Vec<usize> = self
            .automaton
            .find_overlapping_iter(normalized)
            .map(|m| m.pattern().as_usize())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Found { ids }
    }

    /// The first configured phrase of `set` in `found`.
    pub fn first<'b>(&'b self, set: &PhraseSet, found: &Found) -> Option<&'b str> {
        found.of(set).first().map(|id| self.phrases[*id].as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(buying_signals: &[&str]) -> PhraseBook {
        let playbook = Playbook {
            buying_signals: buying_signals.iter().map(|s| s.to_string()).collect(),
            ..Playbook::generic()
        };
        PhraseBook::new(&playbook).expect("phrase book")
    }

    #[test]
    fn finds_the_first_configured_phrase_on_whole_words() {
        let book = book(&["too expensive", "  ", "ice", "it's too"]);
        let set = &book.buying_signals;
        assert_eq!(set.len(), 3, "the blank phrase is left out");
        let found = book.scan(&normalize("Well, it's TOO expensive."));
        assert_eq!(book.first(set, &found), Some("too expensive"));
        assert_eq!(found.positions(set).collect::<Vec<_>>(), [0, 2]);
        let found = book.scan(&normalize("the price is nice"));
        assert!(!found.any(set));
        assert_eq!(book.first(set, &found), None);
    }

    #[test]
    fn adjacent_and_repeated_phrases_are_all_found() {
        let book = book(&["a", "b", "a"]);
        let found = book.scan(&normalize("a b"));
        assert_eq!(found.positions(&book.buying_signals).count(), 3);
    }
}
