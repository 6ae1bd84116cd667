//! The sentence featuriser: hashed word unigrams and bigrams, words inside a
//! negation's scope, the first and last token, character n-grams, and cue
//! features (negation, modal verb, question mark, number, length). Feature
//! hashing (FNV-1a into `2^bits` buckets) needs no vocabulary file and gives
//! the same indices on every platform, so a saved model stays valid.
//! Word-level and character-level features are each scaled to unit length,
//! so neither block outweighs the other and long sentences do not dominate.
//! Optionally a context block (the other side's previous sentence) is added
//! at a smaller length.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::text::{is_modal, is_negation, normalize, tokens};

/// A sparse feature vector: `(bucket, value)` sorted by bucket, no repeats.
pub type SparseVec = Vec<(u32, f32)>;

/// What the featuriser extracts; saved with every model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSpec {
    /// `2^bits` hash buckets.
    pub bits: u8,
    /// Word n-grams up to this length (1 or 2).
    pub word_ngrams: u8,
    /// Character n-gram lengths (inclusive); `0, 0` for none.
    pub char_min: u8,
    pub char_max: u8,
}

impl Default for FeatureSpec {
    fn default() -> Self {
        FeatureSpec {
            bits: 18,
            word_ngrams: 2,
            char_min: 3,
            char_max: 5,
        }
    }
}

impl FeatureSpec {
    pub fn buckets(&self) -> usize {
        1usize << self.bits
    }

    /// The sparse features of one sentence.
    pub fn featurize(&self, sentence: &str) -> SparseVec {
        let norm = normalize(sentence);
        let mut words = Vec::with_capacity(64);
        self.word_features(&norm, &mut words);
        let mut chars = Vec::with_capacity(4 * norm.len());
        self.char_features(&norm, &mut chars);
        let mut out = Vec::with_capacity(words.len() + chars.len());
        push_block(&mut out, words, 1.0);
        push_block(&mut out, chars, 1.0);
        out
    }

    /// The sentence's features plus a context block: the words of the
    /// other side's sentence just before it (e.g. the agent's ask before a
    /// customer's "No, sorry"), or a "no context" mark, in a namespace of
    /// their own, scaled to length `weight`.
    pub fn featurize_in_context(
        &self,
        sentence: &str,
        context: Option<&str>,
        weight: f32,
    ) -> SparseVec {
        let mut out = self.featurize(sentence);
        if weight <= 0.0 {
            return out;
        }
        let mut block = Vec::new();
        match context {
            Some(text) => {
                let norm = normalize(text);
                block.extend(
                    tokens(&norm)
                        .into_iter()
                        .map(|t| self.bucket(Fnv::new(b'x').str(t))),
                );
            }
            None => block.push(self.bucket(Fnv::new(b'x').str("<none>"))),
        }
        push_block(&mut out, block, weight);
        out
    }

    fn bucket(&self, h: Fnv) -> u32 {
        let mask = (1u64 << self.bits) - 1;
        u32::try_from(h.0 & mask).unwrap_or(0)
    }

    fn word_features(&self, norm: &str, out: &mut Vec<u32>) {
        let toks = tokens(norm);
        let mut negated = false;
        let mut cues = [false; 4];
        for (i, t) in toks.iter().enumerate() {
            out.push(self.bucket(Fnv::new(b'w').str(t)));
            if negated && t.chars().all(char::is_alphanumeric) {
                out.push(self.bucket(Fnv::new(b'n').str(t)));
            }
            if self.word_ngrams >= 2 {
                let prev = if i == 0 { "<s>" } else { toks[i - 1] };
                out.push(self.bucket(Fnv::new(b'b').str(prev).str(t)));
            }
            if is_negation(t) {
                negated = true;
                cues[0] = true;
            } else if matches!(*t, "?" | "!") {
                negated = false;
            }
            cues[1] |= is_modal(t);
            cues[2] |= *t == "?";
            cues[3] |= t.starts_with('0');
        }
        if let (Some(first), Some(last)) = (toks.first(), toks.last()) {
            out.push(self.bucket(Fnv::new(b'f').str(first)));
            out.push(self.bucket(Fnv::new(b'l').str(last)));
            if self.word_ngrams >= 2 {
                out.push(self.bucket(Fnv::new(b'b').str(last).str("</s>")));
            }
        }
        let names = ["negation", "modal", "question_mark", "number"];
        for (on, name) in cues.iter().zip(names) {
            if *on {
                out.push(self.bucket(Fnv::new(b'q').str(name)));
            }
        }
        let length = match toks.len() {
            0..=3 => "short",
            4..=10 => "medium",
            _ => "long",
        };
        out.push(self.bucket(Fnv::new(b'q').str(length)));
    }

    fn char_features(&self, norm: &str, out: &mut Vec<u32>) {
        if self.char_min == 0 {
            return;
        }
        let padded: Vec<u8> = [b" ", norm.as_bytes(), b" "].concat();
        for n in usize::from(self.char_min)..=usize::from(self.char_max) {
            for gram in padded.windows(n) {
                out.push(self.bucket(Fnv::new(b'c').bytes(gram)));
            }
        }
    }
}

/// Adds one block of binary features, scaled to unit length and then by
/// `weight`, to the sorted vector `out`: one linear merge of two sorted
/// runs (the values of colliding buckets summed), no re-sort.
fn push_block(out: &mut SparseVec, mut block: Vec<u32>, weight: f32) {
    block.sort_unstable();
    block.dedup();
    if block.is_empty() {
        return;
    }
    let value = 1.0 / (block.len() as f32).sqrt() * weight;
    let old = std::mem::replace(out, Vec::with_capacity(out.len() + block.len()));
    let mut old = old.into_iter().peekable();
    let mut new = block.into_iter().peekable();
    while let (Some(&(a, x)), Some(&b)) = (old.peek(), new.peek()) {
        match a.cmp(&b) {
            Ordering::Less => {
                out.push((a, x));
                old.next();
            }
            Ordering::Greater => {
                out.push((b, value));
                new.next();
            }
            Ordering::Equal => {
                out.push((a, x + value));
                old.next();
                new.next();
            }
        }
    }
    out.extend(old);
    out.extend(new.map(|b| (b, value)));
}

/// FNV-1a, 64 bits: fixed and platform-independent, so saved models keep
/// their meaning. A namespace byte separates feature kinds.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    const PRIME: u64 = 0x0100_0000_01b3;

    fn new(namespace: u8) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325).byte(namespace)
    }

    fn byte(self, b: u8) -> Fnv {
        Fnv((self.0 ^ u64::from(b)).wrapping_mul(Self::PRIME))
    }

    fn bytes(self, bs: &[u8]) -> Fnv {
        bs.iter().fold(self, |h, b| h.byte(*b))
    }

    /// Adds a string and a separator, so ("ab", "c") differs from ("a", "bc").
    fn str(self, s: &str) -> Fnv {
        self.bytes(s.as_bytes()).byte(0xff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_sorted_unique_and_in_range() {
        let spec = FeatureSpec::default();
        let v = spec.featurize("I can't afford it right now, sorry.");
        assert!(v.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            v.iter()
                .all(|(b, x)| (*b as usize) < spec.buckets() && *x > 0.0)
        );
    }

    #[test]
    fn same_text_same_features_and_case_does_not_matter() {
        let spec = FeatureSpec::default();
        assert_eq!(spec.featurize("How much?"), spec.featurize("HOW  much?"));
        assert_ne!(spec.featurize("How much?"), spec.featurize("How much."));
    }

    #[test]
    fn negation_scope_marks_following_words() {
        let spec = FeatureSpec {
            char_min: 0,
            char_max: 0,
            ..FeatureSpec::default()
        };
        let neg = spec.featurize("I do not want it");
        let pos = spec.featurize("I do want it");
        let negated_want = spec.bucket(Fnv::new(b'n').str("want"));
        assert!(neg.iter().any(|(b, _)| *b == negated_want));
        assert!(!pos.iter().any(|(b, _)| *b == negated_want));
    }

    #[test]
    fn context_adds_its_own_block_and_weight_zero_adds_none() {
        let spec = FeatureSpec::default();
        let alone = spec.featurize("No, sorry.");
        assert_eq!(
            spec.featurize_in_context("No, sorry.", Some("Would you donate?"), 0.0),
            alone
        );
        let asked = spec.featurize_in_context("No, sorry.", Some("Would you donate?"), 0.5);
        let first = spec.featurize_in_context("No, sorry.", None, 0.5);
        assert!(asked.len() > alone.len() && first.len() == alone.len() + 1);
        assert_ne!(asked, first);
    }

    #[test]
    fn empty_text_has_only_the_length_cue() {
        let v = FeatureSpec::default().featurize("   ");
        assert_eq!(v.len(), 1);
    }
}
