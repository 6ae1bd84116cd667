//! How many calls an input holds, counted before a run so its progress
//! knows the total. A table of one call per row is counted by its rows
//! without parsing them (rows later skipped as unusable make the count a
//! little high); any other input is read through as the run reads it.

use super::{InputError, InputSpec, RowResult, folder, format_of, open, open_table};
use crate::config::Config;
use crate::config::input::{InputFormat, Layout};

/// The calls in the input, at most `limit`.
pub fn count_calls(spec: &InputSpec, cfg: &Config, limit: Option<u64>) -> Result<u64, InputError> {
    let limit = limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    let format = format_of(&spec.path, cfg.input.format);
    let table_of_calls = cfg.input.layout == Layout::CallPerRow
        && spec.calls_meta.is_none()
        && format != InputFormat::Jsonl
        && !folder::handles(&spec.path);
    let counted = if table_of_calls {
        let table = open_table(&spec.path, format, cfg)?;
        table.rows.filter(Result::is_ok).take(limit).count()
    } else {
        open(spec, cfg)?
            .filter(|row| matches!(row, RowResult::Call(..)))
            .take(limit)
            .count()
    };
    Ok(counted as u64)
}
