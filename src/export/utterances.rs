//! `utterances.csv`: one row per judged sentence of every call of a run
//! (one per input row for utterance tables): its call leg, speaker, where
//! the speaker's role came from and how sure (empty when unknown), and each
//! detector's decision.
//! Text cells get the same formula-injection defence as `insights.csv`.

use std::path::Path;

use super::ExportError;
use super::columns::Cell;
use super::parquet::ParquetTable;
use crate::analyze::detect::{Detector, SentenceTag};
use crate::model::Speaker;
use crate::store::{RunId, Store};

/// The columns, in order (the role columns last, so the earlier columns
/// keep their places).
pub const HEADER: [&str; 16] = [
    "call_id",
    "seq",
    "turn",
    "speaker",
    "text",
    "objection",
    "objection_p",
    "buying_signal",
    "buying_signal_p",
    "customer_question",
    "agent_question",
    "asks_commitment",
    "rebuttal",
    "leg",
    "role_source",
    "role_confidence",
];

/// Writes the detections of `run` (by its detector key) to `path`; a run
/// without detections gets the header only.
pub fn write(store: &Store, run: RunId, path: &Path) -> Result<(), ExportError> {
    let header = HEADER.iter().map(|h| h.to_string()).collect();
    super::csv_export(path, header, |write| {
        for_each_sentence(store, run, |call_id, tag| {
            write(cells(call_id, tag).into_iter().map(csv_field).collect());
        })
    })
}

/// `utterances.parquet`: the same rows and columns, typed (integers,
/// floats, booleans; an empty objection kind is null).
pub fn write_parquet(store: &Store, run: RunId, path: &Path) -> Result<(), ExportError> {
    let pq_err = |source| ExportError::Parquet {
        path: path.display().to_string(),
        source,
    };
    let schema: Vec<(String, Cell)> = HEADER
        .iter()
        .map(|h| h.to_string())
        .zip(cells("", &blank()))
        .collect();
    let mut table = ParquetTable::create(path, &schema).map_err(pq_err)?;
    let mut failure = None;
    for_each_sentence(store, run, |call_id, tag| {
        if failure.is_none()
            && let Err(e) = table.push(cells(call_id, tag))
        {
            failure = Some(e);
        }
    })?;
    match failure {
        Some(e) => Err(pq_err(e)),
        None => table.finish().map_err(pq_err),
    }
}

/// Every stored sentence of `run`, by the run's detector key, in call order.
fn for_each_sentence(
    store: &Store,
    run: RunId,
    mut each: impl FnMut(&str, &SentenceTag),
) -> Result<(), ExportError> {
    if let Some(detector) = store.run_detector(run)? {
        store.for_each_tagged_call(run, &detector, |call_id, tags| {
            tags.iter().for_each(|tag| each(call_id, tag));
            Ok(())
        })?;
    }
    Ok(())
}

/// A sentence with nothing in it: its cells give the Parquet column types.
fn blank() -> SentenceTag {
    SentenceTag {
        seq: 0,
        turn_index: 0,
        turn: String::new(),
        speaker: Speaker::Unknown,
        attribution: None,
        leg: String::new(),
        text: String::new(),
        objection: None,
        p: [0.0; 6],
        hit: [false; 6],
    }
}

/// One sentence's cells, in `HEADER` order.
fn cells(call_id: &str, t: &SentenceTag) -> Vec<Cell> {
    let flag = |d: Detector| Cell::Bool(Some(t.hit(d)));
    let p = |d: Detector| Cell::Num(Some(f64::from(t.p(d))));
    vec![
        Cell::Text(Some(call_id.to_string())),
        Cell::Int(Some(i64::from(t.seq))),
        Cell::Text(Some(t.turn.clone())),
        Cell::Text(Some(crate::store::speaker_name(t.speaker).to_string())),
        Cell::Text(Some(t.text.clone())),
        Cell::Text(t.objection.map(|k| k.as_str().to_string())),
        p(Detector::Objection),
        flag(Detector::BuyingSignal),
        p(Detector::BuyingSignal),
        flag(Detector::CustomerQuestion),
        flag(Detector::AgentQuestion),
        flag(Detector::AsksCommitment),
        flag(Detector::Rebuttal),
        Cell::Text(Some(t.leg.clone())),
        Cell::Text(t.attribution.map(|a| a.source.as_str().to_string())),
        Cell::Num(t.attribution.map(|a| f64::from(a.confidence))),
    ]
}

/// A cell as `utterances.csv` writes it: flags as 0/1, probabilities to
/// three decimals, text with the formula-injection defence.
fn csv_field(cell: Cell) -> String {
    match cell {
        Cell::Bool(b) => if b == Some(true) { "1" } else { "0" }.to_string(),
        Cell::Num(v) => v.map(|v| format!("{v:.3}")).unwrap_or_default(),
        other => other.render(),
    }
}
