//! Measuring the stored analysis against human labels (`callscope eval`):
//! reading label tables, matching label rows to stored sentences, figures
//! with bootstrap intervals (`score`), and `eval.json` / `eval.md`
//! (`render`). It reads the store and sits above it in the pipeline.

pub mod labels;
mod matching;
pub mod render;
pub mod score;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::analyze::detect::{Detector, SentenceTag};
use crate::model::Speaker;
use crate::store::{Detail, RunInfo, Store, StoreError};

use labels::{LabelRow, LabelSet};
use matching::Unmatched;
use score::{Agreement, Confusion, Intervals};

/// Worst misses and false hits listed per detector.
const EXAMPLES: usize = 20;
/// Unmatched label rows listed by row.
const UNMATCHED_SHOWN: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the last run stored no sentence detections (re-run `callscope analyze` with this version)"
    )]
    NoDetections,
}

/// Everything `eval` measured.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub labels: String,
    pub analyzer: String,
    pub detector: String,
    pub detectors: BTreeMap<&'static str, DetectorEval>,
    pub calls: BTreeMap<String, Agreement>,
    pub matching: MatchSummary,
}

#[derive(Debug, Clone, Serialize)]
pub struct DetectorEval {
    #[serde(flatten)]
    pub counts: Confusion,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
    pub f1_ci: Option<[f64; 2]>,
    pub precision_ci: Option<[f64; 2]>,
    pub recall_ci: Option<[f64; 2]>,
    /// Labelled positives the detector missed, least confident first.
    pub worst_misses: Vec<Example>,
    /// Detections the labels call wrong, most confident first.
    pub false_hits: Vec<Example>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub call_id: String,
    /// Row of the label file.
    pub row: u64,
    pub text: String,
    pub p: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MatchSummary {
    pub label_rows: u64,
    pub matched: u64,
    /// Label rows whose call id is not in the analysed run.
    pub unmatched_no_call: u64,
    /// Label rows whose call is there but none of its sentences.
    pub unmatched_no_sentence: u64,
    /// Rows of the label file that could not be read.
    pub unreadable_rows: u64,
    /// The first unmatched rows.
    pub unmatched: Vec<UnmatchedRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnmatchedRow {
    pub row: u64,
    pub call_id: String,
    pub text: String,
    pub reason: &'static str,
}

/// Compares the last run in `store` with `labels`.
pub fn evaluate(store: &Store, labels: &LabelSet) -> Result<EvalReport, EvalError> {
    let run = store.latest_run()?;
    let detector = store.run_detector(run.id)?.ok_or(EvalError::NoDetections)?;
    let wanted: HashSet<&str> = labels.rows.iter().map(|r| r.call_id.as_str()).collect();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut tags: Vec<Vec<SentenceTag>> = Vec::new();
    store.for_each_tagged_call(run.id, &detector, |id, t| {
        if wanted.contains(id) {
            index.insert(id.to_string(), tags.len());
            tags.push(t);
        }
        Ok(())
    })?;
    let pairing = matching::pair(&labels.rows, &index, &tags);
    let detectors = Detector::ALL
        .into_iter()
        .filter(|d| labels.rows.iter().any(|r| r.truth(*d).is_some()))
        .map(|d| (d.as_str(), detector_eval(d, &labels.rows, &pairing, &tags)))
        .collect();
    Ok(EvalReport {
        labels: labels.file.clone(),
        analyzer: run.analyzer.clone(),
        detector,
        detectors,
        calls: call_agreement(store, &run, labels)?,
        matching: summary(labels, &pairing),
    })
}

fn detector_eval(
    d: Detector,
    rows: &[LabelRow],
    pairing: &matching::Pairing,
    tags: &[Vec<SentenceTag>],
) -> DetectorEval {
    let mut per_call: BTreeMap<&str, Confusion> = BTreeMap::new();
    let (mut misses, mut false_hits) = (Vec::new(), Vec::new());
    for (row, paired) in rows.iter().zip(pairing) {
        let (Some(truth), Ok((call, i))) = (row.truth(d), paired) else {
            continue;
        };
        if row.speaker != d.side() && row.speaker != Speaker::Unknown {
            continue;
        }
        let tag = &tags[*call][*i];
        let hit = tag.hit(d);
        per_call.entry(&row.call_id).or_default().add(truth, hit);
        let example = || Example {
            call_id: row.call_id.clone(),
            row: row.row,
            text: row.text.clone(),
            p: f64::from(tag.p(d)),
        };
        match (truth, hit) {
            (true, false) => misses.push(example()),
            (false, true) => false_hits.push(example()),
            _ => {}
        }
    }
    misses.sort_by(|a, b| a.p.total_cmp(&b.p));
    false_hits.sort_by(|a, b| b.p.total_cmp(&a.p));
    misses.truncate(EXAMPLES);
    false_hits.truncate(EXAMPLES);
    let calls: Vec<Confusion> = per_call.into_values().collect();
    let mut counts = Confusion::default();
    for c in &calls {
        counts = Confusion {
            tp: counts.tp + c.tp,
            fp: counts.fp + c.fp,
            fn_: counts.fn_ + c.fn_,
            tn: counts.tn + c.tn,
        };
    }
    let Intervals {
        precision,
        recall,
        f1,
    } = score::bootstrap(&calls);
    DetectorEval {
        counts,
        precision: counts.precision(),
        recall: counts.recall(),
        f1: counts.f1(),
        f1_ci: f1,
        precision_ci: precision,
        recall_ci: recall,
        worst_misses: misses,
        false_hits,
    }
}

/// Call-level fields: the stored value against the label, per field.
fn call_agreement(
    store: &Store,
    run: &RunInfo,
    labels: &LabelSet,
) -> Result<BTreeMap<String, Agreement>, StoreError> {
    let mut out: BTreeMap<String, Agreement> = BTreeMap::new();
    if labels.calls.is_empty() {
        return Ok(out);
    }
    store.for_each_row(run.id, &run.analyzer, Detail::Summary, |row| {
        let Some(fields) = labels.calls.get(&row.call.id) else {
            return Ok(());
        };
        let insight = row.analysis.as_ref().and_then(|a| a.insight.as_ref());
        for (field, truth) in fields {
            let stored = match field.as_str() {
                "outcome" => Some(row.call.outcome.as_str().to_string()),
                "engagement" => insight.and_then(|i| i.engagement).map(|e| snake(&e)),
                _ => insight
                    .and_then(|i| i.script.as_ref())
                    .map(|s| snake(&s.tier())),
            };
            out.entry(field.clone()).or_default().add(
                &truth.to_lowercase(),
                stored.as_deref().unwrap_or("unknown"),
            );
        }
        Ok(())
    })?;
    out.values_mut().for_each(Agreement::finish);
    Ok(out)
}

fn snake(v: &impl Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn summary(labels: &LabelSet, pairing: &matching::Pairing) -> MatchSummary {
    let mut s = MatchSummary {
        label_rows: labels.rows.len() as u64,
        unreadable_rows: labels.skipped.len() as u64,
        ..MatchSummary::default()
    };
    for (row, paired) in labels.rows.iter().zip(pairing) {
        let reason = match paired {
            Ok(_) => {
                s.matched += 1;
                continue;
            }
            Err(Unmatched::NoCall) => {
                s.unmatched_no_call += 1;
                "call not in the analysed run"
            }
            Err(Unmatched::NoSentence) => {
                s.unmatched_no_sentence += 1;
                "no stored sentence with these words"
            }
        };
        if s.unmatched.len() < UNMATCHED_SHOWN {
            s.unmatched.push(UnmatchedRow {
                row: row.row,
                call_id: row.call_id.clone(),
                text: row.text.clone(),
                reason,
            });
        }
    }
    s
}
