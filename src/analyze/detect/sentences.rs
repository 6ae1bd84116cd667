//! The units detectors judge: one per input row for utterance tables, else
//! the sentences of each turn. A fragment of at most two words ("Food?",
//! "Ok!") joins the sentence before it, so "Food? Clothing? Shelter?" is one
//! question, not three.

use std::ops::Range;

use crate::model::Transcript;

/// Fragments of at most this many words join the previous sentence.
const FRAGMENT_WORDS: usize = 2;

/// One unit: a byte range of one turn's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit<'t> {
    pub turn_index: u32,
    pub range: Range<usize>,
    /// The input's turn value (utterance tables), else none.
    pub turn_value: Option<&'t str>,
}

/// Every unit of `transcript`, in order.
pub fn units(transcript: &Transcript) -> Vec<Unit<'_>> {
    if transcript.rows.is_empty() {
        sentence_units(transcript)
    } else {
        row_units(transcript)
    }
}

fn row_units(transcript: &Transcript) -> Vec<Unit<'_>> {
    let rows = &transcript.rows;
    rows.iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let text = &transcript.turns.get(row.turn_index as usize)?.text;
            let end = rows
                .get(i + 1)
                .filter(|next| next.turn_index == row.turn_index)
                .map_or(text.len(), |next| next.start);
            let range = trimmed(text, row.start.min(end)..end)?;
            Some(Unit {
                turn_index: row.turn_index,
                range,
                turn_value: row.turn.as_deref(),
            })
        })
        .collect()
}

fn sentence_units(transcript: &Transcript) -> Vec<Unit<'_>> {
    let mut out = Vec::new();
    for (i, turn) in transcript.turns.iter().enumerate() {
        let turn_index = u32::try_from(i).unwrap_or(u32::MAX);
        out.extend(sentences(&turn.text).into_iter().map(|range| Unit {
            turn_index,
            range,
            turn_value: None,
        }));
    }
    out
}

/// Sentence ranges of `text`: split after `.`, `!`, `?` (runs of them) and
/// line breaks; fragments joined to the sentence before.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ends = matches!(c, '.' | '!' | '?' | '\n');
        let run_continues = chars
            .peek()
            .is_some_and(|(_, n)| matches!(n, '.' | '!' | '?' | '"' | ')'));
        if ends && !run_continues {
            push_sentence(&mut out, text, start..i + c.len_utf8());
            start = i + c.len_utf8();
        }
    }
    push_sentence(&mut out, text, start..text.len());
    out
}

fn push_sentence(out: &mut Vec<Range<usize>>, text: &str, range: Range<usize>) {
    let Some(range) = trimmed(text, range) else {
        return;
    };
    let words = text[range.clone()].split_whitespace().count();
    match out.last_mut() {
        Some(prev) if words <= FRAGMENT_WORDS && !text[prev.end..range.start].contains('\n') => {
            prev.end = range.end;
        }
        _ => out.push(range),
    }
}

/// `range` without surrounding whitespace; `None` when nothing
/// alphanumeric is left.
fn trimmed(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let slice = text.get(range.clone())?;
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    let out = range.start + lead..range.end - trail;
    text[out.clone()]
        .chars()
        .any(char::is_alphanumeric)
        .then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_sentences_and_joins_fragments() {
        assert_eq!(
            texts("Hi there. How are you today? Food? Clothing? Shelter?"),
            ["Hi there.", "How are you today? Food? Clothing? Shelter?"]
        );
        assert_eq!(
            texts("Food? Clothing? Shelter?"),
            ["Food? Clothing? Shelter?"]
        );
        assert_eq!(
            texts("Really?! I can give $1."),
            ["Really?!", "I can give $1."]
        );
        assert_eq!(texts("Wait...\nno way"), ["Wait...", "no way"]);
        assert!(texts("  ... ").is_empty());
    }
}
