//! The per-call metadata table (`--calls META.csv`) joined to transcripts
//! that come without it (utterance tables, a folder of files): loaded into a
//! map by call id, taken out as each call's transcript arrives, and the rows
//! never matched handed back at the end in file order.

use std::collections::{HashMap, VecDeque};

use super::columns::Resolver;
use super::dedup::Dedup;
use super::profiles::mapping_spec;
use super::rows::{BuildCtx, call_from_row, is_blank};
use super::table::Table;
use super::{InputError, RowResult, RowWarning};
use crate::config::Config;
use crate::model::{Call, Leg, Transcript};

/// The metadata table: calls without transcripts, by id, in file order.
pub struct MetaIndex {
    file: String,
    calls: HashMap<String, (Call, Vec<RowWarning>)>,
    order: VecDeque<String>,
}

impl MetaIndex {
    /// Loads every metadata row; skipped rows become warnings in `pending`.
    pub fn load(
        table: Table,
        cfg: &Config,
        notes: &mut Vec<String>,
        pending: &mut VecDeque<RowResult>,
    ) -> Result<MetaIndex, InputError> {
        let mut spec = mapping_spec(&cfg.input);
        spec.legs.clear();
        spec.transcript.clear();
        let mut resolver = Resolver::new(&table.file, &table.headers);
        let cols = resolver.call_columns(&spec)?;
        notes.extend(
            resolver
                .notes
                .into_iter()
                .map(|n| format!("{}: {n}", table.file)),
        );
        let ctx = BuildCtx::new(&table.file, cfg);
        let mut index = MetaIndex {
            file: table.file.clone(),
            calls: HashMap::new(),
            order: VecDeque::new(),
        };
        let mut dedup = Dedup::default();
        for row in table.rows {
            let raw = match row {
                Ok(raw) if is_blank(&raw) => continue,
                Ok(raw) => raw,
                Err(w) => {
                    pending.push_back(RowResult::Skipped(w));
                    continue;
                }
            };
            match call_from_row(&raw, &cols, &ctx) {
                Err(w) => pending.push_back(RowResult::Skipped(w)),
                Ok((call, warnings)) => match dedup.check(&table.file, &call.id, raw.row) {
                    Some(w) => pending.push_back(RowResult::Skipped(w)),
                    None => {
                        index.order.push_back(call.id.clone());
                        index.calls.insert(call.id.clone(), (call, warnings));
                    }
                },
            }
        }
        Ok(index)
    }

    /// The metadata table's file name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The metadata of `id`, removed so it is joined once.
    pub fn take(&mut self, id: &str) -> Option<(Call, Vec<RowWarning>)> {
        self.calls.remove(id)
    }

    /// The call `id` joined with its metadata, its warnings added to
    /// `warnings`; without a metadata table, a bare call. A table that lacks
    /// the id is a warning at `at` (file, row, column): outcome unknown.
    pub fn join(
        index: Option<&mut MetaIndex>,
        id: String,
        warnings: &mut Vec<RowWarning>,
        at: (&str, u64, Option<String>),
    ) -> Call {
        match index.map(|m| m.take(&id)) {
            Some(Some((call, meta_warnings))) => {
                warnings.extend(meta_warnings);
                call
            }
            missing => {
                if missing.is_some() {
                    let (file, row, column) = at;
                    let why = format!("no metadata row for call id `{id}`; outcome unknown");
                    warnings.push(RowWarning::new(file, row, column, why));
                }
                Call::single_leg(id, "call", Transcript::default())
            }
        }
    }

    /// The next metadata row no transcript claimed, in file order.
    pub fn next_unmatched(&mut self) -> Option<(Call, Vec<RowWarning>)> {
        while let Some(id) = self.order.pop_front() {
            if let Some(found) = self.calls.remove(&id) {
                return Some(found);
            }
        }
        None
    }
}

/// Puts `transcript` on the call's deciding (last) leg, adding one when the
/// metadata row described none.
pub fn attach(call: &mut Call, transcript: Transcript) {
    match call.legs.last_mut() {
        Some(leg) => leg.transcript = transcript,
        None => call.legs.push(Leg {
            name: "call".to_string(),
            agent: call.agent.clone(),
            duration_s: call.duration_s,
            transcript,
        }),
    }
}
