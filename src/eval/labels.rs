//! Reading a label table (any utterance table: CSV, TSV, XLSX) through the
//! `[eval]` mapping into labelled rows and call-level labels (the split into
//! a training and a test part is `learn::Part`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::analyze::detect::{Detector, Head};
use crate::config::Config;
use crate::config::detect::LabelRule;
use crate::input::{InputError, RowWarning, open_plain_table};
use crate::model::Speaker;
use crate::transcript::speaker_role;

pub use crate::learn::Part;

/// One labelled row.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelRow {
    /// Row number as a spreadsheet shows it.
    pub row: u64,
    pub call_id: String,
    pub turn: Option<String>,
    pub speaker: Speaker,
    pub text: String,
    /// Truth per head (`Head::ALL` order); `None` when not mapped.
    pub heads: [Option<bool>; 6],
    pub rebuttal: Option<bool>,
}

impl LabelRow {
    /// The truth for one detector, `None` when the labels do not say.
    pub fn truth(&self, d: Detector) -> Option<bool> {
        match d {
            Detector::Rebuttal => self.rebuttal,
            _ => Head::parse(d.as_str()).and_then(|h| self.heads[h as usize]),
        }
    }
}

/// A whole label table.
#[derive(Debug, Clone, Default)]
pub struct LabelSet {
    pub file: String,
    pub rows: Vec<LabelRow>,
    /// Call-level labels: call id -> field -> value.
    pub calls: BTreeMap<String, BTreeMap<String, String>>,
    /// Rows that could not be read.
    pub skipped: Vec<RowWarning>,
}

#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{file}: label column `{column}` ({role}) not found; columns: {found}")]
    MissingColumn {
        file: String,
        column: String,
        role: String,
        found: String,
    },
    #[error("[eval] needs `{0}` (or [input.utterances] {0})")]
    Unmapped(&'static str),
    #[error("[eval.detectors] `{0}` is not a detector (one of: {list})", list = detector_names())]
    UnknownDetector(String),
    #[error("[eval.calls] `{0}` is not a call-level field (outcome, engagement, compliance_tier)")]
    UnknownCallField(String),
}

fn detector_names() -> String {
    let mut names: Vec<&str> = Detector::ALL.iter().map(|d| d.as_str()).collect();
    names.push(Head::Social.as_str());
    names.join(", ")
}

pub const CALL_FIELDS: [&str; 3] = ["outcome", "engagement", "compliance_tier"];

/// Column indices of the label table.
struct Cols {
    call_id: usize,
    speaker: usize,
    text: usize,
    turn: Option<usize>,
    /// (target, columns, yes-values lower-cased); target = head or rebuttal.
    rules: Vec<(String, Vec<usize>, Vec<String>)>,
    calls: Vec<(String, usize)>,
}

/// Reads the rows of `part` from the label table at `path`.
pub fn read(path: &Path, cfg: &Config, part: Part) -> Result<LabelSet, LabelError> {
    let table = open_plain_table(path, cfg)?;
    let cols = resolve(&table.file, &table.headers, cfg)?;
    let mut set = LabelSet {
        file: table.file.clone(),
        ..LabelSet::default()
    };
    for row in table.rows {
        let raw = match row {
            Ok(raw) => raw,
            Err(w) => {
                set.skipped.push(w);
                continue;
            }
        };
        let call_id = raw.cell(cols.call_id).trim().to_string();
        if call_id.is_empty() || !part.holds(&call_id) {
            continue;
        }
        for (field, idx) in &cols.calls {
            let value = raw.cell(*idx).trim();
            if !value.is_empty() {
                set.calls
                    .entry(call_id.clone())
                    .or_default()
                    .entry(field.clone())
                    .or_insert_with(|| value.to_string());
            }
        }
        let text = raw.cell(cols.text).trim().to_string();
        if text.is_empty() {
            continue;
        }
        let mut label = LabelRow {
            row: raw.row,
            call_id,
            turn: cols.turn.map(|i| raw.cell(i).trim().to_string()),
            speaker: speaker_role(raw.cell(cols.speaker).trim(), &cfg.speakers),
            text,
            heads: [None; 6],
            rebuttal: None,
        };
        for (target, idxs, yes) in &cols.rules {
            let truth = Some(
                idxs.iter()
                    .any(|i| yes.contains(&raw.cell(*i).trim().to_lowercase())),
            );
            match Head::parse(target) {
                Some(h) => label.heads[h as usize] = truth,
                None => label.rebuttal = truth,
            }
        }
        set.rows.push(label);
    }
    Ok(set)
}

fn resolve(file: &str, headers: &[String], cfg: &Config) -> Result<Cols, LabelError> {
    let utt = cfg.input.utterances.as_ref();
    let pick = |own: &Option<String>, fallback: Option<&String>, role: &'static str| {
        own.clone()
            .or_else(|| fallback.cloned())
            .ok_or(LabelError::Unmapped(role))
    };
    let e = &cfg.eval;
    let find = |name: &str, role: &str| find_column(file, headers, name, role);
    let call_id = find(
        &pick(&e.call_id, utt.map(|u| &u.call_id), "call_id")?,
        "call_id",
    )?;
    let speaker = find(
        &pick(&e.speaker, utt.map(|u| &u.speaker), "speaker")?,
        "speaker",
    )?;
    let text = find(&pick(&e.text, utt.map(|u| &u.text), "text")?, "text")?;
    let turn = match e.turn.clone().or_else(|| utt.and_then(|u| u.turn.clone())) {
        Some(name) => Some(find(&name, "turn")?),
        None => None,
    };
    let mut rules = Vec::new();
    for (target, LabelRule { column, values }) in &e.detectors {
        let known = Head::parse(target).is_some() || target == Detector::Rebuttal.as_str();
        if !known {
            return Err(LabelError::UnknownDetector(target.clone()));
        }
        let yes = values.iter().map(|v| v.trim().to_lowercase()).collect();
        let idxs = column
            .names()
            .iter()
            .map(|c| find(c, target))
            .collect::<Result<Vec<_>, _>>()?;
        rules.push((target.clone(), idxs, yes));
    }
    let mut calls = Vec::new();
    for (field, column) in &e.calls {
        if !CALL_FIELDS.contains(&field.as_str()) {
            return Err(LabelError::UnknownCallField(field.clone()));
        }
        calls.push((field.clone(), find(column, field)?));
    }
    Ok(Cols {
        call_id,
        speaker,
        text,
        turn,
        rules,
        calls,
    })
}

fn find_column(
    file: &str,
    headers: &[String],
    name: &str,
    role: &str,
) -> Result<usize, LabelError> {
    headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| LabelError::MissingColumn {
            file: file.to_string(),
            column: name.to_string(),
            role: role.to_string(),
            found: headers
                .iter()
                .take(30)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        })
}
