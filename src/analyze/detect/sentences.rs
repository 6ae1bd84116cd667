//! The units detectors judge: one per input row for utterance tables, else
//! the sentences of each turn (`learn::text::sentences`).

use std::ops::Range;

use crate::learn::text::{sentences, trimmed};
use crate::model::Transcript;

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
