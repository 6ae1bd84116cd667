//! Utterance-per-row tables: rows are grouped into calls by call id while
//! streaming (a call's rows must be contiguous), joined with an optional
//! per-call metadata table loaded into a map by call id.
//!
//! - Consecutive rows of one speaker with the same turn index merge into one turn.
//! - Rows of a call id whose earlier rows were already closed (not contiguous)
//!   are skipped with a warning naming the first row of that id.
//! - A call with no metadata row still appears (outcome unknown) with a warning;
//!   a metadata row with no utterances appears with an empty transcript.

use std::collections::VecDeque;

use super::columns::{Resolver, UtteranceCols};
use super::dedup::Dedup;
use super::meta::{MetaIndex, attach};
use super::profiles::utterance_spec;
use super::rows::{BuildCtx, blank_row, is_blank};
use super::speaker_roles::raw_text;
use super::table::{RawRow, RowIter, Table};
use super::values::{clean, parse_duration};
use super::{CallStream, InputError, RowResult, RowWarning};
use crate::config::Config;
use crate::model::{Transcript, Turn, UtteranceRow};

/// Opens an utterance table (and its metadata table) as a call stream.
pub fn open(table: Table, meta: Option<Table>, cfg: &Config) -> Result<CallStream, InputError> {
    let spec = utterance_spec(&cfg.input).ok_or_else(|| InputError::Mapping {
        file: table.file.clone(),
        message: "layout utterance-per-row needs [input.utterances] with call_id, speaker and text"
            .to_string(),
    })?;
    let mut resolver = Resolver::new(&table.file, &table.headers);
    let cols = resolver.utterance_columns(&spec)?;
    let mut notes = resolver.notes;
    let mut pending = VecDeque::new();
    let meta = match meta {
        Some(t) => Some(MetaIndex::load(t, cfg, &mut notes, &mut pending)?),
        None => None,
    };
    let stream = Utterances {
        ctx: BuildCtx::new(&table.file, cfg),
        rows: table.rows,
        cols,
        meta,
        pending,
        current: None,
        seen: Dedup::default(),
        skipping: None,
        rows_done: false,
    };
    Ok(CallStream {
        inner: Box::new(stream),
        notes,
    })
}

/// The utterances of the call being read.
struct Group {
    id: String,
    row: u64,
    turns: Vec<Turn>,
    rows: Vec<UtteranceRow>,
    last_turn_key: Option<String>,
    warnings: Vec<RowWarning>,
}

struct Utterances {
    ctx: BuildCtx,
    rows: RowIter,
    cols: UtteranceCols,
    meta: Option<MetaIndex>,
    pending: VecDeque<RowResult>,
    current: Option<Group>,
    /// First row of every call id whose group is closed.
    seen: Dedup,
    /// A non-contiguous call id whose rows are being skipped.
    skipping: Option<String>,
    rows_done: bool,
}

impl Iterator for Utterances {
    type Item = RowResult;

    fn next(&mut self) -> Option<RowResult> {
        loop {
            if let Some(r) = self.pending.pop_front() {
                return Some(r);
            }
            if self.rows_done {
                return self.next_meta_only();
            }
            match self.rows.next() {
                None => {
                    self.rows_done = true;
                    self.close_group();
                }
                Some(Err(w)) => self.pending.push_back(RowResult::Skipped(w)),
                Some(Ok(raw)) => self.feed(raw),
            }
        }
    }
}

impl Utterances {
    fn feed(&mut self, raw: RawRow) {
        if is_blank(&raw) {
            let w = blank_row(&self.ctx.file, raw.row);
            self.pending.push_back(RowResult::Skipped(w));
            return;
        }
        let Some(id) = clean(raw.cell(self.cols.call_id.idx)).map(str::to_string) else {
            let w = RowWarning::new(
                &self.ctx.file,
                raw.row,
                Some(self.cols.call_id.name.clone()),
                "empty call id; row skipped".to_string(),
            );
            self.pending.push_back(RowResult::Skipped(w));
            return;
        };
        if self.current.as_ref().is_some_and(|g| g.id == id) {
            self.add_utterance(&raw);
            return;
        }
        if self.skipping.as_ref() == Some(&id) {
            return;
        }
        self.close_group();
        if let Some(first) = self.seen.first_row(&id) {
            let w = RowWarning::new(
                &self.ctx.file,
                raw.row,
                Some(self.cols.call_id.name.clone()),
                format!(
                    "rows of call id `{id}` are not contiguous (first rows at row {first}); these rows skipped"
                ),
            );
            self.pending.push_back(RowResult::Skipped(w));
            self.skipping = Some(id);
            return;
        }
        self.skipping = None;
        self.current = Some(Group {
            id,
            row: raw.row,
            turns: Vec::new(),
            rows: Vec::new(),
            last_turn_key: None,
            warnings: Vec::new(),
        });
        self.add_utterance(&raw);
    }

    fn add_utterance(&mut self, raw: &RawRow) {
        let Some(group) = self.current.as_mut() else {
            return;
        };
        group.warnings.extend(raw.warnings.iter().cloned());
        let text = raw.cell(self.cols.text.idx).trim();
        if text.is_empty() {
            return;
        }
        let label = raw.cell(self.cols.speaker.idx).trim().to_string();
        let key = self
            .cols
            .turn
            .as_ref()
            .map(|c| raw.cell(c.idx).trim().to_string());
        let mut time = |col: &Option<super::columns::Col>| {
            let col = col.as_ref()?;
            parse_duration(raw.cell(col.idx)).unwrap_or_else(|e| {
                group.warnings.push(RowWarning::new(
                    &self.ctx.file,
                    raw.row,
                    Some(col.name.clone()),
                    e,
                ));
                None
            })
        };
        let (start_s, end_s) = (time(&self.cols.start), time(&self.cols.end));
        let continues = group.last_turn_key == key
            && group.turns.last().is_some_and(|t| {
                t.label
                    .as_deref()
                    .unwrap_or("")
                    .eq_ignore_ascii_case(&label)
            });
        let turn_value = key.clone().filter(|k| !k.is_empty());
        let open_turns = group.turns.len();
        match group.turns.last_mut() {
            Some(last) if continues => {
                last.text.push(' ');
                group.rows.push(UtteranceRow {
                    turn_index: index_u32(open_turns.saturating_sub(1)),
                    start: last.text.len(),
                    turn: turn_value,
                });
                last.text.push_str(text);
                last.end_s = end_s.or(last.end_s);
            }
            // The speaker is decided for the whole call in `close_group`.
            _ => {
                group.rows.push(UtteranceRow {
                    turn_index: index_u32(open_turns),
                    start: 0,
                    turn: turn_value,
                });
                group.turns.push(Turn {
                    start_s,
                    end_s,
                    ..Turn::new((!label.is_empty()).then_some(label), text)
                });
            }
        }
        group.last_turn_key = key;
    }

    /// Turns the group being read into a call, joined with its metadata.
    fn close_group(&mut self) {
        let Some(group) = self.current.take() else {
            return;
        };
        self.seen.remember(&group.id, group.row);
        let mut warnings = group.warnings;
        let at = (
            self.ctx.file.as_str(),
            group.row,
            Some(self.cols.call_id.name.clone()),
        );
        let mut call = MetaIndex::join(self.meta.as_mut(), group.id, &mut warnings, at);
        let mut turns = group.turns;
        crate::transcript::assign_roles(
            &mut turns,
            &self.ctx.speakers,
            crate::transcript::Layout::Turns,
        );
        let raw = raw_text(&turns);
        let rows = group.rows;
        attach(&mut call, Transcript { raw, turns, rows });
        self.pending
            .push_back(RowResult::Call(Box::new(call), warnings));
    }

    /// After the utterances: metadata rows that had none, in file order.
    fn next_meta_only(&mut self) -> Option<RowResult> {
        let (call, warnings) = self.meta.as_mut()?.next_unmatched()?;
        Some(RowResult::Call(Box::new(call), warnings))
    }
}

fn index_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}
