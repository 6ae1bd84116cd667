//! The columns of `utterances.parquet`: one row per turn, in call order,
//! with its leg, position, role, label as written, times and text.

use super::columns::Cell;
use crate::model::Call;

const NAMES: [&str; 9] = [
    "call_id", "leg", "turn", "speaker", "label", "start_s", "end_s", "words", "text",
];

/// Column names and types.
pub fn schema() -> Vec<(String, Cell)> {
    let kinds = [
        Cell::Text(None),
        Cell::Text(None),
        Cell::Int(None),
        Cell::Text(None),
        Cell::Text(None),
        Cell::Num(None),
        Cell::Num(None),
        Cell::Int(None),
        Cell::Text(None),
    ];
    NAMES.iter().map(|n| n.to_string()).zip(kinds).collect()
}

/// The cells of every turn of `call`.
pub fn rows(call: &Call) -> impl Iterator<Item = Vec<Cell>> + '_ {
    call.legs.iter().flat_map(move |leg| {
        leg.transcript.turns.iter().enumerate().map(move |(i, t)| {
            vec![
                Cell::Text(Some(call.id.clone())),
                Cell::Text(Some(leg.name.clone())),
                Cell::Int(Some(i as i64 + 1)),
                Cell::Text(Some(t.speaker.as_str().to_string())),
                Cell::Text(t.label.clone()),
                Cell::Num(t.start_s),
                Cell::Num(t.end_s),
                Cell::Int(Some(t.text.split_whitespace().count() as i64)),
                Cell::Text(Some(t.text.clone())),
            ]
        })
    })
}
