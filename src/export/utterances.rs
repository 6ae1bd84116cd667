//! `utterances.csv`: one row per judged sentence of every call of a run
//! (one per input row for utterance tables), with each detector's decision.
//! Text cells get the same formula-injection defence as `insights.csv`.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use super::{ExportError, io_err, neutralise_formula};
use crate::analyze::detect::{Detector, ObjectionKind, SentenceTag};
use crate::store::{RunId, Store};

/// The columns, in order.
pub const HEADER: [&str; 13] = [
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
];

/// Writes the detections of `run` (by its detector key) to `path`; a run
/// without detections gets the header only.
pub fn write(store: &Store, run: RunId, path: &Path) -> Result<(), ExportError> {
    let file = File::create(path).map_err(io_err(path))?;
    let mut out = csv::Writer::from_writer(BufWriter::new(file));
    let csv_err = |source| ExportError::Csv {
        path: path.display().to_string(),
        source,
    };
    out.write_record(HEADER).map_err(csv_err)?;
    let mut failure = None;
    if let Some(detector) = store.run_detector(run)? {
        store.for_each_tagged_call(run, &detector, |call_id, tags| {
            for tag in &tags {
                if let Err(e) = out.write_record(record(call_id, tag)) {
                    failure.get_or_insert(e);
                }
            }
            Ok(())
        })?;
    }
    if let Some(e) = failure {
        return Err(csv_err(e));
    }
    out.flush().map_err(io_err(path))
}

fn record(call_id: &str, t: &SentenceTag) -> [String; 13] {
    let flag = |d: Detector| if t.hit(d) { "1" } else { "0" }.to_string();
    let p = |d: Detector| format!("{:.3}", t.p(d));
    [
        neutralise_formula(call_id),
        t.seq.to_string(),
        neutralise_formula(&t.turn),
        crate::store::speaker_name(t.speaker).to_string(),
        neutralise_formula(&t.text),
        t.objection
            .map(ObjectionKind::as_str)
            .unwrap_or("")
            .to_string(),
        p(Detector::Objection),
        flag(Detector::BuyingSignal),
        p(Detector::BuyingSignal),
        flag(Detector::CustomerQuestion),
        flag(Detector::AgentQuestion),
        flag(Detector::AsksCommitment),
        flag(Detector::Rebuttal),
    ]
}
