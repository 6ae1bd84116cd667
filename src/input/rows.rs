//! One row per call: builds a `Call` (legs, transcript parts, durations,
//! date, disposition, pass-through attributes) from a table row.

use std::cell::Cell;
use std::collections::BTreeMap;

use chrono::{TimeDelta, Utc};

use super::columns::{CallColumns, Col, LegCols, Resolver};
use super::date_order;
use super::dates::{DateOrder, TWO_DIGIT_YEAR_RULE, parse_date};
use super::dedup::Dedup;
use super::profiles::{mapping_spec, outcome_map};
use super::row_shape::Shape;
use super::swallowed;
use super::table::{RawRow, Table};
use super::values::{clean, join_parts, parse_duration};
use super::{CallStream, InputError, RowResult, RowWarning};
use crate::config::{Config, OutcomeMap, SpeakerMap};
use crate::model::{Call, CallTime, Leg, Transcript};
use crate::transcript::parse_text;

/// What building a call needs besides the row.
#[derive(Debug, Clone)]
pub struct BuildCtx {
    pub file: String,
    pub outcomes: OutcomeMap,
    pub speakers: SpeakerMap,
    /// How this file's slash dates are read.
    pub date_order: DateOrder,
    /// The file's one two-digit-year warning was given.
    two_digit_warned: Cell<bool>,
}

impl BuildCtx {
    pub fn new(file: &str, cfg: &Config) -> Self {
        BuildCtx {
            file: file.to_string(),
            outcomes: outcome_map(cfg),
            speakers: cfg.speakers.clone(),
            date_order: DateOrder::MonthFirst,
            two_digit_warned: Cell::new(false),
        }
    }

    fn warn(&self, row: u64, col: &Col, message: String) -> RowWarning {
        RowWarning::new(&self.file, row, Some(col.name.clone()), message)
    }
}

/// Opens a call-per-row table as a call stream.
pub fn open(table: Table, cfg: &Config) -> Result<CallStream, InputError> {
    let mut resolver = Resolver::new(&table.file, &table.headers);
    let cols = resolver.call_columns(&mapping_spec(&cfg.input))?;
    let mut notes = resolver.notes;
    let mut pending = resolver.duplicates;
    let (rows, dates) = date_order::decide(table.rows, cols.started_at.as_ref(), &table.file);
    notes.extend(dates.note);
    pending.extend(dates.ambiguous);
    let ctx = BuildCtx {
        date_order: dates.order,
        ..BuildCtx::new(&table.file, cfg)
    };
    let shape = Shape {
        file: table.file.clone(),
        transcript_last: cols
            .legs
            .iter()
            .flat_map(|leg| &leg.transcript)
            .any(|c| c.idx + 1 == table.headers.len()),
        headers: table.headers,
        delimiter: table.delimiter,
    };
    let mut reader = RowReader {
        ctx,
        cols,
        shape,
        dedup: Dedup::default(),
        pending,
    };
    Ok(CallStream {
        inner: Box::new(rows.flat_map(move |row| reader.read(row))),
        notes,
    })
}

/// Turns the rows of one file into calls, with the file-level state:
/// duplicate ids and the file-level warnings still to give (repeated
/// headers, the date order), which go with the first call.
struct RowReader {
    ctx: BuildCtx,
    cols: CallColumns,
    shape: Shape,
    dedup: Dedup,
    pending: Vec<RowWarning>,
}

impl RowReader {
    /// The calls of one record: itself, and any rows an unclosed quote in
    /// it swallowed.
    fn read(&mut self, row: Result<RawRow, RowWarning>) -> Vec<RowResult> {
        let mut raw = match row {
            Err(w) => return vec![RowResult::Skipped(w)],
            Ok(raw) if is_blank(&raw) => {
                return vec![RowResult::Skipped(blank_row(&self.ctx.file, raw.row))];
            }
            Ok(raw) => raw,
        };
        let misfit = self.shape.fit(&mut raw);
        raw.warnings.extend(misfit);
        let recovered = swallowed::recover(&mut raw, &self.cols, &self.shape);
        let mut results = vec![self.call(raw)];
        for mut raw in recovered {
            let misfit = self.shape.fit(&mut raw);
            raw.warnings.extend(misfit);
            results.push(self.call(raw));
        }
        results
    }

    fn call(&mut self, raw: RawRow) -> RowResult {
        match call_from_row(&raw, &self.cols, &self.ctx) {
            Err(w) => RowResult::Skipped(w),
            Ok((call, mut warnings)) => match self.dedup.check(&self.ctx.file, &call.id, raw.row) {
                Some(w) => RowResult::Skipped(w),
                None => {
                    warnings.append(&mut self.pending);
                    RowResult::Call(Box::new(call), warnings)
                }
            },
        }
    }
}

/// A row with no value in any cell (trailing spreadsheet rows).
pub fn is_blank(raw: &RawRow) -> bool {
    raw.cells.iter().all(|c| c.trim().is_empty())
}

/// The warning for a blank row, which is skipped and counted.
pub fn blank_row(file: &str, row: u64) -> RowWarning {
    RowWarning::new(file, row, None, "blank row; skipped".to_string())
}

/// Reads typed values from one row, collecting a warning per unreadable value.
struct Cells<'a> {
    raw: &'a RawRow,
    ctx: &'a BuildCtx,
    warnings: Vec<RowWarning>,
}

impl Cells<'_> {
    fn text(&self, col: &Option<Col>) -> Option<String> {
        col.as_ref()
            .and_then(|c| clean(self.raw.cell(c.idx)))
            .map(str::to_string)
    }

    /// A parsed value; unparseable is a warning and `None`, never a default.
    fn parsed<T>(
        &mut self,
        col: &Option<Col>,
        parse: impl Fn(&str) -> Result<Option<T>, String>,
    ) -> Option<T> {
        let col = col.as_ref()?;
        parse(self.raw.cell(col.idx)).unwrap_or_else(|e| {
            let w = self
                .ctx
                .warn(self.raw.row, col, format!("{e}; treated as unknown"));
            self.warnings.push(w);
            None
        })
    }

    /// The call's start; a date in the future is kept as given, with a warning.
    /// Two-digit years follow `TWO_DIGIT_YEAR_RULE`, with one warning per file.
    fn started_at(&mut self, col: &Option<Col>) -> Option<CallTime> {
        let parsed = self.parsed(col, |v| parse_date(v, self.ctx.date_order))?;
        if let Some(col) = col.as_ref().filter(|_| parsed.two_digit_year)
            && !self.ctx.two_digit_warned.replace(true)
        {
            let message = format!(
                "two-digit year in `{}` read by the rule {TWO_DIGIT_YEAR_RULE}; every two-digit year in this file is read the same way",
                self.raw.cell(col.idx).trim()
            );
            self.warnings
                .push(self.ctx.warn(self.raw.row, col, message));
        }
        let time = parsed.time;
        if let Some(col) = col.as_ref().filter(|_| is_future(&time)) {
            let message = format!(
                "date `{}` is in the future; kept as given",
                self.raw.cell(col.idx).trim()
            );
            self.warnings
                .push(self.ctx.warn(self.raw.row, col, message));
        }
        Some(time)
    }

    fn leg(&mut self, leg: &LegCols) -> Leg {
        let text = join_parts(leg.transcript.iter().map(|c| self.raw.cell(c.idx)));
        Leg {
            name: leg.name.clone(),
            agent: self.text(&leg.agent),
            duration_s: self.parsed(&leg.duration, parse_duration),
            transcript: Transcript {
                turns: parse_text(&text, &self.ctx.speakers),
                raw: text,
                rows: Vec::new(),
            },
        }
    }
}

/// Later than a day from now (the slack covers any time zone of a local time).
fn is_future(time: &CallTime) -> bool {
    let limit = Utc::now() + TimeDelta::days(1);
    match time {
        CallTime::Zoned(t) => *t > limit,
        CallTime::Local(t) => *t > limit.naive_utc(),
    }
}

/// The call a row describes, with warnings for values that could not be read.
pub fn call_from_row(
    raw: &RawRow,
    cols: &CallColumns,
    ctx: &BuildCtx,
) -> Result<(Call, Vec<RowWarning>), RowWarning> {
    let id = clean(raw.cell(cols.call_id.idx))
        .ok_or_else(|| {
            ctx.warn(
                raw.row,
                &cols.call_id,
                "empty call id; row skipped".to_string(),
            )
        })?
        .to_string();
    let mut cells = Cells {
        raw,
        ctx,
        warnings: raw.warnings.clone(),
    };
    let legs: Vec<Leg> = cols.legs.iter().map(|leg| cells.leg(leg)).collect();
    let last = legs.last();
    let disposition = cells.text(&cols.disposition);
    let call = Call {
        outcome: ctx.outcomes.outcome(disposition.as_deref()),
        agent: cells
            .text(&cols.agent)
            .or_else(|| last.and_then(|l| l.agent.clone())),
        duration_s: cells
            .parsed(&cols.duration, parse_duration)
            .or_else(|| last.and_then(|l| l.duration_s)),
        started_at: cells.started_at(&cols.started_at),
        team: cells.text(&cols.team),
        id,
        disposition,
        attributes: attributes(raw, &cols.passthrough),
        legs,
    };
    Ok((call, cells.warnings))
}

fn attributes(raw: &RawRow, cols: &[Col]) -> BTreeMap<String, String> {
    cols.iter()
        .filter_map(|c| clean(raw.cell(c.idx)).map(|v| (c.name.clone(), v.to_string())))
        .collect()
}
